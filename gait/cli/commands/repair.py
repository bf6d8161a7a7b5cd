"""``gait repair SESSION [--out DIR]``: write a clean copy of a damaged session; the original is untouched."""

from __future__ import annotations

from pathlib import Path

from gait.recording.integrity import repair_session


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "repair", help="write a clean copy of a damaged session (never modifies the original)",
        description="Copy every intact record of SESSION into a new session folder (default "
                    "SESSION-repaired), with a fresh end record and index; rebuild unreadable metadata from "
                    "the log; record what was dropped under 'repair' in the copy's session.json.")
    p.add_argument("session", type=Path, help="session folder to repair (read only)")
    p.add_argument("--out", type=Path, default=None, help="new folder for the clean copy (must not exist)")
    p.set_defaults(run=_run)


def _run(args) -> int:
    res = repair_session(args.session, args.out)
    print(f"wrote {res.target}: kept {res.records_kept} records, dropped {res.damaged_regions} damaged "
          f"region(s) ({res.bytes_dropped} bytes)"
          + ("; metadata rebuilt from the log (fill in subject, condition, profiles)"
             if res.metadata_rebuilt else "")
          + (f"; unreadable sample files left out: {', '.join(res.sample_files_dropped)}"
             if res.sample_files_dropped else ""))
    return 0
