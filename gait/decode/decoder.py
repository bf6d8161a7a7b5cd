"""Packet → SampleBlock decoding, per sensor and stateful (sequence numbers, device clock, stream tail).

Two paths apply the same rules: :meth:`PacketDecoder.feed` (live, one notification) uses ``struct`` and a
few small numpy calls (:mod:`gait.decode.scalar`); :meth:`PacketDecoder.feed_many` and
:func:`decode_packets` (a whole recording) use the vectorised :mod:`gait.decode.layout`. The state carried
between calls (last sequence number, unwrapped clock, unfinished stream bytes) makes any chunking, and either
path, give identical samples and counts; the tests check exactly that, on valid and mutated packets.

Sample times within a frame follow the *configured* output rate (``rate_hz``; the profile's nominal rate when
not given), because profiles with a device clock stamp only one sample per frame. A decoder told a lower rate
than the sensor streams at (e.g. built without session.json's ``rate_hz``) spaces the samples too far, so each
frame's samples overlap the next frame's; both paths count such frames in ``stats.overlapping_frames`` with
the same rule (:func:`_overlaps`) instead of passing the scrambled times on silently.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import NamedTuple

import numpy as np

from gait.decode.layout import REASONS, FrameLayout, Parsed
from gait.decode.scalar import ScalarFrameParser
from gait.decode.stream import StreamFramer
from gait.profiles import Profile, load_profile
from gait.types import Packet, SampleBlock

R_DUPLICATE = "duplicate sequence number"
R_JUNK = "bytes without sync word skipped"
_HOST_TIME, _DATA = attrgetter("host_time_s"), attrgetter("data")


@dataclass(slots=True)
class DecodeStats:
    """Counters of one sensor's decoder.

    ``packets`` notifications fed; ``ok``/``bad`` frames decoded/rejected (in stream framing a run of
    skipped junk bytes counts as one bad); ``reasons`` why; ``lost_packets`` inferred from sequence gaps
    (always 0 for profiles without a sequence number); ``seq_restarts`` times the sequence number jumped
    backwards (device reboot); ``skipped_bytes`` junk bytes in stream framing; ``overlapping_frames``
    device-timed frames whose first sample is not after the previous frame's last one (see :func:`_overlaps`):
    the configured ``rate_hz`` is lower than the sensor's, or the device clock jumped back.
    """

    packets: int = 0
    ok: int = 0
    bad: int = 0
    reasons: Counter = field(default_factory=Counter)
    samples: int = 0
    lost_packets: int = 0
    seq_restarts: int = 0
    skipped_bytes: int = 0
    overlapping_frames: int = 0

    def as_dict(self) -> dict:
        return {
            "packets": self.packets, "ok": self.ok, "bad": self.bad, "reasons": dict(self.reasons),
            "samples": self.samples, "lost_packets": self.lost_packets,
            "seq_restarts": self.seq_restarts, "skipped_bytes": self.skipped_bytes,
            "overlapping_frames": self.overlapping_frames,
        }


class BatchResult(NamedTuple):
    block: SampleBlock
    stats: DecodeStats


class _Frame(NamedTuple):
    """One accepted frame of the live path: sample count, SI arrays, device times (None: host clock)."""

    n: int
    acc: np.ndarray
    gyr: np.ndarray
    mag: np.ndarray | None
    t_s: np.ndarray | None


def _as_profile(profile: Profile | str) -> Profile:
    return load_profile(profile) if isinstance(profile, str) else profile


class PacketDecoder:
    """Stateful decoder of one sensor's packets; ``rate_hz``: configured output rate (default nominal)."""

    def __init__(self, profile: Profile | str, sensor: str, rate_hz: float | None = None):
        self.profile = _as_profile(profile)
        self.sensor = sensor
        self.rate_hz = float(rate_hz or self.profile.timing.nominal_rate_hz)
        self.stats = DecodeStats()
        self._layout = FrameLayout(self.profile)
        fr = self.profile.framing
        self._framer = StreamFramer(fr.sync, fr.frame_len) if fr.mode == "stream" else None
        self._scalar = ScalarFrameParser(self.profile)
        self._prev_seq: int | None = None
        self._prev_raw: int | None = None
        self._ticks = 0
        self._last_t_s: float | None = None  # device time of the last sample decoded (overlap check)

    @property
    def clock(self) -> str:
        return "device" if self.profile.timing.source == "device" else "host"

    def feed(self, packet: Packet) -> SampleBlock | None:
        """Decode one notification; None when it completed no valid samples."""
        self.stats.packets += 1
        if self._framer is None:
            frames = (packet.data,)
        else:
            frames, runs, junk_bytes = self._framer.feed_small(packet.data)
            self._count_junk(runs, junk_bytes)
        parts = [part for part in map(self._frame_one, frames) if part is not None]
        if not parts:
            return None
        if self.profile.timing.source == "device":
            t = np.concatenate([p.t_s for p in parts]) if len(parts) > 1 else parts[0].t_s
        else:
            n = sum(p.n for p in parts)
            t = packet.host_time_s - (n - 1 - np.arange(n)) * (1.0 / self.rate_hz)  # as the batch path
        if len(parts) == 1:
            return SampleBlock(self.sensor, t, parts[0].acc, parts[0].gyr, parts[0].mag, clock=self.clock)
        mags = [p.mag for p in parts]
        mag = None if any(m is None for m in mags) else np.concatenate(mags)
        acc, gyr = np.concatenate([p.acc for p in parts]), np.concatenate([p.gyr for p in parts])
        return SampleBlock(self.sensor, t, acc, gyr, mag, clock=self.clock)

    def feed_many(self, packets: Sequence[Packet]) -> SampleBlock:
        """Decode consecutive notifications at once (vectorised); returns a possibly empty block."""
        host = np.fromiter(map(_HOST_TIME, packets), dtype=np.float64, count=len(packets))
        return self.feed_payloads(list(map(_DATA, packets)), host)

    def feed_payloads(self, payloads: Sequence[bytes], host_time_s: np.ndarray) -> SampleBlock:
        """:meth:`feed_many` without :class:`Packet` objects: payload bytes and their host times (s)."""
        self.stats.packets += len(payloads)
        host = np.asarray(host_time_s, dtype=np.float64)
        if self._framer is None:
            parsed = self._layout.parse(payloads)
            frame_packet = parsed.frame_idx
        else:
            parsed, frame_packet = self._cut_stream(payloads)
        self._count_rejects(parsed)
        keep = self._sequence(parsed)
        return self._block(parsed, keep, frame_packet[keep], host)

    # ---- live fast path: one notification-framed packet, same rules as the vectorised steps below -------
    def _frame_one(self, frame: bytes) -> _Frame | None:
        """One frame's samples (device times when the profile has them), or None when rejected."""
        parsed = self._scalar.parse(frame)
        if isinstance(parsed, int):
            self.stats.bad += 1
            self.stats.reasons[REASONS[parsed]] += 1
            return None
        header, n, acc, gyr, mag = parsed
        if self.profile.sequence_field is not None and not self._sequence_one(header):
            return None
        self.stats.ok += 1
        self.stats.samples += n
        t = self._device_times_one(header, n) if self.profile.timing.source == "device" else None
        return _Frame(n, acc, gyr, mag, t)

    def _device_times_one(self, header: dict, n: int) -> np.ndarray:
        """One frame's sample times from its clock field; counts an overlap with the previous frame."""
        tm = self.profile.timing
        k, period_s = np.arange(n), 1.0 / self.rate_hz
        t_frame = self._frame_time_one(header[tm.field])
        span_s = (n - 1) * period_s  # first_s and last_s equal t[0] and t[-1] bit for bit
        if tm.anchor == "first":
            t, first_s, last_s = t_frame + k * period_s, t_frame, t_frame + span_s
        else:
            t, first_s, last_s = t_frame - (n - 1 - k) * period_s, t_frame - span_s, t_frame
        if n:
            if self._last_t_s is not None and _overlaps(first_s - self._last_t_s, period_s):
                self.stats.overlapping_frames += 1
            self._last_t_s = last_s
        return t

    def _sequence_one(self, header: dict) -> bool:
        wrap = self.profile.sequence_wrap
        seq = header[self.profile.sequence_field] % wrap
        step = 1 if self._prev_seq is None else (seq - self._prev_seq) % wrap
        self._prev_seq = seq
        if step == 0:
            self.stats.bad += 1
            self.stats.reasons[R_DUPLICATE] += 1
            return False
        if 2 <= step <= wrap // 2:
            self.stats.lost_packets += step - 1
        elif step > wrap // 2:
            self.stats.seq_restarts += 1
        return True

    def _frame_time_one(self, raw: int) -> float:
        wrap = self.profile.timing.wrap
        raw %= wrap
        if self._prev_raw is None:
            self._ticks = raw
        else:
            self._ticks += _shortest_step(raw - self._prev_raw, wrap)
        self._prev_raw = raw
        return self._ticks * self.profile.timing.tick_s

    # ---- vectorised steps ----------------------------------------------------------------------------
    def _count_overlaps(self, t: np.ndarray, n: np.ndarray, period_s: float) -> None:
        """Count frames overlapping their predecessor (:func:`_overlaps`), across calls as well."""
        ends = (np.cumsum(n) - 1)[n > 0]  # last sample of each non-empty frame
        if ends.size == 0:
            return
        first = t[ends - n[n > 0] + 1]
        prev_last = t[ends[:-1]]
        if self._last_t_s is not None:
            prev_last = np.concatenate(([self._last_t_s], prev_last))
        else:
            first = first[1:]
        self.stats.overlapping_frames += int(np.count_nonzero(_overlaps(first - prev_last, period_s)))
        self._last_t_s = float(t[-1])

    def _cut_stream(self, chunks: Sequence[bytes]) -> tuple[Parsed, np.ndarray]:
        cut = self._framer.feed(b"".join(chunks))
        ends = np.cumsum(np.fromiter(map(len, chunks), dtype=np.int64, count=len(chunks)))
        frame_packet = np.searchsorted(ends, cut.end_pos, side="right")
        self._count_junk(cut.junk_runs, cut.junk_bytes)
        parsed = self._layout.parse_rows(cut.rows)
        return parsed, frame_packet[parsed.frame_idx]

    def _count_junk(self, runs: int, junk_bytes: int) -> None:
        self.stats.bad += runs
        if runs:
            self.stats.reasons[R_JUNK] += runs
        self.stats.skipped_bytes += junk_bytes

    def _count_rejects(self, parsed: Parsed) -> None:
        self.stats.bad += int(parsed.bad_idx.size)
        for code, num in enumerate(np.bincount(parsed.bad_reason.astype(np.int64), minlength=len(REASONS))):
            if num:
                self.stats.reasons[REASONS[code]] += int(num)

    def _sequence(self, parsed: Parsed) -> np.ndarray:
        """Mask of frames to keep (drops duplicates); counts sequence gaps as lost packets."""
        name = self.profile.sequence_field
        count = parsed.frame_idx.size
        if name is None or count == 0:
            return np.ones(count, dtype=bool)
        wrap = self.profile.sequence_wrap
        seq = parsed.header[name] % wrap
        prev = seq[:1] if self._prev_seq is None else np.array([self._prev_seq])
        step = np.diff(np.concatenate((prev, seq))) % wrap
        if self._prev_seq is None:
            step[0] = 1
        keep = step != 0
        gaps = step[(step >= 2) & (step <= wrap // 2)]
        self.stats.lost_packets += int(gaps.sum() - gaps.size)
        self.stats.seq_restarts += int(np.count_nonzero(step > wrap // 2))
        dup = int(count - np.count_nonzero(keep))
        if dup:
            self.stats.bad += dup
            self.stats.reasons[R_DUPLICATE] += dup
        self._prev_seq = int(seq[-1])
        return keep

    def _frame_times(self, parsed: Parsed, keep: np.ndarray) -> np.ndarray:
        """Unwrapped device time of each kept frame (s), from its header counter."""
        tm = self.profile.timing
        raw = parsed.header[tm.field][keep] % tm.wrap
        prev = raw[:1] if self._prev_raw is None else np.array([self._prev_raw])
        step = np.diff(np.concatenate((prev, raw)))
        step = _shortest_step(step, tm.wrap)
        start = int(raw[0]) if self._prev_raw is None else self._ticks
        ticks = start + np.cumsum(step)
        self._prev_raw, self._ticks = int(raw[-1]), int(ticks[-1])
        return ticks * tm.tick_s

    def _block(self, parsed: Parsed, keep: np.ndarray, frame_packet: np.ndarray, host: np.ndarray):
        n, acc, gyr, mag = parsed.n, parsed.acc, parsed.gyr, parsed.mag
        if not keep.all():
            n, smask = n[keep], np.repeat(keep, n)
            acc, gyr = acc[smask], gyr[smask]
            mag = mag[smask] if mag is not None else None
        if mag is not None and np.isnan(mag).all():
            mag = None
        total = int(n.sum())
        self.stats.ok += int(n.size)
        self.stats.samples += total
        period_s = 1.0 / self.rate_hz
        if n.size == 0:
            return SampleBlock(self.sensor, np.zeros(0), acc, gyr, mag, clock=self.clock)
        k = np.arange(total) - np.repeat(np.cumsum(n) - n, n)  # index of each sample in its frame
        if self.profile.timing.source == "device":
            t_frame = np.repeat(self._frame_times(parsed, keep), n)
            if self.profile.timing.anchor == "first":
                t = t_frame + k * period_s
            else:
                t = t_frame - (np.repeat(n, n) - 1 - k) * period_s
            self._count_overlaps(t, n, period_s)
        else:  # host arrival: the packet's last sample arrived at host time; earlier ones one period apart
            pk = np.repeat(frame_packet, n)
            if self._framer is None:  # one frame per packet
                after = np.repeat(n, n) - 1 - k
            else:  # several frames may complete in one notification
                after = np.searchsorted(pk, pk, side="right") - 1 - np.arange(total)
            t = host[pk] - after * period_s
        return SampleBlock(self.sensor, t, acc, gyr, mag, clock=self.clock)


def _overlaps(gap_s, period_s: float):
    """Whether a frame overlaps the previous one (float or array): ``gap_s`` from the previous frame's last
    sample to this frame's first. Nominally one period; half a period leaves room for clock rounding (1 ms
    ticks at 208 Hz jitter by ±1 ms against 4.8 ms), while a rate set too low by half gives ≈ −30 ms."""
    return gap_s < 0.5 * period_s


def _shortest_step(step, wrap: int):
    """Counter step taken the short way round the wrap (int or array): a backwards jitter stays negative."""
    return (step + wrap // 2) % wrap - wrap // 2


def decode_packets(
    profile: Profile | str, packets: Sequence[Packet], sensor: str, rate_hz: float | None = None
) -> BatchResult:
    """Decode a sensor's packets in one vectorised pass: ``(SampleBlock, DecodeStats)``.

    Same samples and counts as feeding them one by one to a fresh :class:`PacketDecoder`.
    """
    dec = PacketDecoder(profile, sensor, rate_hz)
    block = dec.feed_many(packets)
    return BatchResult(block, dec.stats)
