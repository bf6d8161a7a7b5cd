"""Run every benchmark (``python -m benchmarks`` or ``make bench``): one table, one JSON file.

Each ``benchmarks/bench_<area>.py`` has ``main() -> dict`` that prints its own table and returns its results.
This runner adds the machine, date and library versions and runs the modules one after the other, each in
a fresh Python process (``python -m benchmarks --child NAME OUT [ARGS]``): a module's peak memory is then its
own, a crash or a hang (``--timeout-s``, default 600 s) cannot take the others down, and ratios inside a
module still compare runs made seconds apart in the same process. ``QUICK_ARGS`` gives a module options it
already has to fit the 15-minute budget. It writes ``benchmarks/results/latest.json`` and prints a summary
of the ``"targets": [{"name", "value", "target", "met"}]`` each result may carry.
Pass module names to run a subset: ``python -m benchmarks decode events``.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import platform
import resource
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "latest.json"
PACKAGES = ("numpy", "scipy", "vqf", "ahrs", "bleak", "dash", "pyarrow", "gait-imu")
TOTAL_BUDGET_S = 15 * 60  # issue 8: the whole suite in under 15 minutes on the 2-core machine
#: Arguments the runner passes to a module's ``main(argv)`` to fit the budget, using options the module
#: already has (``--no-quick`` runs each module's own default instead). Orientation: BROAD accuracy for the
#: filters issue 8 compares (VQF, ahrs Madgwick/Mahony); ahrs EKF stays in the speed table.
QUICK_ARGS = {"bench_orientation": ["--only", "vqf,vqf-online,ahrs-madgwick,ahrs-mahony"]}


def machine_info() -> dict:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {"date_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "python": platform.python_version(), "platform": platform.platform(),
            "cpu_count": os.cpu_count(), "processor": platform.processor() or platform.machine(),
            "load_avg_1_5_15": [round(x, 2) for x in os.getloadavg()], "versions": versions}


def discover(selected: list[str]) -> list[str]:
    names = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if selected:
        wanted = {s if s.startswith("bench_") else f"bench_{s}" for s in selected}
        unknown = wanted - set(names)
        if unknown:
            raise SystemExit(f"unknown benchmark(s): {', '.join(sorted(unknown))}; have {', '.join(names)}")
        names = [n for n in names if n in wanted]
    return names


def _plain(value):
    """JSON fallback: numpy scalars and arrays become Python values (np.bool_ must stay a bool), else str."""
    if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


def run_child(name: str, out_path: str, argv: list[str] | None = None) -> int:
    """In the child process: run one module's ``main()`` and write its result, CPU time and peak memory."""
    start_cpu = time.process_time()
    main = importlib.import_module(f"benchmarks.{name}").main
    result = (main(argv) if argv else main()) or {}
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux reports KiB
    payload = {"results": result, "cpu_s": time.process_time() - start_cpu, "peak_rss_mb": peak_mb}
    Path(out_path).write_text(json.dumps(payload, default=_plain), encoding="utf-8")
    return 0


def run_module(name: str, timeout_s: float, argv: list[str] | None = None) -> dict:
    """Run one module in a child process; its entry for the report (status ok/failed/timeout)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE.parent),
                                                                     os.environ.get("PYTHONPATH")]))}
    with tempfile.TemporaryDirectory(prefix="gait-bench-") as tmp:
        out = Path(tmp) / "result.json"
        start = time.perf_counter()
        command = [sys.executable, "-m", "benchmarks", "--child", name, str(out), *(argv or [])]
        # its own process group, so a timeout or Ctrl-C ends the module and whatever it started (a browser,
        # the gaitmap venv's process) together
        child = subprocess.Popen(command, env=env, start_new_session=True)
        try:
            status = "ok" if child.wait(timeout_s) == 0 and out.exists() else "failed"
        except subprocess.TimeoutExpired:
            _kill_group(child)
            status = "timeout"
        except BaseException:
            _kill_group(child)
            raise
        entry = {"status": status, "wall_s": round(time.perf_counter() - start, 1), "args": argv or []}
        if status == "ok":
            payload = json.loads(out.read_text(encoding="utf-8"))
            entry.update(cpu_s=round(payload["cpu_s"], 1), peak_rss_mb=round(payload["peak_rss_mb"]),
                         results=payload["results"])
        else:
            entry["results"] = {}
    return entry


def _kill_group(child: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signal.SIGKILL)
    child.wait()


def run(names: list[str], timeout_s: float = 600.0, quick: bool = True) -> dict:
    report = {"machine": machine_info(), "benchmarks": {}, "targets": []}
    start = time.perf_counter()
    for name in names:
        argv = QUICK_ARGS.get(name, []) if quick else []
        print(f"\n=== {name} {' '.join(argv)} ===".replace("  =", " ="), flush=True)
        entry = run_module(name, timeout_s, argv)
        report["benchmarks"][name] = entry
        report["targets"] += [{"benchmark": name, **t} for t in entry["results"].get("targets", [])]
    report["total_wall_s"] = round(time.perf_counter() - start, 1)
    return report


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1e6 else f"{value:,.0f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def print_summary(report: dict) -> None:
    print("\n=== targets ===")
    print(f"{'benchmark':<20} {'target':<52} {'value':>18} {'goal':>16}  met")
    for t in report["targets"]:
        print(f"{t['benchmark']:<20} {t['name']:<52} {_fmt(t['value']):>18} {_fmt(t['target']):>16}  "
              f"{'yes' if t['met'] is True else 'NO'}")
    print(f"\n{'benchmark':<20} {'status':<8} {'wall s':>8} {'CPU s':>8} {'peak MB':>8}")
    for name, e in report["benchmarks"].items():
        print(f"{name:<20} {e['status']:<8} {e['wall_s']:>8.1f} {e.get('cpu_s', float('nan')):>8.1f} "
              f"{e.get('peak_rss_mb', float('nan')):>8.0f}")
    total = report["total_wall_s"]
    print(f"{'total':<20} {'':<8} {total:>8.1f}   (budget {TOTAL_BUDGET_S} s: "
          f"{'within' if total < TOTAL_BUDGET_S else 'OVER'}; load average at start "
          f"{report['machine']['load_avg_1_5_15'][0]})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="modules to run (decode, events, ...); default: all")
    parser.add_argument("--timeout-s", type=float, default=600.0, help="per module (default 600)")
    parser.add_argument("--out", type=Path, default=RESULTS, help=f"JSON report (default {RESULTS.name})")
    parser.add_argument("--no-quick", action="store_true", help="no QUICK_ARGS: each module's own default")
    raw = list(sys.argv[1:] if argv is None else argv)
    if raw[:1] == ["--child"]:  # internal: --child NAME OUT [module arguments...]
        return run_child(raw[1], raw[2], raw[3:])
    args = parser.parse_args(raw)
    report = run(discover(args.names), args.timeout_s, quick=not args.no_quick)
    print_summary(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, default=_plain) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}")
    return 0 if all(e["status"] == "ok" for e in report["benchmarks"].values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
