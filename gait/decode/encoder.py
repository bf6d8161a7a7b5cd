"""Samples → byte-exact packets of a profile (the inverse of decoding), for fixtures and virtual sensors.

Values are quantised the way the firmware would (round to the nearest LSB, saturate at the type's range),
so a decode of the encoded packets returns the input within half an LSB (or the saturation limit).
"""

from __future__ import annotations

import numpy as np

from gait.decode.layout import numpy_dtype
from gait.profiles import Profile, load_profile
from gait.profiles.model import TYPE_SIZE, SampleField


class PacketEncoder:
    """Builds the payloads a sensor with this profile would notify.

    ``samples_per_packet`` defaults to the profile's ``samples.per_packet``. In stream framing each frame is
    returned as its own payload (a virtual sensor may split or join them: the decoder reassembles).
    """

    def __init__(self, profile: Profile | str, samples_per_packet: int | None = None):
        self.profile = load_profile(profile) if isinstance(profile, str) else profile
        s = self.profile.samples
        self.per_packet = int(samples_per_packet or s.per_packet)
        if s.count_mode == "fixed" and self.per_packet != s.count_fixed:
            raise ValueError(f"{self.profile.id} sends exactly {s.count_fixed} sample(s) per packet")
        if not 1 <= self.per_packet <= s.count_max:
            raise ValueError(f"{self.profile.id}: samples_per_packet must be 1..{s.count_max}")

    def encode(
        self,
        t_s: np.ndarray,
        acc_mps2: np.ndarray,
        gyr_rps: np.ndarray,
        mag_uT: np.ndarray | None = None,
        seq0: int = 0,
    ) -> list[bytes]:
        """Payloads for consecutive samples; ``t_s`` is the device time of each sample (s), ``seq0`` the
        first packet's sequence number. A shorter last packet is sent when the count allows it."""
        t_s = np.asarray(t_s, dtype=np.float64)
        total = t_s.size
        step = self.per_packet
        if self.profile.samples.count_mode == "fixed" and total % step:
            raise ValueError(f"{self.profile.id}: {total} samples is not a multiple of {step} per packet")
        arrays = {
            "acc": np.asarray(acc_mps2, dtype=np.float64).reshape(total, 3),
            "gyro": np.asarray(gyr_rps, dtype=np.float64).reshape(total, 3),
            "mag": None if mag_uT is None else np.asarray(mag_uT, dtype=np.float64).reshape(total, 3),
        }
        full = total - total % step
        out = self._encode_equal(t_s[:full], arrays, slice(0, full), step, seq0)
        if full < total:
            tail = slice(full, total)
            out += self._encode_equal(t_s[tail], arrays, tail, total - full, seq0 + full // step)
        return out

    # ---- helpers ---------------------------------------------------------------------------------------
    def _fields(self, with_mag: bool) -> list[SampleField]:
        fields = self.profile.samples.fields
        return [f for f in fields if f.present_if is None or (f.name == "mag" and with_mag)]

    def _encode_equal(self, t_s, arrays, span: slice, n: int, seq0: int) -> list[bytes]:
        """Packets that all hold ``n`` samples."""
        count = t_s.size // n
        if count == 0:
            return []
        p = self.profile
        with_mag = arrays["mag"] is not None
        fields = self._fields(with_mag)
        stride = sum(f.size for f in fields)
        length = p.samples.offset + n * stride
        rows = np.zeros((count, max(length, p.framing.pad_to or 0)), dtype=np.uint8)
        prefix = p.framing.sync or p.framing.match_prefix
        rows[:, : len(prefix)] = np.frombuffer(prefix, dtype=np.uint8)
        self._write_header(rows, t_s.reshape(count, n), n, seq0, with_mag)
        pos = p.samples.offset
        for f in fields:
            source = arrays.get(f.name)
            values = np.zeros((count * n, f.count)) if source is None else source[span]
            raw = _quantise(values / f.si_scale, f.type).reshape(count, n, f.count)
            raw_bytes = raw.view(np.uint8).reshape(count, n, f.size)
            if p.samples.layout == "planar":
                rows[:, pos : pos + n * f.size] = raw_bytes.reshape(count, n * f.size)
                pos += n * f.size
            else:
                for k in range(n):
                    start = p.samples.offset + k * stride + (pos - p.samples.offset)
                    rows[:, start : start + f.size] = raw_bytes[:, k]
                pos += f.size
        return [row.tobytes() for row in rows]

    def _write_header(self, rows, t_s, n: int, seq0: int, with_mag: bool) -> None:
        p = self.profile
        count = rows.shape[0]
        values: dict[str, np.ndarray] = {}
        if p.sequence_field:
            values[p.sequence_field] = (seq0 + np.arange(count)) % p.sequence_wrap
        if p.samples.count_mode == "from_field":
            values[p.samples.count_field] = np.full(count, n)
        tm = p.timing
        if tm.source == "device":
            anchor = t_s[:, 0] if tm.anchor == "first" else t_s[:, -1]
            values[tm.field] = np.round(anchor / tm.tick_s).astype(np.int64) % tm.wrap
        for h in p.header:
            v = values.get(h.name, np.zeros(count, np.int64))
            if h.expect_mask is not None:
                v = (v & ~h.expect_mask) | h.expect_value
            for f in p.samples.fields:
                if f.present_if is not None and f.present_if[0] == h.name and with_mag:
                    v = v | (1 << f.present_if[1])
            size = TYPE_SIZE[h.type]
            raw = np.asarray(v, dtype=np.int64).astype(numpy_dtype(h.type))
            rows[:, h.offset : h.offset + size] = raw.view(np.uint8).reshape(count, size)


def _quantise(values: np.ndarray, type_name: str) -> np.ndarray:
    """Round to the nearest LSB and saturate at the integer type's range (floats: cast)."""
    dtype = numpy_dtype(type_name)
    if dtype.kind == "f":
        return values.astype(dtype)
    info = np.iinfo(dtype)
    return np.clip(np.round(values), info.min, info.max).astype(dtype)
