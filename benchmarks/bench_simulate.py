"""Walker speed: one hour of four sensors at 200 Hz (issue 2 target: well under a minute).

Reports wall and CPU time (the machine is shared; CPU time is what the walker itself costs), peak memory of
the process, and the scaling ratio against a 60 s run made in the same process (1.0 = perfectly linear).
Run: ``.venv/bin/python -m benchmarks simulate``.
"""

from __future__ import annotations

import resource
import time

from gait.simulate import simulate

TARGET_S = 60.0


def _timed(duration_s: float, rate_hz: float = 200.0) -> dict:
    wall, cpu = time.perf_counter(), time.process_time()
    result = simulate("normal", duration_s=duration_s, seed=0, rate_hz=rate_hz)
    out = {"duration_s": duration_s, "rate_hz": rate_hz, "wall_s": time.perf_counter() - wall,
           "cpu_s": time.process_time() - cpu, "samples": sum(len(b) for b in result.blocks.values()),
           "strides": len(result.truth.strides)}
    del result
    return out


def main() -> dict:
    runs = [_timed(60.0), _timed(600.0, 100.0), _timed(3600.0)]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    base, hour = runs[0], runs[-1]
    scaling = (hour["cpu_s"] / hour["duration_s"]) / (base["cpu_s"] / base["duration_s"])
    print(f"{'simulated':>10} {'rate':>6} {'wall s':>8} {'cpu s':>8} {'x real time':>12} {'samples':>10}")
    for r in runs:
        print(f"{r['duration_s']:>9.0f}s {r['rate_hz']:>5.0f} {r['wall_s']:>8.1f} {r['cpu_s']:>8.1f} "
              f"{r['duration_s'] / r['wall_s']:>12.0f} {r['samples']:>10d}")
    print(f"peak RSS {peak_mb:.0f} MB; cpu-time scaling 1 h vs 60 s: {scaling:.2f} (1.0 = linear)")
    met = hour["wall_s"] < TARGET_S
    return {"runs": runs, "peak_rss_mb": peak_mb, "scaling_vs_60s": scaling,
            "targets": [{"name": "simulate 1 h, 4 sensors, 200 Hz (wall s)",
                         "value": round(hour["wall_s"], 1), "target": f"< {TARGET_S:g}", "met": met},
                        {"name": "simulate 1 h, 4 sensors, 200 Hz (cpu s)", "value": round(hour["cpu_s"], 1),
                         "target": f"< {TARGET_S:g}", "met": hour["cpu_s"] < TARGET_S}]}


if __name__ == "__main__":
    main()
