"""gait check / gait repair: what they report, exit codes, and that the original is never modified."""

import hashlib
import json

import numpy as np
import pytest
from recording_helpers import imu_session, run_command

from gait.cli.commands import check as check_cmd
from gait.cli.commands import repair as repair_cmd
from gait.errors import GaitError
from gait.recording.integrity import check_session, repair_session
from gait.recording.metadata import read_metadata, write_metadata
from gait.recording.reader import SessionReader, load_samples
from gait.recording.samples import write_samples
from gait.types import SampleBlock


def _digest(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def damaged(tmp_path):
    """A decodable session with two zeroed blocks in the middle and a torn tail."""
    path = tmp_path / "s"
    packets = imu_session(path)
    log = path / "packets.log"
    raw = bytearray(log.read_bytes())
    raw[3000:3100] = bytes(100)
    raw[12000:12001] = b"\xff"
    log.write_bytes(bytes(raw[:-30]))
    return path, packets


def test_check_reports_gaps_and_lost_packets_per_sensor(damaged):
    path, _ = damaged
    report = check_session(path)
    assert not report.ok and not report.closed_cleanly
    assert [d.offset for d in report.damage][:1] and report.damage[0].offset <= 3000 < report.damage[0].end
    assert report.torn_tail is not None and report.torn_tail.end == (path / "packets.log").stat().st_size
    lost = sum(v["lost_packets"] for v in report.decoded.values())
    assert lost >= 2  # the decoder sees the dropped records as sequence gaps
    assert set(report.sensors) == {"left_shank", "right_shank", "left_foot", "right_foot"}


def test_check_command_text_and_json(damaged, capsys):
    path, _ = damaged
    assert run_command(check_cmd, ["check", str(path)]) == 1
    text = capsys.readouterr().out
    assert "damaged: bytes" in text and "torn tail: bytes" in text and "lost (sequence gaps)" in text
    assert run_command(check_cmd, ["check", "--json", str(path)]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["ok"] is False and doc["packet_log"]["damaged_regions"][-1]["at_end"] is True


def test_repair_writes_a_clean_copy_and_leaves_the_original(damaged, capsys):
    path, _ = damaged
    before = _digest(path)
    assert run_command(repair_cmd, ["repair", str(path)]) == 0
    assert "kept" in capsys.readouterr().out
    assert _digest(path) == before
    fixed = path.with_name("s-repaired")
    assert check_session(fixed).ok
    assert list(SessionReader(fixed).iter_packets()) == list(SessionReader(path).iter_packets())
    meta = read_metadata(fixed)
    assert meta["repair"]["damaged_regions"] and meta["subject"] == "S01"
    sizes = {k: len(v) for k, v in load_samples(path).items()}
    assert {k: len(v) for k, v in load_samples(fixed).items()} == sizes
    with pytest.raises(GaitError, match="already exists"):
        repair_session(path, fixed)


def test_repair_rebuilds_unreadable_metadata(damaged):
    path, packets = damaged
    (path / "session.json").write_text('{"subject": ')
    assert "line 1 column" in check_session(path).metadata_error
    res = repair_session(path, path.parent / "out")
    meta = read_metadata(res.target)
    assert res.metadata_rebuilt and {s["placement"] for s in meta["sensors"]} == {p.sensor for p in packets}


def test_samples_only_session_checks_and_flags_a_damaged_file(tmp_path):
    path = tmp_path / "imp"
    write_metadata(path, {"subject": "S02", "source": "import:csv", "sensors": [{"placement": "left_foot"}]})
    t = np.arange(10) / 100
    write_samples(path, SampleBlock("left_foot", t, np.zeros((10, 3)), np.ones((10, 3))))
    write_samples(path, SampleBlock("right_foot", t, np.zeros((10, 3)), np.ones((10, 3))))
    assert check_session(path).ok
    assert len(load_samples(path)["left_foot"]) == 10
    (path / "samples" / "right_foot.npz").write_bytes(b"PK\x03\x04broken")
    report = check_session(path)
    assert not report.ok and "damaged sample file" in report.sample_files["right_foot"]
    res = repair_session(path)
    assert res.sample_files_dropped == ["right_foot"] and check_session(res.target).ok


def test_check_on_a_folder_that_is_not_a_session(tmp_path):
    with pytest.raises(GaitError, match="not a session folder"):
        run_command(check_cmd, ["check", str(tmp_path)])


def test_unknown_profile_names_the_session_and_sensor(damaged):
    path, _ = damaged
    meta = read_metadata(path)
    meta["sensors"][1]["profile"] = "no_such_sensor"
    write_metadata(path, {k: v for k, v in meta.items() if k != "schema"})
    name = meta["sensors"][1]["placement"]
    with pytest.raises(GaitError, match=rf"session.json: sensor '{name}': unknown firmware profile 'no_such"):
        load_samples(path)
    assert "unknown firmware profile" in check_session(path).decoded[name]["problem"]
