"""``gait export SESSION --format csv|parquet|sto --out PATH``: samples, strides, orientations."""

from __future__ import annotations

import sys

from gait.errors import GaitError
from gait.io.export import FORMATS, export_session


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "export",
        help="export samples and strides (CSV/Parquet) or orientations (OpenSim .sto)",
        description=(
            "Export a session into the folder PATH. csv: samples_<placement>.csv (readable by `gait import "
            "csv`) and strides.csv; parquet: samples.parquet and strides.parquet; sto: orientations.sto, "
            "sensor orientations as OpenSense reads them (ground = OpenSim/ISB, Y up)."
        ),
    )
    p.add_argument("session", metavar="SESSION", help="session folder")
    p.add_argument("--format", required=True, choices=FORMATS, help="output format")
    p.add_argument("--out", required=True, metavar="PATH", help="folder for the exported files")
    p.add_argument(
        "--estimator", default="vqf", help="orientation estimator for strides and .sto (default vqf)"
    )
    p.add_argument("--no-strides", action="store_true", help="csv/parquet: samples only, skip the analysis")
    p.set_defaults(run=_run)


def _run(args) -> int:
    if args.no_strides and args.format == "sto":
        raise GaitError("--no-strides applies to csv and parquet exports only (sto holds orientations)")
    print(f"exporting {args.session} as {args.format} ...", file=sys.stderr)
    written = export_session(
        args.session, args.out, args.format, estimator=args.estimator, strides=not args.no_strides
    )
    for path in written:
        print(path)
    return 0
