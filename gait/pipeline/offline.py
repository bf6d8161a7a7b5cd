"""Offline analysis of a whole session: sync → calibration → orientation → heading → kinematics → events →
metrics (DESIGN.md §2). ``analyze_session(path)`` is what ``gait analyze`` runs.

Any subset of sensors works: a missing placement makes the metrics that need it ``null`` with a reason.
Calibration uses the standing window and the first :data:`CALIBRATION_WALK_S` seconds of walking, exactly
like the live analyser, so that a replay can reproduce an offline analysis.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from gait.calibration import CalibrationError, calibrate_segment
from gait.conventions import SIDES, placement
from gait.heading import correct_relative_heading
from gait.metrics import SIGNAL_METRICS, SideCurves, compute_strides_metrics
from gait.orientation import ImuSeries, get_estimator
from gait.pipeline.events_adapter import detect_side_strides, strides_from_events
from gait.pipeline.result import AnalysisResult
from gait.pipeline.session import SessionPlan, plan_session
from gait.pipeline.stages import (
    SegmentMotion,
    apply_reference_policy,
    grid_indices,
    plausibility_warnings,
    resample,
    segment_motion,
    side_curves,
)
from gait.types import SampleBlock

DEFAULT_ESTIMATOR = "vqf"
#: Strides whose next IC falls this close to the end of the data are dropped (filters have no future there).
END_MARGIN_S = 0.3


def analyze_session(path: str | Path, estimator: str = DEFAULT_ESTIMATOR,
                    progress: bool = False) -> AnalysisResult:
    """Analyse one session folder (``session.json`` + ``packets.log`` and/or ``samples/``)."""
    plan = plan_session(Path(path))
    return analyze_plan(plan, estimator=estimator, progress=progress)


def _say(progress: bool, text: str) -> None:
    if progress:
        print(f"  {text}", file=sys.stderr, flush=True)


def analyze_plan(plan: SessionPlan, estimator: str = DEFAULT_ESTIMATOR, progress: bool = False,
                 events: dict[str, tuple] | None = None) -> AnalysisResult:
    """Run every stage on a loaded session (blocks already on the session clock).

    ``events`` (side → (ic_s, tc_s, excluded)) replaces event detection; validation uses it to separate
    kinematic errors from event errors.
    """
    est = get_estimator(estimator)
    k = grid_indices(plan.t_start_s, plan.t_end_s, plan.rate_hz)
    t_s = k / plan.rate_hz
    warnings = list(plan.warnings)
    calibration, motion, cals = {}, {}, []
    for name, block in plan.blocks.items():
        _say(progress, f"{name}: calibration and orientation ({estimator})")
        grid_block = _on_grid(block, t_s)
        cal = calibrate(plan, grid_block, calibration, warnings)
        if cal is None:
            continue
        cals.append(cal)
        series = ImuSeries(grid_block.gyr_rps, grid_block.acc_mps2, None, plan.rate_hz, name)
        quats = est.estimate(series).quat
        motion[name] = segment_motion(quats, grid_block.acc_mps2, grid_block.gyr_rps, cal.rotation)
    plan.adopt_detected_standing(cals)
    for side, (t0, t1) in plan.detected_standing_s.items():
        warnings.append(f"{side}: zero pose taken from the quiet standing found at {t0:.1f}-{t1:.1f} s")
    curves, heading, strides = {}, {}, []
    for side in SIDES:
        _say(progress, f"{side}: kinematics, events and metrics")
        curves[side], heading[side] = _side(side, t_s, motion, plan.standing_mask(t_s, side), plan)
        if events is not None:
            side_strides = strides_from_events(side, *events[side])
        else:
            side_strides, why = detect_side_strides(side, t_s, motion.get(placement(side, "foot")),
                                                    motion.get(placement(side, "shank")))
            side_strides = [s for s in side_strides if s.next_ic_s <= t_s[-1] - END_MARGIN_S]
            if why:
                warnings.append(f"{side}: no strides ({why})")
        has_standing = plan.reference_standing_s(side) is not None
        strides.extend(apply_reference_policy(s, has_standing)
                       for s in compute_strides_metrics(side_strides, curves[side]))
    strides.sort(key=lambda s: (s.ic_s, s.side))
    warnings.extend(plausibility_warnings(strides, curves))
    return AnalysisResult(
        session=plan.session_info(),
        sensors=plan.sensor_report(),
        calibration=calibration,
        heading=heading,
        strides=strides,
        settings={"estimator": estimator, "rate_hz": plan.rate_hz, "mode": "offline",
                  "calibration_walk_s": plan.calibration_walk_s},
        sync=plan.sync_report,
        availability={side: dict(_side_availability(curves[side])) for side in SIDES},
        warnings=warnings,
        curves=curves,
    )


def calibrate(plan: SessionPlan, grid_block: SampleBlock, report: dict, warnings: list[str]):
    """Calibrate one sensor on the data up to :meth:`SessionPlan.calibration_end_s` (as live does).

    Fills ``report[sensor]`` and ``warnings``; returns the SegmentCalibration or None when impossible.
    """
    end = plan.calibration_end_s
    sel = grid_block.t_s <= end if end is not None else slice(None)
    g = grid_block
    head = SampleBlock(g.sensor, g.t_s[sel], g.acc_mps2[sel], g.gyr_rps[sel], None, clock="session")
    try:
        cal = calibrate_segment(head, plan.standing_window_s, plan.calibration_walk_window_s,
                                plan.functional_window_s)
    except CalibrationError as exc:
        warnings.append(str(exc))
        report[grid_block.sensor] = {"quality": None, "warnings": [str(exc)]}
        return None
    report[grid_block.sensor] = cal.to_dict()
    warnings.extend(cal.warnings)
    return cal


def _on_grid(block: SampleBlock, t_s: np.ndarray) -> SampleBlock:
    acc, gyr = resample(block, t_s)
    return SampleBlock(block.sensor, t_s, acc, gyr, None, clock="session")


def _side(side: str, t_s: np.ndarray, motion: dict[str, SegmentMotion], standing: np.ndarray,
          plan: SessionPlan) -> tuple[SideCurves, dict]:
    shank, foot = motion.get(placement(side, "shank")), motion.get(placement(side, "foot"))
    if shank is None or foot is None:
        return side_curves(side, t_s, shank, foot), {"method": "not available (needs shank and foot)"}
    q_foot, rel = correct_relative_heading(t_s, shank.q_wxyz, foot.q_wxyz, standing, plan.walk_start_s(side))
    return side_curves(side, t_s, shank, foot, q_foot), rel.report()


def _side_availability(curves: SideCurves):
    for signal, names in SIGNAL_METRICS.items():
        if getattr(curves, signal) is None:
            for name in names:
                yield name, curves.missing.get(signal, "signal not available")

