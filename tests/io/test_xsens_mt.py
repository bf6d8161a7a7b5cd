"""Xsens MT Manager text exports: synthetic edge cases and every real file in ../shared/data."""

from pathlib import Path

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from gait.errors import GaitError
from gait.io.xsens_mt import import_xsens_mt, rate_from_orientation, read_xsens_mt, to_blocks
from gait.recording.metadata import read_metadata
from gait.recording.samples import read_samples
from tests.io.realdata import opensense_files

HEADER = "PacketCounter\tAcc_X\tAcc_Y\tAcc_Z\tGyr_X\tGyr_Y\tGyr_Z\tMag_X\tMag_Y\tMag_Z"


def _write(path: Path, counters, first_line="Acquisition frequency: 100 Hz") -> Path:
    rows = [f"{c}\t0.1\t9.8\t0.2\t{k * 0.01}\t0\t0\t0.5\t0\t0" for k, c in enumerate(counters)]
    path.write_text("\n".join([first_line, HEADER, *rows]) + "\n")
    return path


def test_counter_wrap_gap_and_repeat(tmp_path):
    counters = [65533, 65534, 65535, 0, 1, 1, 4, 5]
    rec = read_xsens_mt(_write(tmp_path / "a.txt", counters))
    assert rec.rate_hz == 100.0
    np.testing.assert_array_equal(rec.counter - rec.counter[0], [0, 1, 2, 3, 4, 7, 8])
    assert rec.lost_samples == 2
    assert len(rec.row_counter) == len(counters)
    assert any("repeated" in n for n in rec.notes)
    np.testing.assert_allclose(rec.acc_mps2[0], [0.1, 9.8, 0.2])


def test_counter_going_back_names_line_and_column(tmp_path):
    path = _write(tmp_path / "b.txt", [10, 11, 12, 9, 13])
    with pytest.raises(GaitError, match=r"b\.txt:6: column 'PacketCounter' \(column 1\)"):
        read_xsens_mt(path)


def test_bad_cell_and_missing_rate(tmp_path):
    path = _write(tmp_path / "c.txt", [0, 1, 2])
    text = path.read_text().replace("\t9.8\t", "\tx9\t", 1)
    path.write_text(text)
    with pytest.raises(GaitError, match=r"c\.txt:3: column 'Acc_Y' \(column 3\).*'x9'"):
        read_xsens_mt(path)
    _write(path, [0, 1, 2], first_line="// nothing useful")
    with pytest.raises(GaitError, match="--rate-hz"):
        read_xsens_mt(path)
    assert read_xsens_mt(path, rate_hz=60.0).rate_hz == 60.0


def test_unequal_files_are_trimmed_to_shared_counters(tmp_path):
    a = read_xsens_mt(_write(tmp_path / "a.txt", range(100, 120)))
    b = read_xsens_mt(_write(tmp_path / "b.txt", range(105, 130)))
    blocks = to_blocks({"left_foot": a, "right_foot": b})
    for block in blocks.values():
        np.testing.assert_allclose(block.t_s, np.arange(15) / 100.0)
    untrimmed = to_blocks({"left_foot": a, "right_foot": b}, trim=False)
    assert untrimmed["right_foot"].t_s[0] == pytest.approx(0.05)


def test_rate_from_orientation_recovers_constant_rate():
    t_s = np.concatenate([np.arange(50), np.arange(52, 80)]) / 100.0  # with a gap
    omega = np.array([0.3, -1.2, 2.0])
    rots = Rotation.from_rotvec(t_s[:, None] * omega).as_matrix()
    np.testing.assert_allclose(rate_from_orientation(rots, t_s), np.tile(omega, (len(t_s), 1)), atol=1e-9)


@pytest.mark.shared_data
def test_all_voisard_trials_import(shared_data, tmp_path):
    folder = shared_data / "voisard-ipol"
    trials = sorted(p.name[: -len("_lf.txt")] for p in folder.glob("*_lf.txt"))
    assert len(trials) == 19
    for code in trials:
        out = tmp_path / code
        import_xsens_mt(
            {"left_foot": folder / f"{code}_lf.txt", "right_foot": folder / f"{code}_rf.txt"}, out
        )
        meta = read_metadata(out)
        assert meta["source"] == "import:xsens-mt"
        block = read_samples(out, "left_foot")
        assert block.rate_hz == pytest.approx(100.0)
        assert np.all(np.diff(block.t_s) > 0)
        # specific force at rest is ~g in m/s^2 and gyro in rad/s (not deg/s)
        assert 9.0 < np.median(np.linalg.norm(block.acc_mps2[:50], axis=1)) < 10.6
        assert np.percentile(np.abs(block.gyr_rps), 99) < 15.0


@pytest.mark.shared_data
def test_opensense_example_imports_with_derived_rate(shared_data, tmp_path):
    files = opensense_files(shared_data / "opensense-example")
    import_xsens_mt(files, tmp_path / "os")
    meta = read_metadata(tmp_path / "os")
    assert {s["gyr_source"] for s in meta["sensors"]} == {"derived from orientation matrix"}
    lengths = {len(read_samples(tmp_path / "os", name)) for name in files}
    assert len(lengths) == 1  # unequal files aligned on the counter and trimmed to the shared span


def test_cli_imports_xsens_files(tmp_path, capsys):
    from gait.cli import main

    a = _write(tmp_path / "a.txt", range(100, 120))
    b = _write(tmp_path / "b.txt", range(105, 130))
    args = ["import", "xsens-mt", "--sensor", f"left_foot={a}", "--sensor", f"right_foot={b}"]
    assert main([*args, "--out", str(tmp_path / "s"), "--no-trim", "--subject", "S07"]) == 0
    meta = read_metadata(tmp_path / "s")
    assert meta["subject"] == "S07" and [s["n_samples"] for s in meta["sensors"]] == [20, 25]
    assert main([*args, "--out", str(tmp_path / "t"), "--rate-hz", "50"]) == 0
    assert read_samples(tmp_path / "t", "left_foot").rate_hz == pytest.approx(50.0)
