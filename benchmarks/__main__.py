"""Run every benchmark (``python -m benchmarks`` or ``make bench``): one table, one JSON file.

Each ``benchmarks/bench_<area>.py`` has ``main() -> dict`` that prints its own table and returns its results.
This runner adds the machine, date and library versions, runs the modules in one process one after the other
(so ratios inside a module compare runs made seconds apart on the same machine), and writes
``benchmarks/results/latest.json``. Pass module names to run a subset: ``python -m benchmarks decode``.
A result dict may carry ``"targets": [{"name", "value", "target", "met"}]``; they are collected in a summary.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import sys
import time
import traceback
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "latest.json"
PACKAGES = ("numpy", "scipy", "vqf", "ahrs", "bleak", "dash", "pyarrow", "gait-imu")


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
            "versions": versions}


def discover(selected: list[str]) -> list[str]:
    names = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if selected:
        wanted = {s if s.startswith("bench_") else f"bench_{s}" for s in selected}
        unknown = wanted - set(names)
        if unknown:
            raise SystemExit(f"unknown benchmark(s): {', '.join(sorted(unknown))}; have {', '.join(names)}")
        names = [n for n in names if n in wanted]
    return names


def run(names: list[str]) -> dict:
    report = {"machine": machine_info(), "benchmarks": {}, "targets": []}
    for name in names:
        print(f"\n=== {name} ===", flush=True)
        start = time.perf_counter()
        try:
            result = importlib.import_module(f"benchmarks.{name}").main() or {}
            status = "ok"
        except Exception:  # a broken benchmark must not hide the others' numbers
            traceback.print_exc()
            result, status = {}, "failed"
        elapsed_s = time.perf_counter() - start
        report["benchmarks"][name] = {"status": status, "wall_s": round(elapsed_s, 1), "results": result}
        report["targets"] += [{"benchmark": name, **t} for t in result.get("targets", [])]
    return report


def print_summary(report: dict) -> None:
    print("\n=== targets ===")
    print(f"{'benchmark':<22} {'target':<52} {'value':>14} {'goal':>12}  met")
    for t in report["targets"]:
        print(f"{t['benchmark']:<22} {t['name']:<52} {t['value']!s:>14} {t['target']!s:>12}  "
              f"{'yes' if t['met'] else 'NO'}")
    for name, entry in report["benchmarks"].items():
        print(f"{name:<22} {entry['status']:<8} {entry['wall_s']:>7.1f} s")


def main(argv: list[str] | None = None) -> int:
    names = discover(list(sys.argv[1:] if argv is None else argv))
    report = run(names)
    print_summary(report)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"\nwrote {RESULTS.relative_to(HERE.parent)}")
    return 0 if all(e["status"] == "ok" for e in report["benchmarks"].values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
