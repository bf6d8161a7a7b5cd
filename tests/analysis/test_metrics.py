"""Per-stride metric definitions, summaries, symmetry and condition comparison."""

import numpy as np
import pytest

from gait import compare
from gait.metrics import METRICS, SideCurves, Stride, compute_stride_metrics

RATE_HZ = 200.0


def _stride_curves(ev_dip_deg=5.0, tir_deg=4.0, coupling=0.0):
    """1.0 s stride, stance 0.6 s: β dips by ev_dip at 36 % stance, −γ rises by tir (+ coupling·eversion)."""
    t = np.arange(0, 1.0 + 1e-9, 1 / RATE_HZ)
    stance = 0.6
    phase = t / stance
    dip = np.where(phase < 1, np.sin(np.pi * np.clip(phase / 0.72, 0, 1)) ** 2, 0.0)
    beta = 2.0 - ev_dip_deg * dip
    tibial_ir = tir_deg * np.where(phase < 1, np.sin(np.pi * np.clip(phase / 0.5, 0, 1) / 2), 1.0)
    tibial_ir = tibial_ir + coupling * (2.0 - beta)
    alpha = 10 * np.sin(np.pi * np.clip(phase, 0, 1))
    angles = np.column_stack([alpha, beta, -tibial_ir])
    rates = np.gradient(angles, t, axis=0)
    return SideCurves(t_s=t, angles_deg=angles, rates_dps=rates, shank_ir_rate_dps=np.full(t.size, 10.0))


def test_stride_metrics_match_construction():
    stride = compute_stride_metrics(Stride("right", 0.0, 0.6, 1.0), _stride_curves())
    m = stride.metrics
    assert m["stride_time_s"] == pytest.approx(1.0)
    assert m["cadence_steps_per_min"] == pytest.approx(120.0)
    assert m["stance_pct"] == pytest.approx(60.0)
    assert m["eversion_excursion_deg"] == pytest.approx(5.0, abs=0.05)
    assert m["peak_eversion_deg"] == pytest.approx(-3.0, abs=0.05)
    assert m["time_to_peak_eversion_pct"] == pytest.approx(36.0, abs=1.0)
    assert m["tibial_ir_excursion_deg"] == pytest.approx(4.0, abs=0.05)
    assert m["peak_dorsiflexion_deg"] == pytest.approx(10.0, abs=0.05)
    assert m["shank_ir_loading_deg"] == pytest.approx(10.0 * 0.12, abs=0.06)
    assert m["ev_tir_ratio"] == pytest.approx(5.0 / 4.0, abs=0.03)
    assert m["peak_eversion_velocity_dps"] > 0
    assert set(m) == set(METRICS)
    assert m["stride_length_m"] is None and "stride_length_m" in stride.unavailable


def test_coupling_slope_follows_imposed_coupling():
    base = compute_stride_metrics(Stride("left", 0.0, 0.6, 1.0), _stride_curves()).metrics["coupling_slope"]
    coupled = compute_stride_metrics(Stride("left", 0.0, 0.6, 1.0), _stride_curves(coupling=0.68))
    assert coupled.metrics["coupling_slope"] - base == pytest.approx(0.68, abs=1e-6)


def test_missing_signals_make_metrics_unavailable_with_reason():
    curves = SideCurves(t_s=np.arange(0, 1, 0.005), missing={"angles_deg": "no left_shank sensor"})
    stride = compute_stride_metrics(Stride("left", 0.0, 0.6, 1.0), curves)
    assert stride.metrics["eversion_excursion_deg"] is None
    assert stride.unavailable["eversion_excursion_deg"] == "no left_shank sensor"
    assert stride.metrics["cadence_steps_per_min"] == pytest.approx(120.0)
    row = stride.to_dict()
    assert row["side"] == "left" and row["peak_dorsiflexion_deg"] is None


def test_summary_and_error_bar():
    s = compare.summarize("eversion_excursion_deg", [4.0, 5.0, 6.0, None, float("nan")])
    assert (s["n"], s["median"], s["q1"], s["q3"], s["iqr"]) == (3, 5.0, 4.5, 5.5, 1.0)
    assert s["error_bar"]["plus_minus"] == 2.5
    assert compare.summarize("eversion_excursion_deg", [])["median"] is None


def test_condition_difference_is_judged_against_mdc():
    rng = np.random.default_rng(3)
    a = rng.normal(5.0, 0.5, 60)
    big = compare.difference("eversion_excursion_deg", a, a + 4.0, "remounted")
    small = compare.difference("eversion_excursion_deg", a, rng.normal(5.2, 0.5, 60), "remounted")
    assert big["verdict"] == "difference exceeds MDC" and big["mdc"] == 3.0
    assert small["verdict"] == "no difference larger than MDC"
    assert compare.difference("eversion_excursion_deg", a, [], "remounted")["verdict"] == "not enough strides"


def test_symmetry_uses_difference_for_angles_and_index_for_timing():
    left, right = [1.10, 1.12, 1.08], [1.0, 1.02, 0.98]
    sym = compare.symmetry("stride_time_s", left, right)
    assert sym["left_minus_right"] == pytest.approx(0.1)
    assert sym["symmetry_index_pct"] == pytest.approx(100 * 0.1 / 1.05)
    assert compare.symmetry("eversion_excursion_deg", [5, 6], [4, 5])["symmetry_index_pct"] is None


def test_zero_lag_filter_equals_scipy_sosfiltfilt():
    from scipy.signal import sosfiltfilt

    from gait.metrics import _butter_sos, _zero_lag

    x = np.random.default_rng(0).normal(size=(240, 7)).cumsum(axis=0)
    filt = _butter_sos(10.0, 200.0)
    np.testing.assert_allclose(_zero_lag(filt, x), sosfiltfilt(filt[0], x, axis=0), atol=1e-12)


def test_batched_strides_equal_one_by_one():
    """compute_strides_metrics filters equal-length cuts together; results must equal the per-stride path."""
    from gait import metrics
    from gait.metrics import compute_strides_metrics

    rng = np.random.default_rng(3)
    t = np.arange(0, 12.0, 1 / RATE_HZ)
    angles = np.cumsum(rng.normal(size=(t.size, 3)), axis=0) * 0.1
    curves = SideCurves(t_s=t, angles_deg=angles, rates_dps=np.gradient(angles, t, axis=0),
                        shank_ir_rate_dps=rng.normal(size=t.size),
                        foot_acc_global_mps2=rng.normal(size=(t.size, 3)))
    ics = [1.0, 2.1, 3.2, 4.25, 5.35, 6.45, 7.0, 7.5]  # equal, different and running-short strides
    def strides():
        return [Stride("left", a, a + 0.6 * (b - a), b, mid_stance_s=a + 0.2, next_mid_stance_s=b + 0.2)
                for a, b in zip(ics[:-1], ics[1:], strict=True)]

    lengths = [metrics._cut(curves, s)[0]["t_s"].size for s in strides()]
    assert len(set(lengths)) < len(lengths)  # some cuts really are filtered together
    batched = compute_strides_metrics(strides(), curves)
    single = [compute_stride_metrics(s, curves) for s in strides()]
    assert [s.metrics for s in batched] == [s.metrics for s in single]
    assert [s.unavailable for s in batched] == [s.unavailable for s in single]
