"""The walker's public surface: simulate() result shape, session folder round trip, CLI and bad arguments."""

import json

import numpy as np
import pytest

from gait.cli import main
from gait.conventions import PLACEMENTS
from gait.errors import GaitError
from gait.recording.metadata import read_metadata
from gait.recording.samples import read_samples
from gait.simulate import SCENARIOS, Protocol, load_truth, simulate, write_session

METRICS = ("stride_time_s", "stance_pct", "cadence_steps_per_min", "stride_length_m",
           "eversion_excursion_deg", "peak_eversion_deg", "peak_eversion_velocity_dps",
           "time_to_peak_eversion_pct",
           "tibial_ir_excursion_deg", "peak_dorsiflexion_deg", "coupling_angle_deg")


def test_result_has_device_clock_blocks_and_truth(realistic_normal):
    res = realistic_normal
    assert set(res.blocks) == set(PLACEMENTS)
    for name, block in res.blocks.items():
        assert block.clock == "device" and block.sensor == name
        assert block.acc_mps2.shape == block.gyr_rps.shape == (len(block), 3)
        assert abs(block.rate_hz - 200.0) < 1e-6
        clock = res.truth.clock[name]
        assert block.t_s[0] == pytest.approx(clock["offset_s"])
        assert res.truth.mounting_wxyz[name].shape == (4,)
    assert set(res.truth.quat_wxyz) == set(PLACEMENTS)
    assert res.truth.angles_deg["left"].shape == (res.truth.t_s.size, 3)
    steady = [s for s in res.truth.strides if s["steady"]]
    assert len(steady) >= 4 and {s["side"] for s in steady} == {"left", "right"}
    assert all(s[m] is not None for s in steady for m in METRICS)


def test_session_round_trip(tmp_path, realistic_normal):
    out = tmp_path / "sim"
    write_session(realistic_normal, out)
    meta = read_metadata(out)
    assert meta["source"] == "simulated" and meta["subject"] == "SIM-001"
    assert {w["kind"] for w in meta["calibration"]} >= {"standing", "taps", "walking"}
    assert {s["placement"] for s in meta["sensors"]} == set(PLACEMENTS)
    block = read_samples(out, "left_foot")
    np.testing.assert_array_equal(block.gyr_rps, realistic_normal.blocks["left_foot"].gyr_rps)
    # stored on the session (true) clock: sample n was taken at n / (rate · (1 + drift))
    drift = realistic_normal.truth.clock["left_foot"]["drift_ppm"] * 1e-6
    np.testing.assert_allclose(block.t_s, np.arange(len(block)) / (200.0 * (1 + drift)), atol=1e-9)
    assert meta["sensors"][0]["device_clock"] == realistic_normal.truth.clock[meta["sensors"][0]["placement"]]
    truth = load_truth(out)
    np.testing.assert_array_equal(truth.quat_wxyz["right_shank"],
                                  realistic_normal.truth.quat_wxyz["right_shank"])
    np.testing.assert_array_equal(truth.events["left"]["ic_s"], realistic_normal.truth.events["left"]["ic_s"])
    assert truth.strides == json.loads(json.dumps(realistic_normal.truth.strides))
    assert truth.clock == realistic_normal.truth.clock


@pytest.mark.parametrize("kwargs, match", [
    ({"scenario": "moonwalk"}, "unknown scenario"),
    ({"duration_s": -1.0}, "positive"),
    ({"duration_s": 8.0}, "at least"),
    ({"rate_hz": 0.0}, "rate"),
    ({"errors": "some"}, "error model"),
    ({"placements": ("left_knee",)}, "placement"),
    ({"protocol": Protocol(functional_s=-3.0)}, "functional calibration time -3 s"),
])
def test_bad_arguments_are_gait_errors(kwargs, match):
    with pytest.raises(GaitError, match=match):
        simulate(**{"duration_s": 20.0, **kwargs})


def test_cli_writes_session_and_reports_errors(tmp_path, capsys):
    out = tmp_path / "s"
    assert main(["simulate", "--duration", "19", "--rate", "100", "--seed", "2", "--out", str(out)]) == 0
    assert load_truth(out).rate_hz == 100.0
    assert main(["simulate", "--duration", "19", "--out", str(out)]) == 2  # exists
    assert main(["simulate", "--scenario", "nope", "--out", str(tmp_path / "t")]) == 2
    assert not (tmp_path / "t").exists()  # a failed run leaves no half-made folder
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["simulate", "--duration", "19", "--out", str(blocker / "sub")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert sum(line.startswith("gait simulate: error:") for line in err.splitlines()) == 3


def test_load_truth_of_a_non_simulated_folder_is_a_gait_error(tmp_path):
    with pytest.raises(GaitError, match="no ground truth"):
        load_truth(tmp_path)


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_scenario_runs(name):
    res = simulate(name, duration_s=19.0, seed=1, rate_hz=100.0, placements=("right_foot", "left_shank"))
    assert set(res.blocks) == {"right_foot", "left_shank"}
    assert all(np.isfinite(b.acc_mps2).all() and np.isfinite(b.gyr_rps).all() for b in res.blocks.values())
    assert len([s for s in res.truth.strides if s["steady"]]) >= 2
