"""Time index of a packet log (``packets.index.json``): a cache for time-range access, never the record.

The index cuts the log into contiguous byte blocks and keeps each block's host-time span, so a reader can
seek to the blocks that overlap a time range instead of walking the whole file. It is written by the
session writer on close and by ``gait repair``, and ignored (rebuilt in memory by a full walk) whenever it
is missing, unreadable or does not match the log's size and tail checksum. Deleting it is always safe.
"""

from __future__ import annotations

import json
import math
import os
import zlib
from dataclasses import dataclass, field
from pathlib import Path

INDEX_FILE = "packets.index.json"
INDEX_FORMAT = "gait.packetlog-index/1"
_TAIL_BYTES = 4096


@dataclass(slots=True)
class Block:
    """Bytes ``[offset, end)`` of the log; data records in it span host times ``[t_min_s, t_max_s]``."""

    offset: int
    end: int
    t_min_s: float = math.inf
    t_max_s: float = -math.inf
    n_data: int = 0

    def overlaps(self, t0_s: float, t1_s: float) -> bool:
        return self.n_data > 0 and self.t_max_s >= t0_s and self.t_min_s < t1_s


@dataclass(slots=True)
class LogIndex:
    """Blocks covering the whole log plus the sensor-index → placement names seen while building it."""

    log_size: int
    tail_crc32: int
    blocks: list[Block] = field(default_factory=list)
    sensor_names: dict[int, str] = field(default_factory=dict)

    def blocks_for(self, t0_s: float, t1_s: float) -> list[Block]:
        """Blocks holding data in ``[t0_s, t1_s)``, adjacent ones merged into single runs."""
        runs: list[Block] = []
        for blk in self.blocks:
            if not blk.overlaps(t0_s, t1_s):
                continue
            if runs and runs[-1].end == blk.offset:
                last = runs[-1]
                runs[-1] = Block(last.offset, blk.end, min(last.t_min_s, blk.t_min_s),
                                 max(last.t_max_s, blk.t_max_s), last.n_data + blk.n_data)
            else:
                runs.append(Block(blk.offset, blk.end, blk.t_min_s, blk.t_max_s, blk.n_data))
        return runs


def tail_crc32(buf, size: int) -> int:
    """Checksum of the last bytes of the log: cheap evidence that an index still matches its log."""
    return zlib.crc32(memoryview(buf)[max(0, size - _TAIL_BYTES) : size])


def file_tail_crc32(path: Path) -> tuple[int, int]:
    """``(size, tail checksum)`` of a log file on disk, reading only its tail."""
    with open(path, "rb") as fh:
        size = fh.seek(0, os.SEEK_END)
        fh.seek(max(0, size - _TAIL_BYTES))
        return size, zlib.crc32(fh.read())


def save_index(session_dir: Path, index: LogIndex) -> Path:
    """Write the index atomically (temp file + rename), like every other file of a session."""
    target = Path(session_dir) / INDEX_FILE
    tmp = target.with_name(f".{INDEX_FILE}.tmp")
    doc = {
        "format": INDEX_FORMAT,
        "log_size": index.log_size,
        "tail_crc32": index.tail_crc32,
        "sensor_names": {str(k): v for k, v in sorted(index.sensor_names.items())},
        "blocks": [[b.offset, b.end, _num(b.t_min_s), _num(b.t_max_s), b.n_data] for b in index.blocks],
    }
    tmp.write_text(json.dumps(doc, separators=(",", ":")), encoding="utf-8")
    os.replace(tmp, target)
    return target


def load_index(session_dir: Path, log_size: int, log_tail_crc32: int) -> LogIndex | None:
    """The cached index if it exists, parses and matches the log; ``None`` otherwise (then rebuild)."""
    try:
        doc = json.loads((Path(session_dir) / INDEX_FILE).read_text(encoding="utf-8"))
        if doc.get("format") != INDEX_FORMAT or doc["log_size"] != log_size:
            return None
        if doc["tail_crc32"] != log_tail_crc32:
            return None
        blocks = [Block(int(o), int(e), _float(t0), _float(t1), int(n)) for o, e, t0, t1, n in doc["blocks"]]
        names = {int(k): str(v) for k, v in doc["sensor_names"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return LogIndex(log_size, log_tail_crc32, blocks, names)


def _num(x: float) -> float | None:
    return x if math.isfinite(x) else None


def _float(x) -> float:
    return math.nan if x is None else float(x)


class IndexBuilder:
    """Cuts a log into blocks of about ``block_span_s`` of host time while it is written or walked."""

    def __init__(self, block_span_s: float = 1.0, block_records: int = 4096) -> None:
        self._span_s = block_span_s
        self._max_records = block_records
        self._blocks: list[Block] = []
        self._cur = Block(0, 0)

    def add(self, offset: int, end: int, host_time_s: float | None = None) -> None:
        """Account bytes ``[offset, end)``: a data record when ``host_time_s`` is given, else other bytes."""
        cur = self._cur
        cur.end = end
        if host_time_s is None or math.isnan(host_time_s):
            return
        cur.t_min_s = min(cur.t_min_s, host_time_s)
        cur.t_max_s = max(cur.t_max_s, host_time_s)
        cur.n_data += 1
        if cur.n_data >= self._max_records or cur.t_max_s - cur.t_min_s >= self._span_s:
            self._blocks.append(cur)
            self._cur = Block(end, end)

    def finish(self, log_size: int, log_tail_crc32: int, sensor_names: dict[int, str]) -> LogIndex:
        blocks = [*self._blocks, self._cur] if self._cur.end > self._cur.offset else list(self._blocks)
        if blocks:
            blocks[-1].end = log_size
        return LogIndex(log_size, log_tail_crc32, blocks, dict(sensor_names))
