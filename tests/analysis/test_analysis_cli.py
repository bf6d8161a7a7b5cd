"""`gait analyze` and `gait validate` from the command line: outputs, and one-line errors on bad input."""

import csv
import json

import pytest

from gait.cli import main
from gait.pipeline import validate_document


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    from gait.simulate import simulate, write_session

    out = tmp_path_factory.mktemp("sessions") / "s1"
    write_session(simulate("normal", duration_s=35.0, seed=4), out)
    return out


def test_analyze_writes_json_and_csv(session, tmp_path, capsys):
    json_path, csv_path = tmp_path / "a.json", tmp_path / "a.csv"
    assert main(["analyze", str(session), "--json", str(json_path), "--csv", str(csv_path)]) == 0
    doc = json.loads(json_path.read_text())
    validate_document(doc)
    assert doc["sync"] and len(doc["strides"]) > 20
    rows = list(csv.DictReader(csv_path.open()))
    assert len(rows) == len(doc["strides"])
    out = capsys.readouterr().out
    assert "eversion_excursion_deg" in out and "cadence_steps_per_min" in out


@pytest.mark.parametrize("argv, message", [
    (["analyze", "/nonexistent/session"], "not a session folder"),
    (["analyze", ".", "--estimator", "nope"], "--estimator 'nope' is unknown"),
    (["validate", "--synthetic", "--scenarios", "moonwalk"], "unknown moonwalk"),
])
def test_bad_input_is_one_line_and_exit_2(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
