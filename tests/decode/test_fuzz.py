"""Fuzz and property tests: mutated and arbitrary packets never raise, and every rejection is counted.

The million-packet runs use the vectorised path (``feed_payloads`` in chunks, the same stateful decoder a
recording replay uses); a smaller share goes through the per-packet path and must agree with it exactly.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gait.decode import PacketDecoder, PacketEncoder
from gait.profiles import load_profile, load_profiles
from gait.types import Packet
from tests.decode.helpers import packets_for
from tests.decode.mutate import KINDS, mutate

PROFILES = sorted(load_profiles())
FUZZ_PACKETS = 1_000_000
CHUNK = 250_000


def _valid_payloads(pid: str) -> list[bytes]:
    p = load_profile(pid)
    return [pk.data for pk in packets_for(p, 300 * p.samples.per_packet, seed=7)[0]]


def _check_accounting(dec: PacketDecoder, fed_bytes: int) -> None:
    s = dec.stats
    assert sum(s.reasons.values()) == s.bad
    if dec.profile.framing.mode == "notification":
        assert s.ok + s.bad == s.packets
    else:  # every byte is in a decoded frame, skipped as junk, or waiting for the rest of its frame
        assert s.ok * dec.profile.framing.frame_len + s.skipped_bytes + len(dec._framer.pending) == fed_bytes


@pytest.mark.parametrize("pid", PROFILES)
def test_a_million_mutated_packets_batch_path(pid):
    valid = _valid_payloads(pid)
    dec = PacketDecoder(pid, "s")
    fed_bytes = samples = 0
    for chunk in range(FUZZ_PACKETS // CHUNK):
        payloads, kind = mutate(valid, CHUNK, seed=chunk)
        assert set(np.unique(kind)) == set(range(len(KINDS)))
        host = chunk * 1000.0 + np.arange(CHUNK) * 1e-3
        block = dec.feed_payloads(payloads, host)
        fed_bytes += sum(map(len, payloads))
        samples += len(block)
        assert np.isfinite(block.acc_mps2).all() and np.isfinite(block.gyr_rps).all()
        assert np.isfinite(block.t_s).all()
        _check_accounting(dec, fed_bytes)
    assert dec.stats.packets == FUZZ_PACKETS
    assert dec.stats.samples == samples
    assert dec.stats.ok > FUZZ_PACKETS // 10 and dec.stats.bad > FUZZ_PACKETS // 10


@pytest.mark.parametrize("pid", PROFILES)
def test_per_packet_path_agrees_on_mutated_packets(pid):
    payloads, _ = mutate(_valid_payloads(pid), 4000, seed=99)
    packets = [Packet("s", i * 1e-3, b) for i, b in enumerate(payloads)]
    one = PacketDecoder(pid, "s")
    blocks = [b for b in map(one.feed, packets) if b is not None]
    batch = PacketDecoder(pid, "s")
    whole = batch.feed_many(packets)
    assert one.stats == batch.stats
    np.testing.assert_array_equal(np.concatenate([b.t_s for b in blocks]), whole.t_s)
    np.testing.assert_array_equal(np.concatenate([b.acc_mps2 for b in blocks]), whole.acc_mps2)
    _check_accounting(one, sum(map(len, payloads)))


@pytest.mark.parametrize("pid", PROFILES)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.lists(st.binary(max_size=300), max_size=30))
def test_arbitrary_bytes_never_raise(pid, data):
    dec = PacketDecoder(pid, "s")
    for i, payload in enumerate(data):
        dec.feed(Packet("s", float(i), payload))
    _check_accounting(dec, sum(map(len, data)))


_finite = st.floats(-1e3, 1e3, allow_nan=False)


@pytest.mark.parametrize("pid", PROFILES)
@settings(max_examples=40, deadline=None)
@given(values=st.lists(st.tuples(*[_finite] * 9), min_size=1, max_size=40), seq0=st.integers(0, 2**16 - 1))
def test_round_trip_property(pid, values, seq0):
    """Encode → decode returns every value within half an LSB, or the saturation limit, and all samples."""
    p = load_profile(pid)
    per = p.samples.per_packet
    arr = np.array(values[: len(values) - len(values) % per] or values[:0])
    if arr.size == 0:
        return
    t_s = 100.0 + np.arange(len(arr)) / p.nominal_rate_hz
    mag = arr[:, 6:9] if p.has_mag else None
    payloads = PacketEncoder(p).encode(t_s, arr[:, 0:3], arr[:, 3:6] * 0.01, mag, seq0=seq0)
    dec = PacketDecoder(p, "s")
    block = dec.feed_payloads(payloads, np.arange(len(payloads), dtype=float))
    assert dec.stats.ok == len(payloads) and len(block) == len(arr)
    pairs = (("acc", block.acc_mps2, arr[:, 0:3]), ("gyro", block.gyr_rps, arr[:, 3:6] * 0.01))
    for name, got, want in pairs:
        f = next(f for f in p.samples.fields if f.name == name)
        if f.type.startswith("f"):
            np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-9)
        else:
            bits = int(f.type[1:])
            clipped = np.clip(want, -(2 ** (bits - 1)) * f.si_scale, (2 ** (bits - 1) - 1) * f.si_scale)
            assert np.all(np.abs(got - clipped) <= f.si_scale * 0.5 + 1e-9)


@settings(max_examples=80, deadline=None)
@given(cuts=st.lists(st.integers(0, 400), max_size=25), junk=st.binary(max_size=40))
def test_stream_framing_is_independent_of_notification_boundaries(cuts, junk):
    p = load_profile("witmotion_bwt901blecl")
    frames = [pk.data for pk in packets_for(p, 20)[0]]
    stream = b"".join(frames[:7]) + junk + b"".join(frames[7:])
    points = sorted({0, len(stream), *[c for c in cuts if c < len(stream)]})
    pieces = [stream[a:b] for a, b in zip(points[:-1], points[1:], strict=True)]
    split = PacketDecoder(p, "s")
    for i, piece in enumerate(pieces):
        split.feed(Packet("s", float(i), piece))
    whole = PacketDecoder(p, "s")  # vectorised framer on the whole stream; the split one uses bytes.find
    whole.feed_many([Packet("s", 0.0, stream)])
    assert split.stats.ok == whole.stats.ok >= 19
    assert split.stats.bad == whole.stats.bad and split.stats.skipped_bytes == whole.stats.skipped_bytes
    _check_accounting(split, len(stream))
