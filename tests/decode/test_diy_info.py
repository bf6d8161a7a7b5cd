"""diy_open_v1 info block: built, parsed and checked against the profile's scales."""

import struct

import pytest

from gait.decode.diy_info import INFO_SIZE, check_info, encode_info, parse_info
from gait.errors import GaitError
from gait.profiles import load_profile


def test_info_round_trip_and_matches_profile():
    data = encode_info(odr_hz=400, with_mag=True, max_samples_per_packet=12)
    assert len(data) == INFO_SIZE == 24
    info = parse_info(data, "left_foot")
    assert (info.odr_hz, info.has_mag, info.sample_stride, info.max_samples_per_packet) == (400, True, 18, 12)
    check_info(info, load_profile("diy_open_v1"), "left_foot")


def test_info_with_other_scales_or_size_is_refused():
    p = load_profile("diy_open_v1")
    other = struct.pack("<BBHfffIBBH", 1, 3, 200, 2048.0, 16.4, 10.0, 1_000_000, 19, 12, 0)
    with pytest.raises(GaitError, match="left_shank: firmware reports acc_lsb_per_g = 2048"):
        check_info(parse_info(other, "left_shank"), p, "left_shank")
    with pytest.raises(GaitError, match="has 23 bytes"):
        parse_info(bytes(23), "x")
    with pytest.raises(GaitError, match="version 2"):
        parse_info(b"\x02" + encode_info()[1:], "x")
