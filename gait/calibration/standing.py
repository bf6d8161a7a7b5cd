"""Quiet standing: find a still window and take the vertical (up) axis from gravity.

At rest an accelerometer reads the specific force, i.e. ``+g`` along "up" expressed in the sensor frame, so
the mean accelerometer vector over a quiet-standing window is the segment's vertical axis in sensor
coordinates (biomech.md §2.2: it assumes a vertical tibia and a flat foot; a real standing tilt becomes the
zero offset).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import uniform_filter1d

from gait.conventions import GRAVITY_MPS2

#: Still means: smoothed |gyr| below this (rad/s, ≈ 8.6 °/s: leaves room for uncorrected gyro bias) ...
STILL_GYR_RPS = 0.15
#: ... and smoothed |acc| within this of g (m/s²).
STILL_ACC_DEV_MPS2 = 0.6
#: Shortest window accepted as quiet standing (s); the protocol asks for 5–10 s.
MIN_STANDING_S = 1.0


@dataclass(frozen=True)
class StandingEstimate:
    """Vertical axis of one sensor from a still window.

    ``up_sensor`` is the unit "up" vector in sensor coordinates; ``gyr_std_rps`` and ``acc_std_mps2`` are the
    per-axis standard deviations inside the window (norms), used for the quality index; ``t0_s``/``t1_s`` is
    the window that was used.
    """

    up_sensor: np.ndarray
    t0_s: float
    t1_s: float
    acc_norm_mps2: float
    gyr_std_rps: float
    acc_std_mps2: float
    gyr_mean_rps: np.ndarray


def still_mask(
    t_s: np.ndarray, acc_mps2: np.ndarray, gyr_rps: np.ndarray, smooth_s: float = 0.25
) -> np.ndarray:
    """Samples where the sensor is (nearly) motionless, judged on ``smooth_s`` moving averages."""
    rate_hz = 1.0 / float(np.median(np.diff(t_s))) if len(t_s) > 1 else 1.0
    width = max(1, int(round(smooth_s * rate_hz)))
    gyr_norm = uniform_filter1d(np.linalg.norm(gyr_rps, axis=1), width, mode="nearest")
    acc_dev = uniform_filter1d(np.abs(np.linalg.norm(acc_mps2, axis=1) - GRAVITY_MPS2), width, mode="nearest")
    # acceleration jitter: moving std of each axis (catches sway that keeps |acc| ≈ g)
    acc_mean = uniform_filter1d(acc_mps2, width, axis=0, mode="nearest")
    acc_var = uniform_filter1d((acc_mps2 - acc_mean) ** 2, width, axis=0, mode="nearest").sum(axis=1)
    return (gyr_norm < STILL_GYR_RPS) & (acc_dev < STILL_ACC_DEV_MPS2) & (acc_var < 0.3**2)


def true_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Half-open index runs ``[i0, i1)`` where ``mask`` is True."""
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def find_standing_window(
    t_s: np.ndarray, acc_mps2: np.ndarray, gyr_rps: np.ndarray, min_duration_s: float = MIN_STANDING_S
) -> tuple[float, float] | None:
    """The longest still window of at least ``min_duration_s`` (earliest on ties), or ``None``.

    A trimmed margin of 0.2 s on each side keeps the transition into and out of standing out of the mean.
    """
    mask = still_mask(t_s, acc_mps2, gyr_rps)
    best: tuple[float, float] | None = None
    for i0, i1 in true_runs(mask):
        t0, t1 = float(t_s[i0]) + 0.2, float(t_s[i1 - 1]) - 0.2
        if t1 - t0 >= min_duration_s and (best is None or t1 - t0 > best[1] - best[0] + 1e-9):
            best = (t0, t1)
    return best


def estimate_vertical(
    t_s: np.ndarray, acc_mps2: np.ndarray, gyr_rps: np.ndarray, window: tuple[float, float]
) -> StandingEstimate:
    """Up axis in sensor coordinates from the mean specific force inside ``window`` (seconds)."""
    sel = (t_s >= window[0]) & (t_s <= window[1])
    if np.count_nonzero(sel) < 3:
        raise ValueError(f"standing window {window[0]:.2f}–{window[1]:.2f} s holds fewer than 3 samples")
    acc = acc_mps2[sel]
    gyr = gyr_rps[sel]
    mean_acc = acc.mean(axis=0)
    norm = float(np.linalg.norm(mean_acc))
    return StandingEstimate(
        up_sensor=mean_acc / norm,
        t0_s=float(window[0]),
        t1_s=float(window[1]),
        acc_norm_mps2=norm,
        gyr_std_rps=float(np.linalg.norm(gyr.std(axis=0))),
        acc_std_mps2=float(np.linalg.norm(acc.std(axis=0))),
        gyr_mean_rps=gyr.mean(axis=0),
    )
