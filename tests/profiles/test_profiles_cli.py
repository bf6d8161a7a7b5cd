from gait.cli import main


def test_profiles_lists_every_bundled_profile(capsys):
    assert main(["profiles"]) == 0
    out = capsys.readouterr().out
    for pid in ("diy_open_v1", "witmotion_bwt901blecl", "movella_dot", "movesense", "nordic_thingy52"):
        assert pid in out


def test_profiles_validates_a_file_and_reports_a_broken_one(tmp_path, capsys):
    from gait.profiles.loader import BUNDLED_DIR

    good = BUNDLED_DIR / "diy_open_v1.yaml"
    assert main(["profiles", str(good)]) == 0
    bad = tmp_path / "broken.yaml"
    bad.write_text(good.read_text(encoding="utf-8").replace("nominal_rate_hz:", "nominal_rate_hz: -1 #"),
                   encoding="utf-8")
    assert main(["profiles", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "broken.yaml" in err and err[-1] == "\n" and err.count("\n") == 1
