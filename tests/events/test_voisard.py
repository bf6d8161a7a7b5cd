"""Heel strikes and toe-offs on the 19 Voisard trials against the manual annotations (docs/events.md)."""

import numpy as np
import pytest

from gait.io.voisard import _merge, load_trial, score_trial, trial_codes

pytestmark = pytest.mark.shared_data


@pytest.fixture(scope="module")
def scores(shared_data):
    folder = shared_data / "voisard-ipol"
    codes = trial_codes(folder)
    assert len(codes) == 19
    return [score_trial(load_trial(folder, code)) for code in codes]


def test_heel_strikes_against_annotations(scores):
    ic, steady = _merge([s.ic for s in scores]), _merge([s.ic_steady for s in scores])
    # steady walking (each foot's first and last step left out): the issue's >= 97 % target
    assert steady.recall >= 0.97 and steady.precision >= 0.97
    # every annotated step inside the trial, gait initiation/termination and shuffles included: the issue's
    # target (measured 591/608 = 0.972, one event above it; docs/events.md)
    assert ic.recall >= 0.97 and ic.precision >= 0.97
    assert ic.mae_s < 0.025 and abs(np.mean(ic.errors_s)) < 0.015


def test_shuffle_steps_found_are_annotated_steps(scores):
    shuffles = _merge([s.ic_shuffle for s in scores])
    assert shuffles.n_detected >= 3 and shuffles.precision >= 0.75


def test_toe_offs_against_annotations(scores):
    tc = _merge([s.tc for s in scores])
    assert tc.recall >= 0.97 and tc.precision >= 0.97 and tc.mae_s < 0.015


def test_cadence_within_two_steps_per_minute(scores):
    errors = [abs(s.cadence_steps_per_min - s.cadence_ref_steps_per_min) for s in scores]
    assert max(errors) < 2.0


def test_u_turn_strides_are_flagged(scores):
    assert all(s.turn_strides_flagged >= 2 for s in scores)
