"""Thread-safe ring buffers between the acquisition loop (writer) and the Dash callbacks (readers).

The design is the one measured in ``shared/research/dash.md`` §1.5: preallocated arrays, one lock, and a
monotonically increasing sequence number, so every browser tab keeps its own cursor in a ``dcc.Store`` and
asks only for what is new (``since(seq)``); the server keeps no per-client state. The locked sections are
array copies only; JSON conversion happens outside the lock.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import numpy as np

from gait.conventions import SIDES

N_CHANNELS = 3  # "angles": α β γ (degrees); "rates": shank, foot angular-rate magnitude (deg/s), unused
MODES = ("rates", "angles")


class RingBuffer:
    """Fixed-capacity buffer of ``(t_s, values[n_channels])`` rows with a global sequence number."""

    def __init__(self, capacity: int, n_channels: int):
        self.capacity = int(capacity)
        self._t_s = np.zeros(self.capacity)
        self._y = np.zeros((self.capacity, n_channels), dtype=np.float32)
        self._count = 0
        self._lock = threading.Lock()

    @property
    def count(self) -> int:
        """Total rows ever written (the sequence number of the next row)."""
        return self._count

    def extend(self, t_s: np.ndarray, values: np.ndarray) -> None:
        """Append rows (called from the acquisition thread). Keeps only the last ``capacity`` rows."""
        t_s = np.asarray(t_s, dtype=float)[-self.capacity :]
        values = np.asarray(values, dtype=np.float32).reshape(len(t_s) if t_s.size else 0, -1)[
            -self.capacity :
        ]
        if t_s.size == 0:
            return
        with self._lock:
            idx = (self._count + np.arange(t_s.size)) % self.capacity
            self._t_s[idx] = t_s
            self._y[idx] = values
            self._count += t_s.size

    def since(self, seq: int) -> tuple[int, np.ndarray, np.ndarray]:
        """Rows with sequence number ≥ ``seq`` (clipped to what is still held) and the new cursor."""
        with self._lock:
            end = self._count
            start = max(int(seq), end - self.capacity, 0)
            idx = np.arange(start, end) % self.capacity
            return end, self._t_s[idx].copy(), self._y[idx].copy()

    def latest(self, n: int) -> tuple[int, np.ndarray, np.ndarray]:
        """The last ``n`` rows (to draw a fresh page) and the cursor after them."""
        return self.since(self._count - int(n))

    def clear(self) -> None:
        with self._lock:
            self._count = 0


@dataclass
class SensorStatus:
    """What the status card of one sensor shows; written by the runner, read by callbacks."""

    placement: str
    state: str = "not connected"
    rate_hz: float | None = None
    loss_pct: float | None = None
    reconnects: int = 0
    battery_pct: float | None = None
    detail: str = ""


@dataclass
class CalibrationStatus:
    """The guided standing calibration: state ``idle|standing|done|failed``, quality 0..1 and warnings."""

    state: str = "idle"
    quality: float | None = None
    message: str = ""
    warnings: list[str] = field(default_factory=list)


class LiveController:
    """Actions the live page can ask of whoever feeds the hub (acquisition runner or replay).

    The base class refuses everything, so a page with no runner behind it says so instead of pretending.
    """

    description = "no sensors are streaming"
    can_record = True  # a replay cannot record; its page hides the recording card

    def start_recording(self, subject: str, condition: str) -> str:
        raise RuntimeError("nothing is streaming, so there is nothing to record")

    def stop_recording(self) -> str:
        raise RuntimeError("no recording is running")

    def calibrate(self) -> str:
        raise RuntimeError("nothing is streaming, so calibration cannot start")

    @property
    def recording(self) -> str | None:
        """Description of the recording in progress, ``None`` when not recording."""
        return None


class LiveHub:
    """What the live page reads: angle buffers per side, sensor status, cadence, strides, calibration."""

    def __init__(self, window_s: float = 10.0, display_rate_hz: float = 50.0):
        self.window_s = float(window_s)
        self.display_rate_hz = float(display_rate_hz)
        capacity = int(3 * window_s * display_rate_hz)
        self.angles = {side: RingBuffer(capacity, N_CHANNELS) for side in SIDES}
        self.mode = "rates"
        self._last_bin = dict.fromkeys(SIDES, -np.inf)
        self._lock = threading.Lock()
        self._sensors: dict[str, SensorStatus] = {}
        self.cadence_steps_per_min: float | None = None
        self.stride_count: dict[str, int] = dict.fromkeys(SIDES, 0)
        #: of ``stride_count``, the strides whose full metrics are computed (the rest are provisional)
        self.final_stride_count: dict[str, int] = dict.fromkeys(SIDES, 0)
        self.calibration = CalibrationStatus()
        self.controller: LiveController = LiveController()
        self.source = ""
        self.updated_monotonic_s: float | None = None
        self.generation = 0

    @property
    def active(self) -> bool:
        """True when a runner is attached (something is, or was just, streaming)."""
        return bool(self.source)

    def attach(self, source: str, controller: LiveController) -> None:
        """A runner takes over the hub: buffers are cleared and a new generation starts (pages reset)."""
        with self._lock:
            self.source, self.controller = source, controller
            self._sensors = {}
            self.cadence_steps_per_min = None
            self.stride_count = dict.fromkeys(SIDES, 0)
            self.final_stride_count = dict.fromkeys(SIDES, 0)
            self.calibration = CalibrationStatus()
        self.set_mode("rates")

    def set_mode(self, mode: str) -> None:
        """Switch what the plots show; buffers restart and every open page redraws (new generation)."""
        if mode not in MODES:
            raise ValueError(f"unknown live mode {mode!r}")
        with self._lock:
            self.mode = mode
            for buf in self.angles.values():
                buf.clear()
            self._last_bin = dict.fromkeys(SIDES, -np.inf)
            self.generation += 1

    def detach(self) -> None:
        with self._lock:
            self.source, self.controller = "", LiveController()
            self.generation += 1

    def push(self, side: str, t_s: np.ndarray, values: np.ndarray) -> None:
        """Append rows for one side (see :data:`N_CHANNELS`), decimated to the display rate, phase-stable."""
        t_s = np.asarray(t_s, dtype=float)
        bins = np.floor(t_s * self.display_rate_hz)
        keep = np.diff(bins, prepend=self._last_bin[side]) > 0
        if keep.any():
            self._last_bin[side] = float(bins[keep][-1])
            self.angles[side].extend(t_s[keep], np.asarray(values, dtype=float)[keep])
            self.updated_monotonic_s = time.monotonic()

    def set_sensors(self, statuses: list[SensorStatus]) -> None:
        with self._lock:
            self._sensors = {s.placement: s for s in statuses}

    def sensors(self) -> list[SensorStatus]:
        with self._lock:
            return list(self._sensors.values())

    def set_gait(
        self,
        cadence_steps_per_min: float | None,
        stride_count: dict[str, int],
        final_stride_count: dict[str, int] | None = None,
    ) -> None:
        """Live cadence and strides per side; ``final_stride_count`` (default: all) have full metrics."""
        final = stride_count if final_stride_count is None else final_stride_count
        with self._lock:
            self.cadence_steps_per_min = cadence_steps_per_min
            self.stride_count = {side: int(stride_count.get(side, 0)) for side in SIDES}
            self.final_stride_count = {side: int(final.get(side, 0)) for side in SIDES}

    @property
    def gait_provisional(self) -> bool:
        """True while some counted strides are provisional (events only, metrics still pending)."""
        return any(self.stride_count[s] > self.final_stride_count[s] for s in SIDES)

    def gait_line(self) -> str:
        """One line for status output: live stride count and cadence, labelled when provisional."""
        strides, final = sum(self.stride_count.values()), sum(self.final_stride_count.values())
        cadence = self.cadence_steps_per_min
        shown = "—" if cadence is None else f"{cadence:.0f} steps/min"
        label = f" (live; {final} with full metrics)" if self.gait_provisional else ""
        return f"strides {strides}{label}  cadence {shown}"
