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


def write_session(path, packets, sensors=SENSORS, profile: str = "test", **meta) -> None:
    """A closed session holding ``packets`` (metadata lists ``sensors`` with ``profile``)."""
    meta = {"subject": "S01", "condition": "barefoot", "source": "simulated",
            "sensors": [{"placement": s, "profile": profile, "address": f"00:00:00:00:00:0{i}"}
                        for i, s in enumerate(sensors)], **meta}
    with SessionWriter(path, meta, fsync=False) as writer:
        for pkt in packets:
            writer.on_packet(pkt)


def imu_session(path, duration_s: float = 2.0, rate_hz: float = 200.0, profile: str = "diy_open_v1",
                sensors=SENSORS, seed: int = 0) -> list[Packet]:
    """A closed session of real firmware packets (PacketEncoder) with jittered host receive times."""
    import numpy as np

    from gait.decode import PacketEncoder

    rng = np.random.default_rng(seed)
    encoder = PacketEncoder(profile)
    n = int(duration_s * rate_hz)
    packets = []
    for k, name in enumerate(sensors):
        t_dev = 3.0 * k + np.arange(n) / rate_hz  # each sensor's own device clock
        acc = np.array([0.0, 9.81, 0.0]) + rng.normal(0, 0.5, (n, 3))
        gyr = rng.normal(0, 1.0, (n, 3))
        payloads = encoder.encode(t_dev, acc, gyr)
        per = encoder.per_packet
        arrival = (np.arange(len(payloads)) + 1) * per / rate_hz + rng.uniform(0.005, 0.03, len(payloads))
        packets += [Packet(name, float(t), p) for t, p in zip(np.maximum.accumulate(arrival), payloads,
                                                               strict=True)]
    packets.sort(key=lambda p: p.host_time_s)
    write_session(path, packets, sensors, profile=profile)
    return packets


def run_command(module, argv: list[str]) -> int:
    """Run one ``gait`` command module without importing every other command (fast CLI tests)."""
    import argparse

    parser = argparse.ArgumentParser(prog="gait")
    module.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    return args.run(args)
