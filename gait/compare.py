"""Robust summaries, left/right symmetry and condition comparison with uncertainty.

Summaries are stride medians with IQR (robust to the odd bad stride) plus the provisional measurement error
bar of biomech.md §3.4. Differences (left − right, condition B − A) carry a bootstrap 95 % CI and are judged
against the minimal detectable change (MDC, biomech.md §3.5): a difference is only called "detected" when
its CI excludes zero *and* it exceeds the MDC. The MDC values are provisional engineering estimates [E]
until a test–retest study replaces them.
"""

from __future__ import annotations

import numpy as np

from gait.findings.knowledge import load_knowledge
from gait.metrics import METRICS
from gait.stats import N_BOOTSTRAP, difference_ci, robust_summary

#: Bootstrap work cap: resamples × strides per group. Sessions of thousands of strides (an hour of walking)
#: get fewer resamples (never below MIN_BOOTSTRAP); their CIs are narrow and this keeps analysis fast.
MAX_BOOTSTRAP_VALUES = 1_000_000
MIN_BOOTSTRAP = 400

#: The comparison kinds used here, as the knowledge base names the mount situations.
_MOUNT = {"same_session": "same_mount", "remounted": "remounted"}

#: Metrics compared as a plain difference (angles near zero make a % index explode, biomech.md §3.1).
_DIFFERENCE_ONLY = {m for m in METRICS if m.endswith("_deg") or m in ("ev_tir_ratio", "coupling_slope")}


def _finite(values) -> np.ndarray:
    arr = np.asarray([np.nan if v is None else v for v in values], dtype=float)
    return arr[np.isfinite(arr)]


def _resolve(spec: tuple[float, bool] | None, baseline: float) -> float | None:
    """An MDC or error bar in the metric's unit; relative specs are % of ``baseline``."""
    if spec is None:
        return None
    value, relative = spec
    if relative:
        return abs(baseline) * value / 100.0 if np.isfinite(baseline) else None
    return value


def summarize(metric: str, values) -> dict:
    """n, median, q1, q3, IQR and the measurement error bar (± in the metric's unit) of one metric."""
    out = robust_summary(_finite(values))
    out["iqr"] = out["q3"] - out["q1"] if out["n"] else None
    kb = load_knowledge()
    err = _resolve(kb.error_bar_spec(metric), out["median"]) if out["n"] else None
    out["error_bar"] = {"plus_minus": err, "source": kb.error_bars_source} if err is not None else None
    return out


def judge(diff: float, ci: tuple | None, mdc: float | None) -> str:
    """Plain verdict on a difference: detected / no meaningful difference / inconclusive / not judged."""
    if ci is None:
        return "not enough strides"
    if mdc is None:
        return "no MDC known; CI only"
    if (ci[0] > 0 or ci[1] < 0) and abs(diff) >= mdc:
        return "difference exceeds MDC"
    if -mdc < ci[0] and ci[1] < mdc:
        return "no difference larger than MDC"
    return "inconclusive"


def difference(metric: str, a, b, mdc_kind: str, seed: int = 0) -> dict:
    """median(b) − median(a) with bootstrap CI, MDC and verdict.

    ``mdc_kind`` is ``"same_session"`` (same mounts, e.g. left vs right) or ``"remounted"`` (another session).
    """
    arr_a, arr_b = _finite(a), _finite(b)
    out = {"n_a": int(arr_a.size), "n_b": int(arr_b.size), "difference": None, "ci95": None,
           "mdc": None, "mdc_kind": mdc_kind, "verdict": "not enough strides"}
    if arr_a.size == 0 or arr_b.size == 0:
        return out
    diff = float(np.median(arr_b) - np.median(arr_a))
    n_boot = int(np.clip(MAX_BOOTSTRAP_VALUES // max(arr_a.size, arr_b.size), MIN_BOOTSTRAP, N_BOOTSTRAP))
    enough = min(arr_a.size, arr_b.size) >= 2
    ci = difference_ci(arr_a, arr_b, n_boot=n_boot, seed=seed)[1:] if enough else None
    mdc = _resolve(load_knowledge().mdc_spec(metric, _MOUNT[mdc_kind]), float(np.median(arr_a)))
    out.update(difference=diff, ci95=list(ci) if ci else None, mdc=mdc, verdict=judge(diff, ci, mdc))
    return out


def symmetry(metric: str, left, right, seed: int = 0) -> dict:
    """Left − right and, for non-angle metrics, the symmetry index in %.

    Judged against the re-mount MDC: the two sides are measured by different sensors, each with its own
    mounting error, so a left/right difference carries two mounts' errors even within one session.
    """
    out = difference(metric, right, left, "remounted", seed)  # median(left) − median(right)
    out["left_minus_right"] = out.pop("difference")
    out["n_left"], out["n_right"] = out.pop("n_b"), out.pop("n_a")
    out["symmetry_index_pct"] = None
    arr_l, arr_r = _finite(left), _finite(right)
    if metric not in _DIFFERENCE_ONLY and arr_l.size and arr_r.size:
        ml, mr = float(np.median(arr_l)), float(np.median(arr_r))
        if abs(ml + mr) > 1e-9:
            out["symmetry_index_pct"] = 100.0 * (ml - mr) / (0.5 * (ml + mr))
    return out
