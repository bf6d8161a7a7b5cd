"""The stand-alone reader printed in docs/recording-format.md reads sessions exactly like SessionReader."""

import json
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from recording_helpers import synthetic_packets, write_session

from gait.recording.packetlog import Damage
from gait.recording.reader import SessionReader

DOC = Path(__file__).resolve().parents[2] / "docs" / "recording-format.md"


def _example_code() -> str:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(r"<!-- standalone-reader -->\s*```python\n(.*?)```", text, re.S)
    assert match, "the stand-alone reader block is missing from docs/recording-format.md"
    return match.group(1)


@pytest.fixture(scope="module")
def doc_reader(tmp_path_factory):
    path = tmp_path_factory.mktemp("doc") / "read_session.py"
    path.write_text(_example_code())
    namespace = {"__name__": "doc_example"}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    return path, namespace["read_session"]


def _project_view(session):
    reader = SessionReader(session)
    packets = [(p.sensor, p.host_time_s, p.data) for p in reader.iter_packets()]
    damage = [(d.offset, d.length) for d in reader.records() if isinstance(d, Damage)]
    return packets, damage


@pytest.mark.parametrize("seed", range(12))
def test_doc_reader_matches_project_reader_on_damaged_logs(tmp_path, doc_reader, seed):
    _, read_session = doc_reader
    session = tmp_path / "s"
    write_session(session, synthetic_packets(300, seed=seed))
    log = session / "packets.log"
    raw = bytearray(log.read_bytes())
    rng = random.Random(seed)
    for _ in range(seed % 4):  # seed 0: intact; others: zeroed blocks, flipped bytes and a cut tail
        i, n = rng.randrange(len(raw)), rng.randint(1, 200)
        raw[i : i + n] = bytes(len(raw[i : i + n]))
        raw[rng.randrange(len(raw))] ^= 0x5A
    if seed % 3 == 2:
        raw = raw[: rng.randrange(len(raw))]
    log.write_bytes(bytes(raw))
    meta, packets, damaged = read_session(session)
    assert meta["subject"] == "S01"
    assert (packets, damaged) == _project_view(session)


def test_doc_reader_runs_as_a_script(tmp_path, doc_reader):
    script, _ = doc_reader
    write_session(tmp_path / "s", synthetic_packets(40))
    out = subprocess.run([sys.executable, str(script), str(tmp_path / "s")], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    counts = {"left_shank": 10, "right_shank": 10, "left_foot": 10, "right_foot": 10}
    assert json.loads(out) == {"subject": "S01", "damaged": [], "packets": counts}
