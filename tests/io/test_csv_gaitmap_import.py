"""Generic CSV and gaitmap imports: units, sessions written, and errors naming file, line and column."""

import numpy as np
import pytest

from gait.cli import main
from gait.errors import GaitError
from gait.io.csv_import import import_csv, read_csv_sensor
from gait.io.gaitmap_import import import_gaitmap
from gait.io.session_out import check_out_dir
from gait.recording.metadata import read_metadata
from gait.recording.samples import read_samples

CSV_HEADER = "time_s,acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z"


def _csv(path, rows, header=CSV_HEADER):
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def _good_rows(n=5):
    return [f"{k * 0.01:.2f},0,1,0,0,0,{k * 10}" for k in range(n)]


def test_csv_units_are_converted(tmp_path):
    path = _csv(tmp_path / "a.csv", _good_rows())
    block = read_csv_sensor(path, "left_foot", acc_unit="g", gyr_unit="deg/s")
    np.testing.assert_allclose(block.acc_mps2[0], [0, 9.80665, 0])
    np.testing.assert_allclose(block.gyr_rps[:, 2], np.deg2rad(np.arange(5) * 10))
    assert block.mag_uT is None


def test_csv_import_writes_session(tmp_path):
    rows = [r + ",20,0,-40" for r in _good_rows()]
    path = _csv(tmp_path / "a.csv", rows, CSV_HEADER + ",mag_x,mag_y,mag_z")
    import_csv({"right_shank": path}, tmp_path / "s", subject="S01", condition="barefoot")
    meta = read_metadata(tmp_path / "s")
    assert meta["source"] == "import:csv" and meta["subject"] == "S01"
    block = read_samples(tmp_path / "s", "right_shank")
    np.testing.assert_allclose(block.mag_uT[0], [20, 0, -40])


@pytest.mark.parametrize(
    ("rows", "header", "pattern"),
    [
        (_good_rows(), "time_s,acc_x,acc_y,gyr_x,gyr_y,gyr_z", r"a\.csv:1: missing column 'acc_z'"),
        (
            ["0,0,1,0,0,0,0", "0.01,0,abc,0,0,0,0"],
            CSV_HEADER,
            r"a\.csv:3: column 'acc_y' \(column 3\).*'abc'",
        ),
        (["0,0,1,0,0,0,0", "0.01,0,1,0,0,,0"], CSV_HEADER, r"a\.csv:3: column 'gyr_y' \(column 6\).*empty"),
        (["0,0,1,0,0,0,0", "0.02,0,1,0,0,0,0", "0.01,0,1,0,0,0,0"], CSV_HEADER, r"a\.csv:4: column 'time_s'"),
    ],
    ids=["missing-column", "non-numeric", "empty-cell", "non-monotonic-time"],
)
def test_bad_csv_names_file_line_and_column(tmp_path, rows, header, pattern):
    path = _csv(tmp_path / "a.csv", rows, header)
    with pytest.raises(GaitError, match=pattern):
        read_csv_sensor(path, "left_foot")


def test_unknown_unit_and_cli_exit_code(tmp_path, capsys):
    path = _csv(tmp_path / "a.csv", _good_rows())
    with pytest.raises(GaitError, match="unknown gyroscope unit 'rpm'"):
        read_csv_sensor(path, "left_foot", gyr_unit="rpm")
    bad = _csv(tmp_path / "b.csv", ["0,0,1,0,0,0,0", "0.01,0,1,x,0,0,0"])
    code = main(["import", "csv", "--sensor", f"left_foot={bad}", "--out", str(tmp_path / "s")])
    err = capsys.readouterr().err
    assert code == 2 and "b.csv:3: column 'acc_z' (column 4)" in err and "Traceback" not in err
    assert main(["import", "csv", "--sensor", f"left_knee={path}", "--out", str(tmp_path / "s")]) == 2
    assert main(["import", "csv", "--sensor", f"left_foot={path}", "--out", str(tmp_path / "s")]) == 0
    assert main(["import", "csv", "--sensor", f"left_foot={path}", "--out", str(tmp_path / "s")]) == 2
    assert "already exists" in capsys.readouterr().err


GAITMAP = """sensor,left_sensor,right_sensor,left_sensor,right_sensor,left_sensor,right_sensor,\
left_sensor,right_sensor,left_sensor,right_sensor,left_sensor,right_sensor
axis,acc_x,acc_x,acc_y,acc_y,acc_z,acc_z,gyr_x,gyr_x,gyr_y,gyr_y,gyr_z,gyr_z
0,1,2,3,4,5,6,90,180,0,0,0,0
1,1,2,3,4,5,6,90,180,0,0,0,0
2,1,2,3,4,5,6,90,180,0,0,0,0
"""


def test_gaitmap_groups_units_and_rate(tmp_path):
    path = tmp_path / "g.csv"
    path.write_text(GAITMAP)
    files = {"left_foot": f"{path}:left_sensor", "right_foot": f"{path}:right_sensor"}
    import_gaitmap(files, tmp_path / "s", rate_hz=204.8)
    left, right = read_samples(tmp_path / "s", "left_foot"), read_samples(tmp_path / "s", "right_foot")
    np.testing.assert_allclose(left.acc_mps2[0], [1, 3, 5])
    np.testing.assert_allclose(right.gyr_rps[0], [np.pi, 0, 0])
    np.testing.assert_allclose(left.t_s, np.arange(3) / 204.8)
    with pytest.raises(GaitError, match="several sensors"):
        import_gaitmap({"left_foot": path}, tmp_path / "t", rate_hz=100)
    with pytest.raises(GaitError, match="no sensor 'mid_sensor'"):
        import_gaitmap({"left_foot": f"{path}:mid_sensor"}, tmp_path / "t", rate_hz=100)
    path.write_text(GAITMAP.replace("2,1,2,3", "2,1,2,x3"))
    with pytest.raises(GaitError, match=r"g\.csv:5: column 'left_sensor/acc_y' \(column 4\)"):
        import_gaitmap({"left_foot": f"{path}:left_sensor"}, tmp_path / "u", rate_hz=100)


def test_units_in_the_header(tmp_path):
    header = "time_s,acc_x [g],acc_y [g],acc_z [g],gyr_x(deg/s),gyr_y(deg/s),gyr_z(deg/s),"
    header += "mag_x[nT],mag_y[nT],mag_z[nT]"
    path = _csv(tmp_path / "u.csv", ["0,0,1,0,0,0,180,1000,0,0", "0.01,0,1,0,0,0,90,1000,0,0"], header)
    import_csv({"left_foot": path}, tmp_path / "s")
    block = read_samples(tmp_path / "s", "left_foot")
    np.testing.assert_allclose(block.acc_mps2[0], [0, 9.80665, 0])
    np.testing.assert_allclose(block.gyr_rps[:, 2], [np.pi, np.pi / 2])
    np.testing.assert_allclose(block.mag_uT[0], [1.0, 0, 0])
    sensor = read_metadata(tmp_path / "s")["sensors"][0]
    assert (sensor["acc_unit"], sensor["gyr_unit"], sensor["mag_unit"]) == ("g", "deg/s", "nT")
    with pytest.raises(GaitError, match=r"header says 'g' but 'm/s2' was given"):
        read_csv_sensor(path, "left_foot", acc_unit="m/s2")


@pytest.mark.parametrize(
    ("header", "pattern"),
    [
        (
            CSV_HEADER.replace("gyr_y", "gyr_y [rpm]"),
            r"u\.csv:1: column 'gyr_y \[rpm\]' \(column 6\): unknown unit 'rpm'",
        ),
        (
            CSV_HEADER.replace("acc_x", "acc_x [g]").replace("acc_y", "acc_y [m/s2]"),
            r"u\.csv:1: column 'acc_y \[m/s2\]' \(column 3\): unit 'm/s2' differs",
        ),
    ],
    ids=["unknown-unit", "mixed-units"],
)
def test_bad_header_unit_names_file_line_and_column(tmp_path, header, pattern):
    path = _csv(tmp_path / "u.csv", _good_rows(), header)
    with pytest.raises(GaitError, match=pattern):
        read_csv_sensor(path, "left_foot")


def test_hash_in_a_cell_is_not_a_comment(tmp_path):
    path = _csv(tmp_path / "h.csv", ["0,0,1,0,0,0,0", "0.01,0,1#,0,0,0,0"])
    with pytest.raises(GaitError, match=r"h\.csv:3: column 'acc_y' \(column 3\).*'1#'"):
        read_csv_sensor(path, "left_foot")


def test_row_with_an_extra_value_is_refused_not_silently_cut(tmp_path):
    path = _csv(tmp_path / "x.csv", ["0,0,1,0,0,0,0,", "0.01,0,1,0,0,0,0,,7"])
    expected = r"x\.csv:3: 9 cells but the header has 7 columns \(extra value '7' in column 9\)"
    with pytest.raises(GaitError, match=expected):
        read_csv_sensor(path, "left_foot")
    trailing = _csv(tmp_path / "t.csv", ["0,0,1,0,0,0,0,", "0.01,0,1,0,0,0,0,"])  # empty extra cells are fine
    assert len(read_csv_sensor(trailing, "left_foot")) == 2


def test_one_row_import_writes_valid_json(tmp_path):
    import json

    import_csv({"left_foot": _csv(tmp_path / "one.csv", ["0,0,1,0,0,0,0"])}, tmp_path / "s")
    text = (tmp_path / "s" / "session.json").read_text()
    meta = json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} in session.json"))
    assert meta["sensors"][0]["rate_hz"] is None


def test_force_replaces_an_import_but_never_a_raw_recording(tmp_path):
    from gait.recording.samples import sample_sensors

    path = _csv(tmp_path / "a.csv", _good_rows())
    out = str(tmp_path / "s")
    assert main(["import", "csv", "--sensor", f"left_foot={path}", "--out", out]) == 0
    assert main(["import", "csv", "--sensor", f"right_foot={path}", "--out", out, "--force"]) == 0
    assert sample_sensors(tmp_path / "s") == ["right_foot"]  # no stale left_foot mixed in
    (tmp_path / "s" / "packets.log").write_bytes(b"")
    with pytest.raises(GaitError, match=r"s: holds a raw recording \(packets.log\), which is never"):
        import_csv({"left_foot": path}, check_out_dir(tmp_path / "s", overwrite=True))


def test_repeated_column_name_is_ambiguous(tmp_path):
    path = _csv(tmp_path / "d.csv", ["0,0,1,0,0,0,0,1"], CSV_HEADER + ",acc_x")
    expected = r"d\.csv:1: column 'acc_x' appears more than once \(columns 2 and 8\)"
    with pytest.raises(GaitError, match=expected):
        read_csv_sensor(path, "left_foot")


def test_an_option_the_format_does_not_read_is_refused(tmp_path, capsys):
    path = _csv(tmp_path / "a.csv", _good_rows())
    assert main(["import", "csv", "--rate-hz", "100", "--sensor", f"left_foot={path}",
                 "--out", str(tmp_path / "s")]) == 2
    assert "--rate-hz applies to xsens-mt and gaitmap imports only, not csv" in capsys.readouterr().err
    assert not (tmp_path / "s").exists()


def test_quoted_cells_are_read_as_csv_quotes(tmp_path):
    header = ",".join(f'"{c}"' for c in CSV_HEADER.split(","))
    path = _csv(tmp_path / "q.csv", ['"0","0","1","0","0","0","0"', '"0.01","0","1","0","0","0","9"'], header)
    block = read_csv_sensor(path, "left_foot")
    np.testing.assert_array_equal(block.t_s, [0.0, 0.01])
    np.testing.assert_array_equal(block.gyr_rps[:, 2], [0.0, 9.0])
