"""Accuracy against synthetic ground truth (``gait validate --synthetic``; results in docs/validation.md).

Each run simulates a scenario with the walker (realistic sensor errors by default: noise, bias, 10° shank /
10–20° foot misalignment, soft tissue, clock offsets), analyses it with the real pipeline and compares with
the truth: angle RMSE over walking, event timing, stride detection, per-stride metric errors on matched
strides.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np

from gait.conventions import SIDES
from gait.metrics import SideCurves, Stride, compute_stride_metrics
from gait.pipeline.offline import END_MARGIN_S, analyze_plan
from gait.pipeline.session import plan_blocks
from gait.types import SampleBlock

#: Scenarios swept by default and the sensor sets checked.
DEFAULT_SCENARIOS = ("normal", "high_eversion", "asymmetric", "coupling_k0", "coupling_k068")
MATCH_TOLERANCE_S = 0.15
SETTLE_S = 3.0  # after the walking ramp, before angles are scored

#: Done-when targets (issue 5): column -> (limit, kind) with kind "abs" (|value| < limit) or "min".
TARGETS = {
    "alpha_rmse_deg": (1.5, "abs"),
    "eversion_exc_bias_deg": (1.0, "abs"),
    "eversion_exc_rmse_deg": (2.0, "abs"),
    "tibial_ir_exc_bias_deg": (1.0, "abs"),
    "tibial_ir_exc_rmse_deg": (2.0, "abs"),
    "ic_mae_ms": (20.0, "abs"),
    "tc_mae_ms": (20.0, "abs"),
    "cadence_err_spm": (1.0, "abs"),
    "stride_recall_pct": (99.0, "min"),
    "stride_precision_pct": (99.0, "min"),
}


@dataclass
class RunSpec:
    scenario: str = "normal"
    seed: int = 0
    duration_s: float = 60.0
    estimator: str = "vqf"
    sync: str = "auto"  # "auto" = gait.sync; "truth" = the walker's clock model (error budget)
    events: str = "detected"  # "detected" = gait.events; "truth" = true IC/TC (error budget)
    sensors: str = "full"  # "full", "foot" (feet only) or "shank" (shanks only)
    functional_s: float = 0.0  # seconds of ankle rocking in the simulated protocol (0 = none, the default)


SENSOR_SETS = {"full": ("left_shank", "right_shank", "left_foot", "right_foot"),
               "foot": ("left_foot", "right_foot"), "shank": ("left_shank", "right_shank")}


def _truth_clock(blocks: dict[str, SampleBlock], clock: dict[str, dict]) -> dict[str, SampleBlock]:
    """Map device clocks to the true clock with the walker's own offset/drift (oracle sync)."""
    out = {}
    for name, b in blocks.items():
        c = clock[name]
        t = (b.t_s - c["offset_s"]) / (1.0 + c["drift_ppm"] * 1e-6)
        out[name] = SampleBlock(name, t, b.acc_mps2, b.gyr_rps, b.mag_uT, clock="session")
    return out


def _rmse(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x)))) if x.size else float("nan")


def _mean(x: np.ndarray) -> float:
    return float(np.mean(x)) if x.size else float("nan")


def _angle_errors(result, truth, walk_from_s: float) -> dict:
    out = {}
    for col, name in enumerate(("alpha", "beta", "gamma")):
        errs = []
        for side in SIDES:
            curves = result.curves.get(side)
            if curves is None or curves.angles_deg is None:
                continue
            sel = curves.t_s >= walk_from_s
            true = np.interp(curves.t_s[sel], truth.t_s, truth.angles_deg[side][:, col])
            errs.append(curves.angles_deg[sel, col] - true)
        out[f"{name}_rmse_deg"] = _rmse(np.concatenate(errs)) if errs else float("nan")
    return out


def _truth_strides(truth, side: str, walk_from_s: float) -> list[dict]:
    """Steady true strides inside the scored span (the pipeline drops strides ending at the data end)."""
    end_s = float(truth.t_s[-1]) - END_MARGIN_S - MATCH_TOLERANCE_S
    return [s for s in truth.strides
            if s["side"] == side and s["steady"] and s["ic_s"] >= walk_from_s and s["next_ic_s"] <= end_s]


def _true_coupling(truth, side: str, row: dict) -> float:
    """Coupling slope from the true curves with the metric code (the walker has no such column)."""
    curves = SideCurves(t_s=truth.t_s, angles_deg=truth.angles_deg[side])
    stride = compute_stride_metrics(Stride(side, row["ic_s"], row["tc_s"], row["next_ic_s"]), curves)
    return stride.metrics["coupling_slope"]


def _stride_errors(result, truth, walk_from_s: float) -> dict:
    rows = {k: [] for k in ("ic", "tc", "cad", "ev", "tir", "len", "coup", "coup_true")}
    found = recalled = truths = valid_est = 0
    for side in SIDES:
        true_rows = _truth_strides(truth, side, walk_from_s)
        est = [s for s in result.strides if s.side == side and s.valid and s.ic_s >= walk_from_s]
        est_ic = np.array([s.ic_s for s in est])
        truths += len(true_rows)
        valid_est += len(est)
        for row in true_rows:
            if est_ic.size == 0:
                continue
            j = int(np.argmin(np.abs(est_ic - row["ic_s"])))
            if abs(est_ic[j] - row["ic_s"]) > MATCH_TOLERANCE_S:
                continue
            recalled += 1
            s = est[j]
            rows["ic"].append(s.ic_s - row["ic_s"])
            rows["tc"].append(s.tc_s - row["tc_s"])
            rows["cad"].append(s.metrics["cadence_steps_per_min"] - row["cadence_steps_per_min"])
            for key, metric in (("ev", "eversion_excursion_deg"), ("tir", "tibial_ir_excursion_deg"),
                                ("len", "stride_length_m")):
                if s.metrics.get(metric) is not None:
                    rows[key].append(s.metrics[metric] - row[metric])
            if s.metrics.get("coupling_slope") is not None:
                rows["coup"].append(s.metrics["coupling_slope"])
                rows["coup_true"].append(_true_coupling(truth, side, row))
        found += _count_true_positive(est_ic, np.asarray(truth.events[side]["ic_s"]))
    arr = {k: np.asarray(v, float) for k, v in rows.items()}
    return {
        "strides_true": truths,
        "stride_recall_pct": 100.0 * recalled / truths if truths else float("nan"),
        "stride_precision_pct": 100.0 * found / valid_est if valid_est else float("nan"),
        "ic_mae_ms": 1e3 * _mean(np.abs(arr["ic"])),
        "tc_mae_ms": 1e3 * _mean(np.abs(arr["tc"])),
        "cadence_err_spm": _mean(arr["cad"]),
        "eversion_exc_bias_deg": _mean(arr["ev"]),
        "eversion_exc_rmse_deg": _rmse(arr["ev"]),
        "tibial_ir_exc_bias_deg": _mean(arr["tir"]),
        "tibial_ir_exc_rmse_deg": _rmse(arr["tir"]),
        "stride_length_err_m": _mean(arr["len"]),
        "stride_length_rmse_m": _rmse(arr["len"]),
        "coupling_est": float(np.median(arr["coup"])) if arr["coup"].size else float("nan"),
        "coupling_true": float(np.median(arr["coup_true"])) if arr["coup_true"].size else float("nan"),
    }


def _count_true_positive(est_ic: np.ndarray, true_ic: np.ndarray) -> int:
    """Estimated valid strides within the tolerance of a true stride (precision numerator)."""
    if est_ic.size == 0 or true_ic.size == 0:
        return 0
    return int(sum(np.min(np.abs(true_ic - t)) <= MATCH_TOLERANCE_S for t in est_ic))


def run_one(spec: RunSpec) -> dict:
    """Simulate, analyse and score one scenario/seed; returns one row of the error table."""
    from gait.simulate import Protocol, simulate

    sim = simulate(spec.scenario, duration_s=spec.duration_s, seed=spec.seed,
                   placements=SENSOR_SETS[spec.sensors], protocol=Protocol(functional_s=spec.functional_s))
    truth = sim.truth
    blocks = _truth_clock(sim.blocks, truth.clock) if spec.sync == "truth" else sim.blocks
    meta = {"id": f"sim-{spec.scenario}-{spec.seed}", "subject": "synthetic", "condition": spec.scenario,
            "source": "simulated", "calibration": truth.windows}
    events = None
    if spec.events == "truth":
        events = {side: (truth.events[side]["ic_s"], truth.events[side]["tc_s"], {}) for side in SIDES}
    result = analyze_plan(plan_blocks(blocks, meta), estimator=spec.estimator, events=events)
    walk_from_s = float(sim.parameters["protocol"]["walk_start_s"] + sim.parameters["protocol"]["ramp_s"]
                        + SETTLE_S)
    row = {"scenario": spec.scenario, "seed": spec.seed, "sensors": spec.sensors}
    row.update(_angle_errors(result, truth, walk_from_s))
    row.update(_stride_errors(result, truth, walk_from_s))
    return row


def aggregate(rows: list[dict]) -> dict[str, dict]:
    """Per scenario: mean over seeds of each error (RMSE columns combined as root-mean-square)."""
    out = {}
    for scenario in dict.fromkeys(r["scenario"] for r in rows):
        sel = [r for r in rows if r["scenario"] == scenario]
        agg = {"seeds": len(sel)}
        for key in sel[0]:
            if key in ("scenario", "seed", "sensors"):
                continue
            vals = np.array([r[key] for r in sel], float)
            vals = vals[np.isfinite(vals)]
            if not vals.size:
                agg[key] = float("nan")
            elif "rmse" in key:
                agg[key] = float(np.sqrt(np.mean(vals ** 2)))
            elif key == "cadence_err_spm" or key.endswith("bias_deg"):
                agg[key] = float(np.mean(vals))
                agg[key.replace("_err_spm", "_abs_max_spm").replace("bias_deg", "bias_absmax_deg")] = float(
                    np.max(np.abs(vals)))
            else:
                agg[key] = float(np.mean(vals))
        out[scenario] = agg
    return out


def target_status(agg: dict) -> dict[str, bool | None]:
    """Which Done-when targets a scenario aggregate meets (None: not measurable with this sensor set)."""
    status = {}
    for key, (limit, kind) in TARGETS.items():
        value = agg.get(key, float("nan"))
        if not np.isfinite(value):
            status[key] = None
            continue
        status[key] = bool(abs(value) < limit if kind == "abs" else value >= limit)
    if agg.get("coupling_true") is not None and np.isfinite(agg.get("coupling_true", np.nan)):
        status["coupling_within_0.1"] = bool(abs(agg["coupling_est"] - agg["coupling_true"]) <= 0.1)
    return status


def run_sweep(scenarios=DEFAULT_SCENARIOS, seeds: int = 20, progress: bool = True, **spec) -> dict:
    """Every scenario × seeds (``spec``: other :class:`RunSpec` fields); rows, aggregates, target status."""
    rows = []
    for scenario in scenarios:
        for seed in range(seeds):
            if progress:
                print(f"  {scenario} seed {seed}", file=sys.stderr, flush=True)
            rows.append(run_one(RunSpec(scenario=scenario, seed=seed, **spec)))
    agg = aggregate(rows)
    settings = {**vars(RunSpec(**spec)), "seeds": seeds, "errors": "realistic"}
    settings.pop("scenario"), settings.pop("seed")
    return {"settings": settings,
            "rows": rows, "aggregate": agg, "targets": {s: target_status(a) for s, a in agg.items()}}


_COLUMNS = (("alpha_rmse_deg", "α RMSE°"), ("beta_rmse_deg", "β RMSE°"), ("gamma_rmse_deg", "γ RMSE°"),
            ("eversion_exc_bias_deg", "EV bias°"), ("eversion_exc_rmse_deg", "EV RMSE°"),
            ("tibial_ir_exc_bias_deg", "TIR bias°"), ("tibial_ir_exc_rmse_deg", "TIR RMSE°"),
            ("stride_length_err_m", "len bias m"), ("ic_mae_ms", "IC ms"), ("tc_mae_ms", "TC ms"),
            ("cadence_err_spm", "cad spm"),
            ("stride_recall_pct", "recall%"), ("stride_precision_pct", "prec%"),
            ("coupling_est", "k est"), ("coupling_true", "k true"))


def format_table(report: dict) -> list[str]:
    """Markdown table of the aggregates (also printed by the CLI)."""
    head = "| scenario | seeds | " + " | ".join(label for _, label in _COLUMNS) + " |"
    lines = [head, "|" + "---|" * (len(_COLUMNS) + 2)]
    for scenario, agg in report["aggregate"].items():
        cells = [f"{agg.get(key, float('nan')):.2f}" for key, _ in _COLUMNS]
        lines.append(f"| {scenario} | {agg['seeds']} | " + " | ".join(cells) + " |")
    return lines
