"""Vectorised frame parsing: many frames of one profile → header values and SI samples in one pass.

Frames are grouped by (length, variant) so each group is one numpy structured-dtype view; validation
(prefix, expected header bits, sample count vs length) is done per group with array comparisons. Rejected
frames get a short reason from :data:`REASONS` (a fixed vocabulary, so counts stay readable).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gait.profiles.model import TYPE_SIZE, Profile, SampleField

R_SHORT = "shorter than the header"
R_PREFIX = "wrong prefix"
R_FLAGS = "unexpected header bits"
R_COUNT = "sample count out of range"
R_LENGTH = "length does not match the sample count"
REASONS = (R_SHORT, R_PREFIX, R_FLAGS, R_COUNT, R_LENGTH)


def numpy_dtype(type_name: str) -> np.dtype:
    """Little-endian numpy dtype of a profile field type (``i16`` → ``<i2``, ``f32`` → ``<f4``)."""
    return np.dtype(f"<{type_name[0]}{TYPE_SIZE[type_name]}")


@dataclass(slots=True)
class Parsed:
    """Result of parsing frames ``0..N-1``: accepted frames in input order, plus the rejected ones."""

    frame_idx: np.ndarray  # (F,) int64 index of each accepted frame, ascending
    n: np.ndarray  # (F,) int64 samples per accepted frame
    header: dict[str, np.ndarray]  # name -> (F,) int64
    acc: np.ndarray  # (S, 3) raw-to-SI converted
    gyr: np.ndarray  # (S, 3)
    mag: np.ndarray | None  # (S, 3), NaN where the frame had no magnetometer
    bad_idx: np.ndarray  # (B,) int64 index of each rejected frame
    bad_reason: np.ndarray  # (B,) int8 index into REASONS


class FrameLayout:
    """Compiled parsing rules of one profile (header dtype, sample variants, validity checks)."""

    def __init__(self, profile: Profile):
        self.profile = profile
        s = profile.samples
        self.offset = s.offset
        self.prefix = np.frombuffer(profile.framing.match_prefix, dtype=np.uint8)
        self.conditional = [f for f in s.fields if f.present_if is not None]
        self.has_mag = profile.has_mag
        self.max_len = profile.framing.pad_to

    # ---- public -------------------------------------------------------------------------------------
    def parse(self, frames: list[bytes]) -> Parsed:
        """Parse a list of frames (one per notification, or cut from a stream)."""
        count = len(frames)
        if count == 0:
            return self._assemble([], [], count)
        lengths = np.fromiter(map(len, frames), dtype=np.int64, count=count)
        flat = np.frombuffer(b"".join(frames), dtype=np.uint8)
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        ok_parts, bad_parts = [], []
        uniq, inverse = np.unique(lengths, return_inverse=True)
        for g, length in enumerate(uniq):
            idx = np.flatnonzero(inverse == g)
            rows = flat[starts[idx, None] + np.arange(int(length))]
            self._parse_group(rows, idx, ok_parts, bad_parts)
        return self._assemble(ok_parts, bad_parts, count)

    def parse_rows(self, rows: np.ndarray) -> Parsed:
        """Parse equal-length frames given as a (k, L) uint8 array (stream framing)."""
        ok_parts, bad_parts = [], []
        self._parse_group(rows, np.arange(rows.shape[0]), ok_parts, bad_parts)
        return self._assemble(ok_parts, bad_parts, rows.shape[0])

    # ---- one length group ---------------------------------------------------------------------------
    def _parse_group(self, rows: np.ndarray, idx: np.ndarray, ok_parts: list, bad_parts: list) -> None:
        length = rows.shape[1]
        if length < self.offset:
            bad_parts.append((idx, np.full(idx.size, REASONS.index(R_SHORT), np.int8)))
            return
        reason = np.full(idx.size, -1, np.int8)
        if self.prefix.size:
            reason[~np.all(rows[:, : self.prefix.size] == self.prefix, axis=1)] = REASONS.index(R_PREFIX)
        header = self._header(rows)
        for h in self.profile.header:
            if h.expect_mask is not None:
                wrong = (header[h.name] & h.expect_mask) != h.expect_value
                reason[wrong & (reason < 0)] = REASONS.index(R_FLAGS)
        variant = np.zeros(idx.size, np.int64)
        for i, f in enumerate(self.conditional):
            fld, bit = f.present_if
            variant |= ((header[fld] >> bit) & 1) << i
        for v in np.unique(variant):
            sel = (variant == v) & (reason < 0)
            fields = self._fields_of_variant(int(v))
            n, r = self._count(header, length, sum(f.size for f in fields), sel)
            reason[sel & (r >= 0)] = r[sel & (r >= 0)]
            good = np.flatnonzero(sel & (r < 0))
            if good.size:
                ok_parts.append(self._samples(rows[good], idx[good], n[good], header, good, fields))
        bad = reason >= 0
        if bad.any():
            bad_parts.append((idx[bad], reason[bad]))

    def _header(self, rows: np.ndarray) -> dict[str, np.ndarray]:
        out = {}
        for h in self.profile.header:
            size = TYPE_SIZE[h.type]
            raw = np.ascontiguousarray(rows[:, h.offset : h.offset + size]).view(numpy_dtype(h.type))
            out[h.name] = raw[:, 0].astype(np.int64)
        return out

    def _fields_of_variant(self, variant: int) -> list[SampleField]:
        out = []
        for f in self.profile.samples.fields:
            if f.present_if is not None and not (variant >> self.conditional.index(f)) & 1:
                continue
            out.append(f)
        return out

    def _count(self, header, length: int, stride: int, sel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Samples per frame and a reason code (-1 = fine) for the frames of one length and variant."""
        s = self.profile.samples
        body = length - self.offset
        r = np.full(sel.size, -1, np.int8)
        if s.count_mode == "fixed":
            n = np.full(sel.size, s.count_fixed, np.int64)
            top = self.max_len if self.max_len is not None else self.offset + s.count_fixed * stride
            if not (self.offset + s.count_fixed * stride <= length <= top):
                r[:] = REASONS.index(R_LENGTH)
            return n, r
        if s.count_mode == "from_field":
            n = header[s.count_field].copy()
            r[(n < 1) | (n > s.count_max)] = REASONS.index(R_COUNT)
            r[(r < 0) & (n * stride != body)] = REASONS.index(R_LENGTH)
            return n, r
        n = np.full(sel.size, body // stride if stride else 0, np.int64)
        if body % stride:
            r[:] = REASONS.index(R_LENGTH)
        elif not 1 <= body // stride <= s.count_max:
            r[:] = REASONS.index(R_COUNT)
        return n, r

    def _samples(self, rows, idx, n, header, good, fields: list[SampleField]):
        """SI samples of frames that all have ``n[0]`` samples and the given fields."""
        count = int(n[0])
        k = rows.shape[0]
        planar = self.profile.samples.layout == "planar"
        stride = sum(f.size for f in fields)
        out: dict[str, np.ndarray] = {}
        pos = self.offset
        for f in fields:
            if planar:
                cols = pos + np.arange(count * f.size)
                pos += count * f.size
            else:
                cols = (self.offset + np.arange(count)[:, None] * stride + (pos - self.offset)
                        + np.arange(f.size)).ravel()
                pos += f.size
            if f.name == "skip":
                continue
            block = np.ascontiguousarray(rows[:, cols]).view(numpy_dtype(f.type))
            out[f.name] = block.reshape(k * count, 3).astype(np.float64) * f.si_scale
        mag = out.get("mag")
        if self.has_mag and mag is None:
            mag = np.full((k * count, 3), np.nan)
        head = {name: vals[good] for name, vals in header.items()}
        return idx, n, head, out["acc"], out["gyro"], mag

    # ---- merge groups back into input order -------------------------------------------------------------
    def _assemble(self, ok_parts: list, bad_parts: list, count: int) -> Parsed:
        names = [h.name for h in self.profile.header]
        if not ok_parts:
            empty3 = np.zeros((0, 3))
            frame_idx = np.zeros(0, np.int64)
            parsed = Parsed(frame_idx, frame_idx.copy(), {k: frame_idx.copy() for k in names}, empty3,
                            empty3.copy(), empty3.copy() if self.has_mag else None, *_bad(bad_parts))
            return parsed
        frame_idx = np.concatenate([p[0] for p in ok_parts])
        n = np.concatenate([p[1] for p in ok_parts])
        header = {k: np.concatenate([p[2][k] for p in ok_parts]) for k in names}
        acc, gyr = (np.concatenate([p[i] for p in ok_parts]) for i in (3, 4))
        mag = np.concatenate([p[5] for p in ok_parts]) if self.has_mag else None
        order = np.argsort(frame_idx, kind="stable")
        if not np.array_equal(order, np.arange(order.size)):
            first = np.concatenate(([0], np.cumsum(n)[:-1]))[order]
            take = np.repeat(first - np.concatenate(([0], np.cumsum(n[order])[:-1])), n[order])
            take += np.arange(take.size)
            frame_idx, n = frame_idx[order], n[order]
            header = {k: v[order] for k, v in header.items()}
            acc, gyr = acc[take], gyr[take]
            mag = mag[take] if mag is not None else None
        return Parsed(frame_idx, n, header, acc, gyr, mag, *_bad(bad_parts))


def _bad(bad_parts: list) -> tuple[np.ndarray, np.ndarray]:
    if not bad_parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int8)
    idx = np.concatenate([b[0] for b in bad_parts])
    reason = np.concatenate([b[1] for b in bad_parts])
    order = np.argsort(idx, kind="stable")
    return idx[order], reason[order]
