"""True metrics follow the curve definitions; seeds reproduce; left/right follow the sign conventions."""

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from gait.simulate import simulate


def _steady(res, side=None):
    return [s for s in res.truth.strides if s["steady"] and (side is None or s["side"] == side)]


def test_default_metrics_equal_the_curve_definitions(ideal_normal):
    """biomech.md §6.2 defaults: eversion excursion 5°, peak at ≈36 % stance, tibial IR 4°, peak DF 10°."""
    strides = _steady(ideal_normal)
    assert len(strides) >= 6
    for s in strides:
        assert s["eversion_excursion_deg"] == pytest.approx(5.0, abs=0.1)
        assert s["peak_eversion_deg"] == pytest.approx(-3.0, abs=0.05)
        assert s["time_to_peak_eversion_pct"] == pytest.approx(100 * 22 / 61, abs=1.0)
        assert s["tibial_ir_excursion_deg"] == pytest.approx(4.0, abs=0.1)
        assert s["peak_dorsiflexion_deg"] == pytest.approx(10.0, abs=0.1)
        assert s["stance_pct"] == pytest.approx(61.0, abs=1e-6)
        assert s["stride_time_s"] == pytest.approx(120 / 110, abs=1e-9)
        assert s["cadence_steps_per_min"] == pytest.approx(110.0, abs=1e-6)
        assert s["stride_length_m"] == pytest.approx(1.42, abs=1e-9)
        assert 20.0 < s["peak_eversion_velocity_dps"] < 150.0  # walking: tens to ~100 °/s (biomech §3.2)


def test_metrics_agree_with_the_sampled_truth_angles(ideal_normal):
    """The per-stride metrics and the per-sample α β γ describe the same curves."""
    truth = ideal_normal.truth
    for s in _steady(ideal_normal):
        beta = truth.angles_deg[s["side"]][:, 1]
        stance = (truth.t_s >= s["ic_s"]) & (truth.t_s <= s["tc_s"])
        beta_ic = np.interp(s["ic_s"], truth.t_s, beta)
        assert beta_ic - beta[stance].min() == pytest.approx(s["eversion_excursion_deg"], abs=0.02)


def test_variability_averages_to_the_definitions(realistic_normal):
    strides = _steady(realistic_normal)
    ev = np.array([s["eversion_excursion_deg"] for s in strides])
    st = np.array([s["stride_time_s"] for s in strides])
    assert abs(ev.mean() - 5.0) < 0.5 and ev.std() > 0.01
    assert abs(st.mean() - 120 / 110) < 0.03 and st.std() > 1e-4


@pytest.mark.parametrize("scenario, side, metric, expected, tol", [
    ("high_eversion", "right", "eversion_excursion_deg", 10.0, 0.2),
    ("asymmetric", "left", "eversion_excursion_deg", 2.0, 0.15),
    ("asymmetric", "left", "tibial_ir_excursion_deg", 1.0, 0.15),
    ("asymmetric", "left", "peak_dorsiflexion_deg", 6.0, 0.2),
    ("asymmetric", "left", "stance_pct", 64.0, 1e-6),
    ("asymmetric", "right", "eversion_excursion_deg", 5.0, 0.1),
    ("coupling_k0", "right", "tibial_ir_excursion_deg", 0.0, 0.05),
    ("coupling_k068", "right", "tibial_ir_excursion_deg", 0.68 * 5.0, 0.15),
    ("coupling_k068", "left", "ev_tir_ratio", 1 / 0.68, 0.05),
    ("shoe_a", "right", "eversion_excursion_deg", 6.0, 0.15),
    ("shoe_b", "right", "eversion_excursion_deg", 3.5, 0.15),
    ("shoe_b", "right", "tibial_ir_excursion_deg", 2.7, 0.15),
    ("running", "right", "eversion_excursion_deg", 12.0, 0.3),
    ("running", "right", "stance_pct", 38.0, 1e-6),
    ("running", "left", "cadence_steps_per_min", 170.0, 1e-6),
])
def test_scenarios_change_what_they_document(scenario, side, metric, expected, tol):
    res = simulate(scenario, duration_s=19.0, seed=2, rate_hz=100.0, errors="none", variability=False,
                   placements=("left_foot",))
    values = [s[metric] for s in _steady(res, side)]
    assert values and np.allclose(values, expected, atol=tol), values


def test_turns_turn_ninety_degrees_every_nine_strides():
    res = simulate("turns", duration_s=40.0, seed=2, rate_hz=50.0, errors="none", placements=("left_foot",))
    q = Rotation.from_quat(res.truth.quat_wxyz["right_foot"], scalar_first=True)
    heading_deg = np.degrees(np.unwrap(np.arctan2(-q.apply([1, 0, 0])[:, 2], q.apply([1, 0, 0])[:, 0])))
    assert heading_deg[-1] - heading_deg[0] > 170.0  # at least two 90° turns in 40 s


def test_same_seed_same_output_and_different_seed_differs():
    a = simulate("normal", duration_s=18.0, seed=11, rate_hz=100.0, placements=("right_shank",))
    b = simulate("normal", duration_s=18.0, seed=11, rate_hz=100.0, placements=("right_shank",))
    c = simulate("normal", duration_s=18.0, seed=12, rate_hz=100.0, placements=("right_shank",))
    for key in ("t_s", "acc_mps2", "gyr_rps", "mag_uT"):
        np.testing.assert_array_equal(getattr(a.blocks["right_shank"], key),
                                      getattr(b.blocks["right_shank"], key))
    assert a.truth.strides == b.truth.strides
    assert not np.array_equal(a.blocks["right_shank"].gyr_rps, c.blocks["right_shank"].gyr_rps)


def test_left_right_mirroring_follows_the_sign_conventions():
    """Left = right half a stride later in anatomical angles; in ISB frames β, γ and ω_x, ω_y flip sign."""
    res = simulate("normal", duration_s=24.0, seed=1, rate_hz=110.0, errors="none", variability=False,
                   placements=("left_shank", "right_shank"))
    truth, half = res.truth, 60  # half a stride (6/11 s) at 110 Hz
    walk = np.flatnonzero(truth.t_s > 18.0)[:-half]
    left, right = truth.angles_deg["left"], truth.angles_deg["right"]
    np.testing.assert_allclose(left[walk + half], right[walk], atol=1e-6)
    for side, sign in (("right", 1.0), ("left", -1.0)):
        shank = Rotation.from_quat(truth.quat_wxyz[f"{side}_shank"], scalar_first=True)
        foot = Rotation.from_quat(truth.quat_wxyz[f"{side}_foot"], scalar_first=True)
        alpha, beta, gamma = np.degrees((shank.inv() * foot).as_euler("ZXY")).T
        np.testing.assert_allclose(alpha, truth.angles_deg[side][:, 0], atol=1e-6)
        np.testing.assert_allclose(sign * beta, truth.angles_deg[side][:, 1], atol=1e-6)
        np.testing.assert_allclose(sign * gamma, truth.angles_deg[side][:, 2], atol=1e-6)
    right, left = res.blocks["right_shank"].gyr_rps, res.blocks["left_shank"].gyr_rps
    i = np.flatnonzero(res.blocks["right_shank"].t_s > 18.0)[:-half]
    np.testing.assert_allclose(left[i + half], right[i] * np.array([-1.0, -1.0, 1.0]), atol=1e-3)
    assert np.abs(right[i, 0]).max() > 0.1  # frontal-plane motion exists, so the sign check bites
