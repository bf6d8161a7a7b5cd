"""Health counters and the status line."""

import numpy as np
import pytest

from gait.acquisition import AcquisitionSession, SensorSpec
from gait.acquisition.health import ClockGapCounter, HealthTracker, LinkState
from gait.errors import GaitError


def test_rates_loss_reconnect_delays_and_status_line():
    tracker = HealthTracker("left_foot", "C0:FF:EE:00:00:01", "diy_open_v1")
    tracker.connected(0.5)
    for k in range(100):  # 25 packets/s of 8 samples for 4 s
        t = 1.0 + k * 0.04
        tracker.on_packet(t)
        tracker.on_samples(t, 8)
    tracker.on_decoder_stats(bad_packets=2, lost_packets=5)
    tracker.dropped(5.0)
    tracker.connected(5.8)
    h = tracker.snapshot(now_s=5.0)
    assert h.state is LinkState.STREAMING and h.reconnects == 1 and h.drops == 1
    assert h.reconnect_delays_s == [pytest.approx(0.8)]
    assert h.packet_rate_hz == pytest.approx(25.0, rel=0.05)
    assert h.sample_rate_hz == pytest.approx(200, rel=0.05)
    assert h.loss_pct == pytest.approx(100 * 5 / 105)
    assert h.last_seen_age_s == pytest.approx(5.0 - 4.96)
    line = h.status_line()
    assert line.startswith("left_foot") and "streaming" in line
    assert "loss  4.8% (5)" in line and "rc 1" in line


def test_unknown_loss_is_not_available_not_zero():
    tracker = HealthTracker("left_foot", "X", "witmotion_bwt901blecl")
    tracker.on_decoder_stats(bad_packets=0, lost_packets=None)
    assert "loss n/a " in tracker.snapshot(1.0).status_line()  # no count that could pass for a known 0


def test_clock_gap_counter_counts_missing_samples_across_blocks():
    period = 1 / 208
    counter = ClockGapCounter(208.0)
    t = np.arange(100) * period + np.random.default_rng(0).uniform(-4e-4, 4e-4, 100)  # ms-stamped jitter
    counter.feed(t[:40])
    counter.feed(t[48:])  # 8 samples (one packet) missing at the block boundary
    counter.feed(np.array([]))
    assert counter.lost_samples == 8


def test_an_unsupported_rate_is_refused_before_connecting():
    with pytest.raises(GaitError, match="300 Hz is not supported"):
        AcquisitionSession([SensorSpec("left_foot", "C0:FF:EE:00:00:01", "diy_open_v1", rate_hz=300.0)])
