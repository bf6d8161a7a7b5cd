"""``gait check SESSION``: integrity of a recorded session (exit 0 intact, 1 damaged, 2 not a session)."""

from __future__ import annotations

import json
from pathlib import Path

from gait.recording.integrity import check_session, format_report


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "check", help="check a session's integrity (records, damage offsets, gaps, duration)",
        description="Walk a session's packet log and metadata and report intact and damaged records with "
                    "byte offsets, a torn tail, whether the recording was closed cleanly, receive gaps per "
                    "sensor and the duration. Exit status 0 = intact, 1 = damaged, 2 = not a session.")
    p.add_argument("session", type=Path, help="session folder")
    p.add_argument("--json", action="store_true", help="print the report as JSON instead of text")
    p.set_defaults(run=_run)


def _run(args) -> int:
    report = check_session(args.session)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print("\n".join(format_report(report)))
    return 0 if report.ok else 1
