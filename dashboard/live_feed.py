"""From raw packets to what the live page plots: decode, put on the session clock, analyse, fill the hub.

:class:`HubFeeder` is a :class:`gait.types.PacketConsumer`. ``on_packet`` only queues (it runs on the
acquisition loop, which must never wait); a worker thread drains the queue every 50 ms, decodes with the
same :class:`gait.decode.PacketDecoder` as recording and analysis, maps each sensor's device clock onto the
session (host receive) clock and feeds :class:`gait.pipeline.live.LiveAnalyzer`.

Until the analyser has calibrated (standing window, then ~15 s of walking) no ankle angle exists, so the
plots show each sensor's angular-rate magnitude instead — real data that tells the therapist every sensor
moves — and switch to α β γ once the analyser runs. Stride count and cadence come from the analyser's
provisional (events-only) strides, a few seconds into walking; the hub also keeps how many of them already
have full metrics, so the page can label the rest as provisional.
"""

from __future__ import annotations

import collections
import threading

import numpy as np

from dashboard.live_buffer import LiveHub
from gait.conventions import SIDES, placement
from gait.types import Packet, SampleBlock

DRAIN_INTERVAL_S = 0.05
CLOCK_LEARN_S = 2.0  # the device→session offset is learnt over the first seconds, then frozen
ANALYSIS_RATE_HZ = 200.0
RATE_TAIL_S = 2.0  # angular-rate samples kept per sensor to align shank and foot for display
RATE_GRID_S = 0.01


class SessionClockMap:
    """Device clock → session clock per sensor: ``t_session = t_device + offset``.

    The offset is the smallest ``host receive time − device time of the packet's last sample`` seen during
    the first :data:`CLOCK_LEARN_S` seconds (the packet that travelled fastest), then frozen so that times
    stay monotonic. Drift is ignored: a few milliseconds per minute, far below a plotted pixel. Blocks
    already on the host clock pass through.
    """

    def __init__(self) -> None:
        self._offset_s: dict[str, float] = {}
        self._first_host_s: dict[str, float] = {}

    def to_session(self, block: SampleBlock, host_time_s: float) -> SampleBlock:
        if block.clock in ("host", "session"):
            return SampleBlock(
                block.sensor, block.t_s, block.acc_mps2, block.gyr_rps, block.mag_uT, "session"
            )
        first = self._first_host_s.setdefault(block.sensor, host_time_s)
        candidate = host_time_s - float(block.t_s[-1])
        if host_time_s - first <= CLOCK_LEARN_S:
            self._offset_s[block.sensor] = min(self._offset_s.get(block.sensor, np.inf), candidate)
        offset = self._offset_s[block.sensor]
        return SampleBlock(
            block.sensor, block.t_s + offset, block.acc_mps2, block.gyr_rps, block.mag_uT, "session"
        )


class HubFeeder:
    """PacketConsumer feeding the live hub (raw rates first, then live-analysis angles, cadence, strides)."""

    def __init__(
        self,
        hub: LiveHub,
        profiles: dict[str, object],
        rates_hz: dict[str, float | None],
        meta: dict,
        analyzer_factory=None,
    ) -> None:
        from gait.decode import PacketDecoder  # noqa: PLC0415 - codec stack only when streaming

        self.hub, self.meta = hub, meta
        self._decoders = {p: PacketDecoder(profile, p, rates_hz.get(p)) for p, profile in profiles.items()}
        self._clock = SessionClockMap()
        self._queue: collections.deque[Packet] = collections.deque()
        self._analyzer = (analyzer_factory or _default_analyzer)(meta)
        self._last_angle_t = dict.fromkeys(SIDES, -np.inf)
        self._rate_tail: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._rates_done_s = dict.fromkeys(SIDES, -np.inf)
        self.latest_host_s = 0.0
        self.problems: list[str] = []
        self._stop = threading.Event()
        self._worker = threading.Thread(target=self._run, name="live-feeder", daemon=True)
        self._worker.start()

    # -- PacketConsumer --------------------------------------------------------------------------------
    def on_packet(self, packet: Packet) -> None:
        self._queue.append(packet)
        self.latest_host_s = max(self.latest_host_s, packet.host_time_s)

    def flush(self) -> None:
        """Nothing to make durable: the worker drains continuously."""

    def close(self) -> None:
        self._stop.set()
        self._worker.join(5)
        self._drain()

    def finish(self) -> None:
        """End of a replay: stop the worker, let the analyser finalise every complete stride, publish."""
        self.close()
        if self._analyzer is not None:
            self._analyzer.flush()
            self._publish({})

    # -- worker ----------------------------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.wait(DRAIN_INTERVAL_S):
            try:
                self._drain()
            except Exception as exc:  # noqa: BLE001 - the display must not take acquisition down
                self._analysis_failed(exc)

    def _analysis_failed(self, exc: Exception) -> None:
        """Stop analysing and say so on the page: the last cadence would otherwise stay up as if current."""
        self._analyzer = None
        problem = f"live analysis stopped ({exc}); the recording continues"
        if problem in self.problems:  # the worker keeps draining: say each problem once
            return
        self.problems.append(problem)
        self.hub.set_gait(None, self.hub.stride_count, self.hub.final_stride_count)
        self.hub.calibration.warnings.append(problem)

    def _drain(self) -> None:
        per_sensor: dict[str, list[Packet]] = {}
        while self._queue:
            pkt = self._queue.popleft()
            per_sensor.setdefault(pkt.sensor, []).append(pkt)
        blocks = {}
        for sensor, packets in per_sensor.items():
            decoder = self._decoders.get(sensor)
            block = decoder.feed_many(packets) if decoder else None
            if block is not None and len(block):
                blocks[sensor] = self._clock.to_session(block, packets[-1].host_time_s)
        if not blocks:
            return
        if self._analyzer is not None:
            for block in blocks.values():
                self._analyzer.on_block(block)
        self._publish(blocks)

    def _publish(self, blocks: dict[str, SampleBlock]) -> None:
        snap = self._analyzer.snapshot() if self._analyzer is not None else None
        if snap and snap["status"] == "running" and any(snap["angles"].get(s) for s in SIDES):
            if self.hub.mode != "angles":
                self.hub.set_mode("angles")
                self._publish_calibration()
            self._publish_angles(snap)
        elif self.hub.mode == "rates":
            self._publish_rates(blocks)
        if snap:
            self._publish_gait(snap)

    def _publish_angles(self, snap: dict) -> None:
        for side in SIDES:
            ring = snap["angles"].get(side)
            if not ring:
                continue
            t_s = np.asarray(ring["t_s"])
            new = t_s > self._last_angle_t[side]
            if not new.any():
                continue
            values = np.column_stack(
                [np.asarray(ring[k])[new] for k in ("alpha_deg", "beta_deg", "gamma_deg")]
            )
            self.hub.push(side, t_s[new], values)
            self._last_angle_t[side] = float(t_s[new][-1])

    def _publish_gait(self, snap: dict) -> None:
        """Live (provisional + final) stride count and cadence, and how many strides are final."""
        per_side = snap.get("live_cadence_steps_per_min", snap["cadence_steps_per_min"])
        cadence = [c for c in per_side.values() if c is not None]
        self.hub.set_gait(
            float(np.mean(cadence)) if cadence else None,
            snap.get("live_strides", snap["strides"]),
            snap["strides"],
        )

    def _publish_rates(self, blocks: dict[str, SampleBlock]) -> None:
        """Angular-rate magnitude of shank and foot per side, on a common 10 ms grid, up to the time both
        sensors of the side have delivered (sensors send packets of different sizes at different moments)."""
        for name, block in blocks.items():
            t_old, m_old = self._rate_tail.get(name, (np.zeros(0), np.zeros(0)))
            t_new = np.concatenate([t_old, block.t_s])
            m_new = np.concatenate([m_old, np.degrees(np.linalg.norm(block.gyr_rps, axis=1))])
            keep = t_new >= t_new[-1] - RATE_TAIL_S
            self._rate_tail[name] = (t_new[keep], m_new[keep])
        for side in SIDES:
            tails = [self._rate_tail.get(placement(side, seg)) for seg in ("shank", "foot")]
            present = [tail for tail in tails if tail is not None and tail[0].size]
            if not present:
                continue
            t_ready = min(tail[0][-1] for tail in present)
            t_from = max(self._rates_done_s[side], max(tail[0][0] for tail in present))
            grid = (
                np.arange(np.floor(t_from / RATE_GRID_S) + 1, np.floor(t_ready / RATE_GRID_S) + 1)
                * RATE_GRID_S
            )
            if grid.size == 0:
                continue
            rows = np.full((grid.size, 3), np.nan)
            for col, tail in enumerate(tails):
                if tail is not None and tail[0].size:
                    rows[:, col] = np.interp(grid, *tail)
            self.hub.push(side, grid, rows)
            self._rates_done_s[side] = float(grid[-1])

    def decode_stats(self) -> dict:
        """Per-sensor decoder counters (packets, samples, bad, lost) — what a replay's status cards show."""
        return {p: d.stats for p, d in self._decoders.items()}

    def _publish_calibration(self) -> None:
        """Once the analyser has calibrated: the quality per sensor (0–1) and its warnings on the page."""
        report = self._analyzer.result().calibration
        qualities = {p: c.get("quality") for p, c in report.items() if isinstance(c, dict)}
        known = [q for q in qualities.values() if q is not None]
        cal = self.hub.calibration
        cal.state = "done"
        cal.quality = min(known) if known else None
        cal.message = "quality per sensor: " + ", ".join(
            f"{p.replace('_', ' ')} {q:.2f}" for p, q in qualities.items() if q is not None
        )
        cal.warnings = [w for c in report.values() if isinstance(c, dict) for w in c.get("warnings", [])]


def _default_analyzer(meta: dict):
    try:
        from gait.pipeline.live import LiveAnalyzer  # noqa: PLC0415
    except ImportError:
        return None
    return LiveAnalyzer(meta, rate_hz=ANALYSIS_RATE_HZ)
