"""Events on the synthetic walker against its true IC/TC (realistic sensor errors, calibrated axes)."""

import pytest

simulate_mod = pytest.importorskip("gait.simulate")

from benchmarks.bench_events import synthetic_matches  # noqa: E402


def test_synthetic_initial_contact_and_toe_off():
    matches = synthetic_matches(simulate_mod.simulate("normal", duration_s=45.0, seed=3, rate_hz=100.0))
    for name, (ic, tc) in matches.items():
        assert ic.recall == 1.0 and ic.precision == 1.0, name
        assert ic.mae_s < 0.020, name
        assert tc.recall == 1.0 and tc.precision >= 0.95, name  # extra: gait-initiation toe-offs
        assert tc.mae_s < 0.020, name
