"""Deterministic synthetic packets and small sessions for the recording tests."""

from __future__ import annotations

import random

from gait.recording.writer import SessionWriter
from gait.types import Packet

SENSORS = ("left_shank", "right_shank", "left_foot", "right_foot")


def synthetic_packets(n: int, seed: int = 0, sensors=SENSORS, max_len: int = 80) -> list[Packet]:
    """``n`` packets round-robin over ``sensors`` at 100 packets/s each, random payloads (any bytes work)."""
    rng = random.Random(seed)
    rate_hz = 100.0 * len(sensors)
    return [Packet(sensors[i % len(sensors)], i / rate_hz, rng.randbytes(rng.randint(0, max_len)))
            for i in range(n)]


def write_session(path, packets, sensors=SENSORS, **meta) -> None:
    """A closed session holding ``packets`` (metadata lists ``sensors``)."""
    meta = {"subject": "S01", "condition": "barefoot", "source": "simulated",
            "sensors": [{"placement": s, "profile": "test", "address": f"00:00:00:00:00:0{i}"}
                        for i, s in enumerate(sensors)], **meta}
    with SessionWriter(path, meta, fsync=False) as writer:
        for pkt in packets:
            writer.on_packet(pkt)
