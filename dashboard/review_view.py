"""The review body (everything computed from one analysis) and the findings panel, shared with the report."""

from __future__ import annotations

from dash import dcc, html

from dashboard.components.figures import mean_sd_figure, summary_errorbar_figure
from dashboard.components.review_parts import (
    exclusions_block,
    findings_panel,
    metrics_table,
    quality_block,
    reference_table,
    summary_cards,
)
from dashboard.components.shell import not_available
from dashboard.review_model import LEAD_METRICS, excluded_strides, metric_rows, reference_rows, stride_counts

CURVE_TITLES = (  # (column of the α β γ curves, title, y label, sign)
    (0, "Ankle dorsiflexion (+) / plantarflexion (−)", "°", 1.0),
    (1, "Heel/shoe inversion (+) / eversion (−)", "°", 1.0),
    (2, "Tibial internal rotation relative to the foot (−γ)", "°", -1.0),
)


def _section(title: str, *children, section_id: str | None = None) -> html.Div:
    kwargs = {"id": section_id} if section_id else {}
    return html.Div([html.H3(title), *children], className="gd-section", **kwargs)


def curve_figures(curves: dict | None) -> list[dict]:
    """Mean ± SD per side for α, β, −γ over the gait cycle (``curves[side]``: strides × 101 × 3)."""
    if not curves:
        return []
    figs = []
    for col, title, unit, sign in CURVE_TITLES:
        per_side = {side: sign * arr[:, :, col] for side, arr in curves.items() if arr.size}
        figs.append(mean_sd_figure(per_side, title, f"angle ({unit})"))
    return figs


def review_body(ctx, summary, analysis: dict) -> html.Div:
    rows = ctx.analyses.derived(summary.path, "metric_rows", lambda: metric_rows(analysis))
    counts = stride_counts(analysis)
    reasons, excluded = excluded_strides(analysis)
    curves = ctx.analyses.curves(summary.path)
    count_line = " · ".join(
        f"{side}: {valid} valid of {total} strides" for side, (valid, total) in counts.items()
    )
    curve_part = [dcc.Graph(figure=f, config={"displayModeBar": False}) for f in curve_figures(curves)] or [
        not_available(
            "Per-stride curves not available",
            "This analysis does not provide angle curves for these sensors.",
        )
    ]
    return html.Div(
        [
            _section(
                "Summary (median ± displayed measurement error)",
                html.P(count_line, className="gd-muted"),
                summary_cards(rows),
                dcc.Graph(
                    figure=summary_errorbar_figure([r for r in rows if r.metric in LEAD_METRICS[:3]]),
                    config={"displayModeBar": False},
                    id="review-errorbars",
                ),
            ),
            _section(
                "Per-stride curves, normalised to the gait cycle (0 % = heel strike)",
                *curve_part,
                section_id="review-curves",
            ),
            _section("Metrics, left vs right", metrics_table(rows)),
            _section(
                "Reference ranges (other laboratories, other methods: context, not cut-offs)",
                reference_table(reference_rows()),
            ),
            _section("Strides excluded and why", exclusions_block(reasons, excluded)),
            _section("Calibration and sensor quality", quality_block(analysis)),
        ]
    )


def review_findings(analyses: list[dict], red_flags: list[str]) -> html.Div:
    from gait.findings.engine import findings_for  # noqa: PLC0415 - heavy import only when shown

    answers = dict.fromkeys(red_flags, True)
    findings = [f.to_dict() for f in findings_for(analyses, red_flags=answers)]
    return findings_panel(findings)
