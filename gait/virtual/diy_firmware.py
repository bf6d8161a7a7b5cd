"""What a ``diy_open_v1`` firmware says besides its sample packets: the info block and command replies.

``docs/diy_open_v1.md`` §5 (the 24-byte ``info`` characteristic, built by the codec's
:func:`gait.decode.diy_info.encode_info`) and §2 (every command written to ``control`` is answered with
``<cmd | 0x80> <status>``; a time ping with ``84 <host_us echoed> <device_us>``). Virtual sensors serve
both so that acquisition's checks of them run against the documented bytes.
"""

from __future__ import annotations

import struct

from gait.acquisition.device_info import speaks_diy_open_v1
from gait.decode.diy_info import encode_info

__all__ = ["command_reply", "info_block", "speaks_diy_open_v1"]

HEADER_BYTES = 8
FLAGS_OFFSET = 7
MAG_FLAG = 0x04
MAX_SAMPLES_PER_PACKET = 42
ATT_OVERHEAD_BYTES = 3

DONE, WRONG_LENGTH, NOT_SUPPORTED = 0x00, 0x01, 0x02
#: Command byte → payload length after it (docs/diy_open_v1.md §2).
COMMAND_LENGTHS = {0x00: 0, 0x01: 0, 0x02: 2, 0x03: 8, 0x04: 8, 0x05: 2}
TIME_PING = 0x04
SET_RATE = 0x02
RESEND = 0x05  # optional in §2; a virtual sensor keeps no ring buffer


def info_block(rate_hz: float, packets: list[bytes], mtu: int) -> bytes:
    """The info block describing the packets this sensor actually sends (magnetometer from the flags)."""
    with_mag = bool(packets) and bool(packets[0][FLAGS_OFFSET] & MAG_FLAG)
    stride = 18 if with_mag else 12
    fits = (mtu - ATT_OVERHEAD_BYTES - HEADER_BYTES) // stride
    return encode_info(int(round(rate_hz)), with_mag, max(1, min(MAX_SAMPLES_PER_PACKET, fits)))


def command_reply(command: bytes, rate_hz: float, device_time_us: int) -> bytes | None:
    """The notification answering ``command`` (``None`` for an empty write, which has no command byte).

    The packets are built in advance at ``rate_hz``, so a request for another rate is refused (02).
    """
    if not command:
        return None
    code, payload = command[0], command[1:]
    if code not in COMMAND_LENGTHS or code == RESEND:
        return bytes([code | 0x80, NOT_SUPPORTED])
    if len(payload) != COMMAND_LENGTHS[code]:
        return bytes([code | 0x80, WRONG_LENGTH])
    if code == TIME_PING:
        return bytes([code | 0x80]) + payload + struct.pack("<I", device_time_us % 2**32)
    if code == SET_RATE and struct.unpack("<H", payload)[0] != int(round(rate_hz)):
        return bytes([code | 0x80, NOT_SUPPORTED])
    return bytes([code | 0x80, DONE])
