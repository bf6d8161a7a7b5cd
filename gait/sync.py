"""Time synchronisation: every sensor's clock mapped to the one session clock (offset + drift per sensor).

Clock model (the walker's, ``gait.simulate.truth.CLOCK_MODEL``):
``t_device = offset_s + (1 + drift_ppm·1e-6) · t_session``. Evidence, in order of preference:

* **Sync taps** (the protocol's 3 taps that every sensor feels, biomech.md §2.1): the tap onsets in each
  device clock align all sensors with each other (left/right alignment) and, when the session metadata gives
  the tap times on the session clock (``tap_times_s`` of the ``taps`` window), with the session clock itself.
* **Host anchors**: pairs (device time, host arrival time) from the packets. BLE latency only adds delay, so
  the *lower envelope* of host − device is fitted (ble.md §2.6); gives offset and drift.
* **Host-arrival fallback** for sensors without a device clock (``clock="host"``): a uniform time base fitted
  to the lower envelope of the arrival times.

Drift is only observable with evidence spread over time (host anchors, or taps at start *and* end, ≥ 10 s
apart); otherwise it is reported as 0 and not estimated. Relative left/right errors then grow by at most
drift × elapsed time (50 ppm → 3 ms per minute).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
from scipy.signal import find_peaks, resample_poly
from scipy.stats import theilslopes

from gait.types import SampleBlock

#: Shortest time span of tap events from which drift is fitted rather than assumed 0 (s).
MIN_DRIFT_SPAN_S = 10.0
#: Trailing mean used to high-pass the accelerometer for tap detection (s).
TAP_BASELINE_S = 0.1
#: Upsampling factor for sub-sample tap onsets.
UPSAMPLE = 16
#: Host-stamped sensors: silences longer than this count as lost samples (s).
HOST_GAP_S = 0.5
#: Heel-strike impacts ride on large swing accelerations: a shorter baseline isolates them (s).
IMPACT_BASELINE_S = 0.03
#: Onset = first crossing of this fraction of the tap's peak high-passed |acc|.
TAP_ONSET_FRACTION = 0.3


@dataclass
class SensorSync:
    """How one sensor's clock was mapped. ``t_session = (t_device − offset_s) / (1 + drift_ppm·1e-6)``."""

    sensor: str
    method: str  # "taps", "taps+host", "host-anchors", "host-arrival", "first-sample", "session"
    offset_s: float = 0.0
    drift_ppm: float = 0.0
    tap_onsets_session_s: list[float] = field(default_factory=list)
    tap_residual_ms: float | None = None
    jitter_ms: float | None = None
    leg_drift_ppm: float | None = None  # shank − foot drift of this leg measured from impacts
    warnings: list[str] = field(default_factory=list)

    def to_session(self, t_s: np.ndarray) -> np.ndarray:
        return (np.asarray(t_s, dtype=float) - self.offset_s) / (1.0 + self.drift_ppm * 1e-6)


@dataclass
class SyncReport:
    """Per-sensor clock maps plus what the alignment is worth (``to_dict`` for the analysis JSON)."""

    sensors: dict[str, SensorSync]
    tap_times_session_s: list[float] | None = None
    warnings: list[str] = field(default_factory=list)

    def apply(self, block: SampleBlock) -> SampleBlock:
        """Map a (new) block of a known sensor onto the session clock: the same model serves live blocks.

        Host-stamped sensors get the typical latency removed sample by sample (``offset_s``); the jitter-free
        time base of :func:`synchronize` needs the whole recording and is not rebuilt per live block.
        """
        if block.clock == "session":
            return block
        t_s = self.sensors[block.sensor].to_session(block.t_s)
        return SampleBlock(block.sensor, t_s, block.acc_mps2, block.gyr_rps, block.mag_uT, clock="session")

    @property
    def max_tap_residual_ms(self) -> float | None:
        values = [s.tap_residual_ms for s in self.sensors.values() if s.tap_residual_ms is not None]
        return max(values) if values else None

    def to_dict(self) -> dict:
        return {
            "sensors": {name: asdict(s) for name, s in self.sensors.items()},
            "tap_times_session_s": self.tap_times_session_s,
            "max_tap_residual_ms": self.max_tap_residual_ms,
            "warnings": list(self.warnings),
        }


def _lower_envelope_line(x: np.ndarray, y: np.ndarray, n_bins: int = 20) -> tuple[float, float]:
    """Line ``y ≈ a + b·x`` through the per-bin minima of ``y − b0·x`` (delays only ever add)."""
    if len(x) < 2:
        return float(y[0] - x[0]) if len(x) else 0.0, 1.0
    b0 = np.polyfit(x, y, 1)[0]
    resid = y - b0 * x
    edges = np.linspace(x.min(), x.max(), min(n_bins, len(x)) + 1)
    which = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, len(edges) - 2)
    idx = [np.flatnonzero(which == k)[np.argmin(resid[which == k])] for k in np.unique(which)]
    if len(idx) < 2:
        return float(np.min(resid)), float(b0)
    b, a = np.polyfit(x[idx], y[idx], 1)
    return float(a), float(b)


def fit_host_clock(device_t_s: np.ndarray, host_t_s: np.ndarray) -> tuple[float, float, float]:
    """Offset (s), drift (ppm) and jitter (ms, median latency above the envelope) from host anchors."""
    device_t_s, host_t_s = np.asarray(device_t_s, float), np.asarray(host_t_s, float)
    a, b = _lower_envelope_line(device_t_s, host_t_s)  # host = a + b·device = session
    drift = 1.0 / b - 1.0
    latency = host_t_s - (a + b * device_t_s)
    return -a / b, drift * 1e6, float(np.median(latency) * 1e3)


def _host_time_base(host_t_s: np.ndarray) -> tuple[np.ndarray, float]:
    """Uniform session times for host-stamped samples: sample index vs arrival time, lower envelope.

    Arrival jitter is far larger than a sample period, so consecutive samples are assumed consecutive; only
    silences longer than ``HOST_GAP_S`` count as lost samples (their number from the nominal period).
    """
    t = np.asarray(host_t_s, dtype=float)
    if len(t) < 3:
        return t.copy(), 0.0
    dt = np.diff(t)
    period = float(np.median(dt))
    steps = np.where(dt > HOST_GAP_S, np.maximum(1, np.rint(dt / period)), 1).astype(int)
    index = np.concatenate([[0], np.cumsum(steps)]).astype(float)
    a, b = _lower_envelope_line(index, t)
    base = a + b * index
    return base, float(np.median(t - base) * 1e3)


def detect_tap_onsets(
    t_s: np.ndarray, acc_mps2: np.ndarray, window: tuple[float, float], n_taps: int = 3
) -> np.ndarray:
    """Onset times (same clock as ``t_s``) of the ``n_taps`` strongest impacts inside ``window``.

    The accelerometer is high-passed with a *trailing* mean (no look-ahead, so nothing leaks before the
    onset); the onset is where |high-passed acc| first crosses ``TAP_ONSET_FRACTION`` of the tap's peak on a
    band-limited 16× upsampling (:func:`_fine_onset`). The threshold makes it lag the true onset by a
    shape-dependent constant, the same on every sensor (walker: −0.16 ± 0.015 ms). Returns fewer onsets
    when fewer clear impacts are found.
    """
    rate_hz = 1.0 / float(np.median(np.diff(t_s)))
    highpassed = _highpassed(acc_mps2, rate_hz)
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
    return np.asarray([_fine_onset(t_s, highpassed, int(sel[p]), rate_hz, floor) for p in strongest])


def _highpassed(acc_mps2: np.ndarray, rate_hz: float, baseline_s: float = TAP_BASELINE_S) -> np.ndarray:
    """Accelerometer minus its *trailing* mean over ``baseline_s`` (no look-ahead before an onset)."""
    width = max(2, int(round(baseline_s * rate_hz)))
    csum = np.cumsum(np.vstack([np.zeros((1, 3)), acc_mps2]), axis=0)
    idx = np.arange(len(acc_mps2))
    lo = np.maximum(idx - width, 0)
    trailing = np.empty_like(acc_mps2)
    trailing[1:] = (csum[idx[1:]] - csum[lo[1:]]) / (idx[1:] - lo[1:])[:, None]
    trailing[0] = acc_mps2[0]
    return acc_mps2 - trailing


def _fine_onset(t_s: np.ndarray, highpassed: np.ndarray, peak: int, rate_hz: float, floor: float) -> float:
    """Onset of one tap on a 16× band-limited upsampling of ±0.1 s around its peak.

    On the raw grid the threshold crossing depends on where the tap falls between samples (up to ~1.5 ms at
    200 Hz); the sensors' anti-alias filtering makes the signal band-limited, so polyphase interpolation
    recovers the waveform between samples and the crossing becomes phase-independent.
    """
    half = int(round(0.1 * rate_hz))
    i0, i1 = max(0, peak - half), min(len(t_s), peak + half + 1)
    fine = resample_poly(highpassed[i0:i1], UPSAMPLE, 1, axis=0)
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


def _impact_lags(shank: SampleBlock, foot: SampleBlock, after_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Heel-strike impacts felt by both sensors of one leg: (session time, shank − foot onset lag), seconds.

    Impacts are the strongest high-passed accelerations of the foot (≥ 0.4 s apart, after ``after_s``); each
    is timed on both sensors with the same sub-sample onset rule as the taps.
    """
    times, lags = [], []
    parts = {}
    for name, block in (("shank", shank), ("foot", foot)):
        highpassed = _highpassed(block.acc_mps2, block.rate_hz, IMPACT_BASELINE_S)
        parts[name] = (block.t_s, highpassed, np.linalg.norm(highpassed, axis=1), block.rate_hz)
    t_f, hp_f, e_f, rate_f = parts["foot"]
    t_s_, hp_s, e_s, rate_s = parts["shank"]
    walking = t_f > after_s
    if np.count_nonzero(walking) < rate_f:
        return np.zeros(0), np.zeros(0)
    floor_f = float(np.median(e_f[walking]))
    strongest = float(np.percentile(e_f[walking], 99.9))
    peaks, _ = find_peaks(np.where(walking, e_f, 0.0), height=0.6 * strongest, distance=int(0.4 * rate_f))
    floor_s = float(np.median(e_s))
    for p in peaks:
        k = int(np.searchsorted(t_s_, t_f[p]))
        lo, hi = max(0, k - int(0.03 * rate_s)), min(len(t_s_), k + int(0.03 * rate_s) + 1)
        if hi - lo < 3 or hi >= len(t_s_) or lo == 0:
            continue
        q = lo + int(np.argmax(e_s[lo:hi]))
        if e_s[q] < 3 * floor_s:
            continue
        onset_f = _fine_onset(t_f, hp_f, int(p), rate_f, floor_f)
        onset_s = _fine_onset(t_s_, hp_s, q, rate_s, floor_s)
        times.append(onset_f)
        lags.append(onset_s - onset_f)
    return np.asarray(times), np.asarray(lags)


def _leg_drift_ppm(shank: SampleBlock, foot: SampleBlock, after_s: float) -> float | None:
    """Relative clock drift shank − foot (ppm) from the trend of their impact lags; ``None`` if unclear.

    A constant lag (shock propagation up the leg, threshold differences) does not matter: only its change
    over time is used. Different event types (heel strike, toe-off) pair with different lags, so only the
    most common lag (±3 ms) is kept; then Theil–Sen. Needs ≥ 10 events over ≥ ``MIN_DRIFT_SPAN_S`` with a
    residual scatter below 1 ms.
    """
    times, lags = _impact_lags(shank, foot, after_s)
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


def _coarse(block: SampleBlock, anchors: tuple[np.ndarray, np.ndarray] | None) -> SensorSync:
    """First clock map of one sensor, before taps: session, host anchors, host arrival or first sample."""
    if block.clock == "session":
        return SensorSync(block.sensor, "session")
    if block.clock == "host":
        _, latency_ms = _host_time_base(block.t_s)
        return SensorSync(
            block.sensor, "host-arrival", offset_s=latency_ms * 1e-3, jitter_ms=round(latency_ms, 2)
        )
    if anchors is not None and len(anchors[0]) >= 2:
        offset, drift_ppm, jitter = fit_host_clock(*anchors)
        return SensorSync(block.sensor, "host-anchors", offset, drift_ppm, jitter_ms=round(jitter, 2))
    return SensorSync(
        block.sensor,
        "first-sample",
        float(block.t_s[0]) if len(block) else 0.0,
        warnings=[f"{block.sensor}: no host anchors; the device clock is assumed to start at session time 0"],
    )


def _taps_windows(windows: list[dict] | None) -> list[dict]:
    return [w for w in windows or [] if w.get("kind") == "taps"]


def _fit_taps(sync: SensorSync, onsets_device: np.ndarray, taps_session: np.ndarray) -> None:
    """Refine offset (and drift when the taps span ≥ MIN_DRIFT_SPAN_S) from matched tap events, in place."""
    span = float(np.ptp(taps_session)) if len(taps_session) > 1 else 0.0
    if span >= MIN_DRIFT_SPAN_S:
        slope, offset = np.polyfit(taps_session, onsets_device, 1)
        sync.offset_s, sync.drift_ppm = float(offset), float((slope - 1.0) * 1e6)
    else:
        sync.offset_s = float(np.mean(onsets_device - (1.0 + sync.drift_ppm * 1e-6) * taps_session))
    resid = onsets_device - (sync.offset_s + (1.0 + sync.drift_ppm * 1e-6) * taps_session)
    sync.tap_residual_ms = round(float(np.sqrt(np.mean(resid**2)) * 1e3), 3)
    sync.tap_onsets_session_s = [round(float(x), 6) for x in sync.to_session(onsets_device)]
    sync.method = "taps+host" if sync.method == "host-anchors" else "taps"


def _detect_all(blocks, syncs, windows, margin_s):
    """Tap onsets per sensor (device clock) for every taps window; sensors missing any tap are left out."""
    found: dict[str, list[np.ndarray]] = {}
    for name, block in blocks.items():
        if block.clock != "device" or len(block) < 3:
            continue
        per_window = []
        for w in windows:
            n_taps = len(w.get("tap_times_s") or []) or 3
            lo = syncs[name].offset_s + (1 + syncs[name].drift_ppm * 1e-6) * (w["t0_s"] - margin_s)
            hi = syncs[name].offset_s + (1 + syncs[name].drift_ppm * 1e-6) * (w["t1_s"] + margin_s)
            onsets = detect_tap_onsets(block.t_s, block.acc_mps2, (lo, hi), n_taps)
            if len(onsets) != n_taps:
                syncs[name].warnings.append(
                    f"{name}: found {len(onsets)} of {n_taps} sync taps near {w['t0_s']:.1f} s; "
                    "not tap-aligned"
                )
                break
            per_window.append(onsets)
        else:
            found[name] = per_window
    return found


def _refine_leg_drift(blocks, syncs, found, taps_session: np.ndarray) -> None:
    """Split each leg's measured shank−foot drift between its two tap-aligned sensors, in place."""
    for side in ("left", "right"):
        shank, foot = f"{side}_shank", f"{side}_foot"
        if shank not in found or foot not in found:
            continue
        on_session = {
            n: SampleBlock(n, syncs[n].to_session(blocks[n].t_s), blocks[n].acc_mps2, blocks[n].gyr_rps)
            for n in (shank, foot)
        }
        relative_ppm = _leg_drift_ppm(on_session[shank], on_session[foot], float(taps_session.max()) + 1.0)
        if relative_ppm is None:
            syncs[shank].warnings.append(f"{side} leg: shank-foot drift not measurable from impacts")
            continue
        for name, sign in ((shank, 1.0), (foot, -1.0)):
            syncs[name].drift_ppm += sign * relative_ppm / 2.0
            _fit_taps(syncs[name], np.concatenate(found[name]), taps_session)
            syncs[name].method += "+impacts"
            syncs[name].leg_drift_ppm = round(relative_ppm, 2)


def synchronize(
    blocks: dict[str, SampleBlock],
    windows: list[dict] | None = None,
    anchors: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
    margin_s: float = 0.5,
    refine_leg_drift: bool = True,
) -> tuple[dict[str, SampleBlock], SyncReport]:
    """Map every block onto the session clock.

    Parameters
    ----------
    blocks
        Placement → block on its own clock (``device``, ``host`` or already ``session``).
    windows
        The session's calibration windows; ``taps`` entries (``t0_s``, ``t1_s`` on the session clock, optional
        exact ``tap_times_s``) enable tap alignment. Several ``taps`` windows (start and end) allow drift.
    anchors
        Placement → (device times, host arrival times) pairs, e.g. one per packet.
    margin_s
        Extra search time around each taps window (covers coarse clock errors).
    refine_leg_drift
        With start taps only, estimate the relative drift of shank and foot of each leg from the heel-strike
        impacts both feel (:func:`_leg_drift_ppm`) and split it between them; ankle angles need the two
        sensors of a leg aligned, and this halves the expected absolute drift error too.

    Without ``tap_times_s`` the taps still align the sensors with each other: the reference is the mean tap
    time over sensors on their coarse (host or first-sample) clocks.
    """
    syncs = {name: _coarse(block, (anchors or {}).get(name)) for name, block in blocks.items()}
    report_warnings: list[str] = []
    tap_windows = _taps_windows(windows)
    tap_times: list[float] | None = None
    found = _detect_all(blocks, syncs, tap_windows, margin_s) if tap_windows else {}
    if found:
        given = [w.get("tap_times_s") for w in tap_windows]
        if all(given):
            taps_session = np.concatenate([np.asarray(g, float) for g in given])
        else:  # no exact times: the sensors' mean on their coarse clocks defines the session tap times
            taps_session = np.mean([syncs[n].to_session(np.concatenate(o)) for n, o in found.items()], axis=0)
            report_warnings.append(
                "tap times not given on the session clock; sensors aligned to each other only"
            )
        tap_times = [round(float(x), 6) for x in taps_session]
        for name, onsets in found.items():
            _fit_taps(syncs[name], np.concatenate(onsets), taps_session)
        if refine_leg_drift and np.ptp(taps_session) < MIN_DRIFT_SPAN_S:
            _refine_leg_drift(blocks, syncs, found, taps_session)
    elif tap_windows:
        report_warnings.append(
            "sync taps not found in any sensor; left/right alignment rests on the clocks alone"
        )
    else:
        report_warnings.append("no taps window in the session metadata; left/right alignment not verified")
    report = SyncReport(syncs, tap_times, report_warnings)
    synced = {}
    for name, block in blocks.items():
        if block.clock == "host":  # the whole recording is here: use the jitter-free time base
            base = _host_time_base(block.t_s)[0]
            synced[name] = SampleBlock(
                name, base, block.acc_mps2, block.gyr_rps, block.mag_uT, clock="session"
            )
        else:
            synced[name] = report.apply(block)
    return synced, report
