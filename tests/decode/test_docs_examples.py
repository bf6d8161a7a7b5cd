"""The worked example in docs/diy_open_v1.md decodes to the values the page states."""

import re
from pathlib import Path

import numpy as np

from gait.decode import decode_packets
from gait.types import Packet

DOC = Path(__file__).resolve().parents[2] / "docs" / "diy_open_v1.md"


def test_worked_example_bytes_decode_as_documented():
    text = DOC.read_text()
    hex_block = re.search(r"```hex\n(.*?)\n```", text, re.S).group(1)
    data = bytes.fromhex(hex_block)
    assert len(data) == 32
    block, stats = decode_packets("diy_open_v1", [Packet("s", 0.0, data)], "s")
    assert stats.ok == 1 and stats.bad == 0
    np.testing.assert_allclose(block.t_s, [1.0, 1.005])
    np.testing.assert_allclose(block.acc_mps2, [[0, 9.80665, 0], [4.903325, 9.80665, -4.903325]])
    np.testing.assert_allclose(block.gyr_rps, np.deg2rad([[10, 0, -10], [0, 100, 0]]))
