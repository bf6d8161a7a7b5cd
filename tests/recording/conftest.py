"""Fixtures for the recording tests."""

import pytest
from recording_helpers import synthetic_packets, write_session


@pytest.fixture
def session(tmp_path):
    """A closed 4-sensor session of 2000 packets (5 s) and the packets it holds."""
    packets = synthetic_packets(2000)
    write_session(tmp_path / "s", packets)
    return tmp_path / "s", packets
