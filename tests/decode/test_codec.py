"""Encoder/decoder round trip, batch == per-packet, sequence gaps and clock wrap, for every profile."""

import numpy as np
import pytest

from gait.decode import PacketDecoder, PacketEncoder, decode_packets
from gait.profiles import load_profile, load_profiles
from gait.profiles.model import TYPE_SIZE
from gait.types import Packet
from tests.decode.helpers import packets_for, synthetic

PROFILES = sorted(load_profiles())


def _lsb(profile, name):
    f = next(f for f in profile.samples.fields if f.name == name)
    return f.si_scale * (0.5 if f.type[0] != "f" else 1e-6 * 2 ** (8 * TYPE_SIZE[f.type] // 4))


@pytest.mark.parametrize("pid", PROFILES)
def test_round_trip_within_quantisation(pid):
    p = load_profile(pid)
    packets, (t_s, acc, gyr, mag) = packets_for(p, 20 * p.samples.per_packet)
    block, stats = decode_packets(p, packets, "left_foot")
    assert stats.ok == len(packets) and stats.bad == 0 and stats.samples == len(t_s)
    np.testing.assert_allclose(block.acc_mps2, acc, atol=_lsb(p, "acc") * 1.0001)
    np.testing.assert_allclose(block.gyr_rps, gyr, atol=_lsb(p, "gyro") * 1.0001)
    if mag is not None:
        np.testing.assert_allclose(block.mag_uT, mag, atol=_lsb(p, "mag") * 1.0001)
    if p.timing.source == "device":
        assert block.clock == "device"
        np.testing.assert_allclose(block.t_s, t_s, atol=p.timing.tick_s)
    else:
        assert block.clock == "host"
        host_last = np.array([pk.host_time_s for pk in packets])
        np.testing.assert_allclose(block.t_s[p.samples.per_packet - 1 :: p.samples.per_packet], host_last)
    assert np.all(np.diff(block.t_s) > 0)


@pytest.mark.parametrize("pid", PROFILES)
def test_batch_equals_one_by_one_and_any_chunking(pid):
    p = load_profile(pid)
    packets, _ = packets_for(p, 30 * p.samples.per_packet, seed=3)
    # damage a few packets so rejects and gaps are part of the comparison
    packets[4] = Packet(packets[4].sensor, packets[4].host_time_s, packets[4].data[:-3])
    del packets[9]
    packets[12] = Packet(packets[12].sensor, packets[12].host_time_s, b"\x00" + packets[12].data)
    batch, stats = decode_packets(p, packets, "x")
    one = PacketDecoder(p, "x")
    blocks = [b for b in (one.feed(pk) for pk in packets) if b is not None]
    chunked = PacketDecoder(p, "x")
    parts = [chunked.feed_many(packets[i : i + 7]) for i in range(0, len(packets), 7)]
    for other in (blocks, parts):
        for name in ("t_s", "acc_mps2", "gyr_rps"):
            joined = np.concatenate([getattr(b, name) for b in other])
            np.testing.assert_array_equal(joined, getattr(batch, name))
    assert one.stats == stats == chunked.stats
    assert stats.bad >= 1


def test_diy_sequence_gaps_duplicates_and_wrap():
    p = load_profile("diy_open_v1")
    packets, _ = packets_for(p, 8 * 40, seq0=65520)
    kept = packets[:5] + packets[8:20] + [packets[19]] + packets[20:]  # 3 lost, 1 duplicate, seq wraps
    block, stats = decode_packets(p, kept, "x")
    assert stats.lost_packets == 3
    assert stats.reasons["duplicate sequence number"] == 1 and stats.bad == 1
    assert stats.samples == 8 * 37 and stats.seq_restarts == 0
    assert np.all(np.diff(block.t_s) > 0)


def test_device_clock_unwraps_past_u32():
    p = load_profile("diy_open_v1")
    t_s, acc, gyr, _ = synthetic(p, 8 * 10, t0_s=2**32 * 1e-6 - 0.15)  # wraps after 0.15 s
    payloads = PacketEncoder(p).encode(t_s, acc, gyr)
    block, _ = decode_packets(p, [Packet("x", 0.0, b) for b in payloads], "x")
    np.testing.assert_allclose(block.t_s - block.t_s[0], t_s - t_s[0], atol=2e-6)


def test_mixed_mag_and_no_mag_packets():
    p = load_profile("diy_open_v1")
    t_s, acc, gyr, _ = synthetic(p, 16)
    enc = PacketEncoder(p)
    mag = np.full((8, 3), 12.3)
    data = enc.encode(t_s[:8], acc[:8], gyr[:8], mag) + enc.encode(t_s[8:], acc[8:], gyr[8:], seq0=1)
    block, stats = decode_packets(p, [Packet("x", 0.0, b) for b in data], "x")
    assert stats.ok == 2 and block.mag_uT.shape == (16, 3)
    np.testing.assert_allclose(block.mag_uT[:8], 12.3, atol=0.05)
    assert np.isnan(block.mag_uT[8:]).all()


def test_encoder_saturates_like_the_firmware():
    p = load_profile("diy_open_v1")
    t_s, acc, gyr, _ = synthetic(p, 8)
    acc[0] = [1000.0, -1000.0, 0.0]  # beyond ±8 g
    block, _ = decode_packets(p, [Packet("x", 0.0, b) for b in PacketEncoder(p).encode(t_s, acc, gyr)], "x")
    assert block.acc_mps2[0, 0] == pytest.approx(32767 / 4096 * 9.80665)
    assert block.acc_mps2[0, 1] == pytest.approx(-32768 / 4096 * 9.80665)


def test_rejects_are_counted_with_reasons():
    p = load_profile("diy_open_v1")
    good = packets_for(p, 8)[0][0].data
    bad = [b"", good[:5], good[:-1], good[:6] + b"\x00" + good[7:], good[:7] + b"\x00" + good[8:]]
    dec = PacketDecoder(p, "x")
    assert all(dec.feed(Packet("x", 0.0, b)) is None for b in bad)
    assert dec.stats.bad == 5 and dec.stats.ok == 0
    assert dec.stats.reasons == {
        "shorter than the header": 2,
        "length does not match the sample count": 1,
        "sample count out of range": 1,
        "unexpected header bits": 1,
    }
