"""Analysis speed: one hour of four sensors at 200 Hz through the whole offline pipeline.

A 300 s simulated recording (walker, realistic errors) is put on the session clock and tiled to one hour;
the pipeline (resampling, calibration, orientation, relative heading, kinematics, events, metrics, JSON) runs
on it with the default estimator (VQF). The same pipeline with ``ahrs-madgwick`` is timed on the 300 s piece
only (ahrs runs at ~10-30 k samples/s, minutes for an hour), and the ratio is per recorded second.
"""

from __future__ import annotations

import time

import numpy as np

from gait.pipeline import analyze_plan, plan_blocks
from gait.types import SampleBlock

PIECE_S = 300.0
HOUR_S = 3600.0
TARGET_S = 10.0


def _piece():
    from gait.simulate import simulate
    from gait.validate import _truth_clock

    sim = simulate("normal", duration_s=PIECE_S, seed=0)
    meta = {"id": "bench", "subject": "bench", "condition": "normal", "calibration": sim.truth.windows}
    return _truth_clock(sim.blocks, sim.truth.clock), meta


def _tile(blocks: dict[str, SampleBlock], total_s: float) -> dict[str, SampleBlock]:
    reps = int(np.ceil(total_s / PIECE_S))
    out = {}
    for name, b in blocks.items():
        period = PIECE_S + 1.0 / b.rate_hz
        t = np.concatenate([b.t_s + k * period for k in range(reps)])
        out[name] = SampleBlock(name, t, np.tile(b.acc_mps2, (reps, 1)), np.tile(b.gyr_rps, (reps, 1)),
                                None, "session")
    return out


def _timed(blocks, meta, estimator: str) -> tuple[float, int, float]:
    """Wall seconds, strides found, CPU seconds of this process (less sensitive to a shared machine)."""
    start, cpu = time.perf_counter(), time.process_time()
    result = analyze_plan(plan_blocks(blocks, meta), estimator=estimator)
    result.to_dict()
    return time.perf_counter() - start, len(result.strides), time.process_time() - cpu


def main() -> dict:
    piece, meta = _piece()
    hour = _tile(piece, HOUR_S)
    n_samples = sum(len(b) for b in hour.values())
    hour_s, hour_strides, hour_cpu_s = _timed(hour, meta, "vqf")
    piece_vqf_s, _, _ = _timed(piece, meta, "vqf")
    piece_madgwick_s, _, _ = _timed(piece, meta, "ahrs-madgwick")
    ratio = piece_madgwick_s / piece_vqf_s
    print(f"{'run':<40} {'recorded s':>10} {'wall s':>8} {'strides':>8}")
    print(f"{'1 h, 4 sensors, 200 Hz, vqf':<40} {HOUR_S:>10.0f} {hour_s:>8.2f} {hour_strides:>8}"
          f"   (CPU {hour_cpu_s:.1f} s)")
    print(f"{'300 s piece, vqf':<40} {PIECE_S:>10.0f} {piece_vqf_s:>8.2f}")
    print(f"{'300 s piece, ahrs-madgwick':<40} {PIECE_S:>10.0f} {piece_madgwick_s:>8.2f}")
    print(f"ahrs-madgwick / vqf wall-time ratio on the same data: {ratio:.1f}x; "
          f"estimated 1 h with ahrs-madgwick: {hour_s * ratio:.0f} s ({n_samples} samples)")
    return {"hour_vqf_s": round(hour_s, 2), "hour_vqf_cpu_s": round(hour_cpu_s, 2),
            "hour_strides": hour_strides, "samples": n_samples,
            "piece_vqf_s": round(piece_vqf_s, 2), "piece_madgwick_s": round(piece_madgwick_s, 2),
            "madgwick_over_vqf": round(ratio, 1),
            "targets": [{"name": "1 h x 4 sensors @200 Hz analysed end to end (s)", "value": round(hour_s, 2),
                         "target": f"< {TARGET_S:g}", "met": hour_s < TARGET_S}]}


if __name__ == "__main__":
    main()
