"""Per-sensor health: link state, packet and sample rates, loss, reconnects, last-seen age.

A therapist glances at this during a walking test (the CLI status line, the dashboard badge), so every
number is cheap to keep up to date and honest: loss comes from the decoder's sequence-gap count (what
the sensor numbered but never arrived), not from guessing with the nominal rate, and a sensor whose
profile has no counter says so (``loss_known=False``).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from enum import Enum

import numpy as np

RATE_WINDOW_S = 2.0


class LinkState(str, Enum):
    """Where a sensor's supervisor is; ``str`` so that it prints and serialises as its value."""

    IDLE = "idle"
    SCANNING = "scanning"
    CONNECTING = "connecting"
    CONFIGURING = "configuring"
    STREAMING = "streaming"
    RECONNECTING = "reconnecting"
    STOPPED = "stopped"
    FAILED = "failed"


@dataclass
class SensorHealth:
    """A snapshot of one sensor's health (times on the session clock, seconds)."""

    placement: str
    address: str
    profile: str
    state: LinkState = LinkState.IDLE
    packets: int = 0
    samples: int = 0
    bad_packets: int = 0
    lost_packets: int = 0
    loss_known: bool = True
    packet_rate_hz: float = 0.0
    sample_rate_hz: float = 0.0
    reconnects: int = 0
    drops: int = 0
    last_seen_age_s: float | None = None
    battery_pct: int | None = None
    rssi_dbm: int | None = None
    last_error: str | None = None
    #: Seconds from each lost link to the next established connection.
    reconnect_delays_s: list[float] = field(default_factory=list)

    @property
    def loss_pct(self) -> float:
        expected = self.packets + self.lost_packets
        return 100.0 * self.lost_packets / expected if expected else 0.0

    def status_line(self) -> str:
        """One short line for a terminal: ``left_foot  streaming  200 Hz  loss 0.4%  rc 1``."""
        age = "-" if self.last_seen_age_s is None else f"{self.last_seen_age_s:4.1f}s"
        loss = f"{self.loss_pct:4.1f}% ({self.lost_packets})" if self.loss_known else "n/a"
        extra = f"  bat {self.battery_pct}%" if self.battery_pct is not None else ""
        return (
            f"{self.placement:<11} {self.state.value:<12} {self.sample_rate_hz:5.0f} Hz  "
            f"loss {loss:<10}  bad {self.bad_packets}  rc {self.reconnects}  seen {age}{extra}"
        )


class ClockGapCounter:
    """Samples missing from a device clock, for profiles that time-stamp but do not number packets.

    A step of ``k`` sample periods between consecutive decoded samples means ``k - 1`` samples never
    arrived; rounding to whole periods absorbs timestamp quantisation (Movesense stamps in ms).
    """

    def __init__(self, rate_hz: float) -> None:
        self.period_s = 1.0 / rate_hz
        self.lost_samples = 0
        self._last_s: float | None = None

    def feed(self, t_s: np.ndarray) -> None:
        if len(t_s) == 0:
            return
        t = t_s if self._last_s is None else np.concatenate(([self._last_s], t_s))
        steps = np.rint(np.diff(t) / self.period_s)
        self.lost_samples += int(np.clip(steps - 1, 0, None).sum())
        self._last_s = float(t_s[-1])


class HealthTracker:
    """Keeps one sensor's counters; the session feeds it packets and the supervisor link events."""

    def __init__(self, placement: str, address: str, profile: str) -> None:
        self.current = SensorHealth(placement=placement, address=address, profile=profile)
        self._packet_times: deque[float] = deque()
        self._sample_window: deque[tuple[float, int]] = deque()
        self._last_seen_s: float | None = None
        self._dropped_at_s: float | None = None
        self._ever_connected = False

    # -- data path -----------------------------------------------------------------------------------
    def on_packet(self, host_time_s: float) -> None:
        self.current.packets += 1
        self._last_seen_s = host_time_s
        self._packet_times.append(host_time_s)

    def on_samples(self, host_time_s: float, n_samples: int) -> None:
        self.current.samples += n_samples
        self._sample_window.append((host_time_s, n_samples))

    def on_decoder_stats(self, bad_packets: int, lost_packets: int | None) -> None:
        self.current.bad_packets = bad_packets
        if lost_packets is None:
            self.current.loss_known = False
        else:
            self.current.lost_packets = lost_packets

    # -- link events ---------------------------------------------------------------------------------
    def set_state(self, state: LinkState, error: str | None = None) -> None:
        self.current.state = state
        if error is not None:
            self.current.last_error = error

    def connected(self, now_s: float) -> None:
        h = self.current
        if self._ever_connected:
            h.reconnects += 1
        if self._dropped_at_s is not None:
            h.reconnect_delays_s.append(now_s - self._dropped_at_s)
            self._dropped_at_s = None
        self._ever_connected = True
        h.state = LinkState.STREAMING
        h.last_error = None  # streaming again: an old failure would only confuse the status display

    def dropped(self, now_s: float) -> None:
        self.current.drops += 1
        self._dropped_at_s = now_s
        self.current.state = LinkState.RECONNECTING

    @property
    def ever_connected(self) -> bool:
        return self._ever_connected

    # -- snapshot ------------------------------------------------------------------------------------
    def snapshot(self, now_s: float) -> SensorHealth:
        """Current health with rates over the last ``RATE_WINDOW_S`` seconds."""
        start_s = now_s - RATE_WINDOW_S
        while self._packet_times and self._packet_times[0] < start_s:
            self._packet_times.popleft()
        while self._sample_window and self._sample_window[0][0] < start_s:
            self._sample_window.popleft()
        h = self.current
        span_s = min(RATE_WINDOW_S, now_s) if now_s > 0 else RATE_WINDOW_S
        h.packet_rate_hz = len(self._packet_times) / span_s
        h.sample_rate_hz = sum(n for _, n in self._sample_window) / span_s
        h.last_seen_age_s = None if self._last_seen_s is None else max(0.0, now_s - self._last_seen_s)
        return SensorHealth(**{**h.__dict__, "reconnect_delays_s": list(h.reconnect_delays_s)})
