"""Regenerate the sample sessions in ``recordings/``: one synthetic subject walking in three conditions.

Each session is recorded exactly as ``gait record --virtual --fast`` records one: four virtual BLE sensors
(the walker's motion encoded by each sensor's firmware profile) go through the real acquisition code path
into a :class:`gait.recording.SessionWriter`, so the sessions hold real raw packets. The same walker seed is
used for every condition, so the conditions differ only in what the scenarios change (footwear).

    .venv/bin/python scripts/make_sample_sessions.py [--duration 45] [--out recordings] [--force]
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from gait.cli import main as gait_main
from gait.recording.integrity import check_session

SUBJECT = "SYN01"
CONDITIONS = ("barefoot", "shoe_a", "shoe_b")
SEED = 11
NOTES = ("Synthetic subject from the project's walker (gait.simulate), recorded through virtual BLE sensors "
         "by scripts/make_sample_sessions.py; not a real person.")


def make(out_dir: Path, duration_s: float, force: bool) -> list[Path]:
    made = []
    for condition in CONDITIONS:
        target = out_dir / f"{SUBJECT}-{condition}"
        if target.exists():
            if not force:
                print(f"{target}: exists (use --force to rebuild)", file=sys.stderr)
                continue
            shutil.rmtree(target)
        code = gait_main(["record", "--virtual", "--fast", "--scenario", condition, "--seed", str(SEED),
                          "--subject", SUBJECT, "--condition", condition, "--notes", NOTES,
                          "--duration", str(duration_s), "--out", str(target)])
        if code != 0:
            raise SystemExit(f"recording {condition} failed (exit {code})")
        report = check_session(target)
        if not report.ok:
            raise SystemExit(f"{target}: the new session does not check out: {report.to_dict()}")
        made.append(target)
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=45.0, help="seconds per session (default 45)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "recordings")
    parser.add_argument("--force", action="store_true", help="replace sessions that already exist")
    args = parser.parse_args(argv)
    made = make(args.out, args.duration, args.force)
    total = sum(f.stat().st_size for d in made for f in d.rglob("*") if f.is_file())
    print(f"wrote {len(made)} session(s), {total / 1e6:.2f} MB: " + ", ".join(d.name for d in made))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
