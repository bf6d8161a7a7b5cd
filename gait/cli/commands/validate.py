"""``gait validate --synthetic [--seeds N] [--json FILE]``: accuracy against the walker's ground truth."""

from __future__ import annotations

import json
import time

from gait.errors import GaitError


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "validate", help="accuracy of the whole pipeline against synthetic ground truth (error table)",
        description="Simulate each scenario with realistic sensor errors for N seeds, analyse it with the "
                    "real pipeline and print the errors against the truth: angle RMSE, eversion and "
                    "tibial-rotation excursion bias/RMSE, IC/TC timing, cadence, stride recall/precision "
                    "and coupling (docs/validation.md). Targets not met are listed.")
    p.add_argument("--synthetic", action="store_true", required=True, help="validate on the synthetic walker")
    p.add_argument("--seeds", type=int, default=20, help="seeds per scenario (default 20)")
    p.add_argument("--scenarios", default="normal,high_eversion,asymmetric,coupling_k0,coupling_k068",
                   help="comma-separated walker scenarios")
    p.add_argument("--duration", type=float, default=60.0,
                   help="seconds per simulated recording (default 60)")
    p.add_argument("--estimator", default="vqf", help="orientation estimator (default vqf)")
    p.add_argument("--sensors", choices=("full", "foot", "shank"), default="full", help="sensor set")
    p.add_argument("--sync", choices=("auto", "truth"), default="auto",
                   help="clock sync: the pipeline's (auto) or the walker's clock model (error budget)")
    p.add_argument("--events", choices=("detected", "truth"), default="detected",
                   help="gait events: detected (default) or the true ones (error budget)")
    p.add_argument("--functional", type=float, default=0.0, metavar="S",
                   help="add S seconds of ankle rocking to the simulated protocol (functional calibration)")
    p.add_argument("--json", metavar="FILE", help="write rows, aggregates and target status as JSON")
    p.set_defaults(run=_run)


def _run(args) -> int:
    from gait.simulate import SCENARIOS
    from gait.validate import format_table, run_sweep

    scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = [s for s in scenarios if s not in SCENARIOS]
    if unknown or args.seeds < 1:
        raise GaitError(f"--scenarios: unknown {', '.join(unknown)} (known: {', '.join(SCENARIOS)})"
                        if unknown else "--seeds must be at least 1")
    start = time.perf_counter()
    report = run_sweep(scenarios, seeds=args.seeds, duration_s=args.duration, estimator=args.estimator,
                       sync=args.sync, events=args.events, sensors=args.sensors, functional_s=args.functional)
    print(f"synthetic validation: {args.seeds} seeds x {len(scenarios)} scenarios, {args.duration:g} s each, "
          f"sensors {args.sensors}, sync {report['settings']['sync']}, events {args.events} "
          f"({time.perf_counter() - start:.0f} s)")
    print("\n".join(format_table(report)))
    for scenario, status in report["targets"].items():
        missed = [k for k, ok in status.items() if ok is False]
        absent = [k for k, ok in status.items() if ok is None]
        verdict = "all measurable targets met" if not missed else "targets not met: " + ", ".join(missed)
        print(f"{scenario}: {verdict}" + (f" (not measurable here: {', '.join(absent)})" if absent else ""))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(report, fh, indent=1, default=float)
        print(f"wrote {args.json}")
    return 0
