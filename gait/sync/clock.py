"""Per-sensor clock maps (offset + drift) and fits of host arrival times (lower envelope: BLE latency only
ever adds delay, ble.md §2.6)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from gait.types import SampleBlock

#: Host-stamped sensors: silences longer than this count as lost samples (s).
HOST_GAP_S = 0.5


@dataclass
class SensorSync:
    """How one sensor's clock was mapped. ``t_session = (t_device − offset_s) / (1 + drift_ppm·1e-6)``."""

    sensor: str
    method: str  # "taps", "taps+host", "host-anchors", "host-arrival", "first-sample", "session"
    offset_s: float = 0.0
    drift_ppm: float = 0.0
    tap_onsets_session_s: list[float] = field(default_factory=list)
    tap_residual_ms: float | None = None
    jitter_ms: float | None = None
    leg_drift_ppm: float | None = None  # shank − foot drift of this leg measured from impacts
    side_drift_ppm: float | None = None  # left − right drift measured from the step pattern (long sessions)
    warnings: list[str] = field(default_factory=list)

    def to_session(self, t_s: np.ndarray) -> np.ndarray:
        return (np.asarray(t_s, dtype=float) - self.offset_s) / (1.0 + self.drift_ppm * 1e-6)

    def to_device(self, t_session_s):
        """Inverse of :meth:`to_session` (tap search windows, tap residuals)."""
        return self.offset_s + (1.0 + self.drift_ppm * 1e-6) * t_session_s


@dataclass
class SyncReport:
    """Per-sensor clock maps plus what the alignment is worth (``to_dict`` for the analysis JSON)."""

    sensors: dict[str, SensorSync]
    tap_times_session_s: list[float] | None = None
    warnings: list[str] = field(default_factory=list)

    def apply(self, block: SampleBlock) -> SampleBlock:
        """Map a (new) block of a known sensor onto the session clock: the same model serves live blocks.

        Host-stamped sensors get the typical latency removed sample by sample (``offset_s``); the jitter-free
        time base of :func:`synchronize` needs the whole recording and is not rebuilt per live block.
        """
        if block.clock == "session":
            return block
        t_s = self.sensors[block.sensor].to_session(block.t_s)
        return SampleBlock(block.sensor, t_s, block.acc_mps2, block.gyr_rps, block.mag_uT, clock="session")

    @property
    def max_tap_residual_ms(self) -> float | None:
        values = [s.tap_residual_ms for s in self.sensors.values() if s.tap_residual_ms is not None]
        return max(values) if values else None

    def to_dict(self) -> dict:
        return {
            "sensors": {name: asdict(s) for name, s in self.sensors.items()},
            "tap_times_session_s": self.tap_times_session_s,
            "max_tap_residual_ms": self.max_tap_residual_ms,
            "warnings": list(self.warnings),
        }


def _lower_envelope_line(x: np.ndarray, y: np.ndarray, n_bins: int = 20) -> tuple[float, float]:
    """Line ``y ≈ a + b·x`` through the per-bin minima of ``y − b0·x`` (delays only ever add)."""
    if len(x) < 2:
        return float(y[0] - x[0]) if len(x) else 0.0, 1.0
    b0 = np.polyfit(x, y, 1)[0]
    resid = y - b0 * x
    edges = np.linspace(x.min(), x.max(), min(n_bins, len(x)) + 1)
    which = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, len(edges) - 2)
    idx = [np.flatnonzero(which == k)[np.argmin(resid[which == k])] for k in np.unique(which)]
    if len(idx) < 2:
        return float(np.min(resid)), float(b0)
    b, a = np.polyfit(x[idx], y[idx], 1)
    return float(a), float(b)


def fit_host_clock(device_t_s: np.ndarray, host_t_s: np.ndarray) -> tuple[float, float, float]:
    """Offset (s), drift (ppm) and jitter (ms, median latency above the envelope) from host anchors."""
    device_t_s, host_t_s = np.asarray(device_t_s, float), np.asarray(host_t_s, float)
    a, b = _lower_envelope_line(device_t_s, host_t_s)  # host = a + b·device = session
    drift = 1.0 / b - 1.0
    latency = host_t_s - (a + b * device_t_s)
    return -a / b, drift * 1e6, float(np.median(latency) * 1e3)


def host_time_base(host_t_s: np.ndarray) -> tuple[np.ndarray, float]:
    """Uniform session times for host-stamped samples: sample index vs arrival time, lower envelope.

    Arrival jitter is far larger than a sample period, so consecutive samples are assumed consecutive; only
    silences longer than ``HOST_GAP_S`` count as lost samples (their number from the nominal period).
    """
    t = np.asarray(host_t_s, dtype=float)
    if len(t) < 3:
        return t.copy(), 0.0
    dt = np.diff(t)
    period = float(np.median(dt))
    steps = np.where(dt > HOST_GAP_S, np.maximum(1, np.rint(dt / period)), 1).astype(int)
    index = np.concatenate([[0], np.cumsum(steps)]).astype(float)
    a, b = _lower_envelope_line(index, t)
    base = a + b * index
    return base, float(np.median(t - base) * 1e3)
