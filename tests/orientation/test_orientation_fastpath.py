"""The fast path (vqf's C++ VQF) agrees with its pure-Python reference implementation (PyVQF)."""

import numpy as np
import pytest
from vqf import VQF, PyVQF

from tests.orientation.orient_synth import truth_motion


@pytest.mark.parametrize("with_mag", [False, True])
def test_cpp_vqf_matches_pyvqf(with_mag):
    _, _, gyr, acc, mag = truth_motion(duration_s=12.0, rate_hz=100.0, seed=4)
    rng = np.random.default_rng(0)
    gyr = np.ascontiguousarray(gyr + rng.normal(0, 0.01, gyr.shape) + [0.01, -0.02, 0.015])
    acc = np.ascontiguousarray(acc + rng.normal(0, 0.05, acc.shape))
    args = (gyr, acc, np.ascontiguousarray(mag)) if with_mag else (gyr, acc)
    fast = VQF(0.01).updateBatch(*args)
    ref = PyVQF(0.01).updateBatch(*args)
    key = "quat9D" if with_mag else "quat6D"
    assert np.max(np.abs(fast[key] - ref[key])) < 1e-6
    assert np.max(np.abs(fast["bias"] - ref["bias"])) < 1e-6
    assert np.array_equal(fast["restDetected"], ref["restDetected"])
