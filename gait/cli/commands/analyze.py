"""``gait analyze SESSION... [--json FILE] [--csv FILE] [--estimator NAME]``: offline analysis."""

from __future__ import annotations

import sys
from pathlib import Path

from gait.errors import GaitError


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "analyze", help="analyse recorded sessions: ankle angles, events, per-stride metrics, summaries",
        description="Run the offline pipeline (sync, calibration, orientation, relative heading, kinematics, "
                    "events, metrics) on each SESSION and print per-side summaries (median [IQR], n). "
                    "With several sessions, later ones are compared with the first (difference, bootstrap "
                    "95 %% CI, judged against the minimal detectable change). --json writes the "
                    "gait.analysis/1 document (docs/analysis-json.md), --csv one row per stride.")
    p.add_argument("sessions", nargs="+", type=Path, metavar="SESSION", help="session folder(s)")
    p.add_argument("--json", type=Path, metavar="FILE", help="write the analysis JSON here")
    p.add_argument("--csv", type=Path, metavar="FILE", help="write the per-stride CSV here")
    p.add_argument("--estimator", default="vqf", metavar="NAME",
                   help="orientation estimator (default vqf; see gait.orientation.available_estimators())")
    p.add_argument("--same-mount", action="store_true",
                   help="the sensors stayed on between the sessions (e.g. an insole change): condition "
                        "comparisons in the findings use the smaller same-mount MDC")
    p.set_defaults(run=_run)


def _run(args) -> int:
    from gait.orientation import available_estimators
    from gait.pipeline import analysis_document, analyze_session, format_summary, write_csv, write_json

    if args.estimator not in set(available_estimators()):
        raise GaitError(f"--estimator {args.estimator!r} is unknown; choose one of "
                        f"{', '.join(sorted(available_estimators()))}")
    results = []
    for session in args.sessions:
        print(f"analysing {session} ...", file=sys.stderr, flush=True)
        results.append(analyze_session(session, estimator=args.estimator, progress=True))
    for result in results:
        print("\n".join(format_summary(result)))
    doc = analysis_document(results, mount="same_mount" if args.same_mount else None)
    for finding in doc["findings"]:
        if finding["status"] not in ("informational", "not_measurable"):
            print(f"finding {finding['claim']} ({finding['status_label']}): {finding['text']}")
    if args.json:
        write_json(doc, args.json)
        print(f"wrote {args.json}")
    if args.csv:
        write_csv(results, args.csv)
        print(f"wrote {args.csv}")
    return 0
