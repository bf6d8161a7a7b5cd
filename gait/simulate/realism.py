"""Realism check: simulated foot signals against the real Voisard/IPOL foot recordings (docs/realism.md).

Compared per stride, sensor-axis independent (the real sensors' mounting is undocumented): stride duration,
stance fraction, peak angular speed |ω| in swing and peak |specific force| over the stride. Real strides come
from the data set's annotated events (``[toe-off, heel-strike]`` sample pairs per swing), U-turn excluded.
Run ``python -m gait.simulate.realism [SHARED_DATA_DIR]`` to print the table.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from gait.conventions import GRAVITY_MPS2

FEATURES = ("stride_time_s", "stance_pct", "peak_swing_gyr_dps", "peak_acc_g")
SUMMARY = (*FEATURES, "stride_time_cv_pct")
VOISARD = "voisard-ipol"


def stride_features(t_s, acc_mps2, gyr_rps, ic_s, tc_s) -> dict[str, np.ndarray]:
    """Per-stride features between consecutive ICs; ``tc_s[k]`` is the toe-off inside stride k (or NaN)."""
    acc_norm = np.linalg.norm(acc_mps2, axis=1) / GRAVITY_MPS2
    gyr_norm = np.rad2deg(np.linalg.norm(gyr_rps, axis=1))
    out = {k: [] for k in (*FEATURES, "ic_s")}
    for ic, tc, nxt in zip(ic_s[:-1], tc_s, ic_s[1:], strict=True):
        stride = (t_s >= ic) & (t_s < nxt)
        swing = (t_s >= tc) & (t_s < nxt)
        if not np.isfinite(tc) or stride.sum() < 10 or swing.sum() < 3:
            continue
        out["ic_s"].append(ic)
        out["stride_time_s"].append(nxt - ic)
        out["stance_pct"].append(100.0 * (tc - ic) / (nxt - ic))
        out["peak_swing_gyr_dps"].append(gyr_norm[swing].max())
        out["peak_acc_g"].append(acc_norm[stride].max())
    return {k: np.asarray(v) for k, v in out.items()}


def _toe_offs_inside(ic_s: np.ndarray, to_s: np.ndarray) -> np.ndarray:
    """For each stride [ic_k, ic_k+1) the first toe-off inside it (NaN if none)."""
    out = np.full(max(ic_s.size - 1, 0), np.nan)
    for k in range(out.size):
        inside = to_s[(to_s > ic_s[k]) & (to_s < ic_s[k + 1])]
        if inside.size:
            out[k] = inside[0]
    return out


def voisard_trial(folder: Path, trial: str) -> dict[str, dict[str, np.ndarray]]:
    """Features of both feet of one Voisard trial (``trial`` like ``"3-1"``), U-turn strides excluded."""
    from gait.io.xsens_mt import read_xsens_mt

    meta = json.loads((folder / f"{trial}.json").read_text())
    t0, t1 = meta["TrialBoundaries"]
    u0, u1 = meta["UTurnBoundaries"]
    out = {}
    for side, suffix, key in (("left", "lf", "LeftFootEvents"), ("right", "rf", "RightFootEvents")):
        rec = read_xsens_mt(folder / f"{trial}_{suffix}.txt")
        row_t = (rec.row_counter - rec.row_counter[0]) / rec.rate_hz
        t_s = (rec.counter - rec.row_counter[0]) / rec.rate_hz
        events = np.asarray(meta[key], int)
        events = events[(events[:, 1] < row_t.size) & (events[:, 1] >= t0) & (events[:, 1] <= t1)]
        ic_s, to_s = row_t[events[:, 1]], row_t[events[:, 0]]
        feats = stride_features(t_s, rec.acc_mps2, rec.gyr_rps, ic_s, _toe_offs_inside(ic_s, to_s))
        u_start, u_end = row_t[min(u0, row_t.size - 1)], row_t[min(u1, row_t.size - 1)]
        nxt = feats["ic_s"] + feats["stride_time_s"]
        straight = (nxt <= u_start) | (feats["ic_s"] >= u_end)
        out[side] = {k: v[straight] for k, v in feats.items()}
    return out


def simulated_trial(result) -> dict[str, dict[str, np.ndarray]]:
    """Features of both simulated feet (steady strides; times mapped back to the true clock)."""
    out = {}
    for side in ("left", "right"):
        block = result.blocks[f"{side}_foot"]
        clock = result.truth.clock[f"{side}_foot"]
        t_true = (block.t_s - clock["offset_s"]) / (1.0 + clock["drift_ppm"] * 1e-6)
        strides = [s for s in result.truth.strides if s["side"] == side and s["steady"]]
        ic = np.array([s["ic_s"] for s in strides] + ([strides[-1]["next_ic_s"]] if strides else []))
        tc = np.array([s["tc_s"] for s in strides])
        out[side] = stride_features(t_true, block.acc_mps2, block.gyr_rps, ic, tc)
    return out


def _robust_cv(x: np.ndarray) -> float:
    """1.4826·MAD / median: a CV that the few accelerating strides of a 10 m walk do not dominate."""
    med = np.median(x)
    return float(1.4826 * np.median(np.abs(x - med)) / med)


def subject_medians(trial: dict) -> dict[str, float]:
    """Median of each feature over both feet of one trial, plus the stride-time CV (variability)."""
    pooled = {k: np.concatenate([trial[s][k] for s in trial]) for k in FEATURES}
    out = {k: float(np.median(v)) for k, v in pooled.items()}
    out["stride_time_cv_pct"] = 100.0 * float(np.mean([_robust_cv(trial[s]["stride_time_s"]) for s in trial]))
    return out


def realism_table(shared_data: Path, scenarios=("normal", "barefoot", "shoe_a"), seed: int = 1,
                  duration_s: float = 60.0) -> dict:
    """Real per-subject values (range over subjects) and simulated values, per feature of :data:`SUMMARY`."""
    from gait.simulate import simulate

    folder = Path(shared_data) / VOISARD
    trials = sorted(p.stem for p in folder.glob("*-1.json"))
    real = [subject_medians(voisard_trial(folder, t)) for t in trials]
    sim = {}
    for name in scenarios:
        res = simulate(name, duration_s=duration_s, seed=seed, rate_hz=100.0,
                       placements=("left_foot", "right_foot"))
        sim[name] = subject_medians(simulated_trial(res))
    rows = {}
    for k in SUMMARY:
        vals = np.array([r[k] for r in real])
        rows[k] = {"real_min": float(vals.min()), "real_median": float(np.median(vals)),
                   "real_max": float(vals.max()), "simulated": {n: sim[n][k] for n in scenarios}}
    return {"n_subjects": len(real), "rows": rows}


#: OpenSense example (one subject, ~25 s of walking): sensor id → placement (see its README).
OPENSENSE = {"00B4227D": "right_shank", "00B421ED": "left_shank", "00B421EF": "right_foot",
             "00B421E6": "left_foot"}


def _percentiles(acc_mps2: np.ndarray, gyr_rps: np.ndarray) -> dict[str, float]:
    acc_g = np.linalg.norm(acc_mps2, axis=1) / GRAVITY_MPS2
    gyr_dps = np.rad2deg(np.linalg.norm(gyr_rps, axis=1))
    return {"acc_p50_g": float(np.percentile(acc_g, 50)), "acc_p99_g": float(np.percentile(acc_g, 99)),
            "gyr_p99_dps": float(np.percentile(gyr_dps, 99))}


def shank_foot_table(shared_data: Path, seed: int = 1) -> dict[str, dict[str, dict[str, float]]]:
    """Whole-walk |acc| and |ω| percentiles: OpenSense shank/foot sensors vs the walker (walking part only).

    The OpenSense angular rate is derived from the on-board orientation (the files carry no gyroscope).
    """
    from gait.io.xsens_mt import read_xsens_mt
    from gait.simulate import simulate

    folder = Path(shared_data) / "opensense-example"
    real = {}
    for sensor_id, name in OPENSENSE.items():
        rec = read_xsens_mt(next(folder.glob(f"*_{sensor_id}.txt")))
        real[name] = _percentiles(rec.acc_mps2, rec.gyr_rps)
    res = simulate("normal", duration_s=45.0, seed=seed, rate_hz=100.0, placements=tuple(OPENSENSE.values()))
    walk = next(w for w in res.truth.windows if w["kind"] == "walking")["t0_s"] + 2.0
    sim = {name: _percentiles(b.acc_mps2[b.t_s > walk], b.gyr_rps[b.t_s > walk])
           for name, b in res.blocks.items()}
    return {"real": real, "simulated": sim}


def format_shank_foot(table: dict) -> str:
    """Markdown table of :func:`shank_foot_table`."""
    lines = ["| sensor | acc norm median g (real / sim) | acc norm p99 g (real / sim) "
             "| gyro norm p99 °/s (real / sim) |", "|---|---|---|---|"]
    for name, r in table["real"].items():
        s = table["simulated"][name]
        lines.append(f"| {name} | {r['acc_p50_g']:.2f} / {s['acc_p50_g']:.2f} | {r['acc_p99_g']:.2f} / "
                     f"{s['acc_p99_g']:.2f} | {r['gyr_p99_dps']:.0f} / {s['gyr_p99_dps']:.0f} |")
    return "\n".join(lines)


def format_table(table: dict) -> str:
    """Markdown table of :func:`realism_table`."""
    names = list(next(iter(table["rows"].values()))["simulated"])
    head = "| feature | real min | real median | real max | " + " | ".join(f"sim {n}" for n in names) + " |"
    lines = [head, "|" + "---|" * (4 + len(names))]
    for k, r in table["rows"].items():
        sims = " | ".join(f"{r['simulated'][n]:.2f}" for n in names)
        lines.append(f"| {k} | {r['real_min']:.2f} | {r['real_median']:.2f} | {r['real_max']:.2f} | {sims} |")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - documentation helper
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[3] / "shared" / "data"
    tab = realism_table(root)
    print(f"{tab['n_subjects']} Voisard subjects (trial 1 each), per-subject medians over both feet\n")
    print(format_table(tab))
    if (root / "opensense-example").is_dir():
        print("\nOpenSense example (1 subject) vs walker, whole walk:\n")
        print(format_shank_foot(shank_foot_table(root)))
