"""Per-sensor status of a packet stream (live or replayed): a small :class:`gait.types.PacketConsumer`.

It counts packets per placement and, when session.json names the sensor's firmware profile, decodes them
with the same stateful :class:`gait.decode.PacketDecoder` live analysis uses, so the status line shows
decoded samples and bad/lost packets too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from gait.decode import PacketDecoder
from gait.errors import GaitError
from gait.profiles import load_profile
from gait.types import Packet, SampleBlock

LIVE_RATE_HZ = 200.0  # analysis grid of the live analyser during a replay


class SensorStatus:
    """Counts (and decodes, when possible) every packet it is fed; ``lines()`` renders one line per sensor."""

    def __init__(self, profiles: dict[str, str] | None = None, rates_hz: dict[str, float] | None = None,
                 on_block: Callable[[SampleBlock], None] | None = None) -> None:
        self.packets: Counter = Counter()
        self.samples: Counter = Counter()
        self.first_s: dict[str, float] = {}
        self.last_s: dict[str, float] = {}
        self.decode_problem: dict[str, str] = {}
        self._profiles = dict(profiles or {})
        self._rates_hz = dict(rates_hz or {})
        self._on_block = on_block
        self._decoders: dict[str, PacketDecoder | None] = {}

    def on_packet(self, packet: Packet) -> None:
        name = packet.sensor
        self.packets[name] += 1
        self.first_s.setdefault(name, packet.host_time_s)
        self.last_s[name] = packet.host_time_s
        decoder = self._decoder(name)
        if decoder is not None:
            block = decoder.feed(packet)
            if block is not None:
                self.samples[name] += len(block)
                if self._on_block is not None:
                    self._on_block(block)

    def flush(self) -> None:
        """Nothing is buffered here."""

    def close(self) -> None:
        """Nothing to release."""

    def _decoder(self, name: str):
        if name in self._decoders:
            return self._decoders[name]
        decoder = None
        profile_id = self._profiles.get(name)
        if profile_id is None:
            self.decode_problem[name] = "no firmware profile in session.json"
        else:
            try:
                decoder = PacketDecoder(load_profile(profile_id), name, self._rates_hz.get(name))
            except GaitError as exc:  # an unknown or broken profile must not stop the stream
                self.decode_problem[name] = f"cannot decode: {exc}"
        self._decoders[name] = decoder
        return decoder

    def lines(self) -> list[str]:
        """One status line per sensor: packets, packet rate, decoded samples, bad and lost packets."""
        out = []
        for name in sorted(self.packets):
            span = self.last_s[name] - self.first_s[name]
            rate = f"{(self.packets[name] - 1) / span:6.1f}/s" if span > 0 else "     -  "
            line = f"{name:<12} {self.packets[name]:>8} packets {rate}"
            decoder = self._decoders.get(name)
            if decoder is not None:
                stats = decoder.stats
                line += f"  {self.samples[name]:>8} samples  {stats.bad} bad  {stats.lost_packets} lost"
            else:
                line += f"  (not decoded: {self.decode_problem.get(name, 'no decoder')})"
            out.append(line)
        return out


def replay_analyzer(reader) -> tuple[object, Callable[[SampleBlock], None]]:
    """A live analyser for a replay and the block sink that feeds it; :class:`GaitError` when the
    recording cannot be analysed (no samples, too little to synchronise).

    Decoded blocks arrive on each sensor's device clock; the clock model comes from the whole recording
    (``gait.sync.synchronize``, as offline analysis does) and is applied block by block as they arrive.
    """
    from gait.pipeline.live import LiveAnalyzer  # late: the analysis stack only when analysing
    from gait.sync import synchronize
    blocks = reader.load_samples()
    if not any(len(block) for block in blocks.values()):
        raise GaitError(f"{reader.path}: the recording holds no decodable samples")
    _, report = synchronize(blocks, reader.meta.get("calibration"))
    analyzer = LiveAnalyzer(reader.meta, rate_hz=LIVE_RATE_HZ)

    def sink(block: SampleBlock) -> None:
        analyzer.on_block(report.apply(block))

    return analyzer, sink


def analysis_line(snapshot: dict) -> str:
    """Cadence and stride counts per side from ``LiveAnalyzer.snapshot()``.

    Shows the live counts (provisional strides included: they appear seconds into walking) and how many
    strides already have their full metrics.
    """
    parts = []
    live = snapshot.get("live_strides") or snapshot.get("strides", {})
    for side in sorted(live):
        cadence = (snapshot.get("live_cadence_steps_per_min") or snapshot["cadence_steps_per_min"]).get(side)
        shown = "n/a" if cadence is None else f"{cadence:.0f} steps/min"
        final = snapshot.get("strides", {}).get(side, 0)
        parts.append(f"{side}: {live[side]} strides ({final} with full metrics), cadence {shown}")
    return f"live analysis ({snapshot.get('status', '?')}): " + "; ".join(parts)
