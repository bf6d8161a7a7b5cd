"""Check what a sensor says about itself against its profile, right after connecting.

The decoder trusts the profile's scales, so a firmware built with other ranges would record plausible
numbers in the wrong units. A ``diy_open_v1`` sensor (or one whose profile was copied from it) describes
its scales and clock in the 24-byte characteristic named ``info`` (``docs/diy_open_v1.md`` §5); the
profile's setup steps read it, and a mismatch becomes a clear error before streaming starts. The same
firmware answers each command with ``<cmd | 0x80> <status>`` on its control characteristic (§2).
"""

from __future__ import annotations

from bleak.uuids import normalize_uuid_str

INFO_CHARACTERISTIC = "info"


def speaks_diy_open_v1(profile) -> bool:
    """Whether the profile is the DIY layout or a copy of it: it names an ``info`` characteristic."""
    return INFO_CHARACTERISTIC in profile.gatt.characteristics


def check_read(profile, char_uuid: str, data: bytes, placement: str) -> None:
    """Raise :class:`gait.errors.GaitError` when ``data`` read from ``info`` disagrees with ``profile``."""
    info_uuid = profile.gatt.characteristics.get(INFO_CHARACTERISTIC)
    if info_uuid is None or normalize_uuid_str(char_uuid) != normalize_uuid_str(info_uuid):
        return
    from gait.decode.diy_info import check_info, parse_info

    check_info(parse_info(bytes(data), placement), profile, placement)


def reply_problem(profile, reply: bytes) -> str | None:
    """What a ``diy_open_v1`` command reply reports as wrong (``None``: done, or not that firmware)."""
    if not speaks_diy_open_v1(profile) or len(reply) < 2 or not reply[0] & 0x80:
        return None
    command, status = reply[0] & 0x7F, reply[1]
    if command == 0x04 or status == 0:  # a time ping echoes times, it has no status byte
        return None
    meaning = REPLY_STATUS.get(status, f"status {status}")
    return f"the sensor refused command {command:02x}: {meaning} (docs/diy_open_v1.md §2)"


REPLY_STATUS = {1: "wrong length", 2: "value not supported", 3: "busy"}
