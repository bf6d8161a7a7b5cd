"""Stride schedule of one leg: initial-contact times, stance fractions, per-stride variability, headings.

The gait phase φ(t) (stride k spans φ ∈ [k, k+1), IC at integer φ) is a C² cubic spline through the IC times,
so stride-to-stride changes of duration never make the angular velocity jump. Per-stride amplitude jitter
(key-point SD ≈ 0.75°) is likewise a smooth function of φ.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.interpolate import CubicSpline

from gait.simulate.curves import ANGLES, CycleShape

STRIDE_TIME_CV = 0.025  # biomech.md §6.1 says 2 %; 2.5 % sits inside the real Voisard range (docs/realism.md)
STRIDE_LENGTH_CV = 0.02
STANCE_SD_PCT = 0.5
KEYPOINT_SD_DEG = 0.75
TURN_EVERY_STRIDES = 6
TURN_STRIDES = 3
TURN_DEG = 90.0


@dataclass
class StridePlan:
    """Per-stride parameters of one leg; arrays indexed by stride number ``k - k0``."""

    side: str
    k0: int  # stride number of the first entry (negative: strides "walked" while still standing)
    ic_s: np.ndarray  # (K+1,) IC times; stride k spans ic_s[k-k0] .. ic_s[k-k0+1]
    stance_frac: np.ndarray  # (K,)
    length_m: np.ndarray  # (K,) nominal stride length (before the walking gate)
    heading_rad: np.ndarray  # (K,) foot heading during the stance of stride k (+ = turned left)
    jitter: dict  # angle name -> (K,) relative amplitude change

    def __post_init__(self):
        k_idx = self.k0 + np.arange(self.ic_s.size)
        self._phase = CubicSpline(self.ic_s, k_idx.astype(float))
        self._dphase = self._phase.derivative()
        mid = self.k0 + np.arange(self.stance_frac.size) + 0.5
        self._jitter = CubicSpline(mid, np.stack([self.jitter[name] for name in ANGLES], axis=-1))

    def phase(self, t_s: np.ndarray) -> np.ndarray:
        """Continuous gait phase φ at true time ``t_s``."""
        return self._phase(t_s)

    def index(self, k: np.ndarray) -> np.ndarray:
        """Array index of stride number ``k`` (clipped to the plan)."""
        return np.clip(np.asarray(k, int) - self.k0, 0, self.stance_frac.size - 1)

    def jitter_at(self, phase: np.ndarray) -> np.ndarray:
        """Relative amplitude change of every angle (columns in ANGLES order) at gait phase ``phase``."""
        return self._jitter(phase)

    def time_at_phase(self, k: np.ndarray, phase: np.ndarray) -> np.ndarray:
        """Invert φ(t) inside stride k (Newton from the linear guess; φ is monotonic there)."""
        i = self.index(k)
        t0, t1 = self.ic_s[i], self.ic_s[i + 1]
        t = t0 + (phase - np.asarray(k, float)) * (t1 - t0)
        for _ in range(8):
            t = np.clip(t - (self._phase(t) - phase) / self._dphase(t), t0, t1)
        return t

    def tc_s(self) -> np.ndarray:
        """Terminal-contact (toe-off) time of every stride in the plan."""
        k = self.k0 + np.arange(self.stance_frac.size)
        return self.time_at_phase(k, k + self.stance_frac)


def _turn_headings(n: int) -> np.ndarray:
    """Stance heading per stride: 6 straight strides, then +90° spread over 3 strides, repeated."""
    period = TURN_EVERY_STRIDES + TURN_STRIDES
    k = np.arange(n)
    turns_done = k // period
    within = k % period - TURN_EVERY_STRIDES + 1
    partial = np.clip(within, 0, TURN_STRIDES) / TURN_STRIDES
    return np.deg2rad(TURN_DEG) * (turns_done + partial)


def right_ic_times(stride_time_s: float, t_first_s: float, t_end_s: float, rng,
                   spread: float = 1.0) -> tuple[int, np.ndarray]:
    """Right-leg IC times covering [−2 s, t_end_s + 2 strides]; stride number 0 starts at ``t_first_s``.

    ``spread`` scales every random deviation (0 = identical strides, used to check curve definitions).
    """
    n_pre = int(np.ceil((t_first_s + 2.0) / stride_time_s)) + 1
    n_post = int(np.ceil((t_end_s - t_first_s) / stride_time_s)) + 3
    durations = stride_time_s * (1.0 + spread * STRIDE_TIME_CV * rng.standard_normal(n_pre + n_post))
    ic = np.concatenate([[0.0], np.cumsum(durations)])
    ic = ic - ic[n_pre] + t_first_s
    return -n_pre, ic


def build_plan(side: str, shape: CycleShape, stance_pct: float, stride_len_m: float, k0: int,
               ic_s: np.ndarray, turns: bool, rng, spread: float = 1.0) -> StridePlan:
    """Draw the per-stride variability of one leg around the scenario's nominal values."""
    n = ic_s.size - 1
    stance = (stance_pct + spread * STANCE_SD_PCT * rng.standard_normal(n)) / 100.0
    length = stride_len_m * (1.0 + spread * STRIDE_LENGTH_CV * rng.standard_normal(n))
    jitter = {}
    for name in ANGLES:
        jitter[name] = spread * (KEYPOINT_SD_DEG / max(shape.peak_abs(name), 1.0)) * rng.standard_normal(n)
    heading = np.zeros(n)
    if turns:
        walked = np.clip(np.arange(n) + k0, 0, None)
        heading = _turn_headings(int(walked.max()) + 1)[walked]
        turning = np.diff(np.concatenate([heading[:1], heading])) != 0
        length = np.where(turning, 0.85 * length, length)
    return StridePlan(side, k0, ic_s, stance, length, heading, jitter)


def left_ic_times(right_ic_s: np.ndarray, rng, spread: float = 1.0) -> np.ndarray:
    """Left ICs half a stride after the right ones (step-time jitter 1 % of the stride)."""
    durations = np.diff(right_ic_s)
    return right_ic_s[:-1] + durations * (0.5 + spread * 0.01 * rng.standard_normal(durations.size))
