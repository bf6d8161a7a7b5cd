"""Firmware profiles: declarative descriptions of how each BLE IMU is recognised, started and decoded.

``load_profile("diy_open_v1")`` returns a validated :class:`Profile`; ``docs/firmware-profiles.md`` describes
the file format for profile authors.
"""

from gait.errors import ProfileError
from gait.profiles.loader import (
    available_profile_ids,
    load_profile,
    load_profiles,
    parse_profile,
    profile_dirs,
)
from gait.profiles.model import Gatt, Profile, Step

__all__ = [
    "Gatt",
    "Profile",
    "ProfileError",
    "Step",
    "available_profile_ids",
    "load_profile",
    "load_profiles",
    "parse_profile",
    "profile_dirs",
]
