import numpy as np
import pytest

from gait.stats import difference_ci, robust_summary


def test_difference_ci_covers_a_known_shift():
    rng = np.random.default_rng(1)
    a = rng.normal(5.0, 1.0, 40)
    b = rng.normal(2.0, 1.0, 40)
    diff, lo, hi = difference_ci(a, b)
    assert diff == pytest.approx(np.median(b) - np.median(a))
    assert lo < -3.0 + 0.8 and hi > -3.0 - 0.8 and hi < 0


def test_difference_ci_includes_zero_without_a_shift():
    rng = np.random.default_rng(2)
    diff, lo, hi = difference_ci(rng.normal(0, 1, 40), rng.normal(0, 1, 40))
    assert lo < 0 < hi


def test_difference_ci_is_reproducible_and_rejects_tiny_groups():
    a, b = np.arange(10.0), np.arange(10.0) + 1
    assert difference_ci(a, b) == difference_ci(a, b)
    with pytest.raises(ValueError):
        difference_ci([1.0], b)


def test_robust_summary_ignores_nan_and_handles_empty():
    s = robust_summary(np.array([1.0, 2.0, 3.0, np.nan]))
    assert s["n"] == 3 and s["median"] == 2.0 and s["q1"] == 1.5 and s["q3"] == 2.5
    assert robust_summary(np.array([]))["median"] is None
