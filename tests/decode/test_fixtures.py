"""Every profile decodes its hand-packed fixture (tests/fixtures/<id>/packets.json) to the documented values,
and the encoder rebuilds the same bytes from those values."""

import json
from pathlib import Path

import numpy as np
import pytest

from gait.decode import PacketDecoder, PacketEncoder, decode_packets
from gait.profiles import load_profile, load_profiles
from gait.types import Packet

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _load(pid: str):
    doc = json.loads((FIXTURES / pid / "packets.json").read_text())
    packets = [Packet("s", p["host_time_s"], bytes.fromhex(p["hex"])) for p in doc["packets"]]
    return doc, packets


def _rows(values) -> np.ndarray:
    return np.array([[np.nan] * 3 if v is None else v for v in values], dtype=float)


def test_every_profile_has_a_fixture():
    assert {p.name for p in FIXTURES.iterdir() if (p / "packets.json").is_file()} >= set(load_profiles())


@pytest.mark.parametrize("pid", sorted(load_profiles()))
def test_fixture_decodes_to_expected_values(pid):
    doc, packets = _load(pid)
    exp = doc["expected"]
    block, stats = decode_packets(load_profile(pid), packets, "s", rate_hz=doc["rate_hz"])
    assert block.clock == exp["clock"]
    np.testing.assert_allclose(block.t_s, exp["t_s"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(block.acc_mps2, exp["acc_mps2"], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(block.gyr_rps, exp["gyr_rps"], rtol=1e-6, atol=1e-9)
    if exp["mag_uT"] is None:
        assert block.mag_uT is None
    else:
        np.testing.assert_allclose(block.mag_uT, _rows(exp["mag_uT"]), rtol=1e-6, atol=1e-9)
    for key, value in exp["stats"].items():
        assert getattr(stats, key) == value, key
    live = PacketDecoder(pid, "s", rate_hz=doc["rate_hz"])
    t_live = np.concatenate([b.t_s for b in map(live.feed, packets) if b is not None])
    np.testing.assert_array_equal(t_live, block.t_s)


@pytest.mark.parametrize("pid", ["diy_open_v1", "nordic_thingy52"])
def test_encoder_rebuilds_fixture_bytes(pid):
    """Byte-exact rebuild. (The other profiles carry fields the pipeline ignores, e.g. WitMotion angles or
    the DOT's arbitrary-unit magnetometer, which the encoder writes as zeros.)"""
    doc, packets = _load(pid)
    exp = doc["expected"]
    profile = load_profile(pid)
    per = profile.samples.per_packet if pid != "diy_open_v1" else 2
    enc = PacketEncoder(profile, samples_per_packet=per)
    mags, out = _rows(exp["mag_uT"]) if exp["mag_uT"] else None, []
    seqs = [int.from_bytes(p.data[:2], "little") for p in packets] if pid == "diy_open_v1" else range(99)
    for i, seq in zip(range(len(packets)), seqs, strict=False):
        span = slice(i * per, (i + 1) * per)
        mag = None if mags is None or np.isnan(mags[span]).all() else mags[span]
        t = np.array(exp["t_s"][span]) % (2**32 * profile.timing.tick_s)
        out += enc.encode(t, np.array(exp["acc_mps2"][span]), np.array(exp["gyr_rps"][span]), mag, seq0=seq)
    assert [o.hex() for o in out] == [p.data.hex() for p in packets]
