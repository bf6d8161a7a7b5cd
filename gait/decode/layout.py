"""Vectorised frame parsing: many frames of one profile → header values and SI samples in one pass.

Frames are grouped by (length, variant) so each group is one numpy structured-dtype view; validation
(prefix, expected header bits, sample count vs length) is done per group with array comparisons. Rejected
frames get a short reason from :data:`REASONS` (a fixed vocabulary, so counts stay readable).
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter

import numpy as np

from gait.profiles.model import TYPE_SIZE, Profile, SampleField

R_SHORT = "shorter than the header"
R_PREFIX = "wrong prefix"
R_FLAGS = "unexpected header bits"
R_COUNT = "sample count out of range"
R_LENGTH = "length does not match the sample count"
R_NONFINITE = "non-finite sample value"
REASONS = (R_SHORT, R_PREFIX, R_FLAGS, R_COUNT, R_LENGTH, R_NONFINITE)


def variant_fields(profile: Profile, variant: int) -> list[SampleField]:
    """Sample fields present in a frame whose optional fields are flagged by ``variant`` (bit i: the i-th
    field with ``present_if``), in frame order. Both parsers select fields with this one rule."""
    conditional = [f for f in profile.samples.fields if f.present_if is not None]
    return [f for f in profile.samples.fields
            if f.present_if is None or (variant >> conditional.index(f)) & 1]


def fixed_length_ok(profile: Profile, length: int, stride: int) -> bool:
    """A fixed-count frame is long enough for its samples and at most ``framing.pad_to`` (if set) long."""
    need = profile.samples.offset + profile.samples.count_fixed * stride
    pad_to = profile.framing.pad_to
    return need <= length <= (need if pad_to is None else pad_to)


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
    """Compiled parsing rules of one profile (header dtype, sample variants, validity checks).

    Two passes: validate each (length, variant) group and convert its samples, then scatter the samples
    into arrays in input order (cheaper than sorting groups back together).
    """

    def __init__(self, profile: Profile):
        self.profile = profile
        s = profile.samples
        self.offset = s.offset
        self.prefix = np.frombuffer(profile.framing.match_prefix, dtype=np.uint8)
        self.conditional = [f for f in s.fields if f.present_if is not None]
        self.has_mag = profile.has_mag
        self.header_names = [h.name for h in profile.header]

    # ---- public -------------------------------------------------------------------------------------
    def parse(self, frames: list[bytes]) -> Parsed:
        """Parse a list of frames (one per notification, or cut from a stream)."""
        count = len(frames)
        state = _Pass(count, self.header_names)
        if count == 0:
            return self._assemble(state)
        lengths = np.fromiter(map(len, frames), dtype=np.int64, count=count)
        order = np.argsort(lengths, kind="stable")
        edges = np.flatnonzero(np.diff(lengths[order])) + 1
        for idx in np.split(order, edges):
            length = int(lengths[idx[0]])
            picked = itemgetter(*idx.tolist())(frames) if idx.size > 1 else (frames[idx[0]],)
            rows = np.frombuffer(b"".join(picked), dtype=np.uint8).reshape(idx.size, length)
            self._parse_group(rows, idx, state)
        return self._assemble(state)

    def parse_rows(self, rows: np.ndarray) -> Parsed:
        """Parse equal-length frames given as a (k, L) uint8 array (stream framing)."""
        state = _Pass(rows.shape[0], self.header_names)
        if rows.shape[0]:
            self._parse_group(rows, np.arange(rows.shape[0]), state)
        return self._assemble(state)

    # ---- one length group ---------------------------------------------------------------------------
    def _parse_group(self, rows: np.ndarray, idx: np.ndarray, state: _Pass) -> None:
        length = rows.shape[1]
        if length < self.offset:
            state.reason[idx] = REASONS.index(R_SHORT)
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
            if not sel.any():
                continue
            fields = variant_fields(self.profile, int(v))
            n, r = self._count(header, length, sum(f.size for f in fields), sel)
            reason[sel & (r >= 0)] = r[sel & (r >= 0)]
            good = np.flatnonzero(sel & (r < 0))
            if good.size:
                values, finite = self._samples(rows[good], int(n[good[0]]), fields)  # n is equal in a group
                reason[good[~finite]] = REASONS.index(R_NONFINITE)
                count = int(n[good[0]])
                if not finite.all():
                    keep = np.repeat(finite, count)
                    values = {k: v[keep] for k, v in values.items()}
                state.stash.append((idx[good[finite]], count, values))
                state.n[idx[good[finite]]] = count
        state.reason[idx] = reason
        for name, vals in header.items():
            state.header[name][idx] = vals

    def _header(self, rows: np.ndarray) -> dict[str, np.ndarray]:
        out = {}
        for h in self.profile.header:
            size = TYPE_SIZE[h.type]
            raw = np.ascontiguousarray(rows[:, h.offset : h.offset + size]).view(numpy_dtype(h.type))
            out[h.name] = raw[:, 0].astype(np.int64)
        return out

    def _count(self, header, length: int, stride: int, sel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Samples per frame and a reason code (-1 = fine) for the frames of one length and variant."""
        s = self.profile.samples
        body = length - self.offset
        r = np.full(sel.size, -1, np.int8)
        if s.count_mode == "fixed":
            n = np.full(sel.size, s.count_fixed, np.int64)
            if not fixed_length_ok(self.profile, length, stride):
                r[:] = REASONS.index(R_LENGTH)
            return n, r
        if s.count_mode == "from_field":
            n = header[s.count_field].copy()
            r[(n < 1) | (n > s.count_max)] = REASONS.index(R_COUNT)
            r[(r < 0) & (n * stride != body)] = REASONS.index(R_LENGTH)
            return n, r
        n = np.full(sel.size, body // stride, np.int64)
        if body % stride:
            r[:] = REASONS.index(R_LENGTH)
        elif not 1 <= body // stride <= s.count_max:
            r[:] = REASONS.index(R_COUNT)
        return n, r

    def _samples(self, rows: np.ndarray, count: int, fields: list[SampleField]):
        """SI samples ``{quantity: (k*count, 3)}`` of frames with ``count`` samples, and a per-frame
        all-finite mask (float fields can hold NaN/inf bit patterns). Reads through strided views of
        ``rows`` (no gather), one cast-and-scale pass per quantity."""
        rows = np.ascontiguousarray(rows)
        k, length = rows.shape
        planar = self.profile.samples.layout == "planar"
        stride = sum(f.size for f in fields)
        out: dict[str, np.ndarray] = {}
        finite = np.ones(k, dtype=bool)
        pos = self.offset
        for f in fields:
            dtype = numpy_dtype(f.type)
            step = f.size if planar else stride  # bytes from one sample's field to the next sample's
            if f.name != "skip":
                view = np.ndarray((k, count, f.count), dtype=dtype, buffer=rows, offset=pos,
                                  strides=(length, step, dtype.itemsize))
                with np.errstate(invalid="ignore", over="ignore"):
                    block = view.astype(np.float64)
                if dtype.kind == "f":
                    finite &= np.isfinite(block).all(axis=(1, 2))
                block *= f.si_scale
                out[f.name] = block.reshape(k * count, 3)
            pos += count * f.size if planar else f.size
        return out, finite

    # ---- scatter into input order -----------------------------------------------------------------------
    def _assemble(self, state: _Pass) -> Parsed:
        ok = state.reason < 0
        total = int(state.n.sum())
        if len(state.stash) == 1 and state.stash[0][0].size * state.stash[0][1] == total:
            values = state.stash[0][2]  # one group holds every sample, already in input order
            acc, gyr = values["acc"], values["gyro"]
            mag = values.get("mag", np.full((total, 3), np.nan)) if self.has_mag else None
        else:
            acc, gyr, mag = self._scatter(state, total)
        bad_idx = np.flatnonzero(~ok)
        return Parsed(
            frame_idx=np.flatnonzero(ok),
            n=state.n[ok],
            header={k: v[ok] for k, v in state.header.items()},
            acc=acc,
            gyr=gyr,
            mag=mag,
            bad_idx=bad_idx,
            bad_reason=state.reason[bad_idx],
        )

    def _scatter(self, state: _Pass, total: int):
        first = np.cumsum(state.n) - state.n
        acc, gyr = np.empty((total, 3)), np.empty((total, 3))
        mag = np.full((total, 3), np.nan) if self.has_mag else None
        for idx, count, values in state.stash:
            where = (first[idx, None] + np.arange(count)).ravel()
            acc[where], gyr[where] = values["acc"], values["gyro"]
            if mag is not None and "mag" in values:
                mag[where] = values["mag"]
        return acc, gyr, mag


class _Pass:
    """Per-call accumulators of :class:`FrameLayout` (one entry per input frame)."""

    def __init__(self, count: int, header_names: list[str]):
        self.reason = np.full(count, -1, np.int8)
        self.n = np.zeros(count, np.int64)
        self.header = {name: np.zeros(count, np.int64) for name in header_names}
        self.stash: list[tuple[np.ndarray, int, dict[str, np.ndarray]]] = []
