"""The sample sessions in recordings/ (scripts/make_sample_sessions.py): intact, decodable, as documented."""

from pathlib import Path

import pytest

from gait.recording.integrity import check_session
from gait.recording.reader import SessionReader, load_samples

RECORDINGS = Path(__file__).resolve().parents[2] / "recordings"
CONDITIONS = ("barefoot", "shoe_a", "shoe_b")


@pytest.mark.parametrize("condition", CONDITIONS)
def test_sample_session_is_intact_and_decodes(condition):
    path = RECORDINGS / f"SYN01-{condition}"
    reader = SessionReader(path)
    meta = reader.meta
    assert (meta["subject"], meta["condition"], meta["source"]) == ("SYN01", condition, "virtual")
    placements = {s["placement"] for s in meta["sensors"]}
    assert placements == {"left_shank", "right_shank", "left_foot", "right_foot"}
    assert any(c["kind"] == "standing" for c in meta["calibration"])
    report = check_session(path)
    assert report.ok and report.duration_s > 40
    assert all(d["bad_packets"] == 0 and d["lost_packets"] == 0 for d in report.decoded.values())
    blocks = load_samples(reader)
    for block in blocks.values():
        assert 190 < block.rate_hz < 215 and len(block) > 40 * 190
        assert (block.t_s[1:] > block.t_s[:-1]).all()


def test_sample_sessions_stay_small():
    total = sum(f.stat().st_size for f in RECORDINGS.rglob("*") if f.is_file())
    assert total < 6e6
