"""Profile loading: every bundled profile validates; broken files give one precise line."""

from pathlib import Path

import pytest

from gait.errors import GaitError, ProfileError
from gait.profiles import available_profile_ids, load_profile, load_profiles

BUNDLED = Path(__file__).resolve().parents[2] / "firmware_profiles"
DIY = (BUNDLED / "diy_open_v1.yaml").read_text()


def test_every_bundled_profile_loads():
    profiles = load_profiles()
    assert "diy_open_v1" in profiles
    assert set(profiles) == set(available_profile_ids())
    for pid, p in profiles.items():
        assert p.id == pid and p.label
        assert all(len(u) == 36 for u in (p.gatt.service, *p.gatt.data))
        assert p.nominal_rate_hz in p.rates_hz


def test_diy_steps_resolve_uuids():
    p = load_profile("diy_open_v1")
    steps = p.connect_steps(400)
    assert [s.kind for s in steps] == ["read", "subscribe", "write", "subscribe", "write"]
    assert steps[2].payload == bytes.fromhex("029001") and steps[2].response
    assert steps[3].char == p.gatt.data[0]
    assert p.session.stop[0].payload == b"\x00"
    with pytest.raises(ProfileError, match="rate 150 Hz is not supported"):
        p.connect_steps(150)


def test_match_by_name_or_service():
    p = load_profile("diy_open_v1")
    assert p.matches("GAIT-LF", [], {})
    assert p.matches(None, ["0D130001-EB08-4423-811B-271892C7592D"], {})
    assert not p.matches("Other", ["0000180f-0000-1000-8000-00805f9b34fb"], {})


def test_unknown_profile_id_lists_known_ones():
    with pytest.raises(ProfileError) as info:
        load_profile("no_such_sensor")
    msg = str(info.value)
    assert "unknown firmware profile 'no_such_sensor'" in msg and "diy_open_v1" in msg
    assert "\n" not in msg and isinstance(info.value, GaitError)


def _error_for(tmp_path: Path, text: str) -> str:
    path = tmp_path / "diy_open_v1.yaml"
    path.write_text(text)
    with pytest.raises(ProfileError) as info:
        load_profile(str(path))
    msg = str(info.value)
    assert "\n" not in msg and str(path) in msg
    return msg


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('service: "0d130001-eb08', 'service: "0D13-bad', "gatt.service: '0D13-bad"),
        ("{subscribe: data}", "{subscribe: dta}", "session.start[0].subscribe: 'dta' is not a key"),
        ("{name: seq, type: u16", "{name: seq, type: u17", "header[0].type: 'u17' is not one of"),
        ("count: {from_field: n, max: 42}", "count: {from_field: nn}", "samples.count.from_field: 'nn'"),
        ("  mode: notification", "  mode: notification\n  colour: red", "framing: unknown key colour"),
        ('hex: "01", response', "hex: 01, response", "is not of type string (quote hex bytes"),
        ("nominal_rate_hz: 200", "nominal_rate_hz: 150", "timing.nominal_rate_hz: 150 Hz has no entry"),
        ("  anchor: first", "  anchor: [first", "YAML syntax error"),
        ("{from_field: n, max: 42}", "{from_field: n, fixed: 3}", "give exactly one of fixed, from_field"),
        ("{subscribe: data}", "{subscribe: data, read: info}", "give exactly one of write, subscribe"),
        ("  anchor: first", "  anchor: first\ndecoder: builtin:polar_pmd", "decoder: plug-in decoders"),
    ],
)
def test_broken_profile_names_file_field_and_problem(tmp_path, old, new, expected):
    assert old in DIY
    msg = _error_for(tmp_path, DIY.replace(old, new, 1))
    assert expected in msg, msg
    assert msg.split(":")[1].isdigit(), "line number expected after the file name"


def test_id_must_match_file_name(tmp_path):
    msg = _error_for(tmp_path, DIY.replace("id: diy_open_v1", "id: something_else"))
    assert "must equal the file name" in msg
    assert msg.startswith(f"{tmp_path / 'diy_open_v1.yaml'}:3:5: id: 'something_else'")


def test_file_that_is_not_utf8_text(tmp_path):
    path = tmp_path / "diy_open_v1.yaml"
    path.write_bytes(DIY.encode("utf-8")[:40] + b"\xff\xfe" + DIY.encode("utf-8")[40:])
    with pytest.raises(ProfileError) as info:
        load_profile(str(path))
    assert str(info.value) == f"{path}: not UTF-8 text (byte offset 40); save the profile as UTF-8"


def test_missing_file(tmp_path):
    with pytest.raises(ProfileError, match="not found"):
        load_profile(str(tmp_path / "nope.yaml"))


def test_extra_profile_folder_from_environment(tmp_path, monkeypatch):
    (tmp_path / "my_board.yaml").write_text(DIY.replace("id: diy_open_v1", "id: my_board"))
    monkeypatch.setenv("GAIT_PROFILE_PATH", str(tmp_path))
    assert load_profile("my_board").label.startswith("DIY")
    assert "my_board" in load_profiles()
