"""Stages shared by the offline and the live analyser: common time grid, segment motion, per-side curves.

Both paths call exactly these functions (offline on whole arrays, live on new blocks), so a replay and an
offline analysis of the same session can agree to numerical precision when they use a causal estimator.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial.transform import Rotation

from gait.conventions import placement
from gait.kinematics import (
    ankle_angles_deg,
    free_acceleration_mps2,
    global_angular_velocity_rps,
    joint_rates_dps,
    vertical_rate_dps,
)
from gait.metrics import SideCurves, Stride
from gait.orientation.frames import segment_orientation_isb
from gait.types import SampleBlock


@dataclass
class SegmentMotion:
    """One segment on the common grid: orientation segment→global (ISB, wxyz) and segment-frame IMU data."""

    q_wxyz: np.ndarray
    gyr_rps: np.ndarray
    acc_mps2: np.ndarray

    def __len__(self) -> int:
        return int(self.q_wxyz.shape[0])

    def tail(self, start: int) -> SegmentMotion:
        return self.select(slice(start, None))

    def select(self, index) -> SegmentMotion:
        """Samples ``index`` (slice or mask) of every array."""
        return SegmentMotion(self.q_wxyz[index], self.gyr_rps[index], self.acc_mps2[index])


def grid_indices(t_start_s: float, t_end_s: float, rate_hz: float) -> np.ndarray:
    """Integer sample numbers k with k/rate in [t_start, t_end]: a grid anchored at session time 0.

    Anchoring at 0 (not at the first sample) makes the grid of a live stream and of an offline analysis the
    same points, so interpolated values agree exactly.
    """
    k0 = int(np.ceil(t_start_s * rate_hz - 1e-9))
    k1 = int(np.floor(t_end_s * rate_hz + 1e-9))
    return np.arange(k0, k1 + 1)


def resample(block: SampleBlock, t_grid_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Linear interpolation of acc and gyr onto ``t_grid_s`` (inside the block's time span).

    (Measured: one linear B-spline over all six columns searches the intervals once but, with its extra
    hour-long temporaries, costs more than six ``np.interp`` calls.)
    """
    def columns(values: np.ndarray) -> np.ndarray:  # interp reads contiguous columns faster than strided ones
        return np.column_stack([np.interp(t_grid_s, block.t_s, c) for c in np.ascontiguousarray(values.T)])

    return columns(block.acc_mps2), columns(block.gyr_rps)


def segment_motion(q_sensor_enu_wxyz: np.ndarray, acc_mps2: np.ndarray, gyr_rps: np.ndarray,
                   sensor_to_segment: Rotation) -> SegmentMotion:
    """Sensor orientation (ENU) + calibration → segment orientation (ISB) and segment-frame gyr/acc.

    The orientation is :func:`gait.orientation.frames.segment_orientation_isb` (``R_GB = ENU_TO_ISB · R_ES ·
    R_BSᵀ``), the one definition the orientation stage and the pipeline share.
    """
    q_gb = segment_orientation_isb(q_sensor_enu_wxyz, sensor_to_segment)
    return SegmentMotion(
        q_wxyz=q_gb,
        gyr_rps=sensor_to_segment.apply(gyr_rps),
        acc_mps2=sensor_to_segment.apply(acc_mps2),
    )


def side_curves(side: str, t_s: np.ndarray, shank: SegmentMotion | None, foot: SegmentMotion | None,
                q_foot_corrected_wxyz: np.ndarray | None = None) -> SideCurves:
    """Angles, rates and shank rotation of one side; missing segments leave signals None with a reason.

    ``q_foot_corrected_wxyz`` is the foot orientation after the relative-heading correction (gait.heading).
    """
    curves = SideCurves(t_s=t_s)
    w_shank = None if shank is None else global_angular_velocity_rps(shank.q_wxyz, shank.gyr_rps)
    if shank is None or foot is None:
        absent = [placement(side, seg) for seg, m in (("shank", shank), ("foot", foot)) if m is None]
        curves.missing["angles_deg"] = f"needs {' and '.join(absent)} (ankle angles need shank + foot)"
    else:
        q_foot = foot.q_wxyz if q_foot_corrected_wxyz is None else q_foot_corrected_wxyz
        curves.angles_deg = ankle_angles_deg(shank.q_wxyz, q_foot, side)
        curves.rates_dps = joint_rates_dps(shank.q_wxyz, q_foot, foot.gyr_rps, w_shank, side)
    if shank is None:
        curves.missing["shank_ir_rate_dps"] = f"needs {placement(side, 'shank')}"
    else:
        curves.shank_ir_rate_dps = vertical_rate_dps(w_shank, side)
    if foot is None:
        curves.missing["foot_acc_global_mps2"] = f"needs {placement(side, 'foot')}"
    else:
        curves.foot_acc_global_mps2 = free_acceleration_mps2(foot.q_wxyz, foot.acc_mps2)
    return curves


#: Metrics that are absolute angles: they need the standing pose as zero (excursions do not).
ABSOLUTE_ANGLE_METRICS = ("peak_dorsiflexion_deg", "peak_eversion_deg")
NO_STANDING_REASON = ("no standing calibration window: absolute angles have no zero reference "
                      "(excursions are still reported)")
#: Stance dorsiflexion beyond this (deg) is not a human ankle: the calibration must be wrong.
IMPLAUSIBLE_DORSIFLEXION_DEG = 45.0


def apply_reference_policy(stride: Stride, has_standing: bool) -> Stride:
    """Null absolute-angle metrics when there was no standing window (DESIGN: say "not available")."""
    if not has_standing:
        for name in ABSOLUTE_ANGLE_METRICS:
            if stride.metrics.get(name) is not None:
                stride.metrics[name] = None
                stride.unavailable[name] = NO_STANDING_REASON
    return stride


def plausibility_warnings(strides: list[Stride], curves: dict[str, SideCurves]) -> list[str]:
    """Warn when the ankle angles cannot be human (typically a wrong sensor-to-segment calibration)."""
    out = []
    for side, c in curves.items():
        if c.angles_deg is None:
            continue
        spans = [(s.ic_s, s.tc_s) for s in strides if s.side == side and s.valid]
        if not spans:
            continue
        stance = np.zeros(c.t_s.size, bool)
        for ic, tc in spans:
            stance[np.searchsorted(c.t_s, ic):np.searchsorted(c.t_s, tc)] = True
        alpha = float(np.median(np.abs(c.angles_deg[stance, 0]))) if stance.any() else 0.0
        if alpha > IMPLAUSIBLE_DORSIFLEXION_DEG:
            out.append(f"{side}: median stance ankle angle {alpha:.0f}° is not physiological; the shank or "
                       "foot calibration is probably wrong, treat this side's angles as unreliable")
    return out
