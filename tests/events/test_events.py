"""Event detection on constructed signals: timing rules, strides, turns, gaps and matching."""

import numpy as np
import pytest

from gait.events import (
    build_strides,
    cadence_steps_per_min,
    detect_sagittal_events,
    detect_side_events,
    heading_change_deg,
    match_events,
)

RATE_HZ = 200.0
STRIDE_S = 1.1


def _gait_rate(t_s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A foot-like sagittal rate: push-off dip, swing hump, contact dip; returns rate, true IC, true TC.

    Per stride (phase u in [0, 1), IC at u = 0): contact dip centred 0.04 s after IC, push-off minimum at
    u = 0.57 with its zero crossing 0.06 s later, swing hump centred at u = 0.8. The features are placed
    so that the halfway rules give IC and TC exactly (symmetric dips, known zero crossings).
    """
    rate = np.zeros_like(t_s)
    ics = np.arange(0.5, t_s[-1] - STRIDE_S, STRIDE_S)
    tcs = []
    for ic in ics:
        # contact: zero crossing at ic - 0.03, minimum at ic + 0.03 -> halfway = ic
        rate += -4.0 * np.exp(-0.5 * ((t_s - (ic + 0.03)) / 0.02) ** 2)
        # push-off minimum at tc - 0.03 -> rate rises through zero about 0.03 s later
        tc = ic + 0.62 * STRIDE_S
        tcs.append(tc)
        rate += -6.0 * np.exp(-0.5 * ((t_s - (tc - 0.03)) / 0.025) ** 2)
        rate += 5.0 * np.exp(-0.5 * ((t_s - (ic + 0.82 * STRIDE_S)) / 0.09) ** 2)
    return rate, ics, np.array(tcs)


def _signal(duration_s: float = 20.0):
    t_s = np.arange(0, duration_s, 1.0 / RATE_HZ)
    rate, ics, tcs = _gait_rate(t_s)
    gyr = np.zeros((t_s.size, 3))
    gyr[:, 2] = rate
    return t_s, gyr, ics, tcs


def test_events_found_within_a_few_ms_on_a_constructed_gait():
    t_s, gyr, ics, tcs = _signal()
    found = detect_sagittal_events(t_s, gyr[:, 2])
    assert np.isnan(found.ic_s[-1])  # the last swing has no contact after it
    ic = match_events(found.ic_s[:-1], ics[1:], 0.05)  # the first contact has no swing before it
    tc = match_events(found.tc_s, tcs, 0.05)
    assert ic.recall == 1.0 and ic.precision == 1.0
    assert tc.recall == 1.0 and tc.precision == 1.0
    assert ic.mae_s < 0.015 and tc.mae_s < 0.015


def test_strides_cadence_and_mid_stance():
    t_s, gyr, ics, _ = _signal()
    events = detect_side_events("right", t_s, foot_gyr_rps=gyr)
    assert events.source == "foot"
    valid = [s for s in events.strides if s.valid]
    assert len(valid) >= len(ics) - 3
    assert cadence_steps_per_min(events.strides) == pytest.approx(120.0 / STRIDE_S, rel=0.01)
    for s in valid:
        assert s.ic_s < s.mid_stance_s < s.tc_s
        assert 55 < s.stance_pct < 70


def test_turn_gap_and_non_steady_strides_are_excluded_with_reasons():
    t_s, gyr, ics, _ = _signal(30.0)
    turn = (t_s > ics[10]) & (t_s < ics[11])
    gyr[turn, 1] = np.deg2rad(90.0) / (ics[11] - ics[10])  # 90 deg about the vertical in one stride
    keep = ~((t_s > ics[16] + 0.2) & (t_s < ics[16] + 0.4))  # 200 ms of lost samples
    events = detect_side_events("left", t_s[keep], shank_gyr_rps=gyr[keep])
    assert events.source == "shank"
    reasons = {round(s.ic_s, 1): s.reason for s in events.strides}
    assert reasons[round(ics[10], 1)].startswith("turn: heading changed +8")
    assert reasons[round(ics[16], 1)].startswith("data gap of 2")
    assert sum(r is None for r in reasons.values()) >= len(ics) - 6
    assert events.excluded[min(events.excluded)] == reasons[round(min(events.excluded), 1)]


def test_heading_from_orientation_matches_integration():
    t_s = np.arange(0, 1, 0.01)
    gyr = np.zeros((t_s.size, 3))
    gyr[:, 1] = np.deg2rad(30.0)
    half = np.deg2rad(30.0 * t_s) / 2  # rotation about +Y (up), scalar-first quaternion
    q = np.column_stack([np.cos(half), np.zeros_like(half), np.sin(half), np.zeros_like(half)])
    assert heading_change_deg(t_s, gyr, 0.0, 0.99) == pytest.approx(29.7, abs=0.1)
    assert heading_change_deg(t_s, gyr, 0.0, 0.99, q) == pytest.approx(29.7, abs=0.1)


def test_no_walking_gives_no_strides_and_missing_input_is_an_error():
    t_s = np.arange(0, 10, 0.01)
    still = np.random.default_rng(0).normal(0, 0.01, (t_s.size, 3))
    events = detect_side_events("left", t_s, foot_gyr_rps=still)
    assert events.strides == [] and events.ic_s.size == 0
    assert np.isnan(cadence_steps_per_min(events.strides))
    with pytest.raises(ValueError):
        detect_side_events("left", t_s)
    assert build_strides("left", t_s, still, detect_sagittal_events(t_s, still[:, 2])) == []


def test_match_events_is_one_to_one_and_inclusive():
    m = match_events(np.array([1.0, 1.01, 2.05, 5.0]), np.array([1.0, 2.0, 3.0]), 0.05)
    assert (m.n_true_positive, m.n_reference, m.n_detected) == (2, 3, 4)
    np.testing.assert_allclose(sorted(m.errors_s), [0.0, 0.05], atol=1e-12)
    assert m.recall == pytest.approx(2 / 3) and m.precision == 0.5
    empty = match_events(np.array([]), np.array([1.0]))
    assert empty.recall == 0.0 and np.isnan(empty.precision) and np.isnan(empty.mae_s)


def _with_shuffle_step(t_s: np.ndarray, gyr: np.ndarray, ics: np.ndarray) -> float:
    """Stop walking after the 8th contact and add one shuffle step; returns its landing (impact) time.

    The shuffle is a 0.2 s burst of small forward rotation (peak 1.1 rad/s, below the swing detector's
    threshold) ending in a 20 ms impact oscillation, with the foot at rest before and after.
    """
    stop = t_s > ics[8] + 0.5
    gyr[stop] = 0.0
    start = ics[8] + 1.5
    burst = (t_s >= start) & (t_s < start + 0.2)
    gyr[burst, 2] = 1.1 * np.sin(np.pi * (t_s[burst] - start) / 0.2)
    impact_s = start + 0.2
    hit = (t_s >= impact_s) & (t_s < impact_s + 0.02)
    gyr[hit, 2] = -3.0 * np.cos(np.pi * (t_s[hit] - impact_s) / 0.01)
    return impact_s


def test_shuffle_step_into_standing_is_a_contact_and_splits_the_stride():
    t_s, gyr, ics, _ = _signal(20.0)
    impact_s = _with_shuffle_step(t_s, gyr, ics)
    events = detect_side_events("right", t_s, foot_gyr_rps=gyr)
    assert events.shuffle_ic_s.size == 1
    assert abs(events.shuffle_ic_s[0] - impact_s) < 0.01
    assert np.any(np.isclose(events.ic_s, events.shuffle_ic_s[0]))
    spanning = [s for s in events.strides if s.ic_s < impact_s < s.next_ic_s]
    assert all(s.reason == "non-steady: a shuffle step inside the stride" for s in spanning)
    # the shank is never at rest in stance: no shuffle search there
    assert detect_side_events("right", t_s, shank_gyr_rps=gyr).shuffle_ic_s.size == 0


def test_weight_shift_without_forward_rotation_is_not_a_step():
    t_s, gyr, ics, _ = _signal(20.0)
    _with_shuffle_step(t_s, gyr, ics)
    late = t_s > ics[8] + 0.5
    gyr[late, 2] = np.minimum(gyr[late, 2], 0.9)  # the same burst, but the foot barely rotates forward
    assert detect_side_events("right", t_s, foot_gyr_rps=gyr).shuffle_ic_s.size == 0
