"""``gait scan`` and ``gait record`` end to end on virtual sensors, and their error messages."""

import json

import pytest

from gait.acquisition.scan import fill_in_profiles, scan
from gait.acquisition.session import SensorSpec
from gait.cli import main
from gait.cli.commands.record import parse_sensor
from gait.conventions import PLACEMENTS
from gait.errors import GaitError
from gait.profiles import profile_dirs
from gait.virtual.clock import run_virtual
from gait.virtual.rig import add_bystander, build_rig, motion_block

PROFILE_DIR = profile_dirs()[0]


@pytest.mark.parametrize("text, expected", [
    ("left_foot=C0:FF:EE:00:00:01", ("left_foot", "C0:FF:EE:00:00:01", None)),
    ("left_foot=C0:FF:EE:00:00:01:diy_open_v1", ("left_foot", "C0:FF:EE:00:00:01", "diy_open_v1")),
    ("right_shank=2F1D6C1E-8A4B-4C1F-9E7A-1234567890AB:movesense",
     ("right_shank", "2F1D6C1E-8A4B-4C1F-9E7A-1234567890AB", "movesense")),
])
def test_parse_sensor(text, expected):
    spec = parse_sensor(text)
    assert (spec.placement, spec.address, spec.profile) == expected


def test_scan_virtual_lists_profiles_and_unknown_devices(capsys):
    assert main(["scan", "--virtual", "--all", "--timeout", "1"]) == 0
    out = capsys.readouterr().out
    assert "C0:FF:EE:00:00:01" in out and "diy_open_v1" in out and "movesense" in out
    assert "HR-Belt 42" in out and "unknown device" in out


def test_profile_is_found_by_scanning_and_unknown_devices_are_explained():
    rig = build_rig({"left_foot": motion_block("left_foot", 1.0, 200.0)}, {"left_foot": "movesense"})
    add_bystander(rig.air, "C0:FF:EE:00:00:99")

    async def main_():
        found = await scan(1.0, rig.backend, include_unknown=True)
        specs = await fill_in_profiles([SensorSpec("left_foot", "C0:FF:EE:00:00:01", None)], rig.backend, 1.0)
        explained = "matches no firmware profile.*left_foot=C0:FF:EE:00:00:99:PROFILE"
        with pytest.raises(GaitError, match=explained):
            await fill_in_profiles([SensorSpec("left_foot", "C0:FF:EE:00:00:99", None)], rig.backend, 1.0)
        with pytest.raises(GaitError, match="no such device seen"):
            await fill_in_profiles([SensorSpec("left_foot", "C0:FF:EE:00:00:55", None)], rig.backend, 1.0)
        return found, specs

    found, specs = run_virtual(main_())
    assert {r.address: r.profiles for r in found} == {"C0:FF:EE:00:00:01": ("movesense",),
                                                      "C0:FF:EE:00:00:99": ()}
    assert specs[0].profile == "movesense"


def test_record_virtual_fast_writes_a_readable_session(tmp_path, capsys):
    from gait.recording.reader import SessionReader

    out = tmp_path / "s1"
    code = main(["record", "--virtual", "--fast", "--subject", "S01", "--condition", "barefoot",
                 "--duration", "20", "--drops", "1", "--out", str(out)])
    assert code == 0
    meta = json.loads((out / "session.json").read_text())
    assert meta["source"] == "virtual" and meta["subject"] == "S01" and meta["status"] == "closed"
    assert [s["placement"] for s in meta["sensors"]] == list(PLACEMENTS)
    standing = next(w for w in meta["calibration"] if w["kind"] == "standing")
    assert 0.0 <= standing["t0_s"] < 1.0 and standing["t1_s"] - standing["t0_s"] == pytest.approx(10.0)
    walking = next(w for w in meta["calibration"] if w["kind"] == "walking")  # the walk goes on past 20 s
    assert 13.0 < walking["t0_s"] < walking["t1_s"] == 20.0
    reader = SessionReader(out)
    assert sorted(reader.sensor_profiles()) == sorted(s["placement"] for s in meta["sensors"])
    err = capsys.readouterr().err
    assert "done: 20.0 s recorded" in err and "rc 1" in err


@pytest.mark.parametrize("argv, message", [
    (["--sensor", "left_knee=C0:FF:EE:00:00:01:diy_open_v1"], "unknown placement 'left_knee'"),
    (["--sensor", "left_foot=C0:FF:EE:00:00:01:nope"], "nope"),
    (["--sensor", "left_foot"], "expected PLACEMENT=ADDRESS"),
    (["--virtual", "--sensor", "left_foot=C0:FF:EE:00:00:01"], "either --virtual or"),
    (["--virtual", "--scenario", "moonwalk"], "--scenario 'moonwalk'"),
    (["--virtual", "--fast", "--duration", "3"], "--duration 3: virtual sensors play the walker's protocol"),
    (["--virtual", "--standing", "-2"], "--standing -2: expected 0"),
])
def test_record_bad_input_is_one_clear_line(argv, message, capsys, tmp_path):
    code = main(["record", *argv, "--subject", "S01", "--condition", "c", "--out", str(tmp_path / "x")])
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err
    assert not (tmp_path / "x").exists()


def test_a_profile_file_with_an_error_is_named(tmp_path, capsys):
    bad = tmp_path / "my_imu.yaml"
    source = (PROFILE_DIR / "diy_open_v1.yaml").read_text()
    source = source.replace("nominal_rate_hz: 200", "nominal_rate_hz: fast")
    bad.write_text(source)
    code = main(["record", "--sensor", f"left_foot=C0:FF:EE:00:00:01:{bad}", "--subject", "S01",
                 "--condition", "c", "--out", str(tmp_path / "x")])
    err = capsys.readouterr().err
    assert code == 2 and "my_imu.yaml" in err and "nominal_rate_hz" in err and "Traceback" not in err


def test_calibration_windows_are_cut_to_the_recorded_span():
    from gait.acquisition.recorder import clip_windows

    windows = [{"kind": "standing", "t0_s": 0.05, "t1_s": 10.05},
               {"kind": "taps", "t0_s": 10.05, "t1_s": 12.05, "tap_times_s": [10.55, 11.05, 11.55]},
               {"kind": "walking", "t0_s": 13.05, "t1_s": 47.05}]
    assert clip_windows(windows, 45.0)[2] == {"kind": "walking", "t0_s": 13.05, "t1_s": 45.0}
    assert clip_windows(windows, 11.0) == [windows[0], {**windows[1], "t1_s": 11.0, "tap_times_s": [10.55]}]
    assert clip_windows(windows, None) == windows
