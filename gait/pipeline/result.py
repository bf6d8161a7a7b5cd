"""The analysis result of one session and its ``gait.analysis/1`` JSON and CSV forms (docs/analysis-json.md).

``AnalysisResult.to_dict()`` is the contract the dashboard, the findings engine and outside tools read; it is
validated against ``gait/analysis_schema.json``. Metrics that could not be computed are ``null`` with a reason
(per stride in ``unavailable``, per side in ``availability``), never guessed.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from gait import __version__
from gait.compare import difference, summarize, symmetry
from gait.conventions import SIDES
from gait.metrics import METRICS, SideCurves, Stride

SCHEMA_ID = "gait.analysis/1"
SCHEMA_PATH = Path(__file__).resolve().parents[1] / "analysis_schema.json"
CSV_FIELDS = ("session_id", "subject", "condition", "side", "stride_index", "ic_s", "tc_s", "next_ic_s",
              "valid", "exclusion_reason", *METRICS)


@dataclass
class AnalysisResult:
    """Everything the offline or live pipeline found for one session (curves are kept but not serialised)."""

    session: dict
    sensors: dict
    calibration: dict
    heading: dict
    strides: list[Stride]
    settings: dict
    sync: dict = field(default_factory=dict)  # gait.sync report (per-sensor offset/drift, tap residuals)
    availability: dict = field(default_factory=dict)  # side -> {metric: reason} for metrics absent on a side
    warnings: list[str] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)
    curves: dict[str, SideCurves] = field(default_factory=dict, repr=False)

    def values(self, side: str, metric: str) -> list:
        """Metric values over the valid strides of one side (None kept out)."""
        return [s.metrics.get(metric) for s in self.strides if s.side == side and s.valid
                and s.metrics.get(metric) is not None]

    def summary(self) -> dict:
        return {side: {m: summarize(m, self.values(side, m)) for m in METRICS} for side in SIDES}

    def symmetry(self) -> dict:
        return {m: symmetry(m, self.values("left", m), self.values("right", m)) for m in METRICS}

    def to_dict(self) -> dict:
        return {
            "schema": SCHEMA_ID,
            "software_version": __version__,
            "analysed_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "session": self.session,
            "settings": self.settings,
            "sensors": self.sensors,
            "sync": self.sync,
            "calibration": self.calibration,
            "heading": self.heading,
            "availability": self.availability,
            "strides": [s.to_dict() for s in self.strides],
            "summary": self.summary(),
            "symmetry": self.symmetry(),
            "comparisons": [],
            "findings": list(self.findings),
            "warnings": list(self.warnings),
        }


def compare_results(results: list[AnalysisResult]) -> list[dict]:
    """Each later session against the first (baseline): per side and metric, B − A judged against the MDC."""
    if len(results) < 2:
        return []
    base = results[0]
    out = []
    for other in results[1:]:
        mdc_kind = "same_session" if other.session.get("id") == base.session.get("id") else "remounted"
        for side in SIDES:
            for metric in METRICS:
                diff = difference(metric, base.values(side, metric), other.values(side, metric), mdc_kind)
                out.append({"baseline": base.session.get("id"),
                            "baseline_condition": base.session.get("condition"),
                            "other": other.session.get("id"),
                            "other_condition": other.session.get("condition"),
                            "side": side, "metric": metric, **diff})
    return out


def analysis_document(results: list[AnalysisResult], red_flags: dict[str, bool] | None = None,
                      mount: str | None = None) -> dict:
    """One result → its analysis dict; several → ``{"schema", "analyses": [...], "comparisons": [...]}``.

    Findings (``gait.findings``) are attached: each analysis gets its single-session findings; a document of
    several sessions also gets the findings over all of them (second-session confirmations, condition
    comparisons with the given ``mount`` situation). Ticked ``red_flags`` withhold interpretive findings.
    """
    docs = [r.to_dict() for r in results]
    for doc in docs:
        doc["findings"] = _findings([doc], red_flags, mount)
    if len(docs) == 1:
        return docs[0]
    return {"schema": SCHEMA_ID, "software_version": __version__,
            "analyses": docs, "comparisons": compare_results(results),
            "findings": _findings(docs, red_flags, mount)}


def _findings(docs: list[dict], red_flags: dict[str, bool] | None, mount: str | None) -> list[dict]:
    from gait.findings.engine import findings_for

    return [f.to_dict() for f in findings_for(docs, red_flags=red_flags, mount=mount)]


def validate_document(doc: dict) -> None:
    """Raise ``jsonschema.ValidationError`` if ``doc`` does not follow ``gait.analysis/1``."""
    import jsonschema

    jsonschema.validate(doc, json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def write_json(doc: dict, path: Path) -> None:
    """Write the analysis document (UTF-8, indented, NaN-free)."""
    Path(path).write_text(json.dumps(doc, indent=1, allow_nan=False) + "\n", encoding="utf-8")


def stride_rows(result: AnalysisResult) -> list[dict]:
    """One typed row per stride with the CSV_FIELDS columns (None = not available)."""
    rows, count = [], dict.fromkeys(SIDES, 0)
    for stride in result.strides:
        count[stride.side] += 1
        row = stride.to_dict()
        row.update(session_id=result.session.get("id"), subject=result.session.get("subject"),
                   condition=result.session.get("condition"), stride_index=count[stride.side])
        rows.append({k: row.get(k) for k in CSV_FIELDS})
    return rows


def csv_rows(result: AnalysisResult) -> list[dict]:
    """:func:`stride_rows` as CSV cells (None → empty cell)."""
    return [{k: _cell(v) for k, v in row.items()} for row in stride_rows(result)]


def _cell(value):
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    return value


def write_csv(results: list[AnalysisResult], path: Path) -> None:
    """Per-stride table of every session, one header row."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_FIELDS)
        writer.writeheader()
        for result in results:
            writer.writerows(csv_rows(result))


#: Order of the printed summary: excursions first (most trustworthy, DESIGN.md §3), then the rest.
_SUMMARY_ORDER = ("eversion_excursion_deg", "tibial_ir_excursion_deg", "cadence_steps_per_min",
                  "stride_time_s", "stance_pct", "peak_dorsiflexion_deg", "peak_eversion_deg",
                  "peak_eversion_velocity_dps",
                  "time_to_peak_eversion_pct", "shank_ir_loading_deg", "coupling_slope", "stride_length_m")


def format_summary(result: AnalysisResult) -> list[str]:
    """Human-readable per-side summary: median [q1, q3] ± error bar (n strides), or why not available."""
    info = result.session
    n_valid = {side: sum(1 for s in result.strides if s.side == side and s.valid) for side in SIDES}
    lines = [f"session {info.get('id')} (subject {info.get('subject')}, condition {info.get('condition')}): "
             f"{n_valid['left']} left / {n_valid['right']} right valid strides"]
    summary = result.summary()
    for metric in _SUMMARY_ORDER:
        cells = []
        for side in SIDES:
            s = summary[side][metric]
            if s["n"] == 0:
                reason = result.availability.get(side, {}).get(metric) or next(
                    (st.unavailable[metric] for st in result.strides
                     if st.side == side and st.valid and metric in st.unavailable), "no valid strides")
                cells.append(f"{side}: not available ({reason})")
                continue
            err = f" ±{s['error_bar']['plus_minus']:.2g}" if s["error_bar"] else ""
            cells.append(f"{side}: {s['median']:.3g} [{s['q1']:.3g}, {s['q3']:.3g}]{err} (n={s['n']})")
        lines.append(f"  {metric:28s} " + "; ".join(cells))
    lines.extend(f"  warning: {w}" for w in result.warnings)
    return lines
