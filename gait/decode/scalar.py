"""Fast path for one notification-framed packet: ``struct`` for the header, one numpy view for the samples.

The vectorised :class:`~gait.decode.layout.FrameLayout` costs a few hundred numpy calls per call, which is
fine for a million packets but wasteful for one. This parser applies the same rules to a single frame with a
handful of calls; tests check that both give identical samples and counts.
"""

from __future__ import annotations

import struct

import numpy as np

from gait.decode import layout
from gait.profiles.model import TYPE_SIZE, Profile, SampleField

_STRUCT_CODE = {"u8": "B", "i8": "b", "u16": "H", "i16": "h", "u32": "I", "i32": "i"}


class ScalarFrameParser:
    """Parses one frame; returns a reason code (int) or ``(header, n, acc, gyr, mag)``."""

    def __init__(self, profile: Profile):
        self.profile = profile
        s = profile.samples
        self.offset = s.offset
        self.prefix = profile.framing.match_prefix
        self.conditional = [f for f in s.fields if f.present_if is not None]
        fmt, pos = "<", 0
        self.header_names = []
        for h in sorted(profile.header, key=lambda h: h.offset):
            fmt += "x" * (h.offset - pos) + _STRUCT_CODE[h.type]
            pos = h.offset + TYPE_SIZE[h.type]
            self.header_names.append(h.name)
        self.header_struct = struct.Struct(fmt)
        self.expects = [
            (h.name, h.expect_mask, h.expect_value) for h in profile.header if h.expect_mask is not None
        ]
        self._variants: dict[int, tuple[list[SampleField], int]] = {}

    def parse(self, data: bytes):
        length = len(data)
        if length < self.offset:
            return layout.REASONS.index(layout.R_SHORT)
        if self.prefix and not data.startswith(self.prefix):
            return layout.REASONS.index(layout.R_PREFIX)
        header = dict(zip(self.header_names, self.header_struct.unpack_from(data), strict=True))
        for name, mask, value in self.expects:
            if header[name] & mask != value:
                return layout.REASONS.index(layout.R_FLAGS)
        variant = 0
        for i, f in enumerate(self.conditional):
            variant |= ((header[f.present_if[0]] >> f.present_if[1]) & 1) << i
        fields, stride = self._variant(variant)
        n = self._count(header, length, stride)
        if isinstance(n, str):
            return layout.REASONS.index(n)
        values = self._samples(data, n, fields, stride)
        if values is None:
            return layout.REASONS.index(layout.R_NONFINITE)
        return header, n, values["acc"], values["gyro"], values.get("mag")

    def _variant(self, variant: int) -> tuple[list[SampleField], int]:
        hit = self._variants.get(variant)
        if hit is None:
            fields = layout.variant_fields(self.profile, variant)
            hit = self._variants[variant] = (fields, sum(f.size for f in fields))
        return hit

    def _count(self, header: dict, length: int, stride: int) -> int | str:
        s = self.profile.samples
        body = length - self.offset
        if s.count_mode == "fixed":
            return s.count_fixed if layout.fixed_length_ok(self.profile, length, stride) else layout.R_LENGTH
        if s.count_mode == "from_field":
            n = header[s.count_field]
            if not 1 <= n <= s.count_max:
                return layout.R_COUNT
            return n if n * stride == body else layout.R_LENGTH
        if body % stride:
            return layout.R_LENGTH
        return body // stride if 1 <= body // stride <= s.count_max else layout.R_COUNT

    def _samples(self, data: bytes, n: int, fields: list[SampleField], stride: int) -> dict | None:
        planar = self.profile.samples.layout == "planar"
        out = {}
        pos = self.offset
        for f in fields:
            if f.name != "skip":
                dtype = layout.numpy_dtype(f.type)
                if planar:
                    raw = np.frombuffer(data, dtype, count=n * 3, offset=pos).reshape(n, 3)
                else:
                    raw = np.ndarray((n, 3), dtype, buffer=data, offset=pos, strides=(stride, dtype.itemsize))
                if dtype.kind == "f":
                    with np.errstate(invalid="ignore"):  # signalling-NaN bit patterns
                        values = raw.astype(np.float64)
                else:
                    values = raw.astype(np.float64)
                if dtype.kind == "f" and not np.isfinite(values).all():
                    return None
                values *= f.si_scale
                out[f.name] = values
            pos += n * f.size if planar else f.size
        return out
