"""Tiny independent gait-like signal generator for calibration tests (not the project's walker).

Segment orientation = sagittal angle θ(t) about ISB Z plus small frontal/transverse wobble; the sensor is
mounted with a known rotation R_BS (v_segment = R_BS·v_sensor). Gyro from the orientation increments, acc =
specific force of gravity plus a small swing acceleration.
"""

from __future__ import annotations

import numpy as np
from scipy.interpolate import CubicSpline
from scipy.spatial.transform import Rotation

from gait.conventions import GRAVITY_MPS2
from gait.types import SampleBlock

# % gait cycle -> sagittal angle (deg, + = distal end forward / toe up); IC at 0 %, TC at 60 %
SHANK_KEYS = ([0, 15, 40, 60, 73, 87, 100], [8, 2, -12, -40, -25, 15, 8])
FOOT_KEYS = ([0, 8, 15, 40, 50, 60, 75, 90, 100], [20, 0, 0, 0, -15, -60, -30, 25, 20])


def _cycle_angle_deg(keys, phase_pct):
    x, y = keys
    return CubicSpline(x, y, bc_type="periodic")(phase_pct % 100.0)


def segment_rotations(
    segment: str, t_s: np.ndarray, standing_s: float, stride_s: float = 1.1, wobble_deg: float = 3.0
) -> Rotation:
    walking = t_s >= standing_s
    phase = (t_s - standing_s) / stride_s * 100.0
    keys = SHANK_KEYS if segment == "shank" else FOOT_KEYS
    theta = np.where(walking, _cycle_angle_deg(keys, phase), 0.0)
    # ramp in over the first half stride so the start is continuous
    theta *= np.clip((t_s - standing_s) / (0.5 * stride_s), 0, 1)
    frontal = np.where(walking, wobble_deg * np.sin(2 * np.pi * phase / 100 + 0.5), 0.0)
    transverse = np.where(walking, 1.3 * wobble_deg * np.sin(2 * np.pi * phase / 100 + 1.3), 0.0)
    return Rotation.from_euler("ZXY", np.column_stack([theta, frontal, transverse]), degrees=True)


def _forward_position_m(
    segment: str, t_s: np.ndarray, standing_s: float, stride_s: float = 1.1
) -> np.ndarray:
    """Foot: still in stance, a smooth 1.3 m step in swing (60–100 % cycle). Shank: steady progression."""
    cycles = np.clip((t_s - standing_s) / stride_s, 0, None)
    if segment == "shank":
        return 1.3 * cycles + 0.05 * np.sin(2 * np.pi * cycles)
    swing = np.clip((cycles % 1.0 - 0.6) / 0.4, 0, 1)
    return 1.3 * (np.floor(cycles) + swing**3 * (10 - 15 * swing + 6 * swing**2))


def make_block(
    sensor: str,
    mounting: Rotation,
    duration_s: float = 30.0,
    standing_s: float = 6.0,
    rate_hz: float = 200.0,
    seed: int = 0,
    gyr_bias_rps: np.ndarray | None = None,
    wobble_deg: float = 3.0,
) -> SampleBlock:
    rng = np.random.default_rng(seed)
    t = np.arange(0, duration_s, 1 / rate_hz)
    segment = sensor.split("_")[1]
    r_gb = segment_rotations(segment, t, standing_s, wobble_deg=wobble_deg)
    r_gs = r_gb * mounting
    gyr = (r_gs[:-1].inv() * r_gs[1:]).as_rotvec() * rate_hz
    gyr = np.vstack([gyr, gyr[-1:]])
    lin_acc_global = np.zeros((len(t), 3))
    lin_acc_global[:, 0] = np.gradient(np.gradient(_forward_position_m(segment, t, standing_s), t), t)
    acc = r_gs.inv().apply(lin_acc_global + np.array([0.0, GRAVITY_MPS2, 0.0]))
    bias = np.zeros(3) if gyr_bias_rps is None else gyr_bias_rps
    gyr = gyr + bias + rng.normal(0, 0.002, gyr.shape)
    acc = acc + rng.normal(0, 0.02, acc.shape)
    return SampleBlock(sensor=sensor, t_s=t, acc_mps2=acc, gyr_rps=gyr, clock="session")
