"""Gait events (IC, TC, mid-stance), turns and strides from the sagittal angular rate of the foot or shank.

Input is a segment-frame gyroscope (``gait.calibration`` gives the sensor→segment rotation): Z is
mediolateral, pointing to the subject's right on both legs, so forward swing of the shank and foot is a
**positive** rate about Z (docs/conventions.md). Per stride the sagittal rate shows (biomech.md §2.6):

* a broad positive **mid-swing** peak (Salarian et al. 2004; Rampp et al. 2015 for the foot);
* before it, the fast negative **push-off** rotation, whose rate minimum comes just before toe-off and whose
  zero crossing (plantar→dorsal) just after; **TC** is placed halfway between the two;
* after it, the swing→stance crossing just before heel contact (where the rate falls below 10 % of the
  coming dip, so a flat, near-zero late swing does not count) and the first sharp minimum (the impact and
  the foot lowering) just after; **IC** is placed halfway between the two.

The halfway placement is what the manually checked annotations of the 19 Voisard trials show (TC bias
+0.7 ms, IC bias +3 ms; ``docs/events.md``): either feature alone is 25–35 ms early or late.
**Shuffle steps** (the small step into standing, a foot placed next to the other) have no swing peak to
speak of; they are found as a short burst of foot motion between two rests with some forward rotation,
and their contact is the landing impact, the largest angular acceleration of the burst
(``detect_shuffle_contacts``).
**Mid-stance** is the centre of the 100 ms window with the lowest angular-rate norm between IC and TC (Rampp's
"min_vel"). A **turn** is a stride whose heading changes by more than ``TURN_DEG``; turns, strides spanning a
data gap and strides far from the median duration are kept but marked invalid with a reason.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

import numpy as np
from scipy.signal import butter, find_peaks, sosfiltfilt
from scipy.spatial.transform import Rotation

from gait.calibration.standing import true_runs

SWING_LP_HZ = 3.0  #: smoothing for finding mid-swing peaks
EVENT_LP_HZ = 10.0  #: zero crossings and the push-off minimum
DETAIL_LP_HZ = 45.0  #: the sharp post-contact minimum (capped below Nyquist)
MIN_SWING_PEAK_RPS = 0.8  #: smaller swings (shuffling, standing) are not strides
SWING_PEAK_FRACTION = 0.2  #: ...and so are peaks below this fraction of the recording's typical swing peak
MIN_STRIDE_S = 0.4  #: mid-swing peaks closer than this are one swing
SEARCH_FRACTION = 0.45  #: IC/TC are searched within this fraction of a stride from the mid-swing peak
IMPACT_FRACTION = 0.7  #: the post-contact minimum must reach this fraction of the window's deepest value
CROSSING_FRACTION = 0.1  #: the swing→stance crossing is where the rate falls below this fraction of the dip
MID_STANCE_WINDOW_S = 0.1
MOVING_RPS = 0.5  #: angular-rate norm (10 Hz) above which the foot is moving (at rest it is < 0.1 rad/s)
SHUFFLE_REST_S = 0.15  #: a shuffle step is a burst of motion with at least this much rest before and after
SHUFFLE_DURATION_S = (0.12, 1.0)  #: ...lasting this long (shorter: a jolt; longer: not one step)
SHUFFLE_MIN_FORWARD_RPS = 1.0  #: ...with some forward sagittal rotation (weight shifts have none)
TURN_DEG = 20.0  #: heading change per stride above which a stride is a turn
MAX_GAP_S = 0.1  #: a data gap longer than this inside a stride invalidates the stride
MAX_STRIDE_DEVIATION = 0.25  #: non-steady: stride time this far (fraction) from the median
DEFAULT_STRIDE_S = 1.1  #: used for search windows when too few strides are seen to measure it


@dataclass
class SagittalEvents:
    """Events found in one sagittal-rate series; arrays are aligned per mid-swing peak (NaN = not found).

    For peak ``j`` the toe-off ``tc_s[j]`` comes before it and the initial contact ``ic_s[j]`` after it.
    """

    mid_swing_s: np.ndarray
    tc_s: np.ndarray
    ic_s: np.ndarray


@dataclass
class StrideEvents:
    """One stride IC → TC → next IC of one side, with mid-stance and whether it is steady walking."""

    side: str
    ic_s: float
    tc_s: float
    next_ic_s: float
    mid_stance_s: float
    heading_change_deg: float
    valid: bool = True
    reason: str | None = None

    @property
    def stride_time_s(self) -> float:
        return self.next_ic_s - self.ic_s

    @property
    def stance_pct(self) -> float:
        return 100.0 * (self.tc_s - self.ic_s) / self.stride_time_s

    def exclude(self, reason: str) -> None:
        if self.valid:
            self.valid, self.reason = False, reason


@dataclass
class SideEvents:
    """Events and strides of one side; ``source`` says which segment's gyroscope they came from."""

    side: str
    source: str
    ic_s: np.ndarray
    tc_s: np.ndarray
    mid_stance_s: np.ndarray
    strides: list[StrideEvents] = field(default_factory=list)
    shuffle_ic_s: np.ndarray = field(default_factory=lambda: np.array([]))  #: also in ``ic_s``

    @property
    def excluded(self) -> dict[float, str]:
        """IC time → reason for every excluded stride (the form the pipeline's stride builder takes)."""
        return {s.ic_s: s.reason for s in self.strides if not s.valid}


def _lowpass(x: np.ndarray, cutoff_hz: float, rate_hz: float) -> np.ndarray:
    cutoff = min(cutoff_hz, 0.45 * rate_hz)
    if len(x) < 16:
        return x.copy()
    return sosfiltfilt(butter(2, cutoff / (0.5 * rate_hz), output="sos"), x, axis=0)


def uniform_grid(t_s: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Resample onto a uniform grid at the median rate (lost samples are bridged linearly for detection)."""
    rate_hz = float(1.0 / np.median(np.diff(t_s)))
    t_u = t_s[0] + np.arange(int(np.floor((t_s[-1] - t_s[0]) * rate_hz + 1e-9)) + 1) / rate_hz
    if values.ndim == 1:
        return t_u, np.interp(t_u, t_s, values), rate_hz
    cols = [np.interp(t_u, t_s, values[:, k]) for k in range(values.shape[1])]
    return t_u, np.column_stack(cols), rate_hz


def detect_sagittal_events(t_s: np.ndarray, sagittal_rps: np.ndarray) -> SagittalEvents:
    """IC, TC and mid-swing times from a sagittal angular rate (rad/s, positive = forward swing)."""
    t_u, rate, rate_hz = uniform_grid(np.asarray(t_s, float), np.asarray(sagittal_rps, float))
    swing = _lowpass(rate, SWING_LP_HZ, rate_hz)
    events = _lowpass(rate, EVENT_LP_HZ, rate_hz)
    detail = _lowpass(rate, DETAIL_LP_HZ, rate_hz)
    typical = np.percentile(swing, 99) if len(swing) else 0.0
    height = max(MIN_SWING_PEAK_RPS, SWING_PEAK_FRACTION * typical)
    peaks, _ = find_peaks(swing, height=height, distance=max(1, int(MIN_STRIDE_S * rate_hz)))
    stride_s = float(np.median(np.diff(peaks))) / rate_hz if len(peaks) > 2 else DEFAULT_STRIDE_S
    reach = max(2, int(SEARCH_FRACTION * stride_s * rate_hz))
    tc, ic = np.full(len(peaks), np.nan), np.full(len(peaks), np.nan)
    for j, p in enumerate(peaks):
        lo = max(0, p - reach, peaks[j - 1] if j else 0)
        hi = min(len(rate), p + reach, peaks[j + 1] if j + 1 < len(peaks) else len(rate))
        tc[j] = _toe_off(t_u, events, lo, p)
        ic[j] = _initial_contact(t_u, events, detail, p, hi)
    return SagittalEvents(t_u[peaks], tc, ic)


def _toe_off(t_u: np.ndarray, events: np.ndarray, lo: int, peak: int) -> float:
    """Halfway between the push-off rate minimum and the following upward zero crossing."""
    if peak - lo < 3:
        return np.nan
    m = lo + int(np.argmin(events[lo:peak]))
    if events[m] >= 0:
        return np.nan  # no push-off rotation: not a real toe-off
    z = m + int(np.argmax(events[m:peak] > 0))
    return 0.5 * (t_u[m] + t_u[z])


def _initial_contact(t_u: np.ndarray, events: np.ndarray, detail: np.ndarray, peak: int, hi: int) -> float:
    """Halfway between the swing→stance crossing and the first sharp minimum after the swing."""
    window = detail[peak:hi]
    if len(window) < 3 or window.min() >= 0:
        return np.nan
    threshold = IMPACT_FRACTION * window.min()
    inner = window[1:-1]
    is_min = (inner < window[:-2]) & (inner <= window[2:]) & (inner < threshold)
    m = peak + 1 + int(np.argmax(is_min)) if is_min.any() else peak + int(np.argmin(window))
    below = np.nonzero(events[peak : m + 1] <= CROSSING_FRACTION * detail[m])[0]
    z = peak + int(below[0]) if below.size else m
    return 0.5 * (t_u[z] + t_u[m])


def detect_shuffle_contacts(t_s: np.ndarray, gyr_rps: np.ndarray, mid_swing_s: np.ndarray) -> np.ndarray:
    """Initial contacts of steps too small for the swing detector (segment-frame gyroscope (N, 3), rad/s).

    A shuffle step is a burst of foot motion (rate norm above ``MOVING_RPS``) with the foot at rest for
    ``SHUFFLE_REST_S`` before and after (stance to stance), lasting ``SHUFFLE_DURATION_S``, with a forward
    sagittal rate of at least ``SHUFFLE_MIN_FORWARD_RPS`` and no detected mid-swing inside. Its contact is the
    landing impact: the sample with the largest angular acceleration in the burst (the lift-off is gentle).
    """
    t_u, gyr, rate_hz = uniform_grid(np.asarray(t_s, float), np.asarray(gyr_rps, float))
    moving = _lowpass(np.linalg.norm(gyr, axis=1), EVENT_LP_HZ, rate_hz) > MOVING_RPS
    jerk = np.r_[0.0, np.linalg.norm(np.diff(gyr, axis=0), axis=1)]
    rest = max(1, int(SHUFFLE_REST_S * rate_hz))
    lo_s, hi_s = SHUFFLE_DURATION_S
    contacts = []
    for a, b in true_runs(moving):
        if a < rest or b + rest > len(t_u) or moving[a - rest : a].any() or moving[b : b + rest].any():
            continue
        swings = (mid_swing_s >= t_u[a]) & (mid_swing_s <= t_u[b - 1])
        forward_rps = gyr[a:b, 2].max()
        if not lo_s <= (b - a) / rate_hz <= hi_s or swings.any() or forward_rps < SHUFFLE_MIN_FORWARD_RPS:
            continue
        contacts.append(t_u[a + int(np.argmax(jerk[a:b]))])
    return np.asarray(contacts, float)


def _span(t_s: np.ndarray, t0_s: float, t1_s: float) -> slice:
    """Samples with t0 ≤ t ≤ t1 of a sorted time base, as a slice (per-stride cost independent of length)."""
    return slice(int(np.searchsorted(t_s, t0_s, side="left")), int(np.searchsorted(t_s, t1_s, side="right")))


def mid_stance_s(t_s: np.ndarray, gyr_rps: np.ndarray, ic_s: float, tc_s: float) -> float:
    """Centre of the ``MID_STANCE_WINDOW_S`` window with the lowest angular-rate norm in [IC, TC]."""
    inside = _span(t_s, ic_s, tc_s)  # t_s is sorted: a slice, not a mask over the whole recording
    if inside.stop - inside.start < 3:
        return np.nan
    t_in, norm = t_s[inside], np.linalg.norm(gyr_rps[inside], axis=1)
    rate_hz = 1.0 / statistics.median(np.diff(t_in).tolist())  # = np.median, ~10x less overhead per stride
    width = max(1, min(len(norm), int(round(MID_STANCE_WINDOW_S * rate_hz))))
    energy = np.convolve(norm, np.ones(width) / width, mode="valid")
    k = int(np.argmin(energy))
    return float(0.5 * (t_in[k] + t_in[k + width - 1]))


def heading_change_deg(
    t_s: np.ndarray, gyr_rps: np.ndarray, t0_s: float, t1_s: float, q_wxyz: np.ndarray | None = None
) -> float:
    """Heading change of the segment between two times, degrees, + = turning left (about global Y up).

    With orientations (segment→global, wxyz) the heading of the segment's X axis projected on the ground
    is compared; without, the segment-frame rate about Y (up) is integrated, which is close enough to tell a
    turn (tens of degrees) from straight walking (a few degrees).
    """
    return float(heading_changes_deg(t_s, gyr_rps, np.array([t0_s]), np.array([t1_s]), q_wxyz)[0])


def heading_changes_deg(
    t_s: np.ndarray, gyr_rps: np.ndarray, t0_s: np.ndarray, t1_s: np.ndarray, q_wxyz: np.ndarray | None = None
) -> np.ndarray:
    """:func:`heading_change_deg` for many intervals at once (one SciPy call for all of them)."""
    i0, i1 = np.searchsorted(t_s, t0_s), np.minimum(np.searchsorted(t_s, t1_s), len(t_s) - 1)
    out = np.full(len(i0), np.nan)
    ok = i1 > i0
    if not ok.any():
        return out
    if q_wxyz is not None:
        ends = np.column_stack([i0[ok], i1[ok]])
        fwd = Rotation.from_quat(q_wxyz[ends.ravel()], scalar_first=True).apply([1.0, 0.0, 0.0])
        yaw = np.arctan2(-fwd[:, 2], fwd[:, 0]).reshape(-1, 2)
        out[ok] = np.degrees(np.angle(np.exp(1j * (yaw[:, 1] - yaw[:, 0]))))
        return out
    for k in np.flatnonzero(ok):
        seg = slice(i0[k], i1[k] + 1)
        out[k] = np.degrees(np.trapezoid(gyr_rps[seg, 1], t_s[seg]))
    return out


def build_strides(
    side: str,
    t_s: np.ndarray,
    gyr_rps: np.ndarray,
    found: SagittalEvents,
    q_wxyz: np.ndarray | None = None,
    shuffle_ic_s: np.ndarray | None = None,
) -> list[StrideEvents]:
    """Strides IC_j → TC_j+1 → IC_j+1 with mid-stance, heading change and exclusion reasons.

    A stride with a shuffle contact (``detect_shuffle_contacts``) inside is two steps, not one stride.
    """
    ic, tc, nxt = found.ic_s[:-1], found.tc_s[1:], found.ic_s[1:]
    with np.errstate(invalid="ignore"):
        keep = np.flatnonzero(np.isfinite(ic) & np.isfinite(tc) & np.isfinite(nxt) & (ic < tc) & (tc < nxt))
    turned = heading_changes_deg(t_s, gyr_rps, ic[keep], nxt[keep], q_wxyz)
    strides = [
        StrideEvents(
            side=side,
            ic_s=float(ic[j]),
            tc_s=float(tc[j]),
            next_ic_s=float(nxt[j]),
            mid_stance_s=mid_stance_s(t_s, gyr_rps, ic[j], tc[j]),
            heading_change_deg=float(turned[k]),
        )
        for k, j in enumerate(keep)
    ]
    _mark_exclusions(strides, t_s, np.array([]) if shuffle_ic_s is None else np.asarray(shuffle_ic_s))
    return strides


def _mark_exclusions(strides: list[StrideEvents], t_s: np.ndarray, shuffle_ic_s: np.ndarray) -> None:
    """Shuffle, turn, data gap and non-steady (duration) reasons; the first that applies is kept."""
    gaps = np.diff(t_s)
    for s in strides:
        if ((shuffle_ic_s > s.ic_s) & (shuffle_ic_s < s.next_ic_s)).any():
            s.exclude("non-steady: a shuffle step inside the stride")
        if abs(s.heading_change_deg) > TURN_DEG:
            s.exclude(f"turn: heading changed {s.heading_change_deg:+.0f} deg in the stride")
        span = _span(t_s, s.ic_s, s.next_ic_s)  # gaps between consecutive samples both inside the stride
        inside = gaps[span.start : max(span.start, span.stop - 1)]
        if inside.size and inside.max() > MAX_GAP_S:
            s.exclude(f"data gap of {inside.max() * 1000:.0f} ms in the stride")
    times = np.array([s.stride_time_s for s in strides if s.valid])
    if times.size < 3:
        return
    median = float(np.median(times))
    for s in strides:
        if abs(s.stride_time_s - median) > MAX_STRIDE_DEVIATION * median:
            s.exclude(
                f"non-steady: stride time {s.stride_time_s:.2f} s vs median {median:.2f} s "
                f"(> {MAX_STRIDE_DEVIATION:.0%} off)"
            )


def detect_side_events(
    side: str,
    t_s: np.ndarray,
    foot_gyr_rps: np.ndarray | None = None,
    shank_gyr_rps: np.ndarray | None = None,
    foot_q_wxyz: np.ndarray | None = None,
    shank_q_wxyz: np.ndarray | None = None,
) -> SideEvents:
    """Events and strides of one side from segment-frame gyroscopes (N, 3) on the time base ``t_s``.

    The foot is preferred when present (validated on real annotations, docs/events.md); the shank is used
    otherwise. Shuffle steps are looked for on the foot only (the shank is never at rest in stance).
    Raises ``ValueError`` when neither is given.
    """
    if foot_gyr_rps is not None:
        source, gyr, q = "foot", np.asarray(foot_gyr_rps, float), foot_q_wxyz
    elif shank_gyr_rps is not None:
        source, gyr, q = "shank", np.asarray(shank_gyr_rps, float), shank_q_wxyz
    else:
        raise ValueError("detect_side_events needs a foot or a shank gyroscope")
    t_s = np.asarray(t_s, float)
    found = detect_sagittal_events(t_s, gyr[:, 2])
    shuffle = detect_shuffle_contacts(t_s, gyr, found.mid_swing_s) if source == "foot" else np.array([])
    strides = build_strides(side, t_s, gyr, found, q, shuffle)
    ic = np.sort(np.r_[found.ic_s[np.isfinite(found.ic_s)], shuffle])
    tc = found.tc_s[np.isfinite(found.tc_s)]
    mid = np.array([s.mid_stance_s for s in strides])
    return SideEvents(side, source, ic, tc, mid, strides, shuffle)


def cadence_steps_per_min(strides: list[StrideEvents]) -> float:
    """Cadence from valid strides: 120 / median stride time (two steps per stride); NaN without strides."""
    times = [s.stride_time_s for s in strides if s.valid]
    return 120.0 / float(np.median(times)) if times else float("nan")


@dataclass
class EventMatch:
    """One-to-one matching of detected to reference event times within a tolerance."""

    n_true_positive: int
    n_reference: int
    n_detected: int
    errors_s: np.ndarray  # detected − reference of the matched pairs

    @property
    def recall(self) -> float:
        return self.n_true_positive / self.n_reference if self.n_reference else float("nan")

    @property
    def precision(self) -> float:
        return self.n_true_positive / self.n_detected if self.n_detected else float("nan")

    @property
    def mae_s(self) -> float:
        return float(np.mean(np.abs(self.errors_s))) if self.errors_s.size else float("nan")


def match_events(detected_s: np.ndarray, reference_s: np.ndarray, tolerance_s: float = 0.05) -> EventMatch:
    """Pair each reference with the closest unused detection within ``tolerance_s`` (closest pairs first).

    The tolerance is inclusive (a 1 ns slack absorbs floating-point error on sample-grid times).
    """
    det, ref = np.sort(np.asarray(detected_s, float)), np.sort(np.asarray(reference_s, float))
    if det.size == 0 or ref.size == 0:
        return EventMatch(0, ref.size, det.size, np.array([]))
    diff = np.abs(det[None, :] - ref[:, None])
    pairs = np.argwhere(diff <= tolerance_s + 1e-9)
    pairs = pairs[np.argsort(diff[pairs[:, 0], pairs[:, 1]], kind="stable")]
    used_r, used_d, errors = set(), set(), []
    for r, d in pairs:
        if r not in used_r and d not in used_d:
            used_r.add(r)
            used_d.add(d)
            errors.append(det[d] - ref[r])
    return EventMatch(len(errors), ref.size, det.size, np.asarray(errors))
