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
    rate_hz = 1.0 / float(np.median(np.diff(t_s[: min(len(t_s), 10_000)])))
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


def impact_lags(shank: SampleBlock, foot: SampleBlock, after_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Heel-strike impacts felt by both sensors of one leg: (session time, shank − foot onset lag), seconds.

    Impacts are the strongest high-passed accelerations of the foot (≥ 0.4 s apart, after ``after_s``); each
    is timed on both sensors with the same sub-sample onset rule as the taps.
    """
    times, lags = [], []
    parts = {}
    for name, block in (("shank", shank), ("foot", foot)):
        highpassed = highpassed_acc(block.acc_mps2, block.rate_hz, IMPACT_BASELINE_S)
        parts[name] = (block.t_s, highpassed, np.linalg.norm(highpassed, axis=1), block.rate_hz)
    t_f, hp_f, e_f, rate_f = parts["foot"]
    t_s_, hp_s, e_s, rate_s = parts["shank"]
    walking = t_f > after_s
    if np.count_nonzero(walking) < rate_f:
        return np.zeros(0), np.zeros(0)
    floor_f = float(np.median(e_f[walking]))
    strongest = float(np.percentile(e_f[walking], 99.9))
    peaks, _ = find_peaks(np.where(walking, e_f, 0.0), height=0.6 * strongest, distance=int(0.4 * rate_f))
    if len(peaks) > MAX_IMPACTS:  # a trend needs span, not thousands of events: spread evenly (1 h ≈ 3000)
        peaks = peaks[np.linspace(0, len(peaks) - 1, MAX_IMPACTS).astype(int)]
    floor_s = float(np.median(e_s))
    for p in peaks:
        k = int(np.searchsorted(t_s_, t_f[p]))
        lo, hi = max(0, k - int(0.03 * rate_s)), min(len(t_s_), k + int(0.03 * rate_s) + 1)
        if hi - lo < 3 or hi >= len(t_s_) or lo == 0:
            continue
        q = lo + int(np.argmax(e_s[lo:hi]))
        if e_s[q] < 3 * floor_s:
            continue
        onset_f = fine_onset(t_f, hp_f, int(p), rate_f, floor_f)
        onset_s = fine_onset(t_s_, hp_s, q, rate_s, floor_s)
        times.append(onset_f)
        lags.append(onset_s - onset_f)
    return np.asarray(times), np.asarray(lags)


def leg_drift_ppm(shank: SampleBlock, foot: SampleBlock, after_s: float) -> float | None:
    """Relative clock drift shank − foot (ppm) from the trend of their impact lags; ``None`` if unclear.

    A constant lag (shock propagation up the leg, threshold differences) does not matter: only its change
    over time is used. Different event types (heel strike, toe-off) pair with different lags, so only the
    most common lag (±3 ms) is kept; then Theil–Sen. Needs ≥ 10 events over ≥ ``MIN_DRIFT_SPAN_S`` with a
    residual scatter below 1 ms.
    """
    times, lags = impact_lags(shank, foot, after_s)
    if len(lags) < 10:
        return None
    counts, edges = np.histogram(lags, bins=np.arange(lags.min(), lags.max() + 2e-3, 2e-3))
    mode = 0.5 * (edges[np.argmax(counts)] + edges[np.argmax(counts) + 1])
    keep = np.abs(lags - mode) < 3e-3
    times, lags = times[keep], lags[keep]
    if len(times) < 10 or np.ptp(times) < MIN_DRIFT_SPAN_S:
        return None
    slope, intercept, _, _ = theilslopes(lags, times)
    resid = lags - (intercept + slope * times)
    if np.median(np.abs(resid)) > 1e-3 or abs(slope) > 500e-6:
        return None
    return float(slope * 1e6)
