"""Shared helpers for decoder tests: synthetic samples and packet lists."""

from __future__ import annotations

import numpy as np

from gait.decode import PacketEncoder
from gait.profiles import Profile
from gait.types import Packet


def synthetic(profile: Profile, count: int, seed: int = 0, t0_s: float = 12.5, rate_hz: float | None = None):
    """Plausible IMU samples in range for every bundled profile (times at ``rate_hz``, default nominal)."""
    rng = np.random.default_rng(seed)
    t_s = t0_s + np.arange(count) / (rate_hz or profile.nominal_rate_hz)
    acc = rng.normal(0.0, 4.0, (count, 3)) + [0.0, 9.81, 0.0]
    gyr = rng.normal(0.0, 2.0, (count, 3))
    mag = rng.normal(0.0, 30.0, (count, 3)) if profile.has_mag else None
    return t_s, acc, gyr, mag


def packets_for(profile: Profile, count: int, seed: int = 0, seq0: int = 0, sensor: str = "left_foot",
                rate_hz: float | None = None):
    """Encoded packets with host times one packet period apart, and the samples they hold (at ``rate_hz``,
    default the profile's nominal rate)."""
    t_s, acc, gyr, mag = synthetic(profile, count, seed, rate_hz=rate_hz)
    payloads = PacketEncoder(profile).encode(t_s, acc, gyr, mag, seq0=seq0)
    per = profile.samples.per_packet
    host = 3.0 + (np.arange(len(payloads)) + 1) * per / (rate_hz or profile.nominal_rate_hz)
    packets = [Packet(sensor, float(h), p) for h, p in zip(host, payloads, strict=True)]
    return packets, (t_s, acc, gyr, mag)
