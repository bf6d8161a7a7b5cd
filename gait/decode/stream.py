"""Stream framing: cut a byte stream into fixed-length frames that start with a sync word.

Some sensors (WitMotion) treat notifications as a byte stream: one notification may hold several frames
or part of one. The rule is greedy and chunking-independent: the next frame starts at the first sync
occurrence at or after the end of the previous frame; bytes skipped to get there are *junk*, counted as one
run per contiguous stretch. Feeding the stream in any chunks gives the same frames and counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(slots=True)
class StreamCut:
    rows: np.ndarray  # (F, frame_len) uint8 frames
    end_pos: np.ndarray  # (F,) position of each frame's last byte in the newly fed data (always >= 0)
    junk_runs: int
    junk_bytes: int


class StreamFramer:
    """Stateful reassembler: keeps the unfinished tail between calls."""

    def __init__(self, sync: bytes, frame_len: int):
        self.sync = np.frombuffer(sync, dtype=np.uint8)
        self.frame_len = frame_len
        self.pending = b""
        self._pos = 0  # absolute stream offset of pending[0]
        self._junk_end = -1  # absolute offset where the last junk run ended

    def feed(self, data: bytes) -> StreamCut:
        """Append ``data``; return complete frames, with end positions relative to ``data``'s first byte."""
        buf = np.frombuffer(self.pending + data, dtype=np.uint8)
        base = len(self.pending)
        size, width, length = buf.size, self.sync.size, self.frame_len
        match = np.ones(max(size - width + 1, 0), dtype=bool)
        for k in range(width):
            match &= buf[k : size - width + 1 + k] == self.sync[k]
        cands = np.flatnonzero(match)
        starts, after = _greedy(cands, length, size)
        junk = _gaps(starts, length)  # (start, end) relative to buf
        prev_end = int(starts[-1]) + length if starts.size else 0
        if after < cands.size:  # an unfinished frame at cands[after]: wait for the rest
            keep_from = int(cands[after])
        else:
            keep_from = max(prev_end, size - _partial_sync(buf[prev_end:], self.sync))
        if keep_from > prev_end:
            junk.append((prev_end, keep_from))
        runs = self._consume(junk, keep_from, buf[keep_from:].tobytes())
        rows = buf[starts[:, None] + np.arange(length)] if starts.size else np.zeros((0, length), np.uint8)
        return StreamCut(rows, starts + length - 1 - base, runs, sum(b - a for a, b in junk))

    def feed_small(self, data: bytes) -> tuple[list[bytes], int, int]:
        """Same rule as :meth:`feed` with ``bytes.find`` (fast for one notification): frames, junk runs,
        junk bytes."""
        buf = self.pending + data
        sync, length = self.sync.tobytes(), self.frame_len
        frames, junk, pos = [], [], 0
        while True:
            start = buf.find(sync, pos)
            if start < 0:
                keep_from = max(pos, len(buf) - _partial_sync(np.frombuffer(buf[pos:], np.uint8), self.sync))
                break
            if start > pos:
                junk.append((pos, start))
            if start + length > len(buf):
                keep_from = pos = start
                break
            frames.append(buf[start : start + length])
            pos = start + length
        if keep_from > pos:
            junk.append((pos, keep_from))
        runs = self._consume(junk, keep_from, buf[keep_from:])
        return frames, runs, sum(b - a for a, b in junk)

    def _consume(self, junk: list[tuple[int, int]], keep_from: int, pending: bytes) -> int:
        """Count junk runs (merging one that continues the previous call's) and keep the unfinished tail."""
        runs = 0
        for a, b in junk:
            if self._pos + a != self._junk_end:
                runs += 1
            self._junk_end = self._pos + b
        self.pending = pending
        self._pos += keep_from
        return runs


def _greedy(cands: np.ndarray, length: int, size: int) -> tuple[np.ndarray, int]:
    """Frame starts chosen greedily among sync candidates; also the index of the first unused candidate."""
    m = cands.size
    if m == 0:
        return np.zeros(0, np.int64), 0
    nxt = np.searchsorted(cands, cands + length)
    n_complete = int(np.searchsorted(cands, size - length, side="right"))
    breaks = np.flatnonzero(nxt != np.arange(1, m + 1))
    pieces = []
    i = 0
    while i < n_complete:
        k = np.searchsorted(breaks, i)
        j = int(breaks[k]) if k < breaks.size else m - 1
        j = min(j, n_complete - 1)
        pieces.append(cands[i : j + 1])
        i = int(nxt[j])
    starts = np.concatenate(pieces) if pieces else np.zeros(0, np.int64)
    return starts.astype(np.int64), i


def _gaps(starts: np.ndarray, length: int) -> list[tuple[int, int]]:
    """Junk stretches before and between the chosen frames."""
    if starts.size == 0:
        return []
    ends = starts[:-1] + length
    gaps = [(0, int(starts[0]))] if starts[0] > 0 else []
    where = np.flatnonzero(starts[1:] > ends)
    gaps += [(int(ends[w]), int(starts[w + 1])) for w in where]
    return gaps


def _partial_sync(tail: np.ndarray, sync: np.ndarray) -> int:
    """Length of the longest suffix of ``tail`` that is a proper prefix of ``sync`` (kept for later)."""
    for k in range(min(sync.size - 1, tail.size), 0, -1):
        if np.array_equal(tail[-k:], sync[:k]):
            return k
    return 0
