"""bench_gaitmap's plumbing without gaitmap: index→time mapping and the shared scorer on known events."""

from __future__ import annotations

import numpy as np

from benchmarks import bench_gaitmap
from gait.io.voisard import VoisardTrial


def _trial() -> VoisardTrial:
    ic = {"left": np.array([1.0, 2.0, 3.0, 7.0]), "right": np.array([1.5, 2.5, 3.5])}
    tc = {"left": np.array([0.6, 1.6]), "right": np.array([1.1])}
    return VoisardTrial("9-9", {}, ic, tc, uturn_s=(6.0, 8.0), trial_s=(0.5, 9.0))


def test_gaitmap_indices_become_times_on_the_trial_clock():
    found = {"left": {"ic": [50.0, 150.0], "tc": [10.0]}, "right": {"ic": [], "tc": []}}
    variant = {"trials": {"9-9": found}}
    grids = {"9-9": {"left": (0.5, 100.0), "right": (0.0, 100.0)}}
    times = bench_gaitmap.gaitmap_events(variant, grids, [_trial()])
    np.testing.assert_allclose(times["9-9"]["left"]["ic"], [1.0, 2.0])
    np.testing.assert_allclose(times["9-9"]["left"]["tc"], [0.6])
    assert times["9-9"]["right"]["ic"].size == 0
    failed = bench_gaitmap.gaitmap_events({"trials": {}}, grids, [_trial()])  # a failed trial: nothing found
    assert failed["9-9"]["left"]["ic"].size == 0


def test_score_leaves_out_the_uturn_and_counts_tolerance():
    trial = _trial()
    detected = {"9-9": {"left": {"ic": np.array([1.04, 2.2, 7.0]), "tc": np.array([0.62])},
                        "right": {"ic": np.array([1.5, 2.5, 3.5]), "tc": np.array([1.2])}}}
    m = bench_gaitmap.score(detected, [trial])["9-9"]
    # the U-turn IC at 7.0 s is neither a reference nor a detection; 2.2 s is 200 ms off
    assert (m.n_true_positive, m.n_reference, m.n_detected) == (4, 6, 5)
    every = bench_gaitmap.score(detected, [trial], exclude_uturn=False)["9-9"]
    assert (every.n_true_positive, every.n_reference) == (5, 7)
    tc = bench_gaitmap.score(detected, [trial], "tc")["9-9"]  # 1.2 s is 100 ms after the right TC
    assert (tc.n_true_positive, tc.n_reference, tc.n_detected) == (1, 3, 2)
