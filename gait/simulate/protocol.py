"""Recording protocol on the true clock: quiet standing, 3 sync taps, optional ankle rocking, then walking.

Everything here is a smooth function of true time so the kinematics stay twice differentiable: walking fades
in through a C² *gate* (0 = standing still, 1 = full gait) that scales every angle and the stride length.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gait.errors import GaitError


def smootherstep(x: np.ndarray) -> np.ndarray:
    """C² ramp 0→1 on [0, 1] (6x⁵ − 15x⁴ + 10x³), clipped outside."""
    x = np.clip(x, 0.0, 1.0)
    return x * x * x * (x * (6.0 * x - 15.0) + 10.0)


@dataclass(frozen=True)
class Protocol:
    """Timeline of one simulated recording (seconds on the true/session clock)."""

    standing_s: float = 10.0
    tap_interval_s: float = 0.5
    n_taps: int = 3
    functional_s: float = 0.0  # ankle rocking (dorsi/plantarflexion) with feet flat; 0 = none
    rocking_amplitude_deg: float = 10.0
    rocking_hz: float = 0.5
    settle_s: float = 1.0  # still time after the taps/rocking before the first step
    ramp_s: float = 1.5  # gait initiation: gate rises 0→1 over this time

    @property
    def tap_times_s(self) -> np.ndarray:
        return self.standing_s + self.tap_interval_s * np.arange(1, self.n_taps + 1)

    @property
    def taps_window_s(self) -> tuple[float, float]:
        return self.standing_s, float(self.tap_times_s[-1] + self.tap_interval_s)

    @property
    def functional_window_s(self) -> tuple[float, float] | None:
        if self.functional_s <= 0:
            return None
        t0 = self.taps_window_s[1]
        return t0, t0 + self.functional_s

    @property
    def walk_start_s(self) -> float:
        end = self.functional_window_s[1] if self.functional_s > 0 else self.taps_window_s[1]
        return end + self.settle_s

    def min_duration_s(self, walking_s: float = 3.0) -> float:
        return self.walk_start_s + self.ramp_s + walking_s

    def check(self, duration_s: float) -> None:
        """Raise a GaitError if ``duration_s`` leaves no room for the protocol plus a few strides."""
        if self.standing_s < 5.0:
            raise GaitError(f"standing time {self.standing_s:g} s is too short: calibration needs >= 5 s")
        if not self.functional_s >= 0.0:
            raise GaitError(f"functional calibration time {self.functional_s:g} s: expected 0 (none) or more")
        need = self.min_duration_s()
        if duration_s < need:
            raise GaitError(
                f"duration {duration_s:g} s is shorter than the protocol (standing, taps, ramp) plus 3 s of "
                f"walking; use a duration of at least {need:g} s"
            )

    def gate(self, t_s: np.ndarray) -> np.ndarray:
        """Walking amplitude 0…1 at true time ``t_s``."""
        return smootherstep((np.asarray(t_s) - self.walk_start_s) / self.ramp_s)

    def rocking_alpha_deg(self, t_s: np.ndarray) -> np.ndarray:
        """Extra ankle dorsiflexion of the functional calibration (feet flat, shank rocks forward/back)."""
        t_s = np.asarray(t_s, float)
        win = self.functional_window_s
        if win is None:
            return np.zeros_like(t_s)
        t0, t1 = win
        envelope = smootherstep((t_s - t0) / 1.0) * smootherstep((t1 - t_s) / 1.0)
        return self.rocking_amplitude_deg * envelope * np.sin(2 * np.pi * self.rocking_hz * (t_s - t0))

    def tap_transient_mps2(self, t_s: np.ndarray, amplitude_mps2: float = 30.0) -> np.ndarray:
        """Vertical transient of the sync taps (damped 40 Hz, τ = 15 ms), same true time on every sensor."""
        t_s = np.asarray(t_s, float)
        out = np.zeros_like(t_s)
        for tap in self.tap_times_s:
            dt = t_s - tap
            on = (dt >= 0) & (dt < 0.15)
            out[on] += amplitude_mps2 * np.exp(-dt[on] / 0.015) * np.sin(2 * np.pi * 40.0 * dt[on])
        return out

    def windows(self, duration_s: float) -> list[dict]:
        """Calibration/activity windows for session.json and the truth (kind, t0_s, t1_s)."""
        out = [
            {"kind": "standing", "t0_s": 0.0, "t1_s": self.standing_s},
            {"kind": "taps", "t0_s": self.taps_window_s[0], "t1_s": self.taps_window_s[1],
             "tap_times_s": [float(x) for x in self.tap_times_s]},
        ]
        if self.functional_window_s is not None:
            t0, t1 = self.functional_window_s
            out.append({"kind": "functional", "t0_s": t0, "t1_s": t1, "movement": "ankle rocking"})
        out.append({"kind": "walking", "t0_s": self.walk_start_s, "t1_s": float(duration_s)})
        return out
