"""From a ``gait.analysis/1`` dictionary to what the review page and the report show (pure functions).

Summaries and left/right differences are computed from the analysis' own strides with the project's
``gait.compare`` functions (median, IQR, displayed error bar, bootstrap 95 % CI, MDC verdict), so the page
shows exactly what the JSON export would give. Labels, reference values and their sources come from the
findings knowledge base. Nothing here invents a number: a metric without valid strides is "not available".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from gait.compare import summarize, symmetry
from gait.conventions import SIDES
from gait.findings import load_knowledge

#: Lead with excursions (more trustworthy than absolute angles), then timing.
LEAD_METRICS = (
    "eversion_excursion_deg",
    "tibial_ir_excursion_deg",
    "peak_dorsiflexion_deg",
    "peak_eversion_velocity_dps",
    "cadence_steps_per_min",
    "stance_pct",
)
TABLE_METRICS = LEAD_METRICS + (
    "peak_eversion_deg",
    "time_to_peak_eversion_pct",
    "stride_time_s",
    "stride_length_m",
    "coupling_angle_deg",
    "shank_ir_loading_deg",
)
UNITS = {"_deg": "°", "_dps": "°/s", "_pct": "%", "_s": "s", "_m": "m", "_per_min": "steps/min"}
FALLBACK_LABELS = {
    "peak_eversion_deg": "Peak heel/shoe inward tilt (absolute angle)",
    "time_to_peak_eversion_pct": "Time to peak inward tilt (% stance)",
    "stride_time_s": "Stride time",
    "stride_length_m": "Stride length",
    "stance_pct": "Stance (% of gait cycle)",
    "coupling_angle_deg": "Tilt–rotation coupling angle",
    "shank_ir_loading_deg": "Shin inward turning in loading (global)",
}


def unit_of(metric: str) -> str:
    return next((u for suffix, u in UNITS.items() if metric.endswith(suffix)), "")


def label_of(metric: str) -> str:
    labels = load_knowledge().raw.get("metric_labels", {})
    return labels.get(metric, {}).get("label") or FALLBACK_LABELS.get(metric, metric.replace("_", " "))


def stride_values(analysis: dict, side: str, metric: str) -> list[float]:
    """Values of one metric over the valid strides of one side (nulls dropped)."""
    return [
        s[metric]
        for s in analysis.get("strides", [])
        if s.get("side") == side and s.get("valid", True) and s.get(metric) is not None
    ]


@dataclass(frozen=True)
class MetricRow:
    """One metric: per-side summary (n, median, IQR, error bar), left − right, and why a side has none."""

    metric: str
    label: str
    unit: str
    sides: dict  # side -> gait.compare.summarize() dict
    left_minus_right: dict  # gait.compare.symmetry() dict
    unavailable: dict  # side -> reason (only for sides without values)

    @property
    def available(self) -> bool:
        return any(s["n"] for s in self.sides.values())


def metric_rows(analysis: dict, metrics=TABLE_METRICS) -> list[MetricRow]:
    """Rows from the analysis' own ``summary``/``symmetry`` (recomputed from strides only if absent)."""
    summary, sym = analysis.get("summary") or {}, analysis.get("symmetry") or {}
    availability = analysis.get("availability") or {}
    rows = []
    for metric in metrics:
        values = {side: stride_values(analysis, side, metric) for side in SIDES}
        sides = {side: summary.get(side, {}).get(metric) or summarize(metric, values[side]) for side in SIDES}
        lr = sym.get(metric) or symmetry(metric, values["left"], values["right"])
        why = {
            side: availability.get(side, {}).get(metric) or "no valid strides"
            for side in SIDES
            if not sides[side]["n"]
        }
        rows.append(MetricRow(metric, label_of(metric), unit_of(metric), sides, lr, why))
    return rows


def excluded_strides(analysis: dict) -> tuple[Counter, list[dict]]:
    """Counts of exclusion reasons and the excluded strides themselves (side, time, reason)."""
    excluded = [s for s in analysis.get("strides", []) if not s.get("valid", True)]
    reasons = Counter(s.get("exclusion_reason") or "no reason given" for s in excluded)
    return reasons, excluded


def stride_counts(analysis: dict) -> dict:
    strides = analysis.get("strides", [])
    return {
        side: (
            sum(1 for s in strides if s.get("side") == side and s.get("valid", True)),
            sum(1 for s in strides if s.get("side") == side),
        )
        for side in SIDES
    }


def reference_rows() -> list[dict]:
    """Reference values with their condition and full source (context, not cut-offs)."""
    kb = load_knowledge()
    out = []
    for metric, ref in kb.raw.get("reference_values", {}).items():
        if "mean" in ref:
            value = (
                f"{ref['mean']} ± {ref['sd']}" if ref.get("sd") is not None else f"{ref['mean']} (no spread)"
            )
        else:
            value = f"{ref.get('low')}–{ref.get('high')}"
        out.append(
            {
                "metric": metric,
                "label": label_of(metric),
                "value": f"{value} {unit_of(metric)}".strip(),
                "condition": ref.get("condition", ""),
                "source": kb.references.get(ref.get("source"), ref.get("source", "")),
            }
        )
    return out


def fmt_value(value, unit: str = "", digits: int = 1) -> str:
    if value is None:
        return "not available"
    text = f"{value:.{digits}f}"
    if float(text) == 0:  # no "-0.0"
        text = f"{0.0:.{digits}f}"
    return f"{text}{'' if unit in ('°', '%') else ' '}{unit}".strip()
