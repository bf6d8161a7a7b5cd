"""Loading a session for analysis: metadata, samples on the session clock, windows, time grid.

Kept apart from the stage code so that the offline path (a folder on disk) and tests (blocks in memory) build
the same :class:`SessionPlan`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from gait.conventions import PLACEMENTS, SIDES
from gait.errors import GaitError
from gait.recording.metadata import read_metadata
from gait.types import SampleBlock

#: Seconds of walking (after the standing window) used for the functional mediolateral axis; the live
#: analyser can calibrate after the same amount of data, which keeps replay and offline results equal.
CALIBRATION_WALK_S = 15.0
CALIBRATION_MARGIN_S = 2.0
MIN_STANDING_S = 1.0  # extra data after the walking window so filters inside calibration settle


@dataclass
class SessionPlan:
    """What every stage needs to know about one session, on the session clock."""

    meta: dict
    blocks: dict[str, SampleBlock]
    path: Path | None = None
    sync_report: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    calibration_walk_s: float = CALIBRATION_WALK_S
    #: side -> standing window found by calibration when session.json has none
    detected_standing_s: dict[str, tuple[float, float]] = field(default_factory=dict)

    def adopt_detected_standing(self, calibrations: list) -> None:
        """Without a standing window in session.json, use per side the quiet standing that the shank's and
        the foot's calibration both found (overlap ≥ :data:`MIN_STANDING_S`) as the zero pose."""
        if self.standing_window_s is not None:
            return
        for side in SIDES:
            wins = [(c.standing.t0_s, c.standing.t1_s) for c in calibrations
                    if c.sensor.startswith(side) and c.standing is not None]
            if len(wins) == 2 and min(w[1] for w in wins) - max(w[0] for w in wins) >= MIN_STANDING_S:
                self.detected_standing_s[side] = (max(w[0] for w in wins), min(w[1] for w in wins))

    @cached_property
    def rate_hz(self) -> float:
        """Analysis rate: the median of the sensors' rates, rounded to 0.1 Hz (computed once: every stage
        asks, and each block's rate is a median over all its samples)."""
        return round(float(np.median([b.rate_hz for b in self.blocks.values()])), 1)

    @property
    def t_start_s(self) -> float:
        return max(float(b.t_s[0]) for b in self.blocks.values())

    @property
    def t_end_s(self) -> float:
        return min(float(b.t_s[-1]) for b in self.blocks.values())

    def window(self, kind: str) -> tuple[float, float] | None:
        for w in self.meta.get("calibration", []) or []:
            if w.get("kind") == kind:
                return float(w["t0_s"]), float(w["t1_s"])
        return None

    @property
    def standing_window_s(self) -> tuple[float, float] | None:
        return self.window("standing")

    @property
    def functional_window_s(self) -> tuple[float, float] | None:
        return self.window("functional")

    def reference_standing_s(self, side: str) -> tuple[float, float] | None:
        """Standing pose that defines zero on a side: the session's window, else one calibration found."""
        return self.standing_window_s or self.detected_standing_s.get(side)

    def _walk_start(self, standing: tuple[float, float] | None) -> float | None:
        walking = self.window("walking")
        if walking is not None:
            return walking[0]
        return None if standing is None else standing[1]

    def walk_start_s(self, side: str) -> float | None:
        """Start of walking on a side (heading drift blocks start here)."""
        return self._walk_start(self.reference_standing_s(side))

    @property
    def calibration_walk_window_s(self) -> tuple[float, float] | None:
        """Walking used for calibration (from session.json windows only: known before calibrating)."""
        start = self._walk_start(self.standing_window_s)
        return None if start is None else (start, start + self.calibration_walk_s)

    @property
    def calibration_end_s(self) -> float | None:
        """Data after this time is not used for calibration (None: no walking window known, use all)."""
        win = self.calibration_walk_window_s
        return None if win is None else win[1] + CALIBRATION_MARGIN_S

    def standing_mask(self, t_s: np.ndarray, side: str) -> np.ndarray | None:
        win = self.reference_standing_s(side)
        return None if win is None else (t_s >= win[0]) & (t_s <= win[1])

    def session_info(self) -> dict:
        m = self.meta
        return {"id": m.get("id"), "subject": m.get("subject"), "condition": m.get("condition"),
                "source": m.get("source"), "path": None if self.path is None else str(self.path),
                "duration_s": round(self.t_end_s - self.t_start_s, 3)}

    def sensor_report(self) -> dict:
        out = {}
        for name in PLACEMENTS:
            block = self.blocks.get(name)
            if block is None:
                out[name] = {"present": False, "rate_hz": None, "n_samples": None, "loss_pct": None,
                             "reason": "no data for this placement"}
                continue
            span_s = float(block.t_s[-1] - block.t_s[0])
            expected = span_s * self.rate_hz + 1
            out[name] = {"present": True, "rate_hz": round(block.rate_hz, 3), "n_samples": len(block),
                         "loss_pct": round(max(0.0, 100.0 * (1 - len(block) / expected)), 3), "reason": None}
        return out


def _to_session_clock(blocks: dict[str, SampleBlock],
                      windows: list[dict] | None) -> tuple[dict[str, SampleBlock], dict, list[str]]:
    """Map device/host clocks to the session clock with gait.sync; blocks already on it pass through."""
    if all(b.clock == "session" for b in blocks.values()):
        return blocks, {"method": "already on the session clock"}, []
    from gait.sync import synchronize

    synced, report = synchronize(blocks, windows)
    return synced, report.to_dict(), list(report.warnings)


def plan_blocks(blocks: dict[str, SampleBlock], meta: dict, path: Path | None = None) -> SessionPlan:
    """Session plan from in-memory blocks (any clock) and metadata."""
    known = {k: b for k, b in blocks.items() if k in PLACEMENTS and len(b) >= 2}
    where = path if path is not None else "session"
    if not known:
        raise GaitError(f"{where}: no sensor data with a known placement ({', '.join(PLACEMENTS)}); "
                        "check session.json 'sensors' or the samples/ folder")
    synced, report, warnings = _to_session_clock(known, meta.get("calibration"))
    plan = SessionPlan(meta=meta, blocks=synced, path=path, sync_report=report, warnings=warnings)
    if plan.t_end_s - plan.t_start_s < 5.0:
        raise GaitError(f"{where}: the sensors overlap for only {plan.t_end_s - plan.t_start_s:.1f} s; "
                        "at least a few strides of walking are needed")
    if plan.standing_window_s is None:
        plan.warnings.append("no standing window in session.json: calibration searches for quiet standing "
                             "(without one, absolute angles are not reported)")
    return plan


def plan_session(path: Path) -> SessionPlan:
    """Load a session folder (metadata + samples via gait.recording) into a plan."""
    from gait.recording.reader import load_samples

    if not (path / "session.json").is_file():
        raise GaitError(f"{path}: not a session folder (no session.json); give the folder `gait record`, "
                        "`gait import` or `gait simulate` wrote")
    return plan_blocks(load_samples(path), read_metadata(path), path)
