"""Append-only raw packet log (``packets.log``): the primary record of a live or virtual session.

Layout (all little-endian; full description in ``docs/recording-format.md``)::

    file header  16 bytes   b"GAITLOG\\0", u16 version (1), 6 zero bytes
    record       14 bytes   sync b"\\xa5\\x5a", u8 kind, u8 sensor index, u16 payload length,
                            f64 host receive time (s)
                 n bytes    payload
                 4 bytes    CRC-32 (zlib.crc32) of the 14 header bytes + payload

Every record carries its own sync word, length and checksum, so a reader that meets damage (a torn tail
after a crash, flipped bits, a zeroed disk block) skips forward to the next sync word whose record checks
out and loses nothing but the damaged bytes. Record kinds: ``DATA`` (one packet as received),
``SENSOR`` (declares that an index means a placement; payload = UTF-8 name) and ``END`` (clean close;
payload = JSON summary). Readers skip kinds they do not know.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

FILE_MAGIC = b"GAITLOG\x00"
FORMAT_VERSION = 1
FORMAT_NAME = "gait.packetlog/1"
FILE_HEADER = FILE_MAGIC + struct.pack("<H6x", FORMAT_VERSION)
SYNC = b"\xa5\x5a"
_HEAD = struct.Struct("<2sBBHd")
_CRC = struct.Struct("<I")
HEADER_SIZE = _HEAD.size  # 14
OVERHEAD = HEADER_SIZE + _CRC.size  # 18 bytes per record besides the payload
MAX_PAYLOAD = 0xFFFF
MAX_SENSORS = 256

KIND_DATA = 0
KIND_SENSOR = 1
KIND_END = 2


class Record(NamedTuple):
    """One intact record and where it starts in the file (a tuple: the walk makes millions of them)."""

    offset: int
    kind: int
    sensor_index: int
    host_time_s: float
    payload: bytes

    @property
    def end(self) -> int:
        """Byte offset just past this record."""
        return self.offset + OVERHEAD + len(self.payload)


@dataclass(frozen=True, slots=True)
class Damage:
    """A run of bytes that holds no intact record (``length`` bytes from ``offset``).

    ``at_end`` is true when the run reaches the end of the file: the signature of a torn tail (a write
    cut short by a crash) or of truncation.
    """

    offset: int
    length: int
    reason: str
    at_end: bool = False

    @property
    def end(self) -> int:
        return self.offset + self.length


def torn_tail(damage: list[Damage]) -> Damage | None:
    """The damaged run that reaches the end of the file (a torn write or truncation), if any."""
    return damage[-1] if damage and damage[-1].at_end else None


def encode_record(kind: int, sensor_index: int, host_time_s: float, payload: bytes) -> bytes:
    """Bytes of one record; raises ``ValueError`` when a field does not fit the format."""
    if len(payload) > MAX_PAYLOAD:
        raise ValueError(f"payload of {len(payload)} bytes exceeds the {MAX_PAYLOAD}-byte record limit")
    if not 0 <= sensor_index < MAX_SENSORS:
        raise ValueError(f"sensor index {sensor_index} outside 0..{MAX_SENSORS - 1}")
    head = _HEAD.pack(SYNC, kind, sensor_index, len(payload), host_time_s)
    return b"".join((head, payload, _CRC.pack(zlib.crc32(payload, zlib.crc32(head)))))


def iter_log(buf, start: int = 0, end: int | None = None) -> Iterator[Record | Damage]:
    """Walk a packet log held in ``buf`` (bytes, mmap or memoryview) from ``start`` to ``end``.

    Yields every intact :class:`Record` in file order and, between them, one :class:`Damage` per run of
    bytes that holds none. ``start`` may be 0 (the file header is then checked and reported as damage when
    wrong) or any record boundary. The walk never raises on content: damage is data, not an exception.
    """
    if not hasattr(buf, "find"):
        buf = bytes(buf)
    with memoryview(buf) as view:  # released even when the caller stops early (mmap can then close)
        yield from _walk(buf, view, start, len(view) if end is None else min(end, len(view)))


def _walk(buf, view: memoryview, start: int, end: int) -> Iterator[Record | Damage]:
    pos = start
    bad_at, bad_reason = -1, ""
    if start == 0 and end > 0:
        if bytes(view[: len(FILE_HEADER)]) == FILE_HEADER:
            pos = len(FILE_HEADER)
        else:
            bad_at, bad_reason = 0, "file header damaged or missing"
            pos = _find_sync(buf, 0, end)
    unpack_head, unpack_crc, crc32 = _HEAD.unpack_from, _CRC.unpack_from, zlib.crc32
    while pos < end:
        if end - pos >= OVERHEAD:  # fast path for an intact record; _why_not explains anything else
            sync, kind, sensor, length, host_time_s = unpack_head(view, pos)
            body_end = pos + HEADER_SIZE + length
            if (sync == SYNC and body_end + 4 <= end
                    and unpack_crc(view, body_end)[0] == crc32(view[pos:body_end])):
                if bad_at >= 0:
                    yield Damage(bad_at, pos - bad_at, bad_reason)
                    bad_at = -1
                yield Record(pos, kind, sensor, host_time_s, bytes(view[pos + HEADER_SIZE : body_end]))
                pos = body_end + 4
                continue
        if bad_at < 0:
            bad_at, bad_reason = pos, _why_not(view, pos, end)
        pos = _find_sync(buf, pos + 1, end)
    if bad_at >= 0:
        yield Damage(bad_at, end - bad_at, bad_reason, at_end=True)


def _why_not(view: memoryview, pos: int, end: int) -> str:
    """Why no intact record starts at ``pos`` (for the damage report)."""
    if end - pos < OVERHEAD:
        return "incomplete record at end of file (torn write)"
    if bytes(view[pos : pos + 2]) != SYNC:
        return "no record sync word"
    length = _HEAD.unpack_from(view, pos)[3]
    if pos + OVERHEAD + length > end:
        return "record runs past end of file (torn write or bad length)"
    return "checksum mismatch"


def _find_sync(buf, pos: int, end: int) -> int:
    """Offset of the next sync word at or after ``pos`` (``end`` when there is none)."""
    found = buf.find(SYNC, pos, end)
    return end if found < 0 else found
