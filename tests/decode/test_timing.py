"""Sample times: the per-packet and the batch decoder agree from the first packet, at every selectable rate.

``test_codec``'s equivalence test could not see the reported 208 Hz Movesense difference: its packets are
always at the profile's nominal rate and both decoders get that same default. Here every profile streams at
each of its selectable rates (Movesense 13–208 Hz, nominal 104), both decoders are told the rate the way the
recording reader tells them (session.json ``rate_hz``), and the times must be identical and right from the
first sample. The reported 9.6 ms spacing is what a decoder *not* told the rate produces (1/104 Hz) for a
sensor streaming at 208 Hz; both paths give the same scrambled times then, and both flag them.
"""

from pathlib import Path

import numpy as np
import pytest

from gait.decode import PacketDecoder, decode_packets
from gait.profiles import load_profile, load_profiles
from gait.recording.reader import SessionReader
from tests.decode.helpers import packets_for

CASES = [(pid, rate) for pid in sorted(load_profiles()) for rate in load_profile(pid).rates_hz]
SESSION = Path(__file__).resolve().parents[2] / "recordings" / "SYN01-barefoot"


def _one_by_one(decoder: PacketDecoder, packets) -> np.ndarray:
    return np.concatenate([b.t_s for b in map(decoder.feed, packets) if b is not None])


@pytest.mark.parametrize(("pid", "rate_hz"), CASES)
def test_per_packet_times_equal_batch_times_from_the_first_packet(pid, rate_hz):
    p = load_profile(pid)
    per = p.samples.per_packet
    packets, (t_true, *_) = packets_for(p, 12 * per, seed=5, rate_hz=rate_hz)
    batch, stats = decode_packets(p, packets, "x", rate_hz=rate_hz)
    live = PacketDecoder(p, "x", rate_hz)
    np.testing.assert_array_equal(_one_by_one(live, packets), batch.t_s)
    chunked = PacketDecoder(p, "x", rate_hz)
    t_chunked = np.concatenate([chunked.feed_many(packets[i : i + 5]).t_s for i in range(0, len(packets), 5)])
    np.testing.assert_array_equal(t_chunked, batch.t_s)
    assert live.stats == stats == chunked.stats and stats.overlapping_frames == 0
    np.testing.assert_allclose(np.diff(batch.t_s[:per]), 1.0 / rate_hz, rtol=1e-9)  # first packet's spacing
    if p.timing.source == "device":
        np.testing.assert_allclose(batch.t_s, t_true, rtol=0, atol=p.timing.tick_s)
    assert np.all(np.diff(batch.t_s) > 0)


def test_a_decoder_not_told_the_rate_gives_the_same_flagged_times_in_both_paths():
    p = load_profile("movesense")
    packets, _ = packets_for(p, 12 * p.samples.per_packet, rate_hz=208.0)
    batch, stats = decode_packets(p, packets, "x")  # falls back to the nominal 104 Hz
    live = PacketDecoder(p, "x")
    np.testing.assert_array_equal(_one_by_one(live, packets), batch.t_s)
    np.testing.assert_allclose(np.diff(batch.t_s[:2]), 1.0 / 104.0)  # the reported 9.6 ms spacing
    assert live.stats == stats and stats.overlapping_frames == len(packets) - 1
    assert decode_packets(p, packets, "x", rate_hz=208.0).stats.overlapping_frames == 0


def test_recorded_session_decodes_identically_per_packet_and_in_batch():
    """The sample session (208 Hz Movesense on the right shank), with the rates from its session.json."""
    if not SESSION.is_dir():
        pytest.skip(f"{SESSION} not present")
    reader = SessionReader(SESSION)
    profiles, rates = reader.sensor_profiles(), reader.sensor_rates()
    assert rates["right_shank"] == 208.0 and profiles["right_shank"] == "movesense"
    for name, packets in reader.packets_by_sensor().items():
        batch, stats = decode_packets(profiles[name], packets, name, rates.get(name))
        live = PacketDecoder(profiles[name], name, rates.get(name))
        np.testing.assert_array_equal(_one_by_one(live, packets), batch.t_s, err_msg=name)
        assert live.stats == stats and stats.overlapping_frames == 0, name
        assert np.all(np.diff(batch.t_s) > 0), name
    untold = decode_packets("movesense", reader.packets_by_sensor()["right_shank"], "right_shank")
    assert untold.stats.overlapping_frames > 1000  # without session.json's rate every frame overlaps
