"""Orientation estimators: speed as ratios to ``ahrs`` Madgwick (same run) and accuracy on BROAD.

``python -m benchmarks orientation`` (subset of BROAD) or ``python -m benchmarks.bench_orientation --full``
(all 30 stored trials; ahrs filters then take ≈ 15–30 min). Speed input: 60 s of the walker's right shank at
200 Hz (12 000 samples), every estimator through :func:`gait.orientation.get_estimator`, 6D and 9D, rounds
interleaved, median of the per-round ratios to ``ahrs-madgwick`` of the same dimensionality. Accuracy:
BROAD's metric (:mod:`gait.orientation.evaluation`; 6D after removing one heading offset per trial, as in
fusion.md §3.2) next to the numbers measured for fusion.md §3.3 on the same trials, read from
``../shared/research/fusion_bench/results/broad.json`` when present, else only the 30-trial means quoted
below.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from gait.orientation import ImuSeries, get_estimator
from gait.orientation.evaluation import load_broad_trial, remove_heading_offset, rmse_deg
from gait.simulate import simulate

ESTIMATORS = ("vqf", "vqf-online", "ahrs-madgwick", "ahrs-mahony", "ahrs-ekf")
BASELINE = "ahrs-madgwick"
ROUNDS = 3
MIN_CALL_S = 0.25
SHARED = Path(__file__).resolve().parents[2] / "shared"
BROAD_DIR = SHARED / "data" / "broad" / "data_mat"
FUSION_RESULTS = SHARED / "research" / "fusion_bench" / "results" / "broad.json"
SUBSET = (
    "02_undisturbed_slow_rotation_B",
    "06_undisturbed_fast_rotation_A",
    "15_undisturbed_fast_translation_A",
    "25_disturbed_tapping_B",
    "29_disturbed_stationary_magnet_B",
    "33_disturbed_attached_magnet_2cm",
)
#: Our estimator names → the fusion_bench keys measured with the same library and parameters.
FUSION_KEYS = {
    "vqf": "vqf.offlineVQF default",
    "vqf-online": "vqf.VQF default",
    "ahrs-madgwick": "ahrs.Madgwick default (gain 0.041/0.033)",
    "ahrs-mahony": "ahrs.Mahony kP 0.74 kI 0.0012 (BROAD TAGP of C Mahony)",
    "ahrs-ekf": "ahrs.EKF default",
}
#: fusion.md §3.3, 30 trials, 9D total RMSE (degrees), for when the results file is absent.
PUBLISHED_9D_TOTAL_30 = {
    "vqf": 2.15,
    "vqf-online": 2.43,
    "ahrs-madgwick": 5.26,
    "ahrs-mahony": 8.14,
    "ahrs-ekf": 6.03,
}


def _speed_input() -> ImuSeries:
    sim = simulate("normal", duration_s=60.0, seed=0, placements=("right_shank",))
    block = sim.blocks["right_shank"]
    return ImuSeries(block.gyr_rps, block.acc_mps2, block.mag_uT, block.rate_hz, "right_shank")


def _time_call(fn) -> float:
    """Seconds per call; repeats fast calls until ``MIN_CALL_S`` and averages."""
    calls, start = 0, time.perf_counter()
    while True:
        fn()
        calls += 1
        elapsed = time.perf_counter() - start
        if elapsed >= MIN_CALL_S:
            return elapsed / calls


def _stream_chunks(name: str, data: ImuSeries, mode: str, chunk: int = 10) -> None:
    stream = get_estimator(name).stream(data.fs, mode)
    mag = data.mag if mode == "9D" else None
    for i in range(0, len(data), chunk):
        stream.update(
            data.gyr[i : i + chunk], data.acc[i : i + chunk], None if mag is None else mag[i : i + chunk]
        )


def bench_speed(data: ImuSeries) -> dict:
    """Samples/s per estimator and mode, plus the live path of VQF (10-sample chunks)."""
    cases = {
        (n, m): (lambda n=n, m=m: get_estimator(n).estimate(data, m))
        for n in ESTIMATORS
        for m in ("6D", "9D")
    }
    cases |= {
        ("vqf stream, 10-sample chunks", m): (lambda m=m: _stream_chunks("vqf", data, m))
        for m in ("6D", "9D")
    }
    rates: dict[tuple, list[float]] = {k: [] for k in cases}
    ratios: dict[tuple, list[float]] = {k: [] for k in cases}
    for _ in range(ROUNDS):
        this_round = {key: len(data) / _time_call(fn) for key, fn in cases.items()}
        for key, rate in this_round.items():
            rates[key].append(rate)
            ratios[key].append(rate / this_round[(BASELINE, key[1])])
    out = {}
    for (name, mode), values in rates.items():
        out[f"{name} [{mode}]"] = {
            "samples_per_s": float(np.median(values)),
            "ratio_vs_ahrs_madgwick": float(np.median(ratios[(name, mode)])),
            "ratio_range": [float(min(ratios[(name, mode)])), float(max(ratios[(name, mode)]))],
            "hour_4_sensors_200hz_s": 4 * 3600 * 200 / float(np.median(values)),
        }
    return out


def _trial_errors(trial: dict, name: str, mode: str) -> dict:
    mag = trial["imu_mag"] if mode == "9D" else None
    data = ImuSeries(trial["imu_gyr"], trial["imu_acc"], mag, trial["fs"])
    quat = get_estimator(name).estimate(data, mode).quat
    ref, mask = trial["opt_quat"], trial["movement"]
    if mode == "6D":
        quat = remove_heading_offset(quat, ref, mask)
    return rmse_deg(quat, ref, mask)


def bench_broad(trials: list[str], modes_for_ahrs: tuple[str, ...], estimators=ESTIMATORS) -> dict:
    """Mean over trials of per-trial RMSE (BROAD metric), ours vs fusion_bench on the same trials."""
    reference = json.loads(FUSION_RESULTS.read_text())["per_trial"] if FUSION_RESULTS.exists() else None
    out = {}
    for name in estimators:
        for mode in ("9D", "6D") if name.startswith("vqf") else modes_for_ahrs:
            ours = [_trial_errors(load_broad_trial(BROAD_DIR / f"{t}.mat"), name, mode) for t in trials]
            row = {k: float(np.mean([e[k] for e in ours])) for k in ("total", "heading", "inclination")}
            if reference is not None:
                key = f"{FUSION_KEYS[name]} [{mode}]"
                row["fusion_md_same_trials_total"] = float(
                    np.mean([reference[t][key]["total"] for t in trials])
                )
            if mode == "9D":
                row["fusion_md_30_trials_total"] = PUBLISHED_9D_TOTAL_30[name]
            out[f"{name} [{mode}]"] = row
            print(
                f"  {name:<14} {mode}  total {row['total']:6.2f}  heading {row['heading']:6.2f}  "
                f"incl {row['inclination']:5.2f}  fusion.md same trials "
                f"{row.get('fusion_md_same_trials_total', float('nan')):6.2f}",
                flush=True,
            )
    return out


def _print_speed(speed: dict) -> None:
    print(f"{'estimator':<36} {'samples/s':>12} {'× ahrs Madgwick':>16} {'1 h × 4 sensors':>16}")
    for key, row in speed.items():
        print(
            f"{key:<36} {row['samples_per_s']:>12,.0f} {row['ratio_vs_ahrs_madgwick']:>16.1f} "
            f"{row['hour_4_sensors_200hz_s']:>14.1f} s"
        )


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="all 30 stored BROAD trials (slow: ahrs)")
    parser.add_argument("--no-broad", action="store_true", help="speed only")
    parser.add_argument("--no-speed", action="store_true", help="BROAD only")
    parser.add_argument("--only", default=",".join(ESTIMATORS), help="comma-separated estimators for BROAD")
    args = parser.parse_args([] if argv is None else argv)
    result: dict = {"targets": []}
    if not args.no_speed:
        result["speed"] = _speed_part(result)
    if not args.no_broad and BROAD_DIR.is_dir():
        trials = sorted(p.stem for p in BROAD_DIR.glob("*.mat")) if args.full else list(SUBSET)
        print(f"BROAD, {len(trials)} trials (mean of per-trial RMSE, degrees):")
        only = tuple(n for n in args.only.split(",") if n)
        result["broad"] = bench_broad(trials, ("9D", "6D") if args.full else ("9D",), only)
        result["broad_trials"] = trials
    return result


def _speed_part(result: dict) -> dict:
    speed = bench_speed(_speed_input())
    _print_speed(speed)
    vqf_ratio = speed["vqf [6D]"]["ratio_vs_ahrs_madgwick"]
    result["targets"].append(
        {
            "name": "vqf offline 6D speed vs ahrs Madgwick (×)",
            "value": round(vqf_ratio, 1),
            "target": ">= 50",
            "met": vqf_ratio >= 50,
        }
    )
    return speed


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
