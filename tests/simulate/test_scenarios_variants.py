"""Footwear variants with an exact true eversion change (used by the findings tests)."""

import numpy as np
import pytest

from gait.simulate import simulate
from gait.simulate.scenarios import footwear_variant, get_scenario


@pytest.mark.parametrize("change_deg", [-3.0, -0.5, 1.0])
def test_footwear_variant_changes_only_the_eversion_excursion(change_deg):
    base = simulate("shoe_a", duration_s=30, seed=2, errors="none", variability=False)
    variant = simulate(footwear_variant("v", change_deg), duration_s=30, seed=2, errors="none",
                       variability=False)

    def median(result, metric):
        return np.median([s[metric] for s in result.truth.strides if s["side"] == "right"])

    assert median(variant, "eversion_excursion_deg") - median(base, "eversion_excursion_deg") == \
        pytest.approx(change_deg, abs=0.05)
    for metric in ("tibial_ir_excursion_deg", "peak_dorsiflexion_deg", "stride_time_s"):
        assert median(variant, metric) == pytest.approx(median(base, metric), abs=1e-6)


def test_a_scenario_object_passes_through():
    scenario = footwear_variant("v", -1.0)
    assert get_scenario(scenario) is scenario


@pytest.mark.parametrize("base, excursion_deg", [("shoe_a", 6.0), ("shoe_b", 3.5), ("high_eversion", 10.0)])
def test_variant_starts_from_the_base_scenarios_own_excursion(base, excursion_deg):
    variant = footwear_variant("v", -1.0, base=base)
    assert f"({excursion_deg:g}→{excursion_deg - 1:g}°)" in variant.condition
