"""Sync against the walker's true clock offsets and drifts."""

import numpy as np
import pytest

import gait.simulate as simulate_mod
from gait.simulate.session import on_session_clock
from gait.sync import synchronize


def _errors_ms(sim, synced) -> dict:
    out = {}
    for name, block in synced.items():
        true_t = on_session_clock(sim.blocks[name], sim.truth).t_s
        out[name] = (block.t_s - true_t) * 1e3
    return out


def test_walker_clocks_recovered_within_a_few_ms():
    """Measured on seeds 0–5: error at the taps −0.16 ± 0.015 ms; afterwards the drift that start taps cannot
    see adds up (seed 7 here: a 170 ppm clock, 3.4 SD)."""
    sim = simulate_mod.simulate("normal", duration_s=30.0, seed=7)
    synced, report = synchronize(sim.blocks, sim.truth.windows)
    errors_ms = _errors_ms(sim, synced)
    t_s = np.arange(6000) / 200.0
    for name, err in errors_ms.items():
        sync = report.sensors[name]
        assert sync.method.startswith("taps")
        # ≤ 0.5 ms at the taps, then |true − estimated drift| × time from the taps
        drift_ms = abs(sim.truth.clock[name]["drift_ppm"] - sync.drift_ppm) * 1e-3 * np.abs(t_s - 11.0)
        n = min(len(err), len(t_s))
        assert np.all(np.abs(err[:n]) < 0.5 + drift_ms[:n]), name
        assert np.abs(err[2000:2400]).max() < 0.5, name  # 10–12 s: sub-sample tap onsets
    for segment in ("shank", "foot"):
        lr = errors_ms[f"left_{segment}"][2000:2400].mean() - errors_ms[f"right_{segment}"][2000:2400].mean()
        assert abs(lr) < 0.5
    assert report.to_dict()["max_tap_residual_ms"] < 1.0


def test_leg_impacts_keep_shank_and_foot_together():
    """Relative shank–foot error at the end of 40 s, 6 seeds × 2 legs: mean 0.5 ms with the impact-based
    drift split, 1.5 ms without (max 1.5 vs 3.4 ms)."""
    sim = simulate_mod.simulate("normal", duration_s=40.0, seed=1)
    relative = {}
    for refine in (False, True):
        synced, report = synchronize(sim.blocks, sim.truth.windows, refine_leg_drift=refine)
        err = _errors_ms(sim, synced)
        n = min(len(err["right_shank"]), len(err["right_foot"]))
        relative[refine] = abs(err["right_shank"][n - 1] - err["right_foot"][n - 1])
    assert report.sensors["right_shank"].method == "taps+impacts"
    assert report.sensors["right_shank"].leg_drift_ppm == pytest.approx(117.1, abs=15.0)  # true shank − foot
    assert relative[True] < 0.5 < relative[False]
