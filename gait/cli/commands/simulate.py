"""``gait simulate --scenario NAME [--duration S] [--seed N] [--rate HZ] [--errors MODEL] --out SESSION``."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def register(subparsers) -> None:
    from gait.simulate.scenarios import SCENARIOS

    p = subparsers.add_parser(
        "simulate", help="synthetic walker: shank + foot IMU streams with exact ground truth",
        description="Simulate a recording (quiet standing, 3 sync taps, walking) of four IMUs (left/right "
                    "shank and foot) with known ankle angles, gait events and per-stride metrics, and write "
                    "it as a session folder with samples/ and truth/ (docs/walker.md).")
    p.add_argument("--scenario", default="normal", metavar="NAME",
                   help=f"one of: {', '.join(SCENARIOS)} (default normal)")
    p.add_argument("--duration", type=float, default=60.0, metavar="S",
                   help="total length in seconds including ~14 s of protocol (default 60)")
    p.add_argument("--seed", type=int, default=0, metavar="N", help="random seed (default 0)")
    p.add_argument("--rate", type=float, default=200.0, metavar="HZ", help="output sample rate (default 200)")
    p.add_argument("--errors", default="realistic", choices=("realistic", "none"),
                   help="sensor error model: realistic (biomech.md §6.3 defaults) or none (ideal sensors)")
    p.add_argument("--functional", type=float, default=0.0, metavar="S",
                   help="seconds of ankle-rocking functional calibration after the taps (default 0 = none)")
    p.add_argument("--subject", default="SIM-001", help="pseudonymous subject id (default SIM-001)")
    p.add_argument("--out", type=Path, required=True, metavar="SESSION", help="session folder to create")
    p.add_argument("--force", action="store_true", help="overwrite a session already in --out")
    p.set_defaults(run=_run)


def _run(args) -> int:
    from gait.simulate import Protocol, simulate, write_session
    from gait.simulate.session import check_out_dir

    created = not args.out.exists()
    check_out_dir(args.out, overwrite=args.force)  # fail before minutes of work, not after
    print(f"simulating {args.scenario}: {args.duration:g} s at {args.rate:g} Hz, seed {args.seed}, "
          f"errors {args.errors}", file=sys.stderr, flush=True)
    try:
        result = simulate(args.scenario, duration_s=args.duration, seed=args.seed, rate_hz=args.rate,
                          errors=args.errors, protocol=Protocol(functional_s=args.functional), progress=True)
        write_session(result, args.out, subject=args.subject, overwrite=args.force)
    except BaseException:  # bad arguments, Ctrl-C, a full disk: leave no half-made folder behind
        if created:
            shutil.rmtree(args.out, ignore_errors=True)
        raise
    n_strides = sum(1 for s in result.truth.strides if s["steady"])
    print(f"wrote {args.out}: {len(result.blocks)} sensors, {n_strides} steady strides with ground truth")
    return 0
