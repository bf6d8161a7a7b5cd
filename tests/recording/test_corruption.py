"""1200 random corruptions of a session: the reader never raises, locates the damage and recovers exactly
the records whose bytes are untouched.

Each case damages a copy of one recorded session (bit flips, zeroed blocks, random overwrites, truncation,
combinations; every tenth case also breaks ``session.json``). "Intact" is computed from the bytes: a record
is intact when none of its bytes changed and it still lies wholly inside the file. The walk must return
those records and nothing else, and its records and damaged runs must tile the file so every changed byte
lies in a reported damaged run. Every tenth case also goes through the disk: SessionReader (all packets
and a time range through the now stale index cache), ``check_session``, and every fiftieth ``repair``.
"""

from __future__ import annotations

import json
import random
import shutil

import numpy as np
import pytest
from recording_helpers import SENSORS, synthetic_packets, write_session

from gait.recording.integrity import check_session, format_report, repair_session
from gait.recording.packetlog import FILE_HEADER, KIND_DATA, KIND_SENSOR, Damage, Record, iter_log
from gait.recording.reader import SessionReader

N_CASES = 1200
DISK_EVERY = 10
REPAIR_EVERY = 50


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    path = tmp_path_factory.mktemp("base") / "s"
    write_session(path, synthetic_packets(600, seed=7))
    raw = (path / "packets.log").read_bytes()
    return path, raw, [r for r in iter_log(raw) if isinstance(r, Record)]


def _flip_bits(rng, buf):
    for _ in range(rng.randint(1, 8)):
        i = rng.randrange(len(buf))
        buf[i] ^= 1 << rng.randrange(8)
    return buf


def _zero_block(rng, buf):
    i, n = rng.randrange(len(buf)), rng.choice([1, 4, 17, 64, 512, 4096])
    buf[i : i + n] = bytes(len(buf[i : i + n]))
    return buf


def _garbage(rng, buf):
    i, n = rng.randrange(len(buf)), rng.randint(1, 300)
    buf[i : i + n] = rng.randbytes(len(buf[i : i + n]))
    return buf


def _truncate(rng, buf):
    return buf[: rng.randrange(len(buf))]


DAMAGES = [_flip_bits, _zero_block, _garbage, _truncate]


def _corrupt(rng, raw: bytes) -> bytes:
    buf = bytearray(raw)
    for damage in rng.sample(DAMAGES, rng.choice([1, 1, 1, 2, 3])):
        if len(buf):
            buf = damage(rng, buf)
    return bytes(buf)


def _expected(records, raw: bytes, new: bytes):
    """Records whose bytes are unchanged and inside the file; per-byte 'changed' mask of the kept length."""
    n = len(new)
    changed = np.frombuffer(raw[:n], np.uint8) != np.frombuffer(new, np.uint8)
    cum = np.concatenate([[0], np.cumsum(changed)])
    intact = [r for r in records if r.end <= n and cum[r.end] == cum[r.offset]]
    header_ok = n >= len(FILE_HEADER) and cum[len(FILE_HEADER)] == 0
    return intact, changed, header_ok


def _check_walk(new: bytes, intact, changed, header_ok) -> list[Record]:
    out = list(iter_log(new))
    got = [r for r in out if isinstance(r, Record)]
    assert got == intact
    pos = len(FILE_HEADER) if header_ok else 0
    for item in out:  # records and damaged runs tile the file, in order
        assert item.offset == pos
        pos = item.end
    assert pos == len(new)
    damaged = np.zeros(len(new), bool)
    for d in (d for d in out if isinstance(d, Damage)):
        damaged[d.offset : d.end] = True
    assert not (changed & ~damaged).any(), "a changed byte lies outside every reported damaged run"
    return got


def _break_metadata(rng, session):
    meta = session / "session.json"
    how = rng.choice(["truncate", "garbage", "schema", "list", "delete"])
    text = meta.read_text()
    if how == "truncate":
        meta.write_text(text[: rng.randrange(len(text))])
    elif how == "garbage":
        meta.write_bytes(rng.randbytes(200))
    elif how == "schema":
        meta.write_text(json.dumps({"subject": "x"}))
    elif how == "list":
        meta.write_text("[1, 2, 3]")
    else:
        meta.unlink()


def _check_disk(rng, base_path, new, intact, tmp, case):
    session = tmp / f"case{case}"
    shutil.copytree(base_path, session)
    (session / "packets.log").write_bytes(new)
    meta_broken = case % (DISK_EVERY * 10) == 0
    if meta_broken:
        _break_metadata(rng, session)
    names = {r.sensor_index: r.payload.decode() for r in intact if r.kind == KIND_SENSOR}
    if not meta_broken:
        names = dict(enumerate(SENSORS))
    expected = [(names.get(r.sensor_index, f"sensor{r.sensor_index}"), r.host_time_s, r.payload)
                for r in intact if r.kind == KIND_DATA]
    reader = SessionReader(session)
    assert (reader.metadata_error is not None) == meta_broken
    assert [(p.sensor, p.host_time_s, p.data) for p in reader.iter_packets()] == expected
    t0 = rng.uniform(0, 1.5)
    t1 = t0 + rng.uniform(0, 0.5)
    assert [(p.sensor, p.host_time_s, p.data) for p in reader.iter_packets(t0, t1)] == \
        [e for e in expected if t0 <= e[1] < t1]
    report = check_session(session)
    assert report.records_good == len(intact)
    text = "\n".join(format_report(report))  # the printed report says where the damage is
    assert text.endswith("result: OK") == report.ok
    assert all(f"bytes {d.offset}..{d.end} " in text for d in report.damage[:10])
    assert report.ok == (new == (base_path / "packets.log").read_bytes() and not meta_broken)
    if case % REPAIR_EVERY == 0:
        before = (session / "packets.log").read_bytes()
        fixed = repair_session(session)
        assert (session / "packets.log").read_bytes() == before
        again = SessionReader(fixed.target)
        assert [(p.sensor, p.host_time_s, p.data) for p in again.iter_packets()] == expected
        assert check_session(fixed.target).ok
    shutil.rmtree(session)
    return report


@pytest.mark.slow  # ~8 s of CPU; up to ~20 s wall on a loaded machine
def test_random_corruptions_recover_every_intact_record(base, tmp_path):
    base_path, raw, records = base
    rng = random.Random(20261121)
    torn = damaged_mid = 0
    for case in range(N_CASES):
        new = _corrupt(rng, raw)
        intact, changed, header_ok = _expected(records, raw, new)
        got = _check_walk(new, intact, changed, header_ok)
        torn += len(got) < len(records) and len(new) < len(raw)
        damaged_mid += bool(changed.any())
        if case % DISK_EVERY == 0:
            _check_disk(rng, base_path, new, intact, tmp_path, case)
    assert torn > 100 and damaged_mid > 500  # the mix really exercised both kinds of damage
