"""Recording cost: CPU share of SessionWriter for four sensors at 400 Hz, and log read throughput.

``python -m benchmarks recording`` (or ``python -m benchmarks.bench_recording``). Four sensors' real
``diy_open_v1`` packets are delivered in real time, every 10 ms, as acquisition would: once to no consumer
(baseline: the delivery loop itself) and once to a :class:`SessionWriter` writing and fsyncing a real session.
The writer's cost is the difference in process CPU time (all threads) divided by the wall duration, as a
percentage of one core. Done for the profile's normal packing (8 samples per notification) and for the worst
case of one sample per notification. Then the throughput of the writer (as fast as it takes packets) and of
the reader, as multiples of the 4 × 400 Hz real-time rate.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from gait.decode import PacketEncoder
from gait.recording.reader import SessionReader, load_samples
from gait.recording.writer import SessionWriter
from gait.types import Packet

PLACEMENTS = ("left_shank", "right_shank", "left_foot", "right_foot")
RATE_HZ = 400.0
PACED_S = 5.0
TICK_S = 0.01
TARGET_PCT = 5.0
PROFILE = "diy_open_v1"


def _stream(duration_s: float, per_packet: int) -> list[Packet]:
    """Packets of four sensors in arrival order (host time = time the last sample in the packet was taken)."""
    rng = np.random.default_rng(1)
    enc = PacketEncoder(PROFILE, per_packet)
    n = int(duration_s * RATE_HZ) // per_packet * per_packet
    t_dev = np.arange(n) / RATE_HZ
    out = []
    for name in PLACEMENTS:
        payloads = enc.encode(t_dev, rng.normal(0, 5, (n, 3)), rng.normal(0, 2, (n, 3)))
        arrival = (np.arange(len(payloads)) + 1) * per_packet / RATE_HZ
        out += [Packet(name, float(t), p) for t, p in zip(arrival, payloads, strict=True)]
    out.sort(key=lambda p: p.host_time_s)
    return out


def _paced(packets: list[Packet], consumer) -> tuple[float, float, list[int]]:
    """Deliver in real time in 10 ms ticks: (process CPU s, wall s, on_packet call times ns).

    CPU and wall include the consumer's close; the call times show what the acquisition loop waits for.
    """
    cpu0, wall0 = time.process_time(), time.monotonic()
    clock_ns = time.perf_counter_ns
    i, tick, calls = 0, 0, []
    while i < len(packets):
        tick += 1
        now = tick * TICK_S
        while i < len(packets) and packets[i].host_time_s <= now:
            if consumer is not None:
                t0 = clock_ns()
                consumer.on_packet(packets[i])
                calls.append(clock_ns() - t0)
            i += 1
        time.sleep(max(0.0, wall0 + now - time.monotonic()))
    if consumer is not None:
        consumer.close()
    return time.process_time() - cpu0, time.monotonic() - wall0, calls


def _writer(folder: Path) -> SessionWriter:
    return SessionWriter(folder, {"subject": "BENCH", "condition": "bench", "source": "simulated",
                                  "sensors": [{"placement": p, "profile": PROFILE} for p in PLACEMENTS]})


def bench_paced(tmp: Path, per_packet: int) -> dict:
    packets = _stream(PACED_S, per_packet)
    base_cpu, _, _ = _paced(packets, None)
    rec_cpu, rec_wall, calls_ns = _paced(packets, _writer(tmp / f"paced{per_packet}"))
    cost_pct = 100.0 * (rec_cpu - base_cpu) / rec_wall
    return {"samples_per_packet": per_packet, "packets_per_s": len(packets) / PACED_S,
            "baseline_cpu_s": base_cpu, "writer_cpu_s": rec_cpu, "wall_s": rec_wall,
            "cost_pct_core": cost_pct, "on_packet_p99_us": float(np.percentile(calls_ns, 99)) / 1e3,
            "on_packet_max_us": max(calls_ns) / 1e3}


def bench_throughput(tmp: Path) -> dict:
    packets = _stream(60.0, 1)  # one minute, one sample per packet: 96 000 packets
    t0 = time.perf_counter()
    writer = _writer(tmp / "max")
    for p in packets:
        writer.on_packet(p)
    writer.close()
    write_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    n_read = sum(1 for _ in SessionReader(tmp / "max").iter_packets())
    read_s = time.perf_counter() - t0
    assert n_read == len(packets)
    t0 = time.perf_counter()
    blocks = load_samples(tmp / "max")
    load_s = time.perf_counter() - t0
    assert sum(map(len, blocks.values())) == len(packets)
    return {"packets": len(packets), "write_s": write_s, "read_s": read_s, "load_samples_s": load_s,
            "write_x_realtime": 60.0 / write_s, "read_x_realtime": 60.0 / read_s,
            "load_samples_x_realtime": 60.0 / load_s,
            "bytes_per_s_recorded": (tmp / "max" / "packets.log").stat().st_size / 60.0}


def main() -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="bench_recording_"))
    try:
        paced = [bench_paced(tmp, 8), bench_paced(tmp, 1)]
        thr = bench_throughput(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{'samples/packet':>14} {'packets/s':>10} {'baseline CPU s':>15} {'with writer CPU s':>18} "
          f"{'wall s':>7} {'writer % core':>13} {'on_packet p99/max us':>21}")
    for r in paced:
        print(f"{r['samples_per_packet']:>14} {r['packets_per_s']:>10.0f} {r['baseline_cpu_s']:>15.3f} "
              f"{r['writer_cpu_s']:>18.3f} {r['wall_s']:>7.2f} {r['cost_pct_core']:>13.2f} "
              f"{r['on_packet_p99_us']:>10.1f}/{r['on_packet_max_us']:<10.1f}")
    print(f"one minute of 4 x 400 Hz at 1 sample/packet ({thr['packets']} packets, "
          f"{thr['bytes_per_s_recorded'] / 1024:.0f} KiB/s): write {thr['write_x_realtime']:.0f}x real time, "
          f"read {thr['read_x_realtime']:.0f}x, load_samples (decode) {thr['load_samples_x_realtime']:.0f}x")
    worst = max(r["cost_pct_core"] for r in paced)
    return {"paced": paced, "throughput": thr,
            "targets": [{"name": "recording 4 sensors x 400 Hz, % of one core (worst packing)",
                         "value": round(worst, 2), "target": f"< {TARGET_PCT}", "met": worst < TARGET_PCT}]}


if __name__ == "__main__":
    main()
