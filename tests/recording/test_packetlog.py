"""Record encoding and the damage-tolerant walk of a packet log."""

import struct
import zlib

import pytest

from gait.recording.packetlog import (
    FILE_HEADER,
    KIND_DATA,
    OVERHEAD,
    Damage,
    Record,
    encode_record,
    iter_log,
)


def _log(records):
    return FILE_HEADER + b"".join(encode_record(*r) for r in records)


def test_record_layout_is_documented_bytes():
    rec = encode_record(KIND_DATA, 3, 1.5, b"abc")
    assert len(rec) == OVERHEAD + 3
    sync, kind, sensor, length, t = struct.unpack_from("<2sBBHd", rec)
    assert (sync, kind, sensor, length, t) == (b"\xa5\x5a", 0, 3, 3, 1.5)
    assert struct.unpack_from("<I", rec, 17)[0] == zlib.crc32(rec[:17])


def test_roundtrip_keeps_every_field_and_offset():
    recs = [(KIND_DATA, i % 4, i * 0.01, bytes([i]) * (i % 7)) for i in range(50)]
    out = list(iter_log(_log(recs)))
    assert all(isinstance(r, Record) for r in out)
    assert [(r.kind, r.sensor_index, r.host_time_s, r.payload) for r in out] == recs
    assert out[0].offset == len(FILE_HEADER)
    assert all(a.end == b.offset for a, b in zip(out, out[1:], strict=False))


def test_damage_in_the_middle_is_skipped_and_located():
    recs = [(KIND_DATA, 0, i * 0.01, b"x" * 10) for i in range(10)]
    buf = bytearray(_log(recs))
    third = len(FILE_HEADER) + 2 * (OVERHEAD + 10)
    buf[third + 20] ^= 0x01  # a payload bit of record 2
    out = list(iter_log(bytes(buf)))
    damage = [r for r in out if isinstance(r, Damage)]
    assert damage == [Damage(third, OVERHEAD + 10, "checksum mismatch")]
    assert len([r for r in out if isinstance(r, Record)]) == 9


def test_torn_tail_is_reported_at_end():
    buf = _log([(KIND_DATA, 0, 0.0, b"abcdef")] * 3)
    out = list(iter_log(buf[:-5]))
    assert out[-1].at_end and out[-1].offset == len(FILE_HEADER) + 2 * (OVERHEAD + 6)
    assert sum(isinstance(r, Record) for r in out) == 2


@pytest.mark.parametrize("size", [0, 3, 15])
def test_short_or_empty_files_do_not_raise(size):
    out = list(iter_log(FILE_HEADER[:size]))
    assert all(isinstance(r, Damage) for r in out)
    assert sum(r.length for r in out) == size


def test_fields_that_do_not_fit_are_refused():
    with pytest.raises(ValueError):
        encode_record(KIND_DATA, 0, 0.0, b"x" * 70000)
    with pytest.raises(ValueError):
        encode_record(KIND_DATA, 256, 0.0, b"")
