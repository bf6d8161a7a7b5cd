"""``gait import FORMAT --sensor PLACEMENT=FILE ... --out SESSION``: other devices' exports → a session."""

from __future__ import annotations

import sys

from gait.errors import GaitError
from gait.io.csv_import import ACC_UNITS, GYR_UNITS, import_csv
from gait.io.gaitmap_import import import_gaitmap
from gait.io.session_out import check_out_dir, parse_sensor_args

FORMATS = ("csv", "xsens-mt", "gaitmap")
#: Options that only one or two formats read: given with another format they would be silently ignored.
_FORMAT_OPTIONS = {"acc_unit": ("csv",), "gyr_unit": ("csv",), "rate_hz": ("xsens-mt", "gaitmap"),
                   "no_trim": ("xsens-mt",)}


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "import",
        help="import CSV, Xsens MT or gaitmap files into a session",
        description=(
            "Import recordings from other devices into a session folder (samples/ + session.json). "
            "csv: one file per sensor with time_s, acc_x..z, gyr_x..z[, mag_x..z]. "
            "xsens-mt: Xsens MT Manager text exports (time from the packet counter). "
            "gaitmap: gaitmap's CSV layout, --sensor left_foot=FILE:left_sensor, needs --rate-hz."
        ),
    )
    p.add_argument("format", choices=FORMATS, help="input format")
    p.add_argument(
        "--sensor",
        action="append",
        default=[],
        metavar="PLACEMENT=FILE",
        required=True,
        help="placement (left_shank, right_shank, left_foot, right_foot) and its file; repeat per sensor",
    )
    p.add_argument("--out", required=True, metavar="SESSION", help="session folder to create")
    p.add_argument(
        "--acc-unit",
        default=None,
        choices=tuple(ACC_UNITS),
        help="csv: accelerometer unit (default: header, else m/s2)",
    )
    p.add_argument(
        "--gyr-unit",
        default=None,
        choices=tuple(GYR_UNITS),
        help="csv: gyroscope unit (default: header, else rad/s)",
    )
    p.add_argument("--rate-hz", type=float, default=None, help="sample rate (gaitmap; xsens-mt override)")
    p.add_argument("--no-trim", action="store_true", help="xsens-mt: keep samples outside the shared span")
    p.add_argument("--subject", default=None, help="pseudonymous subject id (never a name)")
    p.add_argument("--condition", default=None, help="condition, e.g. barefoot or a shoe name")
    p.add_argument("--force", action="store_true", help="overwrite an existing session folder")
    p.set_defaults(run=_run)


def _run(args) -> int:
    for option, formats in _FORMAT_OPTIONS.items():
        if getattr(args, option) not in (None, False) and args.format not in formats:
            flag = "--" + option.replace("_", "-")
            raise GaitError(f"{flag} applies to {' and '.join(formats)} imports only, not {args.format}")
    files = parse_sensor_args(args.sensor)
    out = check_out_dir(args.out, overwrite=args.force)
    common = {"subject": args.subject, "condition": args.condition}
    if args.format == "csv":
        meta = import_csv(files, out, acc_unit=args.acc_unit, gyr_unit=args.gyr_unit, **common)
    elif args.format == "xsens-mt":
        from gait.io.xsens_mt import import_xsens_mt  # pulls in scipy.spatial: not on every gait start-up

        meta = import_xsens_mt(files, out, rate_hz=args.rate_hz, trim=not args.no_trim, **common)
    else:
        meta = import_gaitmap(files, out, rate_hz=args.rate_hz, **common)
    print(f"imported {len(files)} sensor(s) into {meta.parent}", file=sys.stderr)
    return 0
