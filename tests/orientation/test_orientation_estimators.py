"""Every estimator: ENU sensor→earth convention against known truth, streaming = offline, input checks."""

import numpy as np
import pytest

from gait.orientation import ImuSeries, OrientationInputError, available_estimators, get_estimator
from gait.types import SampleBlock
from tests.orientation.orient_synth import error_deg, inclination_error_deg, truth_motion

RATE_HZ = 100.0


@pytest.fixture(scope="module")
def motion():
    t, truth, gyr, acc, mag = truth_motion(duration_s=15.0, rate_hz=RATE_HZ, seed=1)
    return truth, ImuSeries(gyr, acc, mag, RATE_HZ, "synthetic")


def test_registry_lists_vqf_first_and_rejects_unknown_names():
    names = available_estimators()
    assert names[0] == "vqf" and {"vqf-online", "ahrs-madgwick", "ahrs-mahony", "ahrs-ekf"} <= set(names)
    with pytest.raises(OrientationInputError, match="unknown orientation estimator 'kalman'.*vqf"):
        get_estimator("kalman")


@pytest.mark.parametrize("name", ["vqf", "vqf-online", "ahrs-madgwick", "ahrs-mahony", "ahrs-ekf"])
def test_output_is_sensor_to_enu(name, motion):
    """9D converges to the true absolute orientation (catches NWU/NED leaks); 6D to the true inclination."""
    truth, data = motion
    est = get_estimator(name)
    late = slice(int(8 * RATE_HZ), None)
    nine = est.estimate(data, "9D")
    assert nine.quat.shape == (len(data), 4) and nine.mode == "9D" and nine.heading == "magnetic"
    assert np.mean(error_deg(nine.quat, truth)[late]) < 2.0
    six = est.estimate(data, "6D")
    assert six.heading == "arbitrary"
    assert np.mean(inclination_error_deg(six.quat, truth)[late]) < 1.5
    assert "ahrs" in six.versions or "vqf" in six.versions


@pytest.mark.parametrize(
    "name,mode",
    [
        ("vqf-online", "6D"),
        ("vqf-online", "9D"),
        ("ahrs-ekf", "9D"),
        ("ahrs-madgwick", "9D"),
        ("ahrs-mahony", "6D"),
    ],
)
def test_stream_in_chunks_equals_offline_estimate(name, mode, motion):
    _, data = motion
    n = 700
    est = get_estimator(name)
    offline = est.estimate(ImuSeries(data.gyr[:n], data.acc[:n], data.mag[:n], RATE_HZ), mode).quat
    stream = est.stream(RATE_HZ, mode)
    mag = data.mag if mode == "9D" else None
    parts = [stream.update(data.gyr[0], data.acc[0], None if mag is None else mag[0])[None, :]]
    for i0, i1 in [(1, 50), (50, 51), (51, 400), (400, n)]:
        parts.append(stream.update(data.gyr[i0:i1], data.acc[i0:i1], None if mag is None else mag[i0:i1]))
    assert np.max(np.abs(np.vstack(parts) - offline)) < 1e-12
    assert stream.get_state()["n_samples"] == n


def test_vqf_stream_state_round_trip_and_reset(motion):
    _, data = motion
    stream = get_estimator("vqf").stream(RATE_HZ)
    stream.update(data.gyr[:300], data.acc[:300])
    saved = stream.get_state()
    a = stream.update(data.gyr[300:400], data.acc[300:400])
    stream.set_state(saved)
    assert np.array_equal(stream.update(data.gyr[300:400], data.acc[300:400]), a)
    stream.reset()
    assert stream.get_state()["n_samples"] == 0


@pytest.mark.parametrize("name", ["vqf", "ahrs-madgwick"])
def test_initial_heading_from_q0(name, motion):
    truth, data = motion
    q0 = truth[0].as_quat(scalar_first=True)
    res = get_estimator(name).estimate(data, "6D", q0=q0)
    assert res.heading == "aligned"
    assert np.mean(error_deg(res.quat, truth)[: int(3 * RATE_HZ)]) < 1.0


def test_madgwick_corrects_tilt_even_with_exactly_zero_gyro():
    """ahrs returns q unchanged when |gyr| == 0; the adapter must still let gravity pull the tilt back."""
    n = 1500
    data = ImuSeries(np.zeros((n, 3)), np.tile([0.0, 0.0, 9.81], (n, 1)), None, RATE_HZ)
    tilted = np.array([np.cos(np.radians(10)), np.sin(np.radians(10)), 0.0, 0.0])
    res = get_estimator("ahrs-madgwick", gain=0.1).estimate(data, "6D", q0=tilted)
    up = res.quat[-1]
    assert 2 * np.degrees(np.arccos(min(1.0, np.hypot(up[0], up[3])))) < 1.0


def test_unit_mistakes_and_missing_magnetometer_are_explained():
    n = 200
    gyr, acc = np.zeros((n, 3)), np.tile([0.0, 0.0, 9.81], (n, 1))
    with pytest.raises(OrientationInputError, match="in g"):
        ImuSeries(gyr, acc / 9.81, None, RATE_HZ, "left_foot")
    with pytest.raises(OrientationInputError, match="deg/s"):
        ImuSeries(np.full((n, 3), 90.0), acc, None, RATE_HZ, "left_foot")
    with pytest.raises(OrientationInputError, match="left_foot.*magnetometer"):
        get_estimator("vqf").estimate(ImuSeries(gyr, acc, None, RATE_HZ, "left_foot"), "9D")


def test_from_block_takes_the_rate_from_time_stamps_and_refuses_gaps():
    n = 400
    t = np.arange(n) / 200.0
    acc = np.tile([0.0, 9.81, 0.0], (n, 1))
    series = ImuSeries.from_block(SampleBlock("right_shank", t, acc, np.zeros((n, 3))))
    assert series.fs == pytest.approx(200.0) and series.sensor_id == "right_shank"
    t_gap = t.copy()
    t_gap[200:] += 0.05
    with pytest.raises(OrientationInputError, match="right_shank: time stamps are not uniform"):
        ImuSeries.from_block(SampleBlock("right_shank", t_gap, acc, np.zeros((n, 3))))


def test_running_accelerations_are_not_mistaken_for_g():
    """A running shank's median |acc| can be 3 g (walker): still m/s², must be accepted."""
    n = 400
    acc = np.tile([0.0, 0.0, 30.0], (n, 1))
    assert len(ImuSeries(np.zeros((n, 3)), acc, None, RATE_HZ)) == n
