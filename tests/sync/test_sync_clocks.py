"""Sync: tap alignment, host-anchor fits and the host-arrival fallback against known clock errors."""

import numpy as np
import pytest

from gait.sync import detect_tap_onsets, fit_host_clock, synchronize
from gait.types import SampleBlock

TAPS_S = np.array([10.5, 11.0, 11.5])
WINDOWS = [{"kind": "taps", "t0_s": 10.0, "t1_s": 12.0, "tap_times_s": TAPS_S.tolist()}]


def _device_block(
    sensor, offset_s, drift_ppm, rate_hz=200.0, duration_s=40.0, seed=0, taps=TAPS_S, walk_end_s=None
):
    """Still sensor feeling damped 40 Hz taps at ``taps`` (true time), random shaking from 13 s on."""
    rng = np.random.default_rng(seed)
    n = int(duration_s * rate_hz * (1 + drift_ppm * 1e-6))
    t_true = np.arange(n) / (rate_hz * (1 + drift_ppm * 1e-6))
    acc = np.tile([0.3, 9.7, -0.5], (n, 1)) + rng.normal(0, 0.02, (n, 3))
    for tap in taps:
        dt = t_true - tap
        on = (dt >= 0) & (dt < 0.15)
        acc[on, 1] += 30.0 * np.exp(-dt[on] / 0.015) * np.sin(2 * np.pi * 40.0 * dt[on])
    walking = (t_true > 13.0) & (t_true < (walk_end_s or np.inf))
    acc[walking] += rng.normal(0, 3.0, (np.count_nonzero(walking), 3))
    t_device = offset_s + np.arange(n) / rate_hz
    return SampleBlock(sensor, t_device, acc, np.zeros((n, 3)), clock="device"), t_true


@pytest.mark.parametrize("phase_s", [0.0, 0.0013, 0.0027, 0.0041])
def test_tap_onsets_are_found_within_two_milliseconds(phase_s):
    """This synthetic tap starts with a kink sampled directly (not band-limited like a real sensor's output),
    so the onset depends a little on where it falls between samples: −0.2…+1.6 ms here; the walker's
    anti-aliased taps give 0.015 ms SD (tests/sync/test_sync_walker.py)."""
    block, _ = _device_block("left_foot", 0.0, 0.0, taps=TAPS_S + phase_s)
    lag = detect_tap_onsets(block.t_s, block.acc_mps2, (9.5, 12.5)) - TAPS_S - phase_s
    assert np.all(np.abs(lag) < 2e-3) and np.ptp(lag) < 5e-5


def test_taps_align_every_sensor_with_the_session_clock():
    clocks = {
        "left_shank": (0.021, 48),
        "right_shank": (-0.013, -60),
        "left_foot": (0.004, 15),
        "right_foot": (-0.030, 80),
    }
    blocks, truth = {}, {}
    for k, (name, (off, drift)) in enumerate(clocks.items()):
        blocks[name], truth[name] = _device_block(name, off, drift, seed=k)
    synced, report = synchronize(blocks, WINDOWS)
    for name, block in synced.items():
        assert block.clock == "session"
        err_ms = np.abs(block.t_s - truth[name]) * 1e3
        # drift is not observable from start taps alone: ≤ 80 ppm × 30 s = 2.4 ms at the end
        # tap onsets carry a sub-sample timing error ≤ 1.5 ms at 200 Hz (phase of the tap on the sample grid)
        assert err_ms[: int(15 * 200)].max() < 2.0 and err_ms.max() < 4.5, name
        assert report.sensors[name].method == "taps" and report.sensors[name].tap_residual_ms < 0.5
    assert report.tap_times_session_s == TAPS_S.tolist()


def test_taps_at_start_and_end_also_give_the_drift():
    """10 minutes between tap groups: 1.5 ms onset error → ≤ 3 ppm drift error."""
    end_taps = TAPS_S + 600.0
    windows = WINDOWS + [{"kind": "taps", "t0_s": 610.0, "t1_s": 612.0, "tap_times_s": end_taps.tolist()}]
    taps = np.concatenate([TAPS_S, end_taps])
    block, t_true = _device_block("right_foot", 0.012, 70.0, duration_s=615.0, taps=taps, walk_end_s=608.0)
    synced, report = synchronize({"right_foot": block}, windows)
    assert report.sensors["right_foot"].drift_ppm == pytest.approx(70.0, abs=5.0)
    assert np.abs(synced["right_foot"].t_s - t_true).max() < 2e-3


def test_without_session_tap_times_sensors_are_aligned_to_each_other():
    windows = [{"kind": "taps", "t0_s": 10.0, "t1_s": 12.0}]
    a, ta = _device_block("left_foot", 0.020, 0.0, seed=1)
    b, tb = _device_block("right_foot", -0.015, 0.0, seed=2)
    synced, report = synchronize({"left_foot": a, "right_foot": b}, windows)
    common = (synced["left_foot"].t_s - ta)[:3000].mean() - (synced["right_foot"].t_s - tb)[:3000].mean()
    assert abs(common) < 1e-3
    assert any("aligned to each other only" in w for w in report.warnings)


def test_missing_taps_fall_back_with_a_warning():
    block, _ = _device_block("left_shank", 0.5, 0.0, taps=())
    synced, report = synchronize({"left_shank": block}, WINDOWS)
    sync = report.sensors["left_shank"]
    assert sync.method == "first-sample" and synced["left_shank"].t_s[0] == 0.0
    assert any("sync taps" in w for w in sync.warnings + report.warnings)


def test_host_anchors_give_offset_and_drift_from_the_latency_envelope():
    rng = np.random.default_rng(3)
    t_true = np.arange(0, 120, 0.02)  # one packet every 20 ms
    offset_s, drift_ppm = 123.456, -40.0
    device = offset_s + (1 + drift_ppm * 1e-6) * t_true
    host = t_true + 0.008 + rng.exponential(0.015, t_true.size)  # BLE latency: minimum 8 ms, long tail
    off, drift, jitter = fit_host_clock(device, host)
    # the constant minimum latency is indistinguishable from an offset: it stays in (8 ms)
    assert (offset_s - off) * 1e3 == pytest.approx(8.0, abs=1.0)
    assert drift == pytest.approx(drift_ppm, abs=10.0) and jitter > 0


def test_host_arrival_fallback_gives_a_uniform_time_base():
    rng = np.random.default_rng(4)
    n, period = 6000, 0.01
    t_true = np.arange(n) * period
    packet = np.arange(n) // 10  # 10 samples per notification, stamped at the packet's arrival
    arrival = t_true[packet * 10 + 9] + 0.01 + rng.exponential(0.02, packet.max() + 1)[packet]
    host_t = arrival - (9 - np.arange(n) % 10) * period
    block = SampleBlock("left_foot", host_t, np.tile([0, 9.8, 0.0], (n, 1)), np.zeros((n, 3)), clock="host")
    synced, report = synchronize({"left_foot": block})
    steps = np.diff(synced["left_foot"].t_s)
    assert np.ptp(steps) < 1e-9 and steps[0] == pytest.approx(period, rel=1e-3)
    err = synced["left_foot"].t_s - t_true
    assert np.ptp(err) < 2e-3  # uniform; a constant latency offset (≈ 10 ms) remains
    assert report.sensors["left_foot"].method == "host-arrival"


def test_report_apply_maps_later_live_blocks_with_the_same_model():
    block, t_true = _device_block("left_foot", 0.021, 0.0)
    head = SampleBlock(
        "left_foot", block.t_s[:3000], block.acc_mps2[:3000], block.gyr_rps[:3000], clock="device"
    )
    _, report = synchronize({"left_foot": head}, WINDOWS)
    later = SampleBlock(
        "left_foot", block.t_s[5000:5010], block.acc_mps2[5000:5010], block.gyr_rps[5000:5010], clock="device"
    )
    mapped = report.apply(later)
    assert mapped.clock == "session" and np.abs(mapped.t_s - t_true[5000:5010]).max() < 2e-3


def _foot_impacts_block(sensor, ic_true_s, drift_ppm, duration_s, rate_hz=100.0, seed=0):
    """Foot feeling a damped impact at every true IC time, on a clock running ``drift_ppm`` fast."""
    rng = np.random.default_rng(seed)
    t_true = np.arange(0.0, duration_s, 1.0 / rate_hz)
    acc = np.tile([0.0, 9.81, 0.0], (len(t_true), 1)) + rng.normal(0, 0.05, (len(t_true), 3))
    k = np.searchsorted(ic_true_s, t_true, side="right") - 1
    dt = t_true - ic_true_s[np.maximum(k, 0)]
    on = (k >= 0) & (dt < 0.1)
    acc[on, 1] += 30.0 * np.exp(-dt[on] / 0.015) * np.sin(2 * np.pi * 40.0 * dt[on])
    return SampleBlock(sensor, t_true * (1 + drift_ppm * 1e-6), acc, np.zeros_like(acc))


def test_left_right_drift_from_the_step_pattern_of_a_long_recording():
    """20 min of alternating heel strikes (step-time jitter 15 ms): a 40 ppm left-right drift is recovered."""
    from gait.sync.events import side_drift_ppm

    rng = np.random.default_rng(5)
    right = np.cumsum(rng.normal(1.1, 0.015, 1090)) + 2.0
    left = right[:-1] + 0.55 + rng.normal(0, 0.015, right.size - 1)
    duration_s = 1200.0
    foot_l = _foot_impacts_block("left_foot", left, 40.0, duration_s, seed=1)
    foot_r = _foot_impacts_block("right_foot", right, 0.0, duration_s, seed=2)
    assert side_drift_ppm(foot_l, foot_r, after_s=1.0) == pytest.approx(40.0, abs=5.0)
    short = slice(0, 6000)  # one minute: far too uncertain, so nothing is claimed
    one_minute = [
        SampleBlock(b.sensor, b.t_s[short], b.acc_mps2[short], b.gyr_rps[short]) for b in (foot_l, foot_r)
    ]
    assert side_drift_ppm(*one_minute, after_s=1.0) is None
