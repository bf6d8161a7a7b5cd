"""The error model does what its parameters say (one source at a time, measured during quiet standing)."""

from dataclasses import replace

import numpy as np
import pytest

from gait.conventions import GRAVITY_MPS2
from gait.simulate import ErrorModel, simulate
from gait.simulate.sensors import EARTH_FIELD_UT

RATE_HZ = 200.0


def _standing(res, name):
    block = res.blocks[name]
    return block, (block.t_s > 0.5) & (block.t_s < 9.5)


def test_white_noise_has_the_density_it_is_given():
    model = replace(ErrorModel.none(), gyro_noise_dps_rthz=0.01, acc_noise_ug_rthz=200.0)
    res = simulate("normal", duration_s=18.0, seed=4, rate_hz=RATE_HZ, errors=model,
                   placements=("left_foot",))
    block, still = _standing(res, "left_foot")
    gyr_sd_dps = np.rad2deg(block.gyr_rps[still].std(axis=0))
    acc_sd_mps2 = block.acc_mps2[still].std(axis=0)
    np.testing.assert_allclose(gyr_sd_dps, 0.01 * np.sqrt(RATE_HZ / 2), rtol=0.1)
    np.testing.assert_allclose(acc_sd_mps2, 200e-6 * GRAVITY_MPS2 * np.sqrt(RATE_HZ / 2), rtol=0.1)


def test_gyro_and_accel_biases_are_the_recorded_ones():
    model = replace(ErrorModel.none(), gyro_bias_sd_dps=1.0, acc_bias_sd_mg=40.0)
    res = simulate("normal", duration_s=18.0, seed=6, rate_hz=RATE_HZ, errors=model,
                   placements=("right_shank",))
    block, still = _standing(res, "right_shank")
    drawn = res.truth.extra["sensor_errors"]["right_shank"]
    mean_dps = np.rad2deg(block.gyr_rps[still].mean(axis=0))
    np.testing.assert_allclose(mean_dps, drawn["gyro_bias_dps"], atol=1e-9)
    up = np.array([0.0, GRAVITY_MPS2, 0.0])  # ideal mounting: sensor = segment = global at rest
    np.testing.assert_allclose(block.acc_mps2[still].mean(axis=0) - up, drawn["acc_bias_mps2"], atol=1e-9)
    assert np.abs(drawn["gyro_bias_dps"]).max() > 0.05


def test_range_clipping():
    model = replace(ErrorModel.none(), acc_range_g=8.0, gyr_range_dps=500.0, impacts=True)
    res = simulate("running", duration_s=18.0, seed=1, rate_hz=400.0, errors=model, placements=("left_foot",))
    block = res.blocks["left_foot"]
    assert np.abs(block.acc_mps2).max() == pytest.approx(8.0 * GRAVITY_MPS2)
    assert np.rad2deg(np.abs(block.gyr_rps).max()) == pytest.approx(500.0)


def test_magnetometer_field_and_floor_disturbance():
    clean = simulate("normal", duration_s=20.0, seed=2, rate_hz=100.0, errors="none",
                     placements=("left_foot", "left_shank"))
    field_uT = np.linalg.norm(EARTH_FIELD_UT)
    for block in clean.blocks.values():  # the anti-alias filter bends the norm by < 0.01 µT in fast rotations
        np.testing.assert_allclose(np.linalg.norm(block.mag_uT, axis=1), field_uT, atol=0.01)
    model = replace(ErrorModel.none(), mag_disturbance=True)
    disturbed = simulate("normal", duration_s=40.0, seed=2, rate_hz=100.0, errors=model,
                         placements=("left_foot", "left_shank"))
    dev = {n: np.abs(np.linalg.norm(b.mag_uT, axis=1) - field_uT).max() for n, b in disturbed.blocks.items()}
    assert dev["left_foot"] > 5.0 and dev["left_foot"] > 1.5 * dev["left_shank"]


def test_impacts_and_soft_tissue_act_after_initial_contact():
    kw = {"duration_s": 20.0, "seed": 8, "rate_hz": 400.0, "placements": ("right_foot", "right_shank")}
    ideal = simulate(errors="none", **kw)
    impacts = simulate(errors=replace(ErrorModel.none(), impacts=True), **kw)
    wobble = simulate(errors=replace(ErrorModel.none(), sta_deg=1.0, sta_slow_deg=0.0), **kw)
    t_s = ideal.blocks["right_foot"].t_s
    ics = ideal.truth.events["right"]["ic_s"]
    # zero-phase anti-alias filter: the response starts a few ms before the contact
    after_ic = np.any([(t_s >= ic - 0.01) & (t_s < ic + 0.1) for ic in ics], axis=0)
    walk = t_s > 16.0
    extra = np.linalg.norm(impacts.blocks["right_foot"].acc_mps2 - ideal.blocks["right_foot"].acc_mps2,
                           axis=1)
    assert extra[after_ic].max() > 1.5 * GRAVITY_MPS2  # foot 3 g ×0.7–1.3, damped 20–60 Hz ringing
    assert extra[walk & ~after_ic].max() < 0.05 * GRAVITY_MPS2
    sta_rps = wobble.blocks["right_shank"].gyr_rps - ideal.blocks["right_shank"].gyr_rps
    sta = np.rad2deg(np.abs(sta_rps).max(axis=1))
    assert sta[after_ic].max() > 30.0  # 1° at 15 Hz ≈ 94 °/s peak rate, damped over 50 ms
    assert sta[walk & ~after_ic].max() < 0.2 * sta[after_ic].max()
    np.testing.assert_array_equal(wobble.blocks["right_foot"].gyr_rps, ideal.blocks["right_foot"].gyr_rps)
