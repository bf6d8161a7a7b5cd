"""Rule logic of the findings engine on analysis results with known stride values."""

import numpy as np
import pytest

from gait.findings.engine import findings_for

METRICS = ("tibial_ir_excursion_deg", "eversion_excursion_deg", "peak_dorsiflexion_deg",
           "cadence_steps_per_min", "stride_time_s")


def _analysis(sid="s1", condition="shoe_a", seed=0, n=40, **shifts):
    """Strides around typical values; ``shifts`` like ``left_peak_dorsiflexion_deg=-4`` change one side."""
    rng = np.random.default_rng(seed)
    base = {"tibial_ir_excursion_deg": 4.0, "eversion_excursion_deg": 5.0, "peak_dorsiflexion_deg": 10.0,
            "cadence_steps_per_min": 110.0, "stride_time_s": 1.09}
    strides = []
    for side in ("left", "right"):
        for _ in range(n):
            stride = {"side": side, "valid": True}
            for metric in METRICS:
                sd = 0.02 if metric == "stride_time_s" else 0.6
                stride[metric] = base[metric] + shifts.get(f"{side}_{metric}", 0.0) + rng.normal(0, sd)
            strides.append(stride)
    return {"schema": "gait.analysis/1", "session": {"id": sid, "condition": condition}, "strides": strides}


def _by(findings, claim, side=None):
    return [f for f in findings if f.claim == claim and (side is None or f.side == side)]


def test_symmetric_session_raises_no_side_or_reference_finding():
    findings = findings_for([_analysis()])
    assert _by(findings, "K2")[0].status == "no_detectable_difference"
    assert _by(findings, "K4")[0].status == "no_detectable_difference"
    assert {f.status for f in _by(findings, "K3")} == {"within_reference"}
    assert not _by(findings, "K5")


def test_dorsiflexion_asymmetry_is_reported_on_the_right_side_with_its_magnitude():
    (k4,) = _by(findings_for([_analysis(left_peak_dorsiflexion_deg=-4.0)]), "K4")
    assert k4.status == "measured_difference" and k4.side == "left"
    assert k4.measured["diff"] == pytest.approx(-4.0, abs=0.6)
    assert "left ankle bent upward" in k4.text


def test_tibial_rotation_difference_needs_two_sessions():
    one = findings_for([_analysis(right_tibial_ir_excursion_deg=-5.0)])
    assert _by(one, "K2")[0].status == "needs_more_sessions"
    two = findings_for([_analysis("s1", right_tibial_ir_excursion_deg=-5.0),
                        _analysis("s2", seed=1, right_tibial_ir_excursion_deg=-5.0)])
    (k2,) = _by(two, "K2")
    assert k2.status == "measured_difference" and k2.side == "right"
    assert k2.measured["n_sessions_flagged"] == 2


def test_three_degree_tibial_difference_stays_below_the_remount_mdc():
    (k2,) = _by(findings_for([_analysis(right_tibial_ir_excursion_deg=-3.0)]), "K2")
    assert k2.status == "no_detectable_difference"


def test_high_eversion_confirmed_in_two_sessions_is_outside_reference():
    shifts = {"left_eversion_excursion_deg": 6.0, "right_eversion_excursion_deg": 6.0}
    findings = findings_for([_analysis("s1", **shifts), _analysis("s2", seed=3, **shifts)])
    assert {f.status for f in _by(findings, "K3")} == {"outside_reference"}
    assert "different measuring method" in _by(findings, "K3", "left")[0].text


@pytest.mark.parametrize(("change_deg", "mount", "expected"), [
    (-3.0, "same_mount", "measured_difference"),
    (-0.5, "same_mount", "no_detectable_difference"),
    (-2.5, "remounted", "no_detectable_difference"),
])
def test_condition_comparison_against_the_mdc(change_deg, mount, expected):
    a = _analysis("a", "shoe_a", seed=4)
    b = _analysis("b", "shoe_b", seed=5, left_eversion_excursion_deg=change_deg,
                  right_eversion_excursion_deg=change_deg)
    k5 = [f for f in _by(findings_for([a, b], mount=mount), "K5") if f.metric == "eversion_excursion_deg"]
    assert {f.status for f in k5} == {expected}
    if expected == "measured_difference":
        assert all(f.measured["ci_high"] < 0 for f in k5)
        assert "smaller than in shoe_a" in k5[0].text


def test_barefoot_comparison_carries_the_sensor_mount_caveat():
    findings = findings_for([_analysis("a", "barefoot"), _analysis("b", "shoe_b", seed=2)])
    assert all("barefoot and shod" in f.limits for f in _by(findings, "K5"))


def test_red_flag_withholds_interpretation_but_keeps_information():
    findings = findings_for([_analysis(left_peak_dorsiflexion_deg=-4.0)], red_flags={"hot_swollen": True})
    for f in findings:
        if f.claim in {"K2", "K3", "K4", "K5"}:
            assert f.status == "suppressed" and "clinician" in f.text and not f.exercises
    assert _by(findings, "K8")[0].status == "suppressed"
    assert _by(findings, "K9")[0].status == "informational"


def test_missing_sensors_make_claims_not_measurable():
    foot_only = {"session": {"id": "x"}, "strides": [
        {"side": s, "valid": True, "cadence_steps_per_min": 110.0, "stride_time_s": 1.1,
         "tibial_ir_excursion_deg": None, "eversion_excursion_deg": None, "peak_dorsiflexion_deg": None}
        for s in ("left", "right") for _ in range(10)]}
    findings = findings_for([foot_only])
    for claim in ("K2", "K3", "K4"):
        assert {f.status for f in _by(findings, claim)} == {"not_measurable"}
    assert _by(findings, "K9")[0].measured["cadence"] == pytest.approx(110.0)


def test_every_finding_names_articles_and_is_json_ready():
    import json

    for f in findings_for([_analysis(), _analysis("b", "shoe_b", seed=9)]):
        assert any(s["kind"] == "article" for s in f.sources)
        json.dumps(f.to_dict())
