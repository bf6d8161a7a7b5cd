"""Physics of the walker: the signals must be what the true motion implies, not just the right shape."""

from dataclasses import replace

import numpy as np
import pytest
from scipy.spatial.transform import Rotation, Slerp

from gait.conventions import GRAVITY_MPS2, PLACEMENTS
from gait.simulate import ErrorModel, simulate

#: Noise-free sensors that still have every *geometric* error: mounting misalignment and clock offset/drift.
GEOMETRIC = replace(ErrorModel.none(), shank_yaw_sd_deg=10.0, shank_tilt_deg=5.0,
                    foot_misalign_deg=(10.0, 20.0), clock_offset_sd_s=0.01, clock_drift_sd_ppm=50.0)


@pytest.fixture(scope="module")
def geometric():
    return simulate("normal", duration_s=25.0, seed=5, rate_hz=200.0, errors=GEOMETRIC)


def _true_times(res, name):
    clock = res.truth.clock[name]
    return (res.blocks[name].t_s - clock["offset_s"]) / (1.0 + clock["drift_ppm"] * 1e-6)


def _true_sensor_orientation(res, name, t_true):
    truth = res.truth
    seg = Slerp(truth.t_s, Rotation.from_quat(truth.quat_wxyz[name], scalar_first=True))(t_true)
    return seg * Rotation.from_quat(truth.mounting_wxyz[name], scalar_first=True)


@pytest.mark.parametrize("name", PLACEMENTS)
def test_integrated_gyro_reproduces_true_orientation(geometric, name):
    """Integrating ω from the true start pose tracks truth·mounting within 0.1° over 25 s (incl. walking)."""
    t_true = _true_times(geometric, name)
    true_rot = _true_sensor_orientation(geometric, name, t_true)
    gyr = geometric.blocks[name].gyr_rps
    steps = Rotation.from_rotvec(0.5 * (gyr[1:] + gyr[:-1]) * np.diff(t_true)[:, None])
    quats = np.empty((t_true.size, 4))
    rot = true_rot[0]
    quats[0] = rot.as_quat()
    for i in range(len(steps)):
        rot = rot * steps[i]
        quats[i + 1] = rot.as_quat()
    err_deg = np.degrees((Rotation.from_quat(quats) * true_rot.inv()).magnitude())
    walking = t_true > 16.0
    assert np.degrees(np.abs(gyr[walking]).max()) > 200.0  # it really moved
    assert err_deg.max() < 0.1


@pytest.mark.parametrize("name", PLACEMENTS)
def test_accelerometer_reads_gravity_at_rest(geometric, name):
    """Quiet standing: specific force = +g along global up, expressed in the (misaligned) sensor frame."""
    t_true = _true_times(geometric, name)
    stand = (t_true > 0.5) & (t_true < 9.5)
    sensor_rot = _true_sensor_orientation(geometric, name, t_true[stand])
    up_in_sensor = sensor_rot.inv().apply([0.0, GRAVITY_MPS2, 0.0])
    acc = geometric.blocks[name].acc_mps2[stand]
    np.testing.assert_allclose(acc, up_in_sensor, atol=1e-6)
    np.testing.assert_allclose(geometric.blocks[name].gyr_rps[stand], 0.0, atol=1e-9)


def test_foot_is_still_during_foot_flat(ideal_normal):
    """Between 16 % and 33 % of the gait cycle (inside foot-flat 9–40 %, minus the FIR span) nothing moves."""
    truth = ideal_normal.truth
    checked = 0
    for side in ("left", "right"):
        block = ideal_normal.blocks[f"{side}_foot"]
        for s in (s for s in truth.strides if s["side"] == side and s["steady"]):
            span = s["next_ic_s"] - s["ic_s"]
            flat_truth = (truth.t_s > s["ic_s"] + 0.16 * span) & (truth.t_s < s["ic_s"] + 0.33 * span)
            pos = truth.foot_pos_m[side][flat_truth]
            assert np.ptp(pos, axis=0).max() < 1e-6
            flat = (block.t_s > s["ic_s"] + 0.16 * span) & (block.t_s < s["ic_s"] + 0.33 * span)
            assert np.abs(block.gyr_rps[flat]).max() < 1e-3
            np.testing.assert_allclose(np.linalg.norm(block.acc_mps2[flat], axis=1), GRAVITY_MPS2, atol=0.01)
            checked += 1
    assert checked >= 6


def test_taps_reach_all_sensors_at_the_same_true_time(geometric):
    taps = next(w for w in geometric.truth.windows if w["kind"] == "taps")["tap_times_s"]
    for name in PLACEMENTS:
        t_true = _true_times(geometric, name)
        dev = np.abs(np.linalg.norm(geometric.blocks[name].acc_mps2, axis=1) - GRAVITY_MPS2)
        for tap in taps:
            near = (t_true > tap - 0.05) & (t_true < tap + 0.1)
            assert abs(t_true[near][np.argmax(dev[near])] - tap) < 0.02
            assert dev[near].max() > 10.0
