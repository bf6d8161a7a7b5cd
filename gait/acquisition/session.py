"""A multi-sensor acquisition session on one asyncio loop.

Notification callbacks do the least possible work (stamp the host receive time, queue the bytes) so a
slow consumer can never stall the BLE stack; one dispatcher task drains the queue, decodes each packet
for the health counters and hands it to every :class:`gait.types.PacketConsumer`, flushing them at
least every ``flush_interval_s``. Stopping (a duration, :meth:`stop`, or Ctrl-C cancelling :meth:`run`)
stops every sensor intentionally, drains the queue and flushes every consumer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from gait.acquisition.backend import PLATFORM, BleBackend
from gait.acquisition.health import ClockGapCounter, HealthTracker, LinkState, SensorHealth
from gait.acquisition.supervisor import ReconnectPolicy, SensorSupervisor
from gait.conventions import PLACEMENTS
from gait.errors import GaitError
from gait.types import Packet, PacketConsumer

log = logging.getLogger(__name__)

DECODE_INTERVAL_S = 0.25
STOP_GRACE_S = 3.0


@dataclass(frozen=True)
class SensorSpec:
    """Which sensor to record where: a placement, its BLE address and a profile id/path or object."""

    placement: str
    address: str
    profile: object  # str id/path, or a loaded gait.profiles.Profile
    rate_hz: float | None = None


def resolve_specs(specs: Sequence[SensorSpec]) -> list[tuple[SensorSpec, object]]:
    """Check placements and load profiles, with one clear error per problem."""
    from gait.profiles import load_profile

    seen: set[str] = set()
    out = []
    for spec in specs:
        if spec.placement not in PLACEMENTS:
            raise GaitError(f"unknown placement {spec.placement!r}; use one of {', '.join(PLACEMENTS)}")
        if spec.placement in seen:
            raise GaitError(f"placement {spec.placement} is given twice; each placement takes one sensor")
        seen.add(spec.placement)
        profile = load_profile(spec.profile) if isinstance(spec.profile, str) else spec.profile
        profile.connect_steps(spec.rate_hz)  # an unsupported rate is a ProfileError now, not mid-connection
        out.append((spec, profile))
    if not out:
        raise GaitError("no sensors given")
    return out


class _Channel:
    """One sensor's data path in the dispatcher: packets counted at once, decoded in batches for health.

    Decoding one notification at a time costs far more than decoding a tenth of a second of them with
    the vectorised decoder, and health needs no finer resolution.
    """

    def __init__(self, spec: SensorSpec, profile) -> None:
        from gait.decode import PacketDecoder

        self.decoder = PacketDecoder(profile, spec.placement, spec.rate_hz)
        self.health = HealthTracker(spec.placement, spec.address, profile.id)
        # Loss is known from sequence gaps (decoder) or, without a counter, from device-clock gaps.
        self.seq_known = profile.sequence_field is not None
        self.gaps = None if self.seq_known or profile.timing.source != "device" else ClockGapCounter(
            self.decoder.rate_hz)
        self.pending: list[Packet] = []

    def add(self, packet: Packet) -> None:
        self.health.on_packet(packet.host_time_s)
        self.pending.append(packet)

    def decode_pending(self) -> None:
        if not self.pending:
            return
        packets, self.pending = self.pending, []
        block = self.decoder.feed_many(packets)
        if self.gaps is not None:
            self.gaps.feed(block.t_s)
        self.health.on_samples(packets[-1].host_time_s, len(block))
        stats = self.decoder.stats
        self.health.on_decoder_stats(stats.bad, self._lost_packets(stats))

    def _lost_packets(self, stats) -> int | None:
        if self.seq_known:
            return stats.lost_packets
        if self.gaps is None or stats.ok == 0:
            return None  # host-timed sensor without a counter: loss cannot be known
        return round(self.gaps.lost_samples / (stats.samples / stats.ok))


class AcquisitionSession:
    """Stream ``specs`` into ``consumers`` through bleak (``backend`` None = the OS Bluetooth stack)."""

    def __init__(
        self,
        specs: Sequence[SensorSpec],
        consumers: Iterable[PacketConsumer] = (),
        backend: BleBackend | None = None,
        *,
        policy: ReconnectPolicy | None = None,
        flush_interval_s: float = 0.5,
        close_consumers: bool = True,
    ) -> None:
        self._resolved = resolve_specs(specs)
        self.consumers: list[PacketConsumer] = list(consumers)
        self.backend = backend or PLATFORM
        self.policy = policy or ReconnectPolicy()
        self.flush_interval_s = flush_interval_s
        self.close_consumers = close_consumers
        self.errors: list[str] = []
        self._channels = {spec.placement: _Channel(spec, profile) for spec, profile in self._resolved}
        self._queue: asyncio.Queue[Packet] | None = None
        self._tasks: list[asyncio.Task] = []
        self._supervisors: list[SensorSupervisor] = []
        self._background: list[asyncio.Task] = []
        self._t0_s = 0.0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._end_s: float | None = None
        self._failed_consumers: set[int] = set()
        self._stopped = False

    @property
    def resolved(self) -> list[tuple[SensorSpec, object]]:
        """Each sensor's spec with its loaded profile."""
        return list(self._resolved)

    # -- clock & health ------------------------------------------------------------------------------
    @property
    def t0_loop_s(self) -> float:
        """Loop time of the session clock's zero (set by :meth:`start`)."""
        return self._t0_s

    def now_s(self) -> float:
        """Session clock: seconds on the loop clock since :meth:`start` (frozen once stopped)."""
        if self._loop is None:
            return 0.0
        if self._end_s is not None:
            return self._end_s
        return self._loop.time() - self._t0_s

    def health(self) -> dict[str, SensorHealth]:
        """Health of every sensor by placement (during and after the session).

        On the session's loop thread pending packets are decoded first; from another thread the snapshot
        is at most ``DECODE_INTERVAL_S`` old and nothing is touched.
        """
        if self._on_loop_thread():
            self._decode_pending()
        now = self.now_s()
        return {p: ch.health.snapshot(now) for p, ch in self._channels.items()}

    def _on_loop_thread(self) -> bool:
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        return running is self._loop or (running is None and (self._loop is None or self._end_s is not None))

    # -- lifecycle -----------------------------------------------------------------------------------
    async def start(self, wait_connected: bool = True) -> None:
        """Start every supervisor; with ``wait_connected``, return once all stream (or raise GaitError)."""
        loop = self._loop = asyncio.get_running_loop()
        self._t0_s = loop.time()
        self._queue = asyncio.Queue()
        self._background = [loop.create_task(self._dispatch()), loop.create_task(self._tick())]
        lock = asyncio.Lock()
        for spec, profile in self._resolved:
            sup = SensorSupervisor(
                spec.placement, spec.address, profile, self._deliver, self._channels[spec.placement].health,
                backend=self.backend, policy=self.policy, connect_lock=lock, clock=self.now_s,
                rate_hz=spec.rate_hz,
            )
            self._supervisors.append(sup)
            self._tasks.append(loop.create_task(sup.run(), name=f"supervisor:{spec.placement}"))
        if wait_connected:
            await self._wait_all_streaming()

    async def _wait_all_streaming(self) -> None:
        while True:
            states = {p: ch.health.current for p, ch in self._channels.items()}
            failed = [h for h in states.values() if h.state is LinkState.FAILED]
            if failed:
                await self.stop()
                raise GaitError("; ".join(f"could not start {h.placement} ({h.address}): {h.last_error}"
                                          for h in failed))
            if all(ch.health.ever_connected for ch in self._channels.values()):
                return
            await asyncio.sleep(0.05)

    async def run(self, duration_s: float | None = None, stop_event: asyncio.Event | None = None) -> None:
        """Start, stream for ``duration_s`` (or until ``stop_event``/cancellation), then stop cleanly."""
        try:
            await self.start()
            waiter = stop_event.wait() if stop_event is not None else asyncio.Event().wait()
            if duration_s is None:
                await waiter
            else:
                with contextlib.suppress(TimeoutError, asyncio.TimeoutError):
                    await asyncio.wait_for(waiter, duration_s)
        finally:
            await asyncio.shield(self.stop())

    async def stop(self) -> None:
        """Stop all sensors on purpose, deliver what is queued, flush and (optionally) close consumers."""
        if self._stopped:
            return
        self._stopped = True
        for sup in self._supervisors:
            await sup.stop()
        if self._tasks:
            # a supervisor in the middle of a scan or connection attempt is cancelled after a grace period
            _, pending = await asyncio.wait(self._tasks, timeout=STOP_GRACE_S)
            for task in pending:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
        for task in self._background:
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
        self._drain()
        self._decode_pending()
        self._end_s = self.now_s()
        self._each_consumer("flush")
        if self.close_consumers:
            self._each_consumer("close")

    async def __aenter__(self) -> AcquisitionSession:
        await self.start()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.stop()

    # -- data path -----------------------------------------------------------------------------------
    def _deliver(self, placement: str, data: bytearray) -> None:
        """Called from bleak's notification callback: stamp and queue, nothing else."""
        self._queue.put_nowait(Packet(placement, self.now_s(), bytes(data)))

    async def _dispatch(self) -> None:
        while True:
            self._handle(await self._queue.get())
            self._drain()

    async def _tick(self) -> None:
        """Decode for health every ``DECODE_INTERVAL_S``; flush consumers every ``flush_interval_s``."""
        loop = asyncio.get_running_loop()
        next_flush_s = loop.time() + self.flush_interval_s
        while True:
            await asyncio.sleep(DECODE_INTERVAL_S)
            self._decode_pending()
            if loop.time() >= next_flush_s:
                self._each_consumer("flush")
                next_flush_s = max(next_flush_s + self.flush_interval_s, loop.time())

    def _decode_pending(self) -> None:
        for channel in self._channels.values():
            channel.decode_pending()

    def _drain(self) -> None:
        while self._queue is not None and not self._queue.empty():
            self._handle(self._queue.get_nowait())

    def _handle(self, packet: Packet) -> None:
        self._channels[packet.sensor].add(packet)
        for index, consumer in enumerate(self.consumers):
            if index not in self._failed_consumers:
                self._call(index, consumer, "on_packet", packet)

    def _each_consumer(self, method: str) -> None:
        for index, consumer in enumerate(self.consumers):
            if index not in self._failed_consumers or method == "close":
                self._call(index, consumer, method)

    def _call(self, index: int, consumer, method: str, *args) -> None:
        """A failing consumer is reported and cut off; acquisition and the other consumers go on."""
        try:
            getattr(consumer, method)(*args)
        except Exception as exc:  # noqa: BLE001 - a consumer bug must not kill the recording of others
            self._failed_consumers.add(index)
            message = f"{type(consumer).__name__}.{method} failed: {exc}; it receives no more packets"
            self.errors.append(message)
            log.error(message)
