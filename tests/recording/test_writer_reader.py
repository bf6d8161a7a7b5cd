"""SessionWriter → SessionReader: contents, time ranges, index cache, durability while recording."""

import json
import time

import pytest
from recording_helpers import synthetic_packets, write_session

from gait.errors import GaitError
from gait.recording.index import INDEX_FILE
from gait.recording.metadata import read_metadata
from gait.recording.reader import SessionReader
from gait.recording.writer import SessionWriter
from gait.types import Packet


def test_roundtrip_packets_and_metadata(session):
    path, packets = session
    reader = SessionReader(path)
    assert list(reader.iter_packets()) == packets
    meta = reader.meta
    assert meta["schema"] == "gait.session/1" and meta["status"] == "closed"
    assert meta["subject"] == "S01" and meta["packets"] == len(packets)
    assert meta["packet_log"]["sensor_index"] == ["left_shank", "right_shank", "left_foot", "right_foot"]
    scan = reader.scan()
    assert scan.closed_cleanly and not scan.damage and scan.data_records == len(packets)


@pytest.mark.parametrize("t0, t1", [(0.0, 0.5), (1.234, 3.3), (4.9, None), (None, 0.01), (7.0, 9.0)])
def test_time_range_matches_filtering(session, t0, t1):
    path, packets = session
    lo, hi = (t0 or -1e9), (1e9 if t1 is None else t1)
    expected = [p for p in packets if lo <= p.host_time_s < hi]
    assert list(SessionReader(path).iter_packets(t0, t1)) == expected


def test_index_is_only_a_cache(session):
    path, packets = session
    assert (path / INDEX_FILE).exists()
    (path / INDEX_FILE).write_text("{not json")  # broken cache: rebuilt in memory
    expected = [p for p in packets if 1.0 <= p.host_time_s < 2.0]
    assert list(SessionReader(path).iter_packets(1.0, 2.0)) == expected
    (path / INDEX_FILE).unlink()
    assert len(SessionReader(path).index().blocks) >= 5


def test_stale_index_is_ignored_after_append(tmp_path):
    packets = synthetic_packets(400)
    write_session(tmp_path / "s", packets)
    doc = json.loads((tmp_path / "s" / INDEX_FILE).read_text())
    doc["blocks"] = []  # a wrong index that still matches size and tail would hide data...
    doc["log_size"] += 1  # ...but it no longer matches the log, so it is not used
    (tmp_path / "s" / INDEX_FILE).write_text(json.dumps(doc))
    assert len(list(SessionReader(tmp_path / "s").iter_packets(0.0, 10.0))) == 400


def test_packets_are_durable_within_a_second_without_close(tmp_path):
    writer = SessionWriter(tmp_path / "s", {"sensors": []}, flush_interval_s=0.2)
    try:
        packets = synthetic_packets(300, sensors=("left_foot", "new_sensor"))
        for p in packets:
            writer.on_packet(p)
        time.sleep(0.8)
        reader = SessionReader(tmp_path / "s")
        assert list(reader.iter_packets()) == packets  # sensors first seen mid-stream are declared
        assert not reader.scan().closed_cleanly
        assert read_metadata(tmp_path / "s")["packet_log"]["sensor_index"] == ["left_foot", "new_sensor"]
    finally:
        writer.close()
    assert SessionReader(tmp_path / "s").scan().closed_cleanly


def test_metadata_edits_during_recording_survive_close(tmp_path):
    with SessionWriter(tmp_path / "s", {"subject": "P7"}, fsync=False) as writer:
        writer.update_metadata(calibration=[{"kind": "standing", "t0_s": 0.0, "t1_s": 5.0}])
        writer.on_packet(Packet("left_foot", 0.0, b"\x01"))
    meta = read_metadata(tmp_path / "s")
    assert meta["calibration"][0]["kind"] == "standing" and meta["subject"] == "P7"
    assert meta["status"] == "closed" and meta["duration_s"] == 0.0


def test_writer_never_overwrites_a_recording(session):
    path, _ = session
    with pytest.raises(GaitError, match="already exists"):
        SessionWriter(path)


def test_writer_drops_what_the_format_cannot_hold_and_says_so(tmp_path):
    with SessionWriter(tmp_path / "s", fsync=False) as writer:
        writer.on_packet(Packet("left_foot", 0.0, b"x" * 70000))
        writer.on_packet(Packet("left_foot", 0.1, b"ok"))
    assert read_metadata(tmp_path / "s")["dropped_packets"] == {"payload over 65535 bytes": 1}
    assert [p.data for p in SessionReader(tmp_path / "s").iter_packets()] == [b"ok"]


def test_not_a_session_is_one_clear_error(tmp_path):
    with pytest.raises(GaitError, match="not a session folder"):
        SessionReader(tmp_path)
    with pytest.raises(GaitError, match="no such session folder"):
        SessionReader(tmp_path / "missing")


def test_empty_log_reads_as_nothing(tmp_path):
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "packets.log").write_bytes(b"")
    reader = SessionReader(tmp_path / "s")
    assert list(reader.iter_packets()) == [] and list(reader.iter_packets(0, 1)) == []
    assert reader.metadata_error is not None


def test_unwritable_place_is_one_clear_error(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(GaitError, match="cannot create the session"):
        SessionWriter(tmp_path / "file" / "s")


def test_packets_after_close_are_counted_not_lost_silently(tmp_path):
    writer = SessionWriter(tmp_path / "s", fsync=False)
    writer.close()
    writer.on_packet(Packet("left_foot", 0.0, b"late"))
    assert writer.stats.dropped == {"arrived after close": 1}
