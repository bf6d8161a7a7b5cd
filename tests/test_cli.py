"""The CLI contract: one entry point, --help everywhere, one-line errors with status 2."""

import subprocess
import sys

import pytest

from gait.cli import build_parser, main


def _subcommands():
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return sorted(action.choices)


def test_version_prints(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.startswith("gait ")


@pytest.mark.parametrize("name", _subcommands() or ["--help"])
def test_every_command_has_help(name):
    argv = [name, "--help"] if name != "--help" else ["--help"]
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 0


def test_unknown_command_is_one_line_error():
    proc = subprocess.run(
        [sys.executable, "-m", "gait", "no-such-command"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().count("\n") <= 1 or "invalid choice" in proc.stderr



def test_closed_pipe_ends_quietly(monkeypatch, capfd):
    """`gait check S | head`: the reader closing the pipe is not an error worth a traceback."""
    from gait.cli.commands import profiles

    def closed_pipe(args):
        raise BrokenPipeError

    monkeypatch.setattr(profiles, "_run", closed_pipe)
    assert main(["profiles"]) == 1
    assert "Traceback" not in capfd.readouterr().err
