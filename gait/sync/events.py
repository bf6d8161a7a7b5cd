"""Events every sensor of a leg (or of the body) feels at the same instant: sync taps and heel-strike impacts,
timed to a fraction of a sample."""

from __future__ import annotations

import numpy as np
from scipy.signal import find_peaks, firwin, resample_poly
from scipy.stats import theilslopes

from gait.types import SampleBlock

#: Shortest time span of events from which a drift is fitted rather than assumed 0 (s).
MIN_DRIFT_SPAN_S = 10.0
#: Trailing mean used to high-pass the accelerometer for tap detection (s).
TAP_BASELINE_S = 0.1
#: Heel-strike impacts ride on large swing accelerations: a shorter baseline isolates them (s).
IMPACT_BASELINE_S = 0.03
#: Long recordings: the first pass over this span gives the trend that guides the pairing (s).
FIRST_PASS_S = 120.0
#: Left/right drift is applied only when its 95 % interval is narrower than ± this (ppm).
SIDE_DRIFT_CI_PPM = 5.0
#: At most this many impacts per leg are timed (evenly spread over the recording).
MAX_IMPACTS = 150
#: Upsampling factor for sub-sample onsets.
UPSAMPLE = 16
#: resample_poly's default low-pass for ×UPSAMPLE, designed once (per call it cost half the time).
_UPSAMPLE_FIR = firwin(2 * 10 * UPSAMPLE + 1, 1.0 / UPSAMPLE, window=("kaiser", 5.0))
#: Onset = first crossing of this fraction of the event's peak high-passed |acc|.
TAP_ONSET_FRACTION = 0.3


def detect_tap_onsets(
    t_s: np.ndarray, acc_mps2: np.ndarray, window: tuple[float, float], n_taps: int = 3
) -> np.ndarray:
    """Onset times (same clock as ``t_s``) of the ``n_taps`` strongest impacts inside ``window``.

    The accelerometer is high-passed with a *trailing* mean (no look-ahead, so nothing leaks before the
    onset); the onset is where |high-passed acc| first crosses ``TAP_ONSET_FRACTION`` of the tap's peak on a
    band-limited 16× upsampling (:func:`fine_onset`). The threshold makes it lag the true onset by a
    shape-dependent constant, the same on every sensor (walker: −0.16 ± 0.015 ms). Returns fewer onsets
    when fewer clear impacts are found.
    """
    rate_hz = _rate_hz(t_s)
    # only the window (plus baseline and onset search before it) is needed: hour-long blocks stay cheap
    pad = int((TAP_BASELINE_S + 0.2) * rate_hz)
    i0 = max(0, int(np.searchsorted(t_s, window[0])) - pad)
    i1 = min(len(t_s), int(np.searchsorted(t_s, window[1], side="right")) + pad)
    t_s, acc_mps2 = t_s[i0:i1], acc_mps2[i0:i1]
    highpassed = highpassed_acc(acc_mps2, rate_hz)
    energy = np.linalg.norm(highpassed, axis=1)
    sel = np.flatnonzero((t_s >= window[0]) & (t_s <= window[1]))
    if len(sel) < 3:
        return np.zeros(0)
    seg = energy[sel]
    floor = float(np.median(seg))
    peaks, props = find_peaks(
        seg, height=max(10 * floor, 0.2 * seg.max()), distance=max(1, int(0.2 * rate_hz))
    )
    strongest = np.sort(peaks[np.argsort(props["peak_heights"])[::-1][:n_taps]])
    return np.asarray([fine_onset(t_s, highpassed, int(sel[p]), rate_hz, floor) for p in strongest])


def _rate_hz(t_s: np.ndarray) -> float:
    """Sample rate from the first 10 000 time stamps (the full median costs ~20 ms per hour of data)."""
    return 1.0 / float(np.median(np.diff(t_s[:10_000])))


def highpassed_acc(acc_mps2: np.ndarray, rate_hz: float, baseline_s: float = TAP_BASELINE_S) -> np.ndarray:
    """Accelerometer minus its *trailing* mean over ``baseline_s`` (no look-ahead before an onset)."""
    n = len(acc_mps2)
    width = max(2, int(round(baseline_s * rate_hz)))
    csum = np.zeros((n + 1, acc_mps2.shape[1]))
    np.cumsum(acc_mps2, axis=0, out=csum[1:])
    trailing = np.empty_like(acc_mps2)
    trailing[0] = acc_mps2[0]
    head = min(width, n)  # samples 1..width-1 average everything before them
    trailing[1:head] = csum[1:head] / np.arange(1, head)[:, None]
    trailing[width:] = (csum[width:n] - csum[: n - width]) / width
    return acc_mps2 - trailing


def fine_onset(t_s: np.ndarray, highpassed: np.ndarray, peak: int, rate_hz: float, floor: float) -> float:
    """Onset of one tap on a 16× band-limited upsampling of ±0.1 s around its peak.

    On the raw grid the threshold crossing depends on where the tap falls between samples (up to ~1.5 ms at
    200 Hz); the sensors' anti-alias filtering makes the signal band-limited, so polyphase interpolation
    recovers the waveform between samples and the crossing becomes phase-independent.
    """
    half = int(round(0.1 * rate_hz))
    i0, i1 = max(0, peak - half), min(len(t_s), peak + half + 1)
    fine = resample_poly(highpassed[i0:i1], UPSAMPLE, 1, axis=0, window=_UPSAMPLE_FIR)
    energy = np.linalg.norm(fine, axis=1)
    dt = (t_s[i1 - 1] - t_s[i0]) / max(i1 - i0 - 1, 1) / UPSAMPLE
    k_peak = (peak - i0) * UPSAMPLE
    lo, hi = max(0, k_peak - UPSAMPLE), min(len(energy), k_peak + UPSAMPLE + 1)
    k_peak = lo + int(np.argmax(energy[lo:hi]))
    threshold = floor + TAP_ONSET_FRACTION * (energy[k_peak] - floor)
    k = k_peak
    while k > 0 and energy[k - 1] >= threshold:
        k -= 1
    if k == 0:
        return float(t_s[i0])
    frac = np.clip((threshold - energy[k - 1]) / max(energy[k] - energy[k - 1], 1e-12), 0.0, 1.0)
    return float(t_s[i0] + (k - 1 + frac) * dt)


def impact_lags(
    shank: SampleBlock, foot: SampleBlock, after_s: float, until_s: float = np.inf, predict=(0.0, 0.0)
) -> tuple[np.ndarray, np.ndarray]:
    """Heel-strike impacts felt by both sensors of one leg: (session time, shank − foot onset lag), seconds.

    Impacts are the strongest high-passed accelerations of the foot (:func:`foot_impacts`) between ``after_s``
    and ``until_s``; each is timed on both sensors with the same sub-sample onset rule as the taps. The
    shank's impact is searched ±30 ms around the lag ``predict`` = (intercept, slope) of time.
    """
    t_f, hp_f, peaks, floor_f = foot_impacts(foot, after_s)
    peaks = peaks[t_f[peaks] < until_s]
    if len(peaks) > MAX_IMPACTS:  # a trend needs span, not thousands of events: spread evenly (1 h ≈ 3000)
        peaks = peaks[np.linspace(0, len(peaks) - 1, MAX_IMPACTS).astype(int)]
    t_s_, rate_s, rate_f = shank.t_s, _rate_hz(shank.t_s), _rate_hz(foot.t_s)
    hp_s = highpassed_acc(shank.acc_mps2, rate_s, IMPACT_BASELINE_S)
    e_s = np.linalg.norm(hp_s, axis=1)
    floor_s = float(np.median(e_s))
    times, lags = [], []
    for p in peaks:
        k = int(np.searchsorted(t_s_, t_f[p] + predict[0] + predict[1] * t_f[p]))
        lo, hi = max(0, k - int(0.03 * rate_s)), min(len(t_s_), k + int(0.03 * rate_s) + 1)
        if hi - lo < 3 or hi >= len(t_s_) or lo == 0:
            continue
        q = lo + int(np.argmax(e_s[lo:hi]))
        if e_s[q] < 3 * floor_s:
            continue
        times.append(fine_onset(t_f, hp_f, int(p), rate_f, floor_f))
        lags.append(fine_onset(t_s_, hp_s, q, rate_s, floor_s) - times[-1])
    return np.asarray(times), np.asarray(lags)


def foot_impacts(foot: SampleBlock, after_s: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Strongest high-passed foot accelerations (heel strikes) after ``after_s``, ≥ 0.4 s apart.

    Returns the foot's times, high-passed acceleration, peak indices and the energy floor (median).
    """
    rate_hz = _rate_hz(foot.t_s)
    hp = highpassed_acc(foot.acc_mps2, rate_hz, IMPACT_BASELINE_S)
    energy = np.linalg.norm(hp, axis=1)
    walking = foot.t_s > after_s
    if np.count_nonzero(walking) < rate_hz:
        return foot.t_s, hp, np.zeros(0, dtype=int), 0.0
    strongest = float(np.percentile(energy[walking], 99.9))
    peaks, _ = find_peaks(np.where(walking, energy, 0.0), height=0.6 * strongest, distance=int(0.4 * rate_hz))
    return foot.t_s, hp, peaks, float(np.median(energy[walking]))


def leg_drift_ppm(shank: SampleBlock, foot: SampleBlock, after_s: float) -> float | None:
    """Relative clock drift shank − foot (ppm) from the trend of their impact lags; ``None`` if unclear.

    A constant lag (shock propagation up the leg, threshold differences) does not matter: only its change
    over time is used. Different event types (heel strike, toe-off) pair with different lags, so only the
    most common lag (±3 ms) is kept; then Theil–Sen. Needs ≥ 10 events over ≥ ``MIN_DRIFT_SPAN_S`` with a
    residual scatter below 1 ms. Long recordings: the first ``FIRST_PASS_S`` give a first trend, which then
    guides the pairing over the whole recording (after an hour, 30 ppm are 100 ms).
    """
    first = _lag_trend(*impact_lags(shank, foot, after_s, until_s=after_s + FIRST_PASS_S))
    if first is None:
        return None
    if foot.t_s[-1] > after_s + FIRST_PASS_S:
        first = _lag_trend(*impact_lags(shank, foot, after_s, predict=first), predict=first)
        if first is None:
            return None
    return float(first[1] * 1e6)


def _lag_trend(times: np.ndarray, lags: np.ndarray, predict=(0.0, 0.0)) -> tuple[float, float] | None:
    """(intercept, slope) of the dominant lag cluster over time, or ``None`` when unclear.

    The cluster is taken around ``predict`` = (intercept, slope), so a known trend does not smear it.
    """
    if len(lags) < 10:
        return None
    detrended = lags - (predict[0] + predict[1] * times)
    counts, edges = np.histogram(detrended, bins=np.arange(detrended.min(), detrended.max() + 2e-3, 2e-3))
    mode = 0.5 * (edges[np.argmax(counts)] + edges[np.argmax(counts) + 1])
    keep = np.abs(detrended - mode) < 3e-3
    times, lags = times[keep], lags[keep]
    if len(times) < 10 or np.ptp(times) < MIN_DRIFT_SPAN_S:
        return None
    slope, intercept, _, _ = theilslopes(lags, times)
    resid = lags - (intercept + slope * times)
    if np.median(np.abs(resid)) > 1e-3 or abs(slope) > 500e-6:
        return None
    return float(intercept), float(slope)


def side_drift_ppm(left_foot: SampleBlock, right_foot: SampleBlock, after_s: float) -> float | None:
    """Relative clock drift left − right (ppm) from the trend of the left heel strikes' position between the
    right ones; ``None`` unless the 95 % interval is narrower than ±``SIDE_DRIFT_CI_PPM``.

    Gait alternates: each left impact sits near the middle of two right ones. Step-time variability (≈ 10–20
    ms) and a constant asymmetry do not matter; a clock drift makes the offset from the middle grow linearly.
    Over a minute the trend is far too uncertain; over tens of minutes it is precise (an hour: ≈ 1 ppm).
    """
    t_left, _, peaks_left, _ = foot_impacts(left_foot, after_s)
    t_right, _, peaks_right, _ = foot_impacts(right_foot, after_s)
    left, right = t_left[peaks_left], t_right[peaks_right]
    if len(left) < 20 or len(right) < 20:
        return None
    k = np.searchsorted(right, left)
    ok = (k > 0) & (k < len(right))
    left, prev, nxt = left[ok], right[k[ok] - 1], right[np.minimum(k[ok], len(right) - 1)]
    stride = nxt - prev
    # consecutive right impacts of steady gait (a missed impact would double the "stride")
    ok = (stride > 0.6) & (stride < 2.5) & (np.abs(stride - np.median(stride)) < 0.25 * np.median(stride))
    if np.count_nonzero(ok) < 20 or np.ptp(left[ok]) < MIN_DRIFT_SPAN_S:
        return None
    offset, at = left[ok] - 0.5 * (prev[ok] + nxt[ok]), left[ok]
    if len(at) > 4 * MAX_IMPACTS:  # Theil–Sen is O(n²): an evenly spread subset keeps the span
        pick = np.linspace(0, len(at) - 1, 4 * MAX_IMPACTS).astype(int)
        offset, at = offset[pick], at[pick]
    slope, _, low, high = theilslopes(offset, at)
    if (high - low) / 2 > SIDE_DRIFT_CI_PPM * 1e-6 or abs(slope) > 500e-6:
        return None
    return float(slope * 1e6)
