"""Export: CSV/Parquet samples round-trip through import, strides tables, OpenSense .sto orientations."""

import numpy as np
import pytest

from gait.cli import main
from gait.errors import GaitError
from gait.io.csv_import import import_csv
from gait.io.export import export_session
from gait.io.xsens_mt import import_xsens_mt
from gait.recording.samples import read_samples
from tests.io.realdata import opensense_files


def _walk_csv(path, seed):
    rng = np.random.default_rng(seed)
    t_s = np.arange(0, 8, 0.01)
    acc = np.column_stack([np.sin(t_s), 9.81 + 0.1 * rng.standard_normal(t_s.size), np.cos(t_s)])
    gyr = 0.5 * rng.standard_normal((t_s.size, 3))
    np.savetxt(
        path,
        np.column_stack([t_s, acc, gyr]),
        delimiter=",",
        comments="",
        fmt="%.17g",
        header="time_s,acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z",
    )
    return path


@pytest.fixture()
def session(tmp_path):
    files = {"left_foot": _walk_csv(tmp_path / "l.csv", 1), "right_foot": _walk_csv(tmp_path / "r.csv", 2)}
    import_csv(files, tmp_path / "s")
    return tmp_path / "s"


def test_csv_samples_round_trip_through_import(session, tmp_path):
    written = export_session(session, tmp_path / "out", "csv", strides=False)
    assert {p.name for p in written} == {"samples_left_foot.csv", "samples_right_foot.csv"}
    files = {name: tmp_path / "out" / f"samples_{name}.csv" for name in ("left_foot", "right_foot")}
    import_csv(files, tmp_path / "again")
    for name in files:
        a, b = read_samples(session, name), read_samples(tmp_path / "again", name)
        np.testing.assert_array_equal(a.t_s, b.t_s)
        np.testing.assert_array_equal(a.acc_mps2, b.acc_mps2)
        np.testing.assert_array_equal(a.gyr_rps, b.gyr_rps)


def test_parquet_samples(session, tmp_path):
    import pyarrow.parquet as pq

    export_session(session, tmp_path / "pq", "parquet", strides=False)
    table = pq.read_table(tmp_path / "pq" / "samples.parquet")
    assert table.column_names[:2] == ["placement", "time_s"]
    left = table.filter(table["placement"].to_numpy(zero_copy_only=False) == "left_foot")
    np.testing.assert_array_equal(left["gyr_z"].to_numpy(), read_samples(session, "left_foot").gyr_rps[:, 2])
    assert table["mag_x"].null_count == table.num_rows


def test_sto_is_an_opensense_quaternion_table(session, tmp_path):
    (path,) = export_session(session, tmp_path / "sto", "sto")
    lines = path.read_text().splitlines()
    assert lines[:5] == [
        "DataRate=100.000000",
        "DataType=Quaternion",
        "version=3",
        "OpenSimVersion=4.5",
        "endheader",
    ]
    assert lines[5].split("\t") == ["time", "calcn_l_imu", "calcn_r_imu"]
    first = lines[6].split("\t")
    assert float(first[0]) == 0.0
    quat = np.array([float(v) for v in first[1].split(",")])
    assert quat.shape == (4,) and np.linalg.norm(quat) == pytest.approx(1.0, abs=1e-6)
    assert len(lines) - 6 == 800  # 8 s at 100 Hz, both ends included: 0.00 .. 7.99


def test_export_errors_are_one_line(session, tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    with pytest.raises(GaitError, match="not a folder"):
        export_session(session, tmp_path / "file", "csv")
    assert main(["export", str(tmp_path / "nope"), "--format", "csv", "--out", str(tmp_path / "o")]) == 2
    assert "not a session folder" in capsys.readouterr().err
    sto_args = ["export", str(session), "--format", "sto", "--no-strides", "--out", str(tmp_path / "o")]
    assert main(sto_args) == 2
    assert "--no-strides applies to csv and parquet exports only" in capsys.readouterr().err


@pytest.mark.shared_data
def test_voisard_trial_strides_and_opensense_orientations(shared_data, tmp_path):
    import pyarrow.parquet as pq

    folder = shared_data / "voisard-ipol"
    import_xsens_mt({"left_foot": folder / "3-1_lf.txt", "right_foot": folder / "3-1_rf.txt"}, tmp_path / "v")
    export_session(tmp_path / "v", tmp_path / "vp", "parquet")
    strides = pq.read_table(tmp_path / "vp" / "strides.parquet").to_pylist()
    valid = [s for s in strides if s["valid"]]
    assert len(valid) >= 20  # 37 annotated steps; turns and initiation/termination are excluded
    assert all(80 < s["cadence_steps_per_min"] < 120 for s in valid)
    import_xsens_mt(opensense_files(shared_data / "opensense-example"), tmp_path / "os")
    (path,) = export_session(tmp_path / "os", tmp_path / "osto", "sto")
    header = path.read_text().splitlines()[5].split("\t")
    assert header == ["time", "tibia_l_imu", "tibia_r_imu", "calcn_l_imu", "calcn_r_imu"]
