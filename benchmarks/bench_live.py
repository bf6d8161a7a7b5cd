"""Live chain cost and latency: four virtual sensors at 400 Hz through the product's live path, in real time.

``python -m benchmarks live``. The chain is the one ``gait demo`` and the live page run
(``dashboard.live_runner.AcquisitionRunner``): virtual peripherals → bleak → :class:`AcquisitionSession`
(supervisors, health decoding) → a :class:`SessionWriter` recording → ``HubFeeder`` (decode, session clock,
:class:`gait.pipeline.live.LiveAnalyzer`) → the live hub the page plots. The synthetic walker stands for its
first 10 s (the guided standing calibration takes 8 s of it), then taps and walks; angles appear once the
analyser has calibrated on the first walking seconds.

* **CPU share**: process CPU time / wall time over the streaming window, as a share of one core. It includes
  the virtual peripherals' own cost (they run in this process), so it is an upper bound; a baseline run of
  the same rig with the acquisition session alone is measured in the same process and subtracted.
* **Latency** (packet to plotted angle): for every angle sample the analyser hands to the hub, the session
  time at that moment minus the sample's own session time (≈ the host receive time of the packet that carried
  it), after each side's first push (which back-fills the page's window of history once the analyser has
  calibrated). The session clock is read through the runner (host time of the newest packet); its offset
  to the monotonic clock is the smallest seen while polling, so latencies may be overstated by one packet
  interval (20 ms at 8 samples per notification), never understated.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

import numpy as np

from dashboard.live_buffer import LiveHub
from dashboard.live_runner import AcquisitionRunner
from gait.acquisition import AcquisitionSession
from gait.conventions import PLACEMENTS
from gait.virtual import simulated_rig

RATE_HZ = 400.0
STREAM_S = 50.0  # standing 10 s + taps + enough walking for the analyser to calibrate and plot
BASELINE_S = 10.0
STANDING_S = 8.0
POLL_S = 0.02


class TimedHub(LiveHub):
    """A live hub that notes, for each pushed angle sample, the monotonic time it arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.pushes: list[tuple[float, np.ndarray]] = []  # after each side's first (back-filling) push
        self.first_pushes: dict[str, tuple[float, np.ndarray]] = {}

    def push(self, side: str, t_s: np.ndarray, values: np.ndarray) -> None:
        if self.mode == "angles":
            entry = (time.monotonic(), np.asarray(t_s, float).copy())
            if side in self.first_pushes:
                self.pushes.append(entry)
            else:
                self.first_pushes[side] = entry
        super().push(side, t_s, values)


def _rig(duration_s: float):
    return simulated_rig("normal", duration_s=duration_s, rate_hz=RATE_HZ, seed=0,
                         profiles=dict.fromkeys(PLACEMENTS, "diy_open_v1"))


def run_live(recordings_dir: Path) -> dict:
    """Stream ``STREAM_S`` s through the live runner with a recording; CPU share and latency samples."""
    hub = TimedHub()
    rig = _rig(STREAM_S + 10.0)
    runner = AcquisitionRunner(hub, rig.specs, rig.backend, recordings_dir, source="virtual",
                               calibration_s=STANDING_S)
    runner.start()
    try:
        runner.start_recording("BENCH-001", "bench live")
        runner.calibrate()
        offsets = []
        wall0, cpu0 = time.perf_counter(), time.process_time()
        while time.perf_counter() - wall0 < STREAM_S:
            if runner.now_s > 0:
                offsets.append(time.monotonic() - runner.now_s)
            time.sleep(POLL_S)
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        strides = sum(hub.stride_count.values())
    finally:
        runner.stop()
    mono_zero = min(offsets)
    latency_s = [(mono - mono_zero) - t for mono, t in hub.pushes]
    first = list(hub.first_pushes.values())
    return {
        "cpu_pct": 100.0 * cpu / wall,
        "wall_s": wall,
        "latency_s": np.concatenate(latency_s) if latency_s else np.zeros(0),
        "strides": strides,
        "first_angle_s": min(m for m, _ in first) - mono_zero if first else None,
        "backfill_s": max(float(np.ptp(t)) for _, t in first) if first else None,
    }


async def _acquisition_only(rig) -> dict:
    session = AcquisitionSession(rig.specs, [], rig.backend)
    await session.start()
    wall0, cpu0 = time.perf_counter(), time.process_time()
    await asyncio.sleep(BASELINE_S)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    await session.stop()
    return {"cpu_pct": 100.0 * cpu / wall, "wall_s": wall}


def main() -> dict:
    baseline = asyncio.run(_acquisition_only(_rig(BASELINE_S + 10.0)))
    with tempfile.TemporaryDirectory(prefix="bench-live-") as tmp:
        live = run_live(Path(tmp))
    lat_ms = live.pop("latency_s") * 1000
    pct = dict(zip(("p50", "p95", "p99", "max"), np.percentile(lat_ms, [50, 95, 99, 100]), strict=True)) \
        if lat_ms.size else {}
    extra = live["cpu_pct"] - baseline["cpu_pct"]
    print(f"4 virtual diy_open_v1 sensors at {RATE_HZ:g} Hz, real time; CPU = process CPU / wall (one core)")
    print(f"{'run':<58} {'wall s':>7} {'CPU %':>6}")
    print(f"{'acquisition session alone (peripherals included)':<58} {baseline['wall_s']:>7.1f} "
          f"{baseline['cpu_pct']:>6.1f}")
    print(f"{'live: acquisition + recording + decode + LiveAnalyzer + hub':<58} {live['wall_s']:>7.1f} "
          f"{live['cpu_pct']:>6.1f}")
    print(f"recording + live decode + incremental analysis on top of acquisition: {extra:.1f} % of one core")
    if pct:
        print(f"first angles at {live['first_angle_s']:.1f} s (back-filling {live['backfill_s']:.1f} s of "
              f"history); then packet → plotted angle latency over {lat_ms.size} samples: "
              + ", ".join(f"{k} {v:.0f} ms" for k, v in pct.items()))
    else:
        print("no ankle angle reached the hub during the run: latency not available")
    print(f"strides finalised during the run: {live['strides']}")
    result = {"baseline": baseline, "live": live, "analysis_extra_cpu_pct": extra,
              "latency_ms": pct, "latency_samples": int(lat_ms.size)}
    return result


if __name__ == "__main__":
    main()
