"""Side by side with gaitmap on the 19 Voisard trials: heel strikes (IC) vs the manual annotations, time.

``python -m benchmarks gaitmap`` (``make bench`` creates the benchmark venv first). gaitmap is never a
project dependency: it lives in ``.venv-bench/`` (``make bench-env``; another interpreter via
``GAIT_BENCH_PYTHON``), and ``benchmarks/gaitmap_side.py`` runs there in a subprocess. The two sides exchange
plain arrays: this module writes each trial's feet on a uniform 100 Hz grid (``gait.events.uniform_grid``,
lost packets bridged linearly, the grid our detector builds too) to ``.npz`` files in a temporary folder and
reads gaitmap's IC/TC sample indices back from JSON.

Both pipelines are scored by the same code (``gait.io.voisard``'s trial window and U-turn exclusion and
``gait.events.match_events``, ±50 ms), so any difference is the pipelines'. Times cover sensor alignment or
calibration + segmentation + event detection of all trials in memory (file reading and imports left out);
the machine is shared, so CPU time is the figure to compare, wall time is printed beside it.
Our pipeline is ``gait.calibration.calibrate_segment`` (functional axis) + ``gait.events.detect_side_events``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from gait.calibration import calibrate_segment
from gait.events import EventMatch, detect_side_events, match_events, uniform_grid
from gait.io.voisard import SIDE_FILES, VoisardTrial, _merge, _scored, load_trial, trial_codes

VOISARD = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "voisard-ipol"
SIDE_SCRIPT = Path(__file__).resolve().parent / "gaitmap_side.py"
BENCH_PYTHON = Path(__file__).resolve().parents[1] / ".venv-bench" / "bin" / "python"
TOLERANCE_S = 0.05
HEADLINE_VARIANT = "auto"  # gaitmap's documented automatic alignment for a mounting it does not know
TIMEOUT_S = 600


def bench_python() -> Path | None:
    """The benchmark venv's interpreter (``GAIT_BENCH_PYTHON`` overrides), or None when it is absent."""
    path = Path(os.environ.get("GAIT_BENCH_PYTHON", BENCH_PYTHON))
    return path if path.exists() else None


def export_trials(trials: list[VoisardTrial], folder: Path) -> dict[str, dict[str, tuple[float, float]]]:
    """Write each trial's feet on a uniform grid; return the grid (t0_s, rate_hz) per trial and side."""
    grids = {}
    for trial in trials:
        arrays, grids[trial.code] = {}, {}
        for side in SIDE_FILES:
            block = trial.blocks[f"{side}_foot"]
            t_u, values, rate_hz = uniform_grid(block.t_s, np.hstack([block.acc_mps2, block.gyr_rps]))
            arrays[f"{side}_acc_mps2"], arrays[f"{side}_gyr_rps"] = values[:, :3], values[:, 3:]
            grids[trial.code][side] = (float(t_u[0]), rate_hz)
        rates = {r for _, r in grids[trial.code].values()}
        arrays["rate_hz"] = np.array(rates.pop() if len(rates) == 1 else np.mean(list(rates)))
        np.savez(folder / f"{trial.code}.npz", **arrays)
    return grids


def run_gaitmap(python: Path, folder: Path) -> dict:
    """Run ``gaitmap_side.py`` in the benchmark venv on the exported trials; its JSON result."""
    out = folder / "gaitmap.json"
    start = time.perf_counter()
    subprocess.run([str(python), str(SIDE_SCRIPT), str(folder), str(out)], check=True, timeout=TIMEOUT_S)
    result = json.loads(out.read_text(encoding="utf-8"))
    result["process_s"] = time.perf_counter() - start
    return result


def run_ours(trials: list[VoisardTrial]) -> tuple[dict, float, float]:
    """IC/TC times per trial and side from our calibration + event detection; wall and CPU time."""
    events = {}
    start, start_cpu = time.perf_counter(), time.process_time()
    for trial in trials:
        events[trial.code] = {}
        for side in SIDE_FILES:
            block = trial.blocks[f"{side}_foot"]
            cal = calibrate_segment(block)
            found = detect_side_events(side, block.t_s, foot_gyr_rps=cal.to_segment(block.gyr_rps))
            events[trial.code][side] = {"ic": found.ic_s, "tc": found.tc_s}
    return events, time.perf_counter() - start, time.process_time() - start_cpu


def score(events: dict, trials: list[VoisardTrial], kind: str = "ic", exclude_uturn: bool = True) -> dict:
    """{trial: EventMatch} for ``kind`` ("ic"/"tc"), both feet; U-turn and outside-trial events left out."""
    out = {}
    for trial in trials:
        matches = []
        for side in SIDE_FILES:
            detected = np.asarray(events[trial.code][side][kind], float)
            reference = getattr(trial, f"{kind}_ref_s")[side]
            if exclude_uturn:
                detected, reference = _scored(detected, trial), _scored(reference, trial)
            matches.append(match_events(detected, reference, TOLERANCE_S))
        out[trial.code] = _merge(matches)
    return out


def gaitmap_events(variant: dict, grids: dict, trials: list[VoisardTrial]) -> dict:
    """gaitmap's IC/TC sample indices as times on each trial's clock (a failed trial: no detection)."""
    out = {}
    for trial in trials:
        found = variant["trials"].get(trial.code)
        out[trial.code] = {}
        for side in SIDE_FILES:
            t0_s, rate_hz = grids[trial.code][side]
            out[trial.code][side] = {
                kind: t0_s + np.asarray(found[side][kind] if found else [], float) / rate_hz
                for kind in ("ic", "tc")
            }
    return out


def _figures(m: EventMatch) -> dict:
    return {
        "tp": m.n_true_positive,
        "reference": m.n_reference,
        "detected": m.n_detected,
        "recall": m.recall,
        "precision": m.precision,
        "mae_ms": m.mae_s * 1000,
        "bias_ms": float(np.mean(m.errors_s) * 1000) if m.errors_s.size else float("nan"),
    }


def summarize(name: str, events: dict, trials: list[VoisardTrial], wall_s: float, cpu_s: float) -> dict:
    """Print one IC table row for a pipeline and return its IC and TC figures (per-trial IC tp/ref/det)."""
    per_trial = score(events, trials)
    ic = _figures(_merge(list(per_trial.values())))
    every = _merge(list(score(events, trials, exclude_uturn=False).values()))
    tc = _figures(_merge(list(score(events, trials, "tc").values())))
    print(
        f"{name:22s} {wall_s:7.2f} {cpu_s:6.2f} {ic['tp']:4d}/{ic['reference']:3d}/{ic['detected']:4d} "
        f"{ic['recall']:6.3f} {ic['precision']:6.3f} {ic['mae_ms']:5.1f} {ic['bias_ms']:+6.1f}   "
        f"{every.n_true_positive:4d}/{every.n_reference}   TC {tc['recall']:5.3f} {tc['precision']:5.3f} "
        f"{tc['mae_ms']:5.1f} {tc['bias_ms']:+6.1f}"
    )
    return {
        "wall_s": wall_s,
        "cpu_s": cpu_s,
        **ic,
        "all_annotations_tp": every.n_true_positive,
        "all_annotations": every.n_reference,
        "tc": tc,
        "per_trial": {c: [x.n_true_positive, x.n_reference, x.n_detected] for c, x in per_trial.items()},
    }


def print_per_trial(results: dict) -> None:
    """tp/ref/det per trial for every pipeline (where gaitmap loses strides)."""
    names = ["ours", *results["gaitmap"]]
    rows = [results["ours"]["per_trial"], *(v["per_trial"] for v in results["gaitmap"].values())]
    print("per trial IC tp/ref/det: " + "  ".join(f"{n:>11s}" for n in names))
    for code in rows[0]:
        print(f"{code:24s}" + "  ".join(f"{'/'.join(map(str, r[code])):>11s}" for r in rows))


def main() -> dict:
    trials = [load_trial(VOISARD, code) for code in trial_codes(VOISARD)]
    ours_events, ours_wall_s, ours_cpu_s = run_ours(trials)
    print(
        f"19 Voisard trials, IC within ±{TOLERANCE_S * 1000:.0f} ms, U-turn and outside-trial events left out"
    )
    print(
        f"{'pipeline':22s} {'wall s':>7s} {'CPU s':>6s} IC tp/ref/det recall prec   MAE   bias   all: tp/n   "
        "TC recall prec MAE bias"
    )
    results = {"ours": summarize("gait (ours)", ours_events, trials, ours_wall_s, ours_cpu_s), "gaitmap": {}}
    python = bench_python()
    if python is None:
        print(f"gaitmap: not run, no benchmark venv at {BENCH_PYTHON} (run `make bench-env`)")
        results["gaitmap_skipped"] = "no benchmark venv"
        return results
    with tempfile.TemporaryDirectory(prefix="gait-bench-gaitmap-") as tmp:
        grids = export_trials(trials, Path(tmp))
        try:
            side = run_gaitmap(python, Path(tmp))
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:  # our numbers still count
            print(f"gaitmap: the benchmark venv's run failed ({exc}); see its output above")
            results["gaitmap_skipped"] = str(exc)
            return results
    for name, variant in side["variants"].items():
        found = gaitmap_events(variant, grids, trials)
        row = summarize(f"gaitmap align={name}", found, trials, variant["wall_s"], variant["cpu_s"])
        results["gaitmap"][name] = {**row, "failed_trials": variant["errors"]}
        for code, error in variant["errors"].items():
            print(f"    {code}: {error}")
    print_per_trial(results)
    results["gaitmap_version"] = _version(python)
    print(
        f"gaitmap {results['gaitmap_version']} in {python.parent.parent.name}: "
        f"import {side['import_s']:.1f} s, warm-up (numba compilation) {side['warm_up_s']:.1f} s, "
        f"subprocess total {side['process_s']:.1f} s"
    )
    headline, ours = results["gaitmap"][HEADLINE_VARIANT], results["ours"]
    ratio = headline["cpu_s"] / ours["cpu_s"]
    results["cpu_ratio_gaitmap_over_ours"] = ratio
    print(f"CPU time gaitmap (align={HEADLINE_VARIANT}) / ours: {ratio:.1f}x")
    results["targets"] = [
        {
            "name": "IC recall ours vs gaitmap (auto-aligned)",
            "value": f"{ours['recall']:.3f} vs {headline['recall']:.3f}",
            "target": "ours >= gaitmap",
            "met": ours["recall"] >= headline["recall"],
        },
        {
            "name": "CPU time gaitmap / ours (19 trials)",
            "value": round(ratio, 1),
            "target": ">= 1",
            "met": ratio >= 1,
        },
    ]
    return results


def _version(python: Path) -> str:
    code = "from importlib.metadata import version; print(version('gaitmap'))"
    done = subprocess.run([str(python), "-c", code], capture_output=True, text=True, timeout=60)
    return done.stdout.strip() or "?"


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
