"""Known-truth IMU signals for orientation tests: smooth 3-D motion of a sensor, ENU earth frame."""

from __future__ import annotations

import numpy as np
from scipy.spatial.transform import Rotation

from gait.conventions import GRAVITY_MPS2

FIELD_ENU_UT = 50.0 * np.array([0.0, np.cos(np.radians(65)), -np.sin(np.radians(65))])


def truth_motion(duration_s: float = 20.0, rate_hz: float = 100.0, rest_s: float = 3.0, seed: int = 0):
    """Returns (t, R_ES truth, gyr, acc, mag): rest, then sinusoidal rotations about all axes."""
    rng = np.random.default_rng(seed)
    t = np.arange(0.0, duration_s, 1.0 / rate_hz)
    moving = np.clip((t - rest_s) / 1.0, 0.0, 1.0)
    freqs, phases = rng.uniform(0.2, 0.9, 3), rng.uniform(0, 2 * np.pi, 3)
    amps = np.radians([25.0, 20.0, 60.0])  # roll, pitch, heading swings
    angles = moving[:, None] * amps * np.sin(2 * np.pi * freqs * t[:, None] + phases)
    start = Rotation.from_euler("ZYX", rng.uniform(-1, 1, 3) * np.radians([170, 30, 30]))
    r_es = start * Rotation.from_euler("ZYX", angles[:, ::-1])
    r_es = Rotation.from_euler("z", rng.uniform(-np.pi, np.pi)) * r_es
    # gyr[k] = mean rate over (k-1, k]: what the filters integrate to get from sample k-1 to k
    gyr = (r_es[:-1].inv() * r_es[1:]).as_rotvec() * rate_hz
    gyr = np.vstack([gyr[:1], gyr])
    acc = r_es.inv().apply(np.array([0.0, 0.0, GRAVITY_MPS2]))
    mag = r_es.inv().apply(FIELD_ENU_UT)
    return t, r_es, gyr, acc, mag


def error_deg(quat_wxyz: np.ndarray, truth: Rotation) -> np.ndarray:
    return np.degrees((Rotation.from_quat(quat_wxyz, scalar_first=True) * truth.inv()).magnitude())


def inclination_error_deg(quat_wxyz: np.ndarray, truth: Rotation) -> np.ndarray:
    """Angle between estimated and true sensor "up" directions (heading-free)."""
    up_est = Rotation.from_quat(quat_wxyz, scalar_first=True).inv().apply([0, 0, 1.0])
    up_true = truth.inv().apply([0, 0, 1.0])
    return np.degrees(np.arccos(np.clip(np.sum(up_est * up_true, axis=1), -1, 1)))
