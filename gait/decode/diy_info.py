"""The 24-byte ``info`` characteristic of ``diy_open_v1`` (docs/diy_open_v1.md §5): build, parse, check.

Acquisition reads it once after connecting and can call :func:`check_info` to refuse a firmware whose scales
differ from the profile (the decoder would otherwise produce wrong units silently); virtual sensors serve
:func:`encode_info`.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass

from gait.errors import GaitError

_INFO = struct.Struct("<BBHfffIBBH")
INFO_SIZE = _INFO.size  # 24


@dataclass(frozen=True, slots=True)
class DiyInfo:
    version: int
    sensors: int  # bit0 acc, bit1 gyro, bit2 mag
    odr_hz: int
    acc_lsb_per_g: float
    gyro_lsb_per_dps: float
    mag_lsb_per_uT: float
    device_clock_hz: int
    max_samples_per_packet: int
    sample_stride: int

    @property
    def has_mag(self) -> bool:
        return bool(self.sensors & 0x04)


def encode_info(odr_hz: int = 200, with_mag: bool = False, max_samples_per_packet: int = 19) -> bytes:
    """The info block a v1 firmware returns (fixed v1 scales)."""
    return _INFO.pack(1, 0x07 if with_mag else 0x03, odr_hz, 4096.0, 16.4, 10.0, 1_000_000,
                      max_samples_per_packet, 18 if with_mag else 12, 0)


def parse_info(data: bytes, sensor: str = "?") -> DiyInfo:
    """Decode an info block; a wrong size or version is a :class:`GaitError` naming the sensor."""
    if len(data) != INFO_SIZE:
        raise GaitError(f"sensor {sensor}: info characteristic has {len(data)} bytes, diy_open_v1 expects "
                        f"{INFO_SIZE}: is the firmware built for another layout?")
    info = DiyInfo(*_INFO.unpack(data)[:9])
    if info.version != 1:
        problem = f"info version {info.version} at byte 0; diy_open_v1 reads version 1"
        raise GaitError(f"sensor {sensor}: {problem}")
    return info


def check_info(info: DiyInfo, profile, sensor: str = "?") -> None:
    """Raise :class:`GaitError` when the firmware's scales or clock differ from the profile's."""
    fields = {f.name: f for f in profile.samples.fields}
    expected = {
        "acc_lsb_per_g": 1.0 / fields["acc"].scale,
        "gyro_lsb_per_dps": 1.0 / fields["gyro"].scale,
        "mag_lsb_per_uT": 1.0 / fields["mag"].scale if "mag" in fields else info.mag_lsb_per_uT,
        "device_clock_hz": 1.0 / profile.timing.tick_s,
    }
    for name, want in expected.items():
        got = float(getattr(info, name))
        if not math.isclose(got, want, rel_tol=1e-4):
            raise GaitError(f"sensor {sensor}: firmware reports {name} = {got:g} but profile {profile.id} "
                            f"decodes with {want:g}: use a profile with the firmware's scales")
    if info.sensors & 0x03 != 0x03:
        raise GaitError(f"sensor {sensor}: firmware reports no accelerometer or gyroscope (sensors bitmask "
                        f"{info.sensors:#04x})")
