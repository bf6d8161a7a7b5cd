"""The ``gait`` command line: one entry point, one module per command in :mod:`gait.cli.commands`.

Each command module defines ``register(subparsers)`` which adds its parser and sets ``run=callable``
(taking the parsed ``argparse.Namespace`` and returning an exit code). Modules are discovered, so adding a
command never means editing a central list.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys

from gait import __version__
from gait.cli import commands
from gait.errors import GaitError


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error and exit status 2 (never a traceback)."""

    def error(self, message: str) -> None:  # noqa: D401 - argparse API
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gait", description="Shank + foot IMU gait analysis over BLE.")
    parser.add_argument("--version", action="version", version=f"gait {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    try:
        return int(args.run(args) or 0)
    except GaitError as exc:
        print(f"gait {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"gait {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `gait check S | head`): stop quietly, as other Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
