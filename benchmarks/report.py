"""Markdown tables from a benchmark report, for ``docs/performance.md``.

``python -m benchmarks.report [benchmarks/results/latest.json]`` prints the machine, the per-module run
times and the targets table of one run, so the document quotes exactly what the run measured.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from benchmarks.__main__ import RESULTS, _fmt


def machine_table(machine: dict) -> str:
    versions = ", ".join(f"{k} {v}" for k, v in machine["versions"].items() if v)
    load = machine.get("load_avg_1_5_15", ["?"])[0]
    return "\n".join([
        "| machine | |",
        "|---|---|",
        f"| date (UTC) | {machine['date_utc']} |",
        f"| platform | {machine['platform']}, {machine['cpu_count']} cores ({machine['processor']}) |",
        f"| Python | {machine['python']} |",
        f"| versions | {versions} |",
        f"| load average at start (1 min) | {load} |",
    ])


def modules_table(report: dict) -> str:
    rows = ["| module | status | wall s | CPU s | peak MB |", "|---|---|---:|---:|---:|"]
    for name, e in report["benchmarks"].items():
        rows.append(f"| {name} | {e['status']} | {e['wall_s']:.1f} | {e.get('cpu_s', float('nan')):.1f} | "
                    f"{e.get('peak_rss_mb', float('nan')):.0f} |")
    rows.append(f"| **total** | | **{report.get('total_wall_s', float('nan')):.1f}** | | |")
    return "\n".join(rows)


def targets_table(report: dict) -> str:
    rows = ["| module | target | measured | goal | met |", "|---|---|---:|---:|---|"]
    for t in report["targets"]:
        rows.append(f"| {t['benchmark'].removeprefix('bench_')} | {t['name']} | {_fmt(t['value'])} | "
                    f"{_fmt(t['target'])} | {'yes' if t['met'] is True else '**no**'} |")
    return "\n".join(rows)


def gaitmap_table(report: dict) -> str:
    """Heel strikes (IC) and toe-offs (TC) of both pipelines on the Voisard trials, if bench_gaitmap ran."""
    res = report["benchmarks"].get("bench_gaitmap", {}).get("results", {})
    if "ours" not in res:
        return ""
    header = ("| pipeline | CPU s | wall s | IC tp / ref / det | IC recall | IC precision | IC MAE ms "
              "| IC bias ms | all annotated IC: tp | TC recall | TC precision | TC MAE ms |")
    rows = [header, "|---|" + "---:|" * 11]
    pipelines = {"gait (ours)": res["ours"], **{f"gaitmap, align={k}": v for k, v in res["gaitmap"].items()}}
    for name, r in pipelines.items():
        tc = r["tc"]
        rows.append(f"| {name} | {r['cpu_s']:.2f} | {r['wall_s']:.2f} | {r['tp']} / {r['reference']} / "
                    f"{r['detected']} | {r['recall']:.3f} | {r['precision']:.3f} | {r['mae_ms']:.1f} | "
                    f"{r['bias_ms']:+.1f} | {r['all_annotations_tp']} / {r['all_annotations']} | "
                    f"{tc['recall']:.3f} | {tc['precision']:.3f} | {tc['mae_ms']:.1f} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    report = json.loads(Path(args[0] if args else RESULTS).read_text(encoding="utf-8"))
    tables = [machine_table(report["machine"]), modules_table(report), targets_table(report),
              gaitmap_table(report)]
    print(*filter(None, tables), sep="\n\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
