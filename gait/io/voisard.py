"""The Voisard et al. (IPOL 2023) gait data set as a reference for event detection.

A trial ``<code>`` has ``<code>_lf.txt`` / ``_rf.txt`` (feet, Xsens MT exports) and ``<code>.json`` with
``LeftFootEvents`` / ``RightFootEvents`` = [start, end] sample pairs per swing (start ≈ toe-off, end ≈ heel
strike), ``UTurnBoundaries`` and ``TrialBoundaries``. The sample numbers count 100 Hz samples from each file's
first packet counter (not file rows: trials with lost packets have annotations beyond the last row), so
here they become times on the imported session clock via the counter.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gait.calibration import calibrate_segment
from gait.errors import GaitError
from gait.events import EventMatch, cadence_steps_per_min, detect_side_events, match_events
from gait.io.xsens_mt import read_xsens_mt, to_blocks
from gait.types import SampleBlock

#: Detections this close outside the annotated trial boundaries still count (the first TC is the boundary).
BOUNDARY_MARGIN_S = 0.1
SIDE_FILES = {"left": ("lf", "LeftFootEvents"), "right": ("rf", "RightFootEvents")}


@dataclass
class VoisardTrial:
    """Foot recordings on one clock plus reference events (seconds on that clock)."""

    code: str
    blocks: dict[str, SampleBlock]  # left_foot, right_foot
    ic_ref_s: dict[str, np.ndarray]
    tc_ref_s: dict[str, np.ndarray]
    uturn_s: tuple[float, float]
    trial_s: tuple[float, float]


def trial_codes(folder: Path) -> list[str]:
    """Trial codes present in a folder (e.g. ``["1-1", "10-1", ...]``), sorted by subject then trial."""
    codes = [p.name[: -len("_lf.txt")] for p in Path(folder).glob("*_lf.txt")]
    return sorted(codes, key=lambda c: tuple(int(x) for x in c.split("-")))


def load_trial(folder: Path, code: str) -> VoisardTrial:
    """Read both feet and the annotations of one trial."""
    folder = Path(folder)
    meta_path = folder / f"{code}.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))  # the files contain NaN (allowed here)
    except (OSError, json.JSONDecodeError) as exc:
        raise GaitError(f"{meta_path}: cannot read the annotations ({exc})") from None
    recs = {
        f"{side}_foot": read_xsens_mt(folder / f"{code}_{suffix}.txt")
        for side, (suffix, _) in SIDE_FILES.items()
    }
    blocks = to_blocks(recs, trim=False)
    origin = min(int(r.counter[0]) for r in recs.values())
    rate_hz = recs["left_foot"].rate_hz
    ic, tc = {}, {}
    for side, (_, key) in SIDE_FILES.items():
        offset_s = (int(recs[f"{side}_foot"].counter[0]) - origin) / rate_hz
        pairs = np.asarray(meta[key], float).reshape(-1, 2)
        tc[side] = pairs[:, 0] / rate_hz + offset_s
        ic[side] = pairs[:, 1] / rate_hz + offset_s
    # boundaries belong to no single file; the left file's origin is used (offsets differ by ≤ 2 samples)
    left_offset_s = (int(recs["left_foot"].counter[0]) - origin) / rate_hz
    u0, u1 = (np.asarray(meta["UTurnBoundaries"], float) / rate_hz + left_offset_s).tolist()
    b0, b1 = (np.asarray(meta["TrialBoundaries"], float) / rate_hz + left_offset_s).tolist()
    return VoisardTrial(code, blocks, ic, tc, (u0, u1), (b0, b1))


@dataclass
class TrialScore:
    """Detected vs annotated events of one trial (both feet), U-turn and outside-trial events left out."""

    code: str
    ic: EventMatch
    tc: EventMatch
    ic_steady: EventMatch  # without each foot's first and last annotated step (gait initiation/termination)
    ic_shuffle: EventMatch  # the shuffle-step contacts alone against all annotated ICs (precision matters)
    cadence_steps_per_min: float
    cadence_ref_steps_per_min: float
    turn_strides_flagged: int
    straight_strides_flagged_as_turn: int
    calibration_quality: dict[str, float]


def _scored(times_s: np.ndarray, trial: VoisardTrial) -> np.ndarray:
    """Times inside the trial boundaries and outside the U-turn."""
    (u0, u1), (b0, b1) = trial.uturn_s, trial.trial_s
    t = np.asarray(times_s, float)
    return t[(t >= b0 - BOUNDARY_MARGIN_S) & (t <= b1 + BOUNDARY_MARGIN_S) & ((t < u0) | (t > u1))]


def _straight_stride_times(ic_s: np.ndarray, trial: VoisardTrial) -> np.ndarray:
    (u0, u1), (b0, b1) = trial.uturn_s, trial.trial_s
    a, b = ic_s[:-1], ic_s[1:]
    keep = (a >= b0) & (b <= b1 + BOUNDARY_MARGIN_S) & ((b < u0) | (a > u1))
    return (b - a)[keep]


def score_trial(trial: VoisardTrial, tolerance_s: float = 0.05) -> TrialScore:
    """Calibrate each foot (functional axis), detect events and compare with the annotations."""
    detected_ic, detected_tc, ref_ic, ref_tc, strides, quality = [], [], [], [], [], {}
    ref_times, steady, shuffle = [], [], []
    for side in SIDE_FILES:
        block = trial.blocks[f"{side}_foot"]
        cal = calibrate_segment(block)
        quality[side] = round(cal.quality, 3)
        found = detect_side_events(side, block.t_s, foot_gyr_rps=cal.to_segment(block.gyr_rps))
        detected_ic.append(_scored(found.ic_s, trial))
        detected_tc.append(_scored(found.tc_s, trial))
        ref_ic.append(_scored(trial.ic_ref_s[side], trial))
        steady.append(_steady_match(detected_ic[-1], ref_ic[-1], tolerance_s))
        shuffle.append(match_events(_scored(found.shuffle_ic_s, trial), ref_ic[-1], tolerance_s))
        ref_tc.append(_scored(trial.tc_ref_s[side], trial))
        ref_times.append(_straight_stride_times(np.sort(trial.ic_ref_s[side]), trial))
        b0, b1 = trial.trial_s
        strides += [s for s in found.strides if s.ic_s >= b0 - BOUNDARY_MARGIN_S and s.next_ic_s <= b1 + 0.5]
    ic = _merge([match_events(d, r, tolerance_s) for d, r in zip(detected_ic, ref_ic, strict=True)])
    tc = _merge([match_events(d, r, tolerance_s) for d, r in zip(detected_tc, ref_tc, strict=True)])
    u0, u1 = trial.uturn_s
    in_turn = [s for s in strides if s.next_ic_s > u0 + 0.3 and s.ic_s < u1 - 0.3]
    straight = [s for s in strides if s.next_ic_s < u0 or s.ic_s > u1]
    ref_all = np.concatenate(ref_times)
    return TrialScore(
        code=trial.code,
        ic=ic,
        tc=tc,
        ic_steady=_merge(steady),
        ic_shuffle=_merge(shuffle),
        cadence_steps_per_min=cadence_steps_per_min(strides),
        cadence_ref_steps_per_min=120.0 / float(np.median(ref_all)) if ref_all.size else float("nan"),
        turn_strides_flagged=sum(1 for s in in_turn if s.reason and s.reason.startswith("turn")),
        straight_strides_flagged_as_turn=sum(1 for s in straight if s.reason and s.reason.startswith("turn")),
        calibration_quality=quality,
    )


def _steady_match(detected_s: np.ndarray, reference_s: np.ndarray, tolerance_s: float) -> EventMatch:
    """Match after leaving out the first and last reference (and detections beyond them)."""
    ref = np.sort(reference_s)
    if ref.size < 3:
        return match_events(np.array([]), np.array([]), tolerance_s)
    lo, hi = ref[0] + tolerance_s + 1e-9, ref[-1] - tolerance_s - 1e-9
    det = detected_s[(detected_s > lo) & (detected_s < hi)]
    return match_events(det, ref[1:-1], tolerance_s)


def _merge(matches: list[EventMatch]) -> EventMatch:
    return EventMatch(
        sum(m.n_true_positive for m in matches),
        sum(m.n_reference for m in matches),
        sum(m.n_detected for m in matches),
        np.concatenate([m.errors_s for m in matches]),
    )
