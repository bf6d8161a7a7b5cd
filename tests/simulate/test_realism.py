"""Realism: simulated foot signals lie inside the range of the 19 real Voisard subjects (docs/realism.md)."""

import pytest

from gait.simulate.realism import SUMMARY, format_table, realism_table


@pytest.mark.shared_data
def test_simulated_feet_fall_inside_the_real_subjects_range(shared_data):
    if not (shared_data / "voisard-ipol").is_dir():
        pytest.skip("voisard-ipol data not present")
    table = realism_table(shared_data, scenarios=("normal", "barefoot"), duration_s=50.0)
    assert table["n_subjects"] == 19
    print(format_table(table))
    for feature in SUMMARY:
        row = table["rows"][feature]
        for name, value in row["simulated"].items():
            assert row["real_min"] <= value <= row["real_max"], (feature, name, value, row)
