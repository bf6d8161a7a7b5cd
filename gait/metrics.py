"""Per-stride gait metrics from angle curves and events (definitions: biomech.md §3.1, DESIGN.md §3).

A stride runs from an initial contact (IC) to the next ipsilateral IC; stance is IC → toe-off (TC). Angles
are the side-corrected ankle angles of :mod:`gait.kinematics` (α dorsiflexion +, β inversion +, γ foot
internal rotation +), so eversion is −β and tibial internal rotation relative to the foot is −γ. Every
metric whose inputs are missing is ``None`` and the reason is kept in ``unavailable`` — never a guess.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy.signal import butter, sosfilt, sosfilt_zi

from gait.kinematics import zupt_displacement_m

#: Metric names, units in the name; the order is the CSV column order.
TEMPORAL_METRICS = ("stride_time_s", "stance_pct", "cadence_steps_per_min")
SPATIAL_METRICS = ("stride_length_m",)
ANGLE_METRICS = (
    "eversion_excursion_deg",
    "peak_eversion_deg",
    "peak_eversion_velocity_dps",
    "time_to_peak_eversion_pct",
    "tibial_ir_excursion_deg",
    "peak_dorsiflexion_deg",
    "ev_tir_ratio",
    "coupling_angle_deg",
    "coupling_slope",
)
SHANK_METRICS = ("shank_ir_loading_deg",)
METRICS = TEMPORAL_METRICS + SPATIAL_METRICS + ANGLE_METRICS + SHANK_METRICS

#: Windows as fractions of stance (biomech.md §3.1).
PEAK_EVERSION_WINDOW = 0.70
EARLY_STANCE_WINDOW = 0.50
SHANK_LOADING_WINDOW = 0.20
#: Low-pass before peak picking; the margin of data kept around a stride lets the zero-lag filter settle.
WALK_LOWPASS_HZ = 10.0
RUN_LOWPASS_HZ = 20.0
RUNNING_STRIDE_S = 0.8
FILTER_MARGIN_S = 0.3
#: Below this tibial-rotation excursion (deg) the EV/TIR ratio is meaningless and reported as not available.
MIN_TIR_FOR_RATIO_DEG = 0.5


@dataclass
class SideCurves:
    """Continuous signals of one side on a common time base; any of them may be missing (None).

    ``angles_deg`` (N, 3) = α β γ; ``rates_dps`` (N, 3) their rates; ``shank_ir_rate_dps`` (N,) the shank's
    internal rotation rate about the vertical; ``foot_acc_global_mps2`` (N, 3) the foot's gravity-free
    acceleration in the global frame (for ZUPT stride length).
    """

    t_s: np.ndarray
    angles_deg: np.ndarray | None = None
    rates_dps: np.ndarray | None = None
    shank_ir_rate_dps: np.ndarray | None = None
    foot_acc_global_mps2: np.ndarray | None = None
    missing: dict[str, str] = field(default_factory=dict)  # signal name -> reason


@dataclass
class Stride:
    """One stride of one side with its metrics (None = not available) and validity."""

    side: str
    ic_s: float
    tc_s: float
    next_ic_s: float
    valid: bool = True
    exclusion_reason: str | None = None
    mid_stance_s: float | None = None
    next_mid_stance_s: float | None = None  # mid-stance of the following stride (end of the ZUPT interval)
    metrics: dict[str, float | None] = field(default_factory=dict)
    unavailable: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "side": self.side,
            "ic_s": self.ic_s,
            "tc_s": self.tc_s,
            "next_ic_s": self.next_ic_s,
            "valid": self.valid,
            "exclusion_reason": self.exclusion_reason,
            "mid_stance_s": self.mid_stance_s,
            **{name: _clean(self.metrics.get(name)) for name in METRICS},
            "unavailable": dict(self.unavailable),
        }


def _clean(value: float | None) -> float | None:
    """JSON-safe float: NaN/inf become None."""
    if value is None or not math.isfinite(value):
        return None
    return float(value)


def temporal_metrics(ic_s: float, tc_s: float, next_ic_s: float) -> dict[str, float]:
    """Stride time, stance % and cadence (two steps per stride: 120 / stride time)."""
    stride_time_s = next_ic_s - ic_s
    return {
        "stride_time_s": stride_time_s,
        "stance_pct": 100.0 * (tc_s - ic_s) / stride_time_s,
        "cadence_steps_per_min": 120.0 / stride_time_s,
    }


_TIME_TOL_S = 1e-6  # event times from different windows differ by ~1e-11 s: keep sample membership stable


def _window(t_s: np.ndarray, t0_s: float, t1_s: float) -> slice:
    """Index slice of samples with t0 ≤ t ≤ t1 (t_s sorted), at least one sample."""
    i0 = int(np.searchsorted(t_s, t0_s - _TIME_TOL_S, side="left"))
    i1 = int(np.searchsorted(t_s, t1_s + _TIME_TOL_S, side="right"))
    return slice(min(i0, len(t_s) - 1), max(i1, i0 + 1))


def _at(t_s: np.ndarray, values: np.ndarray, time_s: float) -> float:
    return float(np.interp(time_s, t_s, values))


def vector_coding_angle_deg(proximal_deg: np.ndarray, distal_deg: np.ndarray) -> float:
    """Circular mean of the vector-coding coupling angle atan2(Δdistal, Δproximal), in [0, 360)."""
    theta = np.arctan2(np.diff(distal_deg), np.diff(proximal_deg))
    if theta.size == 0:
        return float("nan")
    return float(np.degrees(np.arctan2(np.sin(theta).mean(), np.cos(theta).mean())) % 360.0)


def _slope(x: np.ndarray, y: np.ndarray) -> float:
    """Least-squares slope of y on x (NaN when x does not vary)."""
    dx = x - x.mean()
    denom = float(np.dot(dx, dx))
    return float(np.dot(dx, y - y.mean()) / denom) if denom > 1e-12 else float("nan")


def angle_metrics(curves: SideCurves, ic_s: float, tc_s: float) -> dict[str, float]:
    """Eversion, tibial rotation, dorsiflexion and coupling metrics of one stance (biomech.md §3.1)."""
    t, ang = curves.t_s, curves.angles_deg
    stance_s = tc_s - ic_s
    beta_ic = _at(t, ang[:, 1], ic_s)
    w70 = _window(t, ic_s, ic_s + PEAK_EVERSION_WINDOW * stance_s)
    w50 = _window(t, ic_s, ic_s + EARLY_STANCE_WINDOW * stance_s)
    stance = _window(t, ic_s, tc_s)
    i_min = w70.start + int(np.argmin(ang[w70, 1]))
    eversion = -ang[:, 1]
    tibial_ir = -ang[:, 2]
    ev_exc = beta_ic - float(ang[i_min, 1])
    tir_exc = float(np.max(tibial_ir[w50])) - (-_at(t, ang[:, 2], ic_s))
    rates = curves.rates_dps
    peak_ev_vel = float(np.max(-rates[w50, 1])) if rates is not None else float("nan")
    # Coupling over loading: IC -> peak eversion (the phase in which the coupling hypothesis is stated).
    load = slice(w70.start, max(i_min + 1, w70.start + 2))
    return {
        "eversion_excursion_deg": ev_exc,
        "peak_eversion_deg": float(ang[i_min, 1]),
        "peak_eversion_velocity_dps": peak_ev_vel,
        "time_to_peak_eversion_pct": 100.0 * (float(t[i_min]) - ic_s) / stance_s,
        "tibial_ir_excursion_deg": tir_exc,
        "peak_dorsiflexion_deg": float(np.max(ang[stance, 0])),
        "ev_tir_ratio": ev_exc / tir_exc if abs(tir_exc) >= MIN_TIR_FOR_RATIO_DEG else float("nan"),
        "coupling_angle_deg": vector_coding_angle_deg(tibial_ir[w50], eversion[w50]),
        "coupling_slope": _slope(eversion[load], tibial_ir[load]),
    }


def shank_metrics(curves: SideCurves, ic_s: float, tc_s: float) -> dict[str, float]:
    """Shank internal rotation about the vertical, integrated over loading (IC → 20 % stance)."""
    w = _window(curves.t_s, ic_s, ic_s + SHANK_LOADING_WINDOW * (tc_s - ic_s))
    rate = curves.shank_ir_rate_dps[w]
    value = float(np.trapezoid(rate, curves.t_s[w])) if rate.size > 1 else float("nan")
    return {"shank_ir_loading_deg": value}


def spatial_metrics(curves: SideCurves, mid_s: float | None, next_mid_s: float | None) -> dict[str, float]:
    """Stride length: horizontal foot displacement from this stride's mid-stance to the next one (ZUPT)."""
    if mid_s is None or next_mid_s is None:
        return {"stride_length_m": float("nan")}
    disp = zupt_displacement_m(curves.t_s, curves.foot_acc_global_mps2, mid_s, next_mid_s)
    return {"stride_length_m": float(np.hypot(disp[0], disp[2]))}


_GROUPS = (
    ("angles_deg", ANGLE_METRICS, angle_metrics, ("ic_s", "tc_s")),
    ("shank_ir_rate_dps", SHANK_METRICS, shank_metrics, ("ic_s", "tc_s")),
    ("foot_acc_global_mps2", SPATIAL_METRICS, spatial_metrics, ("mid_stance_s", "next_mid_stance_s")),
)

#: Which metrics each optional signal of :class:`SideCurves` feeds.
SIGNAL_METRICS = {signal: names for signal, names, _, _ in _GROUPS}


def lowpass_hz(stride_time_s: float) -> float:
    """Cut-off for angles and rates before peak picking (biomech.md §2.5: 10–15 Hz walking, 20–25 running)."""
    return WALK_LOWPASS_HZ if stride_time_s > RUNNING_STRIDE_S else RUN_LOWPASS_HZ


_FILTERED = ("angles_deg", "rates_dps", "shank_ir_rate_dps")  #: low-passed before peak picking


def _cut(curves: SideCurves, stride: Stride) -> tuple[dict, tuple[float, float] | None]:
    """The curves cut to the stride (+ ZUPT interval + a margin), and the (cut-off, rate) of the low-pass its
    angles and rates need (None: too short or nothing to filter).

    Working on the cut keeps per-stride cost independent of the recording length, and the live analyser
    cuts exactly the same span, so both paths filter identical samples (zero-lag Butterworth).
    """
    times = [stride.ic_s, stride.next_ic_s, stride.mid_stance_s or stride.ic_s,
             stride.next_mid_stance_s or stride.next_ic_s]
    i0 = max(int(np.searchsorted(curves.t_s, min(times) - FILTER_MARGIN_S)), 0)
    i1 = int(np.searchsorted(curves.t_s, max(times) + FILTER_MARGIN_S, side="right"))
    cut = {name: None if getattr(curves, name) is None else getattr(curves, name)[i0:i1]
           for name in ("t_s", *_FILTERED, "foot_acc_global_mps2")}
    t = cut["t_s"]
    if t.size <= 30 or all(cut[n] is None for n in _FILTERED):
        return cut, None
    rate_hz = round(float((t.size - 1) / (t[-1] - t[0])), 1)
    return cut, (lowpass_hz(stride.next_ic_s - stride.ic_s), rate_hz)


def _columns(cut: dict) -> np.ndarray:
    """The signals to filter side by side, (N, k)."""
    return np.hstack([np.reshape(cut[n], (cut["t_s"].size, -1)) for n in _FILTERED if cut[n] is not None])


def _put_smooth(cut: dict, smooth: np.ndarray) -> None:
    """Replace the cut's signals by their filtered columns (the layout of :func:`_columns`)."""
    start = 0
    for name in (n for n in _FILTERED if cut[n] is not None):
        width = 1 if cut[name].ndim == 1 else cut[name].shape[1]
        part = smooth[:, start:start + width]
        cut[name] = part if cut[name].ndim == 2 else part[:, 0]
        start += width


def _local(curves: SideCurves, stride: Stride) -> SideCurves:
    """The curves cut to the stride with angles and rates low-passed (see :func:`_cut`)."""
    cut, filt = _cut(curves, stride)
    if filt is not None:
        _put_smooth(cut, _zero_lag(_butter_sos(*filt), _columns(cut)))
    return SideCurves(**cut, missing=curves.missing)


@lru_cache(maxsize=16)
def _butter_sos(cutoff_hz: float, rate_hz: float) -> tuple[np.ndarray, np.ndarray]:
    """4th-order Butterworth low-pass and its steady-state initial conditions (cached: on one stride,
    designing the filter costs more than running it)."""
    sos = butter(4, min(cutoff_hz, 0.45 * rate_hz), fs=rate_hz, output="sos")
    return sos, sosfilt_zi(sos)


def _zero_lag(filt: tuple[np.ndarray, np.ndarray], x: np.ndarray) -> np.ndarray:
    """Forward-backward filtering of the columns of ``x`` with odd extension at both ends: the algorithm of
    ``scipy.signal.sosfiltfilt`` (same padding length), reusing the cached initial conditions."""
    sos, zi = filt
    pad = min(3 * (2 * len(sos) + 1), x.shape[0] - 1)
    ext = np.concatenate([2 * x[0] - x[pad:0:-1], x, 2 * x[-1] - x[-2:-pad - 2:-1]])
    y, _ = sosfilt(sos, ext, axis=0, zi=zi[:, :, None] * ext[0])
    y, _ = sosfilt(sos, y[::-1], axis=0, zi=zi[:, :, None] * y[-1])
    return y[::-1][pad:pad + x.shape[0]]


def compute_stride_metrics(stride: Stride, curves: SideCurves | None) -> Stride:
    """Fill ``stride.metrics`` (every name in :data:`METRICS`) and ``stride.unavailable`` in place."""
    return _fill(stride, None if curves is None else _local(curves, stride))


def compute_strides_metrics(strides: list[Stride], curves: SideCurves | None) -> list[Stride]:
    """:func:`compute_stride_metrics` for many strides of one side, with identical results.

    Filtering is per column, so the cuts of equal length and filter are low-passed side by side in one call:
    on an hour of walking the per-call cost of two filter passes per stride dominated the metrics stage.
    """
    if curves is None:
        return [compute_stride_metrics(s, None) for s in strides]
    cuts = [_cut(curves, s) for s in strides]
    groups: dict[tuple, list[int]] = defaultdict(list)
    for k, (cut, filt) in enumerate(cuts):
        if filt is not None:
            groups[(filt, cut["t_s"].size)].append(k)
    for (filt, _), members in groups.items():
        columns = [_columns(cuts[k][0]) for k in members]
        smooth = _zero_lag(_butter_sos(*filt), np.hstack(columns))
        start = 0
        for k, col in zip(members, columns, strict=True):
            _put_smooth(cuts[k][0], smooth[:, start:start + col.shape[1]])
            start += col.shape[1]
    return [_fill(stride, SideCurves(**cut, missing=curves.missing))
            for stride, (cut, _) in zip(strides, cuts, strict=True)]


def _fill(stride: Stride, curves: SideCurves | None) -> Stride:
    """Metrics of one stride from its (already cut and filtered) curves."""
    stride.metrics = dict(temporal_metrics(stride.ic_s, stride.tc_s, stride.next_ic_s))
    for signal, names, func, args in _GROUPS:
        data = getattr(curves, signal) if curves is not None else None
        if data is None:
            reason = (curves.missing.get(signal) if curves is not None else None) or "signal not available"
            stride.metrics.update(dict.fromkeys(names))
            stride.unavailable.update(dict.fromkeys(names, reason))
            continue
        for name, value in func(curves, *(getattr(stride, a) for a in args)).items():
            stride.metrics[name] = value = _clean(value)
            if value is None:
                stride.unavailable[name] = "not computable for this stride"
    return stride
