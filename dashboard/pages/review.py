"""Review: one session's summary cards with error bars, per-stride curves (mean ± SD, left vs right),
metrics table, reference ranges with sources, excluded strides, calibration and sensor quality, and the
findings panel under an always-visible disclaimer and red-flag checklist.

The page frame (title, disclaimer, red flags) is drawn at once; the analysis fills in through a callback
behind a loading indicator, so a long first analysis never leaves a blank page.
"""

from __future__ import annotations

import dash_mantine_components as dmc
from dash import Input, Output, State, dcc, html

from dashboard.analysis_cache import AnalysisUnavailable
from dashboard.components.disclaimer import disclaimer_block, red_flag_checklist, red_flag_lists
from dashboard.components.shell import fmt_duration, not_available, page_title
from dashboard.review_view import review_body, review_findings


def _title(summary) -> html.Div:
    sid = summary.session_id if summary else ""
    links = html.Div(
        [
            dcc.Link("Replay this session", href=f"/replay/{sid}"),
            html.A("Report (HTML)", href=f"/report/{sid}.html", id="review-report-html"),
            html.A("Report (PDF)", href=f"/report/{sid}.pdf", id="review-report-pdf"),
            html.Span("(reports include the red-flag answers ticked here)", className="gd-muted"),
        ],
        className="gd-row gd-noprint",
    )
    if summary is None:
        return html.Div([page_title("Review"), links])
    sensors = ", ".join(p.replace("_", " ") for p in summary.sensors) or "no sensors"
    subtitle = (
        f"{summary.created_utc.replace('T', ' ')[:16]} UTC · {fmt_duration(summary.duration_s)} · "
        f"{sensors} · source {summary.source}"
    )
    return html.Div(
        [page_title(f"Review — subject {summary.subject} · {summary.condition}", subtitle), links]
    )


def report_links(session_id: str, urgent: list[str], soon: list[str]) -> tuple[str, str]:
    """Report URLs carrying the ticked red flags as indices (see ``dashboard.report.parse_red_flags``)."""
    flags = red_flag_lists() or {"urgent": [], "soon": []}
    items = [*flags["urgent"], *flags["soon"]]
    ticked = set(urgent or []) | set(soon or [])
    query = ",".join(str(i) for i, text in enumerate(items) if text in ticked)
    suffix = f"?rf={query}" if query else ""
    return f"/report/{session_id}.html{suffix}", f"/report/{session_id}.pdf{suffix}"


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
        Output("review-report-html", "href"),
        Output("review-report-pdf", "href"),
        Input("review-redflags-urgent", "value"),
        Input("review-redflags-soon", "value"),
        State("review-session", "data"),
        prevent_initial_call=True,
    )
    def _report_links(urgent, soon, session_id):
        return report_links(session_id or "", urgent, soon)

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
            summary, analysis = _analysis(session_id)
        except AnalysisUnavailable as exc:
            return html.P(f"Findings not available: {exc}")
        flags = sorted({*(urgent or []), *(soon or [])})
        return ctx.analyses.derived(
            summary.path, f"findings:{flags}", lambda: review_findings([analysis], flags)
        )
