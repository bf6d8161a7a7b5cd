"""Review: one session's summary cards with error bars, per-stride curves (mean ± SD, left vs right),
metrics table, reference ranges with sources, excluded strides, calibration and sensor quality, and the
findings panel under an always-visible disclaimer and red-flag checklist.

The page frame (title, disclaimer, red flags) is drawn at once; the analysis fills in through a callback
behind a loading indicator, so a long first analysis never leaves a blank page.
"""

from __future__ import annotations

import dash_mantine_components as dmc
from dash import Input, Output, dcc, html

from dashboard.analysis_cache import AnalysisUnavailable
from dashboard.components.disclaimer import disclaimer_block, red_flag_checklist
from dashboard.components.shell import fmt_duration, not_available, page_title
from dashboard.review_view import review_body, review_findings


def _title(summary) -> html.Div:
    if summary is None:
        return page_title("Review")
    sensors = ", ".join(p.replace("_", " ") for p in summary.sensors) or "no sensors"
    subtitle = (
        f"{summary.created_utc.replace('T', ' ')[:16]} UTC · {fmt_duration(summary.duration_s)} · "
        f"{sensors} · source {summary.source}"
    )
    links = html.Div(
        [
            dcc.Link("Replay this session", href=f"/replay/{summary.session_id}"),
            html.A("Report (HTML)", href=f"/report/{summary.session_id}.html", id="review-report-html"),
            html.A("Report (PDF)", href=f"/report/{summary.session_id}.pdf", id="review-report-pdf"),
        ],
        className="gd-row gd-noprint",
    )
    return html.Div(
        [page_title(f"Review — subject {summary.subject} · {summary.condition}", subtitle), links]
    )


def layout(ctx, query: dict, session_id: str | None = None, **_):
    summary = ctx.index.get(session_id) if session_id else None
    if session_id and summary is None:
        return not_available("Session not found", "No recording with this id is in the recordings folder.")
    main = html.Div(
        [
            dcc.Store(id="review-session", data=summary.session_id if summary else None),
            dcc.Loading(html.Div(id="review-body"), type="dot"),
            html.Div(
                [
                    html.H3("Findings: the articles' claims and what was measured"),
                    html.Div(id="review-findings"),
                ],
                className="gd-section",
            ),
        ]
    )
    # Disclaimer and red flags sit in a sticky side column: visible at every scroll position.
    aside = html.Aside([disclaimer_block(), red_flag_checklist("review")], className="gd-aside")
    return html.Div([_title(summary), html.Div([main, aside], className="gd-with-aside")])


def register(app, ctx) -> None:
    def _analysis(session_id):
        summary = ctx.index.get(session_id)
        if summary is None:
            raise AnalysisUnavailable("this session is no longer in the recordings folder")
        return summary, ctx.analyses.get(summary.path)

    @app.callback(Output("review-body", "children"), Input("review-session", "data"))
    def _body(session_id):
        if not session_id:
            return None
        try:
            summary, analysis = _analysis(session_id)
        except AnalysisUnavailable as exc:
            return dmc.Alert(str(exc), title="Analysis not available", color="gray")
        return review_body(ctx, summary, analysis)

    @app.callback(
        Output("review-findings", "children"),
        Input("review-session", "data"),
        Input("review-redflags-urgent", "value"),
        Input("review-redflags-soon", "value"),
    )
    def _findings(session_id, urgent, soon):
        if not session_id:
            return None
        try:
            _, analysis = _analysis(session_id)
        except AnalysisUnavailable as exc:
            return html.P(f"Findings not available: {exc}")
        return review_findings([analysis], [*(urgent or []), *(soon or [])])
