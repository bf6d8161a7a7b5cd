"""Data passed between pipeline stages.

``Packet`` is what came over the air (the primary record); ``SampleBlock`` is decoded, calibrated-unit
IMU data for one sensor. Both are deliberately plain so that live, replay and offline paths share them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np

Clock = Literal["device", "host", "session"]


@dataclass(frozen=True, slots=True)
class Packet:
    """One BLE notification (or stream chunk) as received.

    ``sensor`` is the placement key the acquisition assigned (e.g. ``"left_foot"``); ``host_time_s`` is
    the host receive time in seconds on the session clock (monotonic, 0 = session start).
    """

    sensor: str
    host_time_s: float
    data: bytes


@dataclass(slots=True)
class SampleBlock:
    """A run of consecutive samples of one sensor, in SI units.

    ``t_s`` holds one time per sample; ``clock`` says which clock it is on: ``"device"`` (unwrapped device
    counter in seconds, before sync), ``"host"`` (host receive time, for sensors without a device clock)
    or ``"session"`` (after sync). ``mag_uT`` is ``None`` when the sensor has no magnetometer.
    """

    sensor: str
    t_s: np.ndarray  # (N,) float64
    acc_mps2: np.ndarray  # (N, 3) float64, specific force
    gyr_rps: np.ndarray  # (N, 3) float64
    mag_uT: np.ndarray | None = None  # (N, 3) float64
    clock: Clock = "session"

    def __len__(self) -> int:
        return int(self.t_s.shape[0])

    @property
    def rate_hz(self) -> float:
        """Median sample rate estimated from the time stamps (NaN for fewer than two samples)."""
        if len(self) < 2:
            return float("nan")
        return float(1.0 / np.median(np.diff(self.t_s)))


class PacketConsumer(Protocol):
    """Anything fed by acquisition or replay: the recording writer, the live decoder/analyser, the dashboard.

    ``on_packet`` is called on the acquisition's asyncio loop for every packet and must not block (queue or
    buffer, never do I/O that can stall); ``flush`` makes buffered work durable or visible; ``close`` ends it.
    Replay calls exactly the same methods, so a consumer cannot tell a replay from a live session.
    """

    def on_packet(self, packet: Packet) -> None: ...

    def flush(self) -> None: ...

    def close(self) -> None: ...
