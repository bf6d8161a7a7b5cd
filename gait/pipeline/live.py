"""Incremental (live / replay) analysis on sample blocks, with the same stages as the offline path.

:class:`LiveAnalyzer` is fed :class:`~gait.types.SampleBlock` s on the session clock (``on_block``). It keeps
per-sensor buffers, calibrates once the standing window and the first walking seconds are in (exactly the
data the offline path calibrates on), then runs the causal estimator chunk by chunk, the relative-heading
drift block by block, event detection on a trailing window, and finalises a stride's metrics once everything
it depends on is known (the heading reference needs four 8 s drift blocks, so the first strides appear about
45 s into a session, later ones a few seconds after they end). ``snapshot()`` is thread-safe for the
dashboard (ring buffer of α β γ per side, strides, cadence). With ``estimator="vqf-online"`` a replay
reproduces ``analyze_plan(..., "vqf-online")``.

Cadence and stride count need only the gait events, not the heading, so the snapshot also carries
**provisional** strides (IC → next IC) as soon as events are detectable: before the full calibration
(standing + 15 s of walking) a provisional one on the standing window and the first :data:`EARLY_WALK_S`
of walking rotates the gyroscopes into the segment frame for event detection only; afterwards the
provisional strides are those detected but not yet finalised. They are display values (``live_*`` keys):
``strides()``/``result()`` hold only finalised strides, which stay exactly those of the offline path.

Limits: without calibration windows in the metadata it only calibrates at ``flush()`` (and has no
provisional strides); processing advances with the slowest sensor, so a sensor that stops sending holds
the analysis back until ``flush()``.
"""

from __future__ import annotations

import threading

import numpy as np

from gait.calibration import CalibrationError, calibrate_segment, still_mask
from gait.conventions import SIDES, placement
from gait.heading import (
    DRIFT_BLOCK_S,
    REFERENCE_BLOCKS,
    RelativeHeading,
    block_edges,
    rotate_about_vertical,
)
from gait.metrics import FILTER_MARGIN_S, Stride, compute_stride_metrics
from gait.orientation import get_estimator
from gait.pipeline.events_adapter import detect_side_strides
from gait.pipeline.offline import END_MARGIN_S, calibrate
from gait.pipeline.result import AnalysisResult
from gait.pipeline.session import SessionPlan
from gait.pipeline.stages import (
    SegmentMotion,
    apply_reference_policy,
    grid_indices,
    resample,
    segment_motion,
    side_curves,
)
from gait.types import SampleBlock

EVENT_WINDOW_S = 20.0  # trailing window for event detection
EVENT_MARGIN_S = 3.0  # strides closer than this to the window edges wait for more data
RING_S = 10.0  # seconds of angle curves kept for the dashboard
_FIELDS = ("q_wxyz", "gyr_rps", "acc_mps2")
TRIM_CHUNK_S = 20.0  # buffers are trimmed once this much data before the oldest needed sample piles up
EARLY_WALK_S = 4.0  # walking after the standing window before the provisional (events-only) calibration
EARLY_RETRY_S = 1.0  # a sensor whose provisional calibration failed is retried after this much more data
EARLY_MOVING_S = 3.0  # ...and needs this much motion in the walking so far (taps, shuffling are not gait)
EARLY_LEAD_S = 1.0  # provisional event detection starts this long before the walking window
CADENCE_STRIDES = 10  # live cadence: median over the last this many valid strides of a side


class LiveAnalyzer:
    """Incremental analyser; ``meta`` is the session metadata (its calibration windows are needed)."""

    def __init__(self, meta: dict, rate_hz: float, estimator: str = "vqf-online", update_s: float = 0.5):
        self.meta, self.rate_hz, self.estimator, self.update_s = meta, float(rate_hz), estimator, update_s
        self._lock = threading.Lock()
        self._raw: dict[str, list[SampleBlock]] = {}
        self._plan: SessionPlan | None = None
        self._k_next: int | None = None  # next grid index to process
        self._t = np.zeros(0)
        self._trimmed = False
        self._motion: dict[str, SegmentMotion] = {}
        self._streams: dict = {}
        self._cal: dict = {}
        self._heading: dict[str, RelativeHeading] = {}
        self._strides: dict[str, list[Stride]] = {s: [] for s in SIDES}
        self._provisional: dict[str, list[Stride]] = {s: [] for s in SIDES}  # detected, not finalised
        self._early_rot: dict = {}  # sensor -> provisional sensor→segment rotation (events only)
        self._early_retry_s = -np.inf
        self._last_update_s = -np.inf
        self.warnings: list[str] = []

    # ---- feeding -------------------------------------------------------------------------------------
    def on_block(self, block: SampleBlock) -> None:
        """Add one block (session clock); processes when ``update_s`` of new data has arrived."""
        if block.clock != "session":
            raise ValueError(f"{block.sensor}: LiveAnalyzer needs blocks on the session clock (sync first)")
        with self._lock:
            self._raw.setdefault(block.sensor, []).append(block)
            t_avail = self._available_s()
            if t_avail - self._last_update_s >= self.update_s:
                self._last_update_s = t_avail
                self._update(t_avail, final=False)

    def flush(self) -> None:
        """Process everything received so far and finalise all complete strides (end of a replay)."""
        with self._lock:
            self._update(self._available_s(), final=True)

    def close(self) -> None:
        self.flush()

    # ---- processing ----------------------------------------------------------------------------------
    def _available_s(self) -> float:
        if not self._raw:
            return -np.inf
        return min(float(blocks[-1].t_s[-1]) for blocks in self._raw.values())

    def _block(self, name: str) -> SampleBlock:
        parts = self._raw[name]
        if len(parts) > 1:
            parts[:] = [SampleBlock(name, *(np.concatenate([getattr(p, f) for p in parts])
                                            for f in ("t_s", "acc_mps2", "gyr_rps")), None, "session")]
        return parts[0]

    def _update(self, t_avail: float, final: bool) -> None:
        if self._plan is None and not self._try_calibrate(t_avail, final):
            return
        self._extend(t_avail)
        self._add_heading_blocks()
        for side in SIDES:
            self._detect(side, final)
        self._trim()

    def _trim(self) -> None:
        """Drop data no pending stride, heading block or event window can need (bounded memory)."""
        if not self._t.size:
            return
        keep_s = float(self._t[-1]) - EVENT_WINDOW_S
        for side in SIDES:
            shank, foot = self._pair(side)
            if shank is None and foot is None:
                continue
            done = self._strides[side]
            keep_s = min(keep_s, done[-1].ic_s - EVENT_MARGIN_S if done else -np.inf)
            rel = self._heading.get(side)
            if rel is not None:
                start = self._plan.walk_start_s(side)
                start = -np.inf if start is None else start
                keep_s = min(keep_s, start + len(rel.block_deg) * DRIFT_BLOCK_S)
        keep_s -= 1.0
        if keep_s < float(self._t[0]) + TRIM_CHUNK_S:
            return
        i = int(np.searchsorted(self._t, keep_s))
        self._t = self._t[i:]
        self._motion = {name: m.tail(i) for name, m in self._motion.items()}
        for name in self._raw:
            block = self._block(name)
            j = max(int(np.searchsorted(block.t_s, keep_s)) - 2, 0)
            self._raw[name] = [SampleBlock(name, block.t_s[j:], block.acc_mps2[j:], block.gyr_rps[j:], None,
                                           "session")]
        self._trimmed = True

    def _try_calibrate(self, t_avail: float, final: bool) -> bool:
        blocks = {n: self._block(n) for n in self._raw}
        plan = SessionPlan(meta=self.meta, blocks=blocks)
        end = plan.calibration_end_s
        if not final and (end is None or t_avail < end):
            self._early_events(plan, t_avail)
            return False
        self._k_next = int(grid_indices(plan.t_start_s, plan.t_end_s, self.rate_hz)[0])
        for name, block in blocks.items():
            t = np.arange(self._k_next, int(np.floor(t_avail * self.rate_hz + 1e-9)) + 1) / self.rate_hz
            acc, gyr = resample(block, t)
            cal = calibrate(plan, SampleBlock(name, t, acc, gyr, None, "session"), self._cal, self.warnings)
            if cal is not None:
                self._streams[name] = (cal, get_estimator(self.estimator).stream(self.rate_hz))
        plan.adopt_detected_standing([cal for cal, _ in self._streams.values()])
        self._plan = plan
        return True

    def _early_events(self, plan: SessionPlan, t_avail: float) -> None:
        """Provisional strides before the full calibration, from gyroscopes rotated by a provisional one."""
        walk = plan.calibration_walk_window_s
        if walk is None or t_avail < walk[0] + EARLY_WALK_S:
            return
        t = grid_indices(max(plan.t_start_s, walk[0] - EARLY_LEAD_S), t_avail, self.rate_hz) / self.rate_hz
        if t.size < 2:
            return  # the sensors' data do not overlap yet
        if len(self._early_rot) < len(plan.blocks) and t_avail >= self._early_retry_s:
            self._early_retry_s = t_avail + EARLY_RETRY_S
            self._early_calibrate(plan, (walk[0], t_avail))
        motion = {name: SegmentMotion(None, rot.apply(resample(plan.blocks[name], t)[1]), None)
                  for name, rot in self._early_rot.items()}
        for side in SIDES:
            shank, foot = motion.get(placement(side, "shank")), motion.get(placement(side, "foot"))
            if shank is not None or foot is not None:
                strides, _ = detect_side_strides(side, t, foot, shank)
                self._provisional[side] = _pending(strides, [], -np.inf, float(t[-1]))

    def _early_calibrate(self, plan: SessionPlan, walking_s: tuple[float, float]) -> None:
        """Sensor→segment rotations from the standing window and the walking so far (events only)."""
        for name, block in plan.blocks.items():
            if name in self._early_rot:
                continue
            t = grid_indices(plan.t_start_s, walking_s[1], self.rate_hz) / self.rate_hz
            acc, gyr = resample(block, t)
            w = t >= walking_s[0]
            if np.count_nonzero(~still_mask(t[w], acc[w], gyr[w])) < EARLY_MOVING_S * self.rate_hz:
                continue  # the mediolateral axis of a few taps is not the walking one: wait for steps
            try:
                cal = calibrate_segment(SampleBlock(name, t, acc, gyr, None, "session"),
                                        plan.standing_window_s, walking_s, plan.functional_window_s)
            except (CalibrationError, ValueError):
                continue  # not enough (clean) walking yet: retried with more data
            self._early_rot[name] = cal.rotation

    def _extend(self, t_avail: float) -> None:
        k_next = self._k_next
        k_end = int(np.floor(t_avail * self.rate_hz + 1e-9))
        if k_end < k_next:
            return
        t_new = np.arange(k_next, k_end + 1) / self.rate_hz
        for name, (cal, stream) in self._streams.items():
            acc, gyr = resample(self._block(name), t_new)
            new = segment_motion(stream.update(gyr, acc), acc, gyr, cal.rotation)
            old = self._motion.get(name)
            self._motion[name] = new if old is None else SegmentMotion(
                *(np.concatenate([getattr(old, f), getattr(new, f)]) for f in _FIELDS))
        self._t = np.concatenate([self._t, t_new])
        self._k_next = k_end + 1

    def _pair(self, side: str):
        return self._motion.get(placement(side, "shank")), self._motion.get(placement(side, "foot"))

    def _add_heading_blocks(self) -> None:
        plan = self._plan
        for side in SIDES:
            shank, foot = self._pair(side)
            if shank is None or foot is None:
                continue
            rel = self._heading.get(side)
            if rel is None:
                rel = RelativeHeading.from_standing(self._t, shank.q_wxyz, foot.q_wxyz,
                                                    plan.standing_mask(self._t, side))
                self._heading[side] = rel
            start = plan.walk_start_s(side)
            start = float(self._t[0]) if start is None else start
            for b0, b1 in block_edges(start, float(self._t[-1]), DRIFT_BLOCK_S)[len(rel.block_deg):]:
                sel = slice(int(np.searchsorted(self._t, b0)), int(np.searchsorted(self._t, b1)))
                rel.add_block(self._t[sel], shank.q_wxyz[sel],
                              rotate_about_vertical(foot.q_wxyz[sel], rel.standing_deg or 0.0))

    def _heading_settled_s(self, side: str) -> float:
        """Strides ending before this time have their final heading correction."""
        rel = self._heading.get(side)
        if rel is None:
            return np.inf
        return rel.block_t_s[-1] if len(rel.block_deg) >= REFERENCE_BLOCKS else -np.inf

    def _detect(self, side: str, final: bool) -> None:
        shank, foot = self._pair(side)
        if shank is None and foot is None:
            return
        done = self._strides[side]
        last_ic = done[-1].ic_s if done else -np.inf
        t_end = float(self._t[-1])
        # trailing window, but never past strides still waiting (heading settlement) to be finalised
        start = max(float(self._t[0]), min(t_end - EVENT_WINDOW_S, last_ic - EVENT_MARGIN_S))
        i0 = int(np.searchsorted(self._t, start))
        strides, _ = detect_side_strides(side, self._t[i0:], None if foot is None else foot.tail(i0),
                                         None if shank is None else shank.tail(i0))
        first = -np.inf if i0 == 0 and not self._trimmed else float(self._t[i0]) + EVENT_MARGIN_S
        limit = t_end - END_MARGIN_S if final else min(t_end - EVENT_MARGIN_S, self._heading_settled_s(side))
        for s in strides:
            ready = final or s.next_mid_stance_s is not None  # stride length needs the next mid-stance
            if s.ic_s > last_ic + 1e-6 and s.ic_s >= first and s.next_ic_s <= limit and ready:
                done.append(self._finalise(side, s))
        self._provisional[side] = _pending(strides, done, first, t_end)

    def _finalise(self, side: str, stride: Stride) -> Stride:
        shank, foot = self._pair(side)
        end_s = max(stride.next_ic_s, stride.next_mid_stance_s or -np.inf)
        pad_s = FILTER_MARGIN_S + 0.05  # the metric code cuts (and filters) FILTER_MARGIN_S around the stride
        start_s = min(stride.ic_s, stride.mid_stance_s or np.inf)
        sel = (self._t >= start_s - pad_s) & (self._t <= end_s + pad_s)
        t = self._t[sel]
        part = lambda m: None if m is None else m.select(sel)  # noqa: E731
        q_foot = None
        rel = self._heading.get(side)
        if rel is not None and foot is not None and shank is not None:
            q_foot = rotate_about_vertical(foot.q_wxyz[sel], rel.offset_deg(t))
        stride = compute_stride_metrics(stride, side_curves(side, t, part(shank), part(foot), q_foot))
        return apply_reference_policy(stride, self._plan.reference_standing_s(side) is not None)

    # ---- output --------------------------------------------------------------------------------------
    def strides(self) -> list[Stride]:
        with self._lock:
            return sorted((s for side in SIDES for s in self._strides[side]), key=lambda s: (s.ic_s, s.side))

    def snapshot(self) -> dict:
        """Thread-safe view for the dashboard: status, last RING_S s of α β γ per side, strides, cadence.

        ``strides``/``cadence_steps_per_min`` count finalised strides only (full metrics); ``live_strides``/
        ``live_cadence_steps_per_min`` add the provisional ones (``provisional_strides``: [IC, next IC] s).
        """
        with self._lock:
            out = {"t_s": float(self._t[-1]) if self._t.size else None,
                   "status": "running" if self._plan is not None else "waiting for calibration data",
                   "angles": {}, "strides": {}, "cadence_steps_per_min": {}, "live_strides": {},
                   "live_cadence_steps_per_min": {}, "provisional_strides": {}}
            for side in SIDES:
                strides, pending = self._strides[side], self._provisional[side]
                valid = [s for s in strides[-CADENCE_STRIDES:] if s.valid]
                out["strides"][side] = len(strides)
                out["cadence_steps_per_min"][side] = (
                    float(np.median([s.metrics["cadence_steps_per_min"] for s in valid])) if valid else None)
                out["live_strides"][side] = len(strides) + len(pending)
                recent = (strides + pending)[-CADENCE_STRIDES:]
                out["live_cadence_steps_per_min"][side] = _cadence_steps_per_min(recent)
                out["provisional_strides"][side] = [[s.ic_s, s.next_ic_s] for s in pending]
                out["angles"][side] = self._ring(side)
            return out

    def _ring(self, side: str) -> dict | None:
        shank, foot = self._pair(side)
        if shank is None or foot is None or not self._t.size:
            return None
        sel = self._t >= self._t[-1] - RING_S
        t = self._t[sel]
        rel = self._heading.get(side)
        q_foot = rotate_about_vertical(foot.q_wxyz[sel], rel.offset_deg(t)) if rel else foot.q_wxyz[sel]
        curves = side_curves(side, t, shank.select(sel), foot.select(sel), q_foot)
        return {"t_s": t.tolist(), **{k: curves.angles_deg[:, i].tolist()
                                      for i, k in enumerate(("alpha_deg", "beta_deg", "gamma_deg"))}}

    def result(self) -> AnalysisResult:
        """The strides so far as an :class:`AnalysisResult` (curves not included)."""
        plan = self._plan or SessionPlan(meta=self.meta, blocks={n: self._block(n) for n in self._raw})
        return AnalysisResult(
            session=plan.session_info(), sensors=plan.sensor_report(), calibration=dict(self._cal),
            heading={s: h.report() for s, h in self._heading.items()}, strides=self.strides(),
            settings={"estimator": self.estimator, "rate_hz": self.rate_hz, "mode": "live"},
            warnings=list(self.warnings))


def _pending(strides: list[Stride], done: list[Stride], first_s: float, t_end_s: float) -> list[Stride]:
    """Detected strides after the last finalised one whose next IC is far enough from the data's end."""
    last_ic = done[-1].ic_s if done else -np.inf
    return [s for s in strides
            if s.ic_s > last_ic + 1e-6 and s.ic_s >= first_s and s.next_ic_s <= t_end_s - END_MARGIN_S]


def _cadence_steps_per_min(strides: list[Stride]) -> float | None:
    """Two steps per stride over the median valid stride time (as the per-stride metric), None if none."""
    times = [s.next_ic_s - s.ic_s for s in strides if s.valid]
    return 120.0 / float(np.median(times)) if times else None
