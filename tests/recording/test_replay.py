"""Replay feeds the live path: same packets, same order, original pacing, same decoded samples."""

import asyncio
import re
import time
from pathlib import Path

import numpy as np
import pytest
from recording_helpers import imu_session, run_command

from gait.cli.commands import replay as replay_cmd
from gait.decode import PacketDecoder
from gait.errors import GaitError
from gait.recording.reader import SessionReader, load_samples
from gait.recording.replay import replay, replay_async
from gait.recording.status import SensorStatus
from gait.types import SampleBlock


class Collect:
    """A consumer recording every call, as a live consumer would see them."""

    def __init__(self):
        self.packets, self.flushes, self.closed = [], 0, False

    def on_packet(self, packet):
        self.packets.append(packet)

    def flush(self):
        self.flushes += 1

    def close(self):
        self.closed = True


class LiveDecode:
    """Decodes packets one by one with the stateful decoder, exactly as live analysis does."""

    def __init__(self, profile="diy_open_v1"):
        self.profile, self.decoders, self.blocks = profile, {}, {}

    def on_packet(self, packet):
        dec = self.decoders.setdefault(packet.sensor, PacketDecoder(self.profile, packet.sensor))
        block = dec.feed(packet)
        if block is not None:
            self.blocks.setdefault(packet.sensor, []).append(block)

    def flush(self):
        pass

    def close(self):
        pass

    def samples(self):
        return {k: _concat(v) for k, v in self.blocks.items()}


def _concat(blocks):
    def cat(key):
        return np.concatenate([getattr(b, key) for b in blocks])

    return SampleBlock(blocks[0].sensor, cat("t_s"), cat("acc_mps2"), cat("gyr_rps"), None, blocks[0].clock)


@pytest.fixture(scope="module")
def imu(tmp_path_factory):
    path = tmp_path_factory.mktemp("imu") / "s"
    return path, imu_session(path)


def test_replay_delivers_the_recorded_packets_in_order(imu):
    path, packets = imu
    sink = Collect()
    stats = replay(path, [sink], speed=None)
    assert sink.packets == packets == list(SessionReader(path).iter_packets())
    assert sink.closed and sink.flushes >= 2  # once per recorded second and at the end
    assert stats.packets == len(packets) and stats.recorded_s == pytest.approx(
        packets[-1].host_time_s - packets[0].host_time_s)


def test_replayed_decoding_equals_direct_read(imu):
    path, _ = imu
    direct = load_samples(path)
    live = LiveDecode()
    replay(path, [live], speed=None)
    replayed = live.samples()
    assert sorted(direct) == sorted(replayed) and len(direct) == 4
    for name, block in direct.items():
        assert len(block) == 400
        for key in ("t_s", "acc_mps2", "gyr_rps"):
            np.testing.assert_array_equal(getattr(block, key), getattr(replayed[name], key))


def test_async_replay_on_a_loop_matches(imu):
    path, packets = imu
    sink = Collect()
    asyncio.run(replay_async(path, [sink], speed=None))
    assert sink.packets == packets


def test_replay_keeps_the_recorded_pacing(imu):
    path, packets = imu
    span = packets[-1].host_time_s - packets[0].host_time_s
    t0 = time.monotonic()
    replay(path, [Collect()], speed=4.0)
    wall = time.monotonic() - t0
    assert span / 4 - 0.01 <= wall <= span / 4 + 0.5


def test_time_window_replay(imu):
    path, packets = imu
    sink = Collect()
    replay(path, [sink], speed=None, t0_s=0.5, t1_s=1.0)
    assert sink.packets == [p for p in packets if 0.5 <= p.host_time_s < 1.0]


def test_cli_replay_prints_status_per_sensor(imu, capsys):
    path, _ = imu
    assert run_command(replay_cmd, ["replay", str(path), "--speed", "max", "--no-analysis"]) == 0
    out = capsys.readouterr().out.splitlines()
    lines = [ln for ln in out if ln.startswith(("left_", "right_"))]
    assert len(lines) == 4 and all("400 samples" in ln and "0 bad" in ln and "0 lost" in ln for ln in lines)


def test_cli_replay_rejects_bad_speed(imu):
    with pytest.raises(GaitError, match="--speed 'fast'"):
        run_command(replay_cmd, ["replay", str(imu[0]), "--speed", "fast"])


def test_cli_replay_runs_the_live_analyser_on_a_sample_session(capsys):
    session = Path(__file__).resolve().parents[2] / "recordings" / "SYN01-barefoot"
    assert run_command(replay_cmd, ["replay", str(session), "--speed", "max"]) == 0
    line = capsys.readouterr().out.splitlines()[-1]
    found = re.findall(r"(\w+): (\d+) strides \(\d+ with full metrics\), cadence (\d+) steps/min", line)
    assert [side for side, _, _ in found] == ["left", "right"], line
    for _, strides, cadence in found:  # the walker: 45 s, ~28 strides per side at 114 steps/min
        assert int(strides) >= 20 and 105 <= int(cadence) <= 125


def test_replay_equals_direct_read_for_every_profile_of_a_sample_session():
    """Three firmware profiles (device clock, configured rate, host clock) through the live decoding path."""
    session = SessionReader(Path(__file__).resolve().parents[2] / "recordings" / "SYN01-shoe_b")
    got: dict[str, list] = {}
    status = SensorStatus(session.sensor_profiles(), session.sensor_rates(),
                          on_block=lambda b: got.setdefault(b.sensor, []).append(b))
    replay(session, [status], speed=None)
    direct = load_samples(session)
    assert len({s["profile"] for s in session.meta["sensors"]}) == 3 and sorted(got) == sorted(direct)
    for name, block in direct.items():
        live = _concat(got[name])
        assert live.clock == block.clock
        for key in ("t_s", "acc_mps2", "gyr_rps"):
            np.testing.assert_array_equal(getattr(live, key), getattr(block, key))


def test_cli_replay_of_a_samples_only_session_is_one_clear_error(tmp_path):
    from gait.recording.metadata import write_metadata
    from gait.recording.samples import write_samples

    write_metadata(tmp_path / "imp", {"source": "import:csv", "sensors": [{"placement": "left_foot"}]})
    t = np.arange(10) / 100
    write_samples(tmp_path / "imp", SampleBlock("left_foot", t, np.zeros((10, 3)), np.zeros((10, 3))))
    with pytest.raises(GaitError, match=r"imp: no packets.log to replay .*gait analyze"):
        run_command(replay_cmd, ["replay", str(tmp_path / "imp"), "--speed", "max"])


def test_cli_replay_with_broken_metadata_names_it_and_still_replays(imu, tmp_path, capsys):
    import shutil

    path = tmp_path / "s"
    shutil.copytree(imu[0], path)
    (path / "session.json").write_text('{"schema": "gait.session/1", "sensors": [')
    assert run_command(replay_cmd, ["replay", str(path), "--speed", "max"]) == 0
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1
    assert "session.json: broken metadata at line 1 column 42" in captured.err
    assert f"replayed {len(imu[1])} packets" in captured.out
    with pytest.raises(GaitError, match="session.json: broken metadata at line 1 column 42"):
        load_samples(path)  # not the misleading "no firmware profile"


def test_cli_replay_of_a_recording_without_packets_says_so(tmp_path, capsys):
    path = tmp_path / "empty"
    imu_session(path, duration_s=0.0)  # metadata and an empty, cleanly closed log: a recording cut at once
    assert run_command(replay_cmd, ["replay", str(path), "--speed", "max"]) == 0
    captured = capsys.readouterr()
    assert "live analysis not available" in captured.err and "no decodable samples" in captured.err
    assert "replayed 0 packets" in captured.out
