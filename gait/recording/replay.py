"""Replay a recorded session through the live path: the same ``Packet`` objects, in the order they were
received, handed to the same :class:`gait.types.PacketConsumer` methods, with the original pacing.

A consumer cannot tell a replay from a live session, so live analysis and the dashboard work on
recordings unchanged. ``speed=1.0`` keeps the recorded timing, ``2.0`` plays twice as fast, ``None`` (or
``"max"`` on the command line) as fast as the consumers take it.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from gait.recording.reader import SessionReader
from gait.types import Packet, PacketConsumer

FLUSH_EVERY_S = 1.0  # consumers are flushed once per second of recorded time, as acquisition does
PROGRESS_EVERY_S = 0.5  # wall-clock seconds between progress callbacks
_MIN_SLEEP_S = 0.002  # finer sleeps cost more CPU than they buy accuracy


@dataclass(slots=True)
class ReplayStats:
    """What a replay delivered; ``recorded_s`` is host-time span, ``wall_s`` how long it took."""

    packets: int = 0
    per_sensor: Counter = field(default_factory=Counter)
    first_s: float | None = None
    last_s: float | None = None
    wall_s: float = 0.0

    @property
    def recorded_s(self) -> float:
        return 0.0 if self.first_s is None else self.last_s - self.first_s


class _Pacer:
    """Maps recorded host times to wall-clock deadlines at a given speed (``None`` = no waiting)."""

    def __init__(self, speed: float | None) -> None:
        if speed is not None and not speed > 0:
            raise ValueError(f"replay speed must be > 0 (or None for max), got {speed}")
        self.speed = speed
        self.start_wall = time.monotonic()
        self._t0: float | None = None

    def wait_s(self, host_time_s: float) -> float:
        if self._t0 is None:
            self._t0 = host_time_s
        if self.speed is None:
            return 0.0
        due = self.start_wall + (host_time_s - self._t0) / self.speed
        return due - time.monotonic()


class _Feed:
    """Delivery bookkeeping shared by the sync and async replays (flush cadence, stats, progress)."""

    def __init__(self, consumers: list[PacketConsumer], progress: Callable[[ReplayStats], None] | None):
        self.consumers = consumers
        self.stats = ReplayStats()
        self._progress = progress
        self._next_flush_s: float | None = None
        self._next_progress = time.monotonic() + PROGRESS_EVERY_S

    def deliver(self, pkt: Packet) -> None:
        st = self.stats
        if st.first_s is None:
            st.first_s, self._next_flush_s = pkt.host_time_s, pkt.host_time_s + FLUSH_EVERY_S
        if pkt.host_time_s >= self._next_flush_s:
            self._next_flush_s = pkt.host_time_s + FLUSH_EVERY_S
            self.flush()
        for consumer in self.consumers:
            consumer.on_packet(pkt)
        st.packets += 1
        st.per_sensor[pkt.sensor] += 1
        st.last_s = pkt.host_time_s
        if self._progress is not None and time.monotonic() >= self._next_progress:
            self._next_progress = time.monotonic() + PROGRESS_EVERY_S
            self._progress(st)

    def flush(self) -> None:
        for consumer in self.consumers:
            consumer.flush()

    def finish(self, close: bool, started: float) -> ReplayStats:
        self.flush()
        if close:
            for consumer in self.consumers:
                consumer.close()
        self.stats.wall_s = time.monotonic() - started
        if self._progress is not None:
            self._progress(self.stats)
        return self.stats


def _packets(session: Path | SessionReader, t0_s: float | None, t1_s: float | None) -> Iterator[Packet]:
    reader = session if isinstance(session, SessionReader) else SessionReader(Path(session))
    return reader.iter_packets(t0_s, t1_s)


def replay(session: Path | SessionReader, consumers: Iterable[PacketConsumer], speed: float | None = 1.0, *,
           t0_s: float | None = None, t1_s: float | None = None, close: bool = True,
           progress: Callable[[ReplayStats], None] | None = None) -> ReplayStats:
    """Feed a session's packets to ``consumers`` in this thread, sleeping to keep the recorded pacing.

    Consumers are flushed once per recorded second and at the end, and closed at the end unless
    ``close=False``. ``progress`` (if given) is called with the running stats about twice a second.
    """
    feed = _Feed(list(consumers), progress)
    pacer = _Pacer(speed)
    for pkt in _packets(session, t0_s, t1_s):
        wait = pacer.wait_s(pkt.host_time_s)
        if wait > _MIN_SLEEP_S:
            time.sleep(wait)
        feed.deliver(pkt)
    return feed.finish(close, pacer.start_wall)


async def replay_async(session: Path | SessionReader, consumers: Iterable[PacketConsumer],
                       speed: float | None = 1.0, *, t0_s: float | None = None, t1_s: float | None = None,
                       close: bool = True,
                       progress: Callable[[ReplayStats], None] | None = None) -> ReplayStats:
    """Like :func:`replay`, on the running asyncio loop (as acquisition delivers live packets).

    At ``speed=None`` it still yields to the loop every few hundred packets so a dashboard stays responsive.
    """
    feed = _Feed(list(consumers), progress)
    pacer = _Pacer(speed)
    for i, pkt in enumerate(_packets(session, t0_s, t1_s)):
        wait = pacer.wait_s(pkt.host_time_s)
        if wait > _MIN_SLEEP_S:
            await asyncio.sleep(wait)
        elif i % 256 == 0:
            await asyncio.sleep(0)
        feed.deliver(pkt)
    return feed.finish(close, pacer.start_wall)
