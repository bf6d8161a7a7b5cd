"""Decode throughput per firmware profile: vectorised batch path vs the live per-packet path, same run.

``python -m benchmarks decode`` (or ``python -m benchmarks.bench_decode``). Packets are built with the
profile's encoder from synthetic samples; the batch path is :func:`gait.decode.decode_packets` over all of
them, the per-packet path is :meth:`PacketDecoder.feed` one packet at a time. Best of three repeats, in
process CPU time (``time.process_time``: on a shared machine wall time mostly measures the neighbours; on
an idle one the two agree for this single-threaded code); wall-clock batch rates are printed too.
Also reports the CPU share the per-packet path would need for four DIY sensors at 400 Hz.
"""

from __future__ import annotations

import time

import numpy as np

from gait.decode import PacketDecoder, PacketEncoder, decode_packets
from gait.profiles import load_profile, load_profiles
from gait.types import Packet

BATCH_SAMPLES = 400_000
LIVE_PACKETS = 1_500
TARGET_SAMPLES_PER_S = 2_000_000
REPEATS = 3


def _packets(profile, samples: int, per_packet: int | None = None) -> list[Packet]:
    rng = np.random.default_rng(0)
    per = per_packet or profile.samples.per_packet
    samples -= samples % per
    t_s = np.arange(samples) / profile.nominal_rate_hz
    acc = rng.normal(0.0, 5.0, (samples, 3))
    gyr = rng.normal(0.0, 2.0, (samples, 3))
    mag = rng.normal(0.0, 30.0, (samples, 3)) if profile.has_mag else None
    payloads = PacketEncoder(profile, per).encode(t_s, acc, gyr, mag)
    return [Packet("s", i * per / profile.nominal_rate_hz, b) for i, b in enumerate(payloads)]


def _best(fn, repeats: int = REPEATS, clock=time.process_time) -> float:
    times = []
    for _ in range(repeats):
        start = clock()
        fn()
        times.append(clock() - start)
    return min(times)


def _live(profile, packets: list[Packet]) -> None:
    dec = PacketDecoder(profile, "s")
    for p in packets:
        dec.feed(p)


def bench_profile(pid: str) -> dict:
    profile = load_profile(pid)
    packets = _packets(profile, BATCH_SAMPLES)
    samples = len(packets) * profile.samples.per_packet
    block, stats = decode_packets(profile, packets, "s")
    assert len(block) == samples and stats.bad == 0
    batch_s = _best(lambda: decode_packets(profile, packets, "s"))
    batch_wall_s = _best(lambda: decode_packets(profile, packets, "s"), clock=time.perf_counter)
    live = packets[:LIVE_PACKETS]
    live_s = _best(lambda: _live(profile, live))
    batch_rate = samples / batch_s
    live_rate = len(live) * profile.samples.per_packet / live_s
    return {
        "samples_per_packet": profile.samples.per_packet,
        "batch_samples_per_s": round(batch_rate),
        "batch_samples_per_s_wall": round(samples / batch_wall_s),
        "per_packet_samples_per_s": round(live_rate),
        "per_packet_us": round(live_s / len(live) * 1e6, 1),
        "batch_over_per_packet": round(batch_rate / live_rate, 1),
    }


def live_cpu_share(sensors: int = 4, rate_hz: float = 400.0, per_packet: int = 16) -> float:
    """Fraction of one core the per-packet decoder needs for ``sensors`` DIY sensors at ``rate_hz``."""
    profile = load_profile("diy_open_v1")
    packets = _packets(profile, LIVE_PACKETS * per_packet, per_packet)
    per_packet_s = _best(lambda: _live(profile, packets)) / len(packets)
    return per_packet_s * sensors * rate_hz / per_packet


def main() -> dict:
    results = {pid: bench_profile(pid) for pid in sorted(load_profiles())}
    print(f"{'profile':<24}{'n/pkt':>6}{'batch samples/s':>17}{'(wall)':>12}{'per-packet samples/s':>22}"
          f"{'us/pkt':>9}{'ratio':>8}")
    for pid, r in results.items():
        print(f"{pid:<24}{r['samples_per_packet']:>6}{r['batch_samples_per_s']:>17,}"
              f"{r['batch_samples_per_s_wall']:>12,}{r['per_packet_samples_per_s']:>22,}"
              f"{r['per_packet_us']:>9}{r['batch_over_per_packet']:>8}")
    share = live_cpu_share()
    print(f"per-packet decoding of 4 DIY sensors at 400 Hz (16 samples/packet): {share:.2%} of one core")
    targets = [
        {"name": f"batch decode {pid} (samples/s)", "value": r["batch_samples_per_s"],
         "target": TARGET_SAMPLES_PER_S, "met": r["batch_samples_per_s"] >= TARGET_SAMPLES_PER_S}
        for pid, r in results.items()
    ]
    return {"profiles": results, "live_decode_cpu_share_4x400hz": round(share, 4), "targets": targets}


if __name__ == "__main__":
    main()
