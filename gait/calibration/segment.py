"""Sensor→segment rotation from a standing window (vertical) and walking (mediolateral axis).

Frame construction (biomech.md §2.2): Y = up from standing gravity; Z = functional mediolateral axis, pointed
to the right and made perpendicular to Y; X = Y × Z (anterior). The result maps sensor coordinates to segment
coordinates, ``v_segment = R_segment_sensor.apply(v_sensor)``, the same convention as the walker's mounting
rotation R_BS (biomech.md §6.3: R_GS = R_GB·R_BS). Works for any mounting orientation; the quality index
(0..1) and plain-language warnings say how far to trust it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
from scipy.signal import butter, sosfiltfilt
from scipy.spatial.transform import Rotation

from gait.calibration.forward import ForwardEstimate, forward_direction
from gait.calibration.functional import SKEW_LOWPASS_HZ, AxisEstimate, mediolateral_axis
from gait.calibration.global_axis import ForwardLine, sensor_orientation_enu, standing_pose_forward
from gait.calibration.standing import (
    StandingEstimate,
    estimate_vertical,
    find_standing_window,
    still_mask,
)
from gait.conventions import GRAVITY_MPS2, PLACEMENTS
from gait.errors import GaitError
from gait.types import SampleBlock

Window = tuple[float, float]

#: Functional movement: samples faster than this count (rad/s; gentle 10° ankle rocking peaks ≈ 0.5 rad/s).
FUNCTIONAL_MIN_RPS = 0.1
#: ... and the movement must be this close to a single-axis rotation (λ1 / (λ1 + λ2)).
FUNCTIONAL_MIN_PLANARITY = 0.9
#: Walking-direction and stride fits use the recording within this time of the standing window (s).
NEAR_STANDING_S = 60.0
#: Below this overall quality a warning is raised (components are in ``details``).
POOR_QUALITY = 0.5


class CalibrationError(GaitError):
    """Calibration impossible for a sensor (e.g. no walking in the recording)."""


@dataclass
class SegmentCalibration:
    """Calibration of one sensor.

    ``rotation`` maps sensor to segment coordinates. ``quality`` is 0..1 (the minimum of the components in
    ``details["quality_components"]``); ``warnings`` are one-line texts for people.
    """

    sensor: str
    rotation: Rotation
    quality: float
    warnings: list[str] = field(default_factory=list)
    standing: StandingEstimate | None = None
    axis: AxisEstimate | None = None
    details: dict = field(default_factory=dict)

    @property
    def quat_wxyz(self) -> np.ndarray:
        """Sensor→segment rotation as a scalar-first quaternion."""
        return self.rotation.as_quat(scalar_first=True)

    def to_segment(self, vectors_sensor: np.ndarray) -> np.ndarray:
        """Express (N, 3) or (3,) sensor-frame vectors (gyr, acc) in the segment frame."""
        return self.rotation.apply(vectors_sensor)

    def to_dict(self) -> dict:
        """JSON-ready summary (quaternion wxyz, quality, warnings, windows, components)."""
        return {
            "sensor": self.sensor,
            "quat_wxyz": [round(float(v), 6) for v in self.quat_wxyz],
            "quality": round(float(self.quality), 3),
            "warnings": list(self.warnings),
            "standing_window_s": None if self.standing is None else [self.standing.t0_s, self.standing.t1_s],
            **{k: v for k, v in self.details.items() if k != "quality_components"},
            "quality_components": {
                k: round(float(v), 3) for k, v in self.details["quality_components"].items()
            },
        }


def frame_from_axes(up_sensor: np.ndarray, ml_sensor: np.ndarray) -> Rotation:
    """Sensor→segment rotation: Y is ``up_sensor``, Z is ``ml_sensor`` made perpendicular to Y."""
    y = np.asarray(up_sensor, float) / np.linalg.norm(up_sensor)
    z = np.asarray(ml_sensor, float) - (np.dot(ml_sensor, y)) * y
    norm = np.linalg.norm(z)
    if norm < 1e-6:
        raise ValueError("mediolateral axis is parallel to the vertical axis")
    z /= norm
    x = np.cross(y, z)
    return Rotation.from_matrix(np.vstack([x, y, z]))  # rows: segment axes in sensor coordinates


def _segment_of(sensor: str) -> str | None:
    return sensor.split("_", 1)[1] if sensor in PLACEMENTS else None


def _in_window(t_s: np.ndarray, window: Window | None) -> np.ndarray:
    if window is None:
        return np.ones(len(t_s), bool)
    return (t_s >= window[0]) & (t_s <= window[1])


def _vertical_without_standing(block: SampleBlock, moving: np.ndarray) -> np.ndarray:
    """Fallback up axis from walking: foot-flat samples for a foot, else the mean specific force."""
    acc, gyr = block.acc_mps2[moving], block.gyr_rps[moving]
    slow = np.linalg.norm(gyr, axis=1) < 0.5
    if _segment_of(block.sensor) == "foot" and np.count_nonzero(slow) > 20:
        acc = acc[slow]
    mean = acc.mean(axis=0)
    return mean / np.linalg.norm(mean)


def _quality_components(
    standing: StandingEstimate | None,
    axis: AxisEstimate,
    line: ForwardLine | None,
    functional: AxisEstimate | None,
    stride_check_deg: float | None,
) -> dict[str, float]:
    """Each component is 1 when ideal and falls linearly to 0 at a clearly unusable value.

    Only the evidence the chosen method relies on is scored: the walking direction (its clarity and the
    straight walking behind it) when it set the axis, else the gyro axis (repeatability, planarity, tilt).
    """
    comps = {"standing": 0.3, "sign_confidence": axis.sign_confidence}
    if functional is not None:
        comps["functional_planarity"] = float(np.clip((functional.planarity - 0.9) / 0.08, 0, 1))
    elif line is not None:
        # low-passed fore-aft / mediolateral acceleration variance: 45–300 on real feet, ≈ 5 = no direction
        comps["direction_clarity"] = float(np.clip(np.log10(line.anisotropy / 5.0), 0, 1))
        comps["straight_walking"] = float(np.clip(line.bout_s / 4.0, 0, 1))
        if stride_check_deg is not None:  # foot: two independent direction estimates should agree
            comps["direction_agreement"] = float(np.clip(1 - stride_check_deg / 20.0, 0, 1))
    else:
        # biomech.md §2.2: reject when repeated axis estimates differ by > 5°
        spread = axis.spread_deg
        comps["axis_repeatability"] = 0.5 if np.isnan(spread) else float(np.clip(1 - spread / 10, 0, 1))
        comps["axis_planarity"] = float(np.clip((axis.planarity - 0.5) / 0.35, 0, 1))
        comps["axis_perpendicular"] = float(np.clip(1 - (axis.tilt_deg - 10) / 20, 0, 1))
    if standing is not None:
        still = 1 - max(standing.gyr_std_rps / 0.05, standing.acc_std_mps2 / 0.3) / 2
        # |mean acc| far from g means scale/bias problems or a non-still window (0 at 2 m/s² off)
        gravity = 1 - abs(standing.acc_norm_mps2 - GRAVITY_MPS2) / 2.0
        comps["standing"] = float(np.clip(min(still, gravity), 0, 1))
    return comps


def _warnings(
    sensor: str, standing: StandingEstimate | None, comps: dict[str, float], quality: float
) -> list[str]:
    out = []
    if standing is None:
        out.append(
            f"{sensor}: no quiet-standing window found; vertical axis estimated from walking "
            "(less accurate). Start recordings with 5-10 s of still standing."
        )
    if quality < POOR_QUALITY:
        worst = min(comps, key=comps.get)
        out.append(
            f"{sensor}: calibration quality {quality:.2f} is poor (weakest: {worst}); "
            "frontal and transverse angles may be off by several degrees."
        )
    if comps["sign_confidence"] < 0.3:
        out.append(
            f"{sensor}: direction of the mediolateral axis is uncertain (walking pattern unclear); "
            "left/right of the segment frame may be flipped."
        )
    return out


def _forward_axis(line: ForwardLine, forward: ForwardEstimate | None, up: np.ndarray) -> np.ndarray:
    """Walking direction for the frame: the acceleration line, averaged for a foot with the strapdown stride
    direction (independent errors; on real feet they differ by a median 4.5°, in the walker by < 1°)."""
    if forward is None:
        return line.axis_sensor
    stride = forward.forward_sensor - (forward.forward_sensor @ up) * up
    stride /= np.linalg.norm(stride)
    along = line.axis_sensor * np.sign(line.axis_sensor @ stride)
    return (along + stride) / np.linalg.norm(along + stride)


def _stride_check_deg(
    forward: ForwardEstimate | None, line: ForwardLine | None, up: np.ndarray
) -> float | None:
    """Foot QA: angle between the strapdown stride direction and the walking-direction line (unsigned)."""
    if forward is None or line is None:
        return None
    a, b = (v - (v @ up) * up for v in (forward.forward_sensor, line.axis_sensor))
    cos = abs(a @ b) / (np.linalg.norm(a) * np.linalg.norm(b))
    return round(float(np.degrees(np.arccos(np.clip(cos, 0.0, 1.0)))), 2)


def _near_standing(t_s: np.ndarray, standing: StandingEstimate | None, moving: np.ndarray) -> slice:
    """Samples within ``NEAR_STANDING_S`` of the standing window (or of the first movement without one):
    all the walking-direction and stride fits use, so an hour-long block costs no more than a minute."""
    if standing is not None:
        t0, t1 = standing.t0_s - NEAR_STANDING_S, standing.t1_s + NEAR_STANDING_S
    else:
        first = t_s[np.flatnonzero(moving)[0]] if np.any(moving) else t_s[0]
        t0, t1 = first - 5.0, first + 2 * NEAR_STANDING_S
    return slice(int(np.searchsorted(t_s, t0)), int(np.searchsorted(t_s, t1, side="right")))


def _functional_axis(
    block: SampleBlock, window: Window, bias: np.ndarray, up: np.ndarray, walking_ml: np.ndarray
) -> tuple[AxisEstimate | None, str | None]:
    """Hinge axis of a functional movement (ankle rocking, heel raises), signed by the walking axis.

    Used only when the segment really moved about one axis (≥ 1 s faster than ``FUNCTIONAL_MIN_RPS``,
    planarity ≥ ``FUNCTIONAL_MIN_PLANARITY``); the foot stays flat during ankle rocking, so for it the walking
    axis is kept (no note: that is expected).
    """
    sel = _in_window(block.t_s, window)
    gyr = block.gyr_rps[sel] - bias
    fast = np.linalg.norm(gyr, axis=1) > FUNCTIONAL_MIN_RPS
    if np.count_nonzero(fast) < block.rate_hz:
        return None, None
    estimate = mediolateral_axis(gyr, up, sign_reference=walking_ml, min_rate_rps=FUNCTIONAL_MIN_RPS)
    if estimate.planarity < FUNCTIONAL_MIN_PLANARITY:
        return None, (
            f"{block.sensor}: functional movement was not a clean hinge motion (planarity "
            f"{estimate.planarity:.2f}); mediolateral axis taken from walking instead"
        )
    return estimate, None


def calibrate_segment(
    block: SampleBlock,
    standing_window: Window | None = None,
    walking_window: Window | None = None,
    functional_window: Window | None = None,
) -> SegmentCalibration:
    """Sensor→segment rotation for one sensor, with a quality index and warnings.

    ``standing_window``: quiet standing (s, on ``block.t_s``'s clock); found automatically when ``None``.
    ``walking_window``: the part used for the mediolateral axis; default: every non-still sample.
    ``functional_window``: optional ankle rocking / heel raises; when that was a clean hinge motion its axis
    (signed by the walking axis) replaces the walking axis. Raises :class:`CalibrationError` without movement.
    """
    t, acc, gyr = block.t_s, block.acc_mps2, block.gyr_rps
    if standing_window is None:
        standing_window = find_standing_window(t, acc, gyr)
    standing = None if standing_window is None else estimate_vertical(t, acc, gyr, standing_window)
    moving = _in_window(t, walking_window) & ~still_mask(t, acc, gyr)
    if functional_window is not None:
        moving &= ~_in_window(t, functional_window)
    if standing is not None:
        moving &= ~_in_window(t, (standing.t0_s, standing.t1_s))
        up = standing.up_sensor
    else:
        up = _vertical_without_standing(block, moving)
    bias = np.zeros(3) if standing is None else standing.gyr_mean_rps
    near = _near_standing(t, standing, moving)  # orientation-based fits need only the walking near standing
    tn, an, gn = t[near], acc[near], gyr[near]
    quat = sensor_orientation_enu(tn, an, gn)  # one 6D VQF run serves the stride and direction fits
    forward = forward_direction(tn, an, gn, quat_enu=quat) if _segment_of(block.sensor) == "foot" else None
    try:
        smooth = sosfiltfilt(
            butter(2, min(SKEW_LOWPASS_HZ, 0.4 * block.rate_hz), fs=block.rate_hz, output="sos"),
            gyr - bias,
            axis=0,
        )
        axis = mediolateral_axis(gyr[moving] - bias, up, forward=forward, skew_gyr_rps=smooth[moving])
    except ValueError as exc:
        raise CalibrationError(
            f"{block.sensor}: cannot find the mediolateral axis ({exc}); the recording needs some walking"
        ) from None
    if forward is None and _segment_of(block.sensor) == "foot":
        # the foot's rate skew is weak and of either sign (walker: −0.1 walking, −0.6 running): no confidence
        axis = replace(axis, sign_confidence=0.0)
    ml, method, pca_vs_pose_deg, line, strides = axis.axis_sensor, "gyro-pca", None, None, None
    if standing is not None:
        line = standing_pose_forward(tn, an, gn, (standing.t0_s, standing.t1_s), moving[near], quat_enu=quat)
        if line is not None:
            strides = (
                None
                if forward is None
                else forward_direction(tn, an, gn, window=line.bout_window_s, quat_enu=quat)
            )
            pose_ml = np.cross(_forward_axis(line, strides, up), up)  # Z = X × Y, still unsigned
            pose_ml *= np.sign(pose_ml @ ml)
            pca_vs_pose_deg = round(float(np.degrees(np.arccos(np.clip(pose_ml @ ml, -1, 1)))), 2)
            ml, method = pose_ml, "walking-direction"
    functional, functional_note = None, None
    if functional_window is not None:
        functional, functional_note = _functional_axis(block, functional_window, bias, up, ml)
        if functional is not None:
            ml, method = functional.axis_sensor, "functional"
    stride_check = _stride_check_deg(strides, line, up)
    comps = _quality_components(standing, axis, line, functional, stride_check)
    quality = float(min(comps.values()))
    details = {
        "axis_spread_deg": round(axis.spread_deg, 2),
        "axis_planarity": round(axis.planarity, 4),
        "vertical_source": "standing" if standing is not None else "walking",
        "sign_source": axis.sign_source,
        "axis_method": method,
        "gyro_axis_vs_walking_direction_deg": pca_vs_pose_deg,
        "direction_anisotropy": None if line is None else round(line.anisotropy, 1),
        "stride_vs_walking_direction_deg": stride_check,
        "straight_walking_s": None if line is None else round(line.bout_s, 2),
        "functional_axis_deg_from_walking": None
        if functional is None
        else round(
            float(np.degrees(np.arccos(np.clip(functional.axis_sensor @ axis.axis_sensor, -1, 1)))), 2
        ),
        "quality_components": comps,
    }
    warnings = _warnings(block.sensor, standing, comps, quality)
    if functional_note:
        warnings.append(functional_note)
    return SegmentCalibration(
        sensor=block.sensor,
        rotation=frame_from_axes(up, ml),
        quality=quality,
        warnings=warnings,
        standing=standing,
        axis=axis,
        details=details,
    )


def calibrate_sensors(
    blocks: dict[str, SampleBlock], windows: list[dict] | None = None
) -> dict[str, SegmentCalibration]:
    """Calibrate every sensor; ``windows`` are the session's ``calibration`` entries ({kind, t0_s, t1_s}).

    Kinds used: ``standing``, ``functional`` and ``walking`` (others, e.g. ``taps``, are ignored). Window
    times must be on the same clock as the blocks (normally the session clock, after sync).
    """
    by_kind = {w["kind"]: (float(w["t0_s"]), float(w["t1_s"])) for w in windows or []}
    return {
        name: calibrate_segment(
            block,
            standing_window=by_kind.get("standing"),
            walking_window=by_kind.get("walking"),
            functional_window=by_kind.get("functional"),
        )
        for name, block in blocks.items()
    }
