"""Sensor→segment calibration against known mounting rotations (independent small generator)."""

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from gait.calibration import (
    CalibrationError,
    calibrate_segment,
    calibrate_sensors,
    find_standing_window,
    frame_from_axes,
)
from gait.types import SampleBlock
from tests.calibration.calib_synth import make_block


def _error_deg(calibration, mounting: Rotation) -> float:
    return float(np.degrees((calibration.rotation * mounting.inv()).magnitude()))


def test_frame_from_axes_identity_and_orthogonalises():
    r = frame_from_axes(np.array([0, 1.0, 0]), np.array([0, 0.2, 1.0]))
    assert np.allclose(r.as_matrix(), np.eye(3), atol=1e-12)
    with pytest.raises(ValueError):
        frame_from_axes(np.array([0, 1.0, 0]), np.array([0, 2.0, 0]))


@pytest.mark.parametrize("sensor", ["left_shank", "right_shank", "left_foot", "right_foot"])
def test_any_mounting_pure_sagittal_motion_is_recovered_within_a_degree(sensor):
    for seed in range(3):
        mounting = Rotation.random(random_state=seed + 10)
        block = make_block(
            sensor, mounting, seed=seed, wobble_deg=0.0, gyr_bias_rps=np.radians([1.0, -2.0, 0.5])
        )
        cal = calibrate_segment(block)
        assert _error_deg(cal, mounting) < 1.0
        assert cal.quality > 0.8 and cal.warnings == []
        assert cal.details["axis_method"] == "walking-direction"
        assert cal.details["sign_source"] == ("forward" if sensor.endswith("foot") else "skew")


def test_frontal_and_transverse_wobble_costs_a_few_degrees_at_most():
    for seed, sensor in enumerate(["left_shank", "right_foot"]):
        mounting = Rotation.from_rotvec(np.radians([10.0, -15.0, 5.0]))
        cal = calibrate_segment(make_block(sensor, mounting, seed=seed, wobble_deg=3.0))
        assert _error_deg(cal, mounting) < 5.0


def test_standing_window_found_inside_the_quiet_period():
    block = make_block("right_shank", Rotation.identity(), standing_s=6.0)
    t0, t1 = find_standing_window(block.t_s, block.acc_mps2, block.gyr_rps)
    assert 0.0 <= t0 < 1.0 and 5.0 < t1 <= 6.0


def test_missing_standing_warns_and_lowers_quality():
    mounting = Rotation.from_rotvec(np.radians([0.0, 30.0, 10.0]))
    full = make_block("left_foot", mounting, standing_s=6.0, wobble_deg=0.0)
    walking_only = full.t_s >= 7.0
    block = SampleBlock(
        "left_foot", full.t_s[walking_only], full.acc_mps2[walking_only], full.gyr_rps[walking_only]
    )
    cal = calibrate_segment(block)
    assert cal.standing is None and cal.details["vertical_source"] == "walking"
    assert any("no quiet-standing window" in w for w in cal.warnings)
    assert cal.quality <= 0.3
    assert _error_deg(cal, mounting) < 10.0


def test_no_walking_raises_a_clear_error():
    block = make_block("left_shank", Rotation.identity(), duration_s=5.0, standing_s=6.0)
    with pytest.raises(CalibrationError, match="left_shank.*walking"):
        calibrate_segment(block)


def test_functional_window_is_signed_by_walking_and_reported():
    mounting = Rotation.random(random_state=3)
    block = make_block("right_shank", mounting, wobble_deg=0.0)
    windows = [
        {"kind": "standing", "t0_s": 0.5, "t1_s": 5.5},
        {"kind": "functional", "t0_s": 10.0, "t1_s": 20.0},
    ]
    cal = calibrate_sensors({"right_shank": block}, windows)["right_shank"]
    assert cal.details["functional_axis_deg_from_walking"] < 1.0
    assert _error_deg(cal, mounting) < 0.5
    assert cal.to_dict()["standing_window_s"] == [0.5, 5.5]
