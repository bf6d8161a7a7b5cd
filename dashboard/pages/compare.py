"""Compare: two or more sessions of one subject side by side (conditions such as barefoot, shoe A, shoe B).

Every later session is compared with the first (the baseline) per side and metric: difference of medians
with its bootstrap 95 % CI, judged against the minimal detectable change for the mount situation the
therapist states (sensors re-mounted between sessions — the conservative default — or left on). The
findings engine then relates the comparison to the articles (claim K5), under the same always-visible
disclaimer and red flags as the review page.
"""

from __future__ import annotations

import dash_mantine_components as dmc
from dash import Input, Output, dcc, html

from dashboard.analysis_cache import AnalysisUnavailable
from dashboard.components.disclaimer import disclaimer_block, red_flag_checklist
from dashboard.components.figures import sessions_errorbar_figure
from dashboard.components.shell import page_title
from dashboard.review_model import LEAD_METRICS, fmt_value, label_of, stride_values, unit_of
from dashboard.review_view import review_findings
from gait.compare import difference
from gait.conventions import SIDES

MOUNTS = {
    "remounted": "Sensors were taken off and put on again between sessions",
    "same_session": "Sensors stayed on between sessions (e.g. an insole change)",
}


def _label(s) -> str:
    return f"{s.subject} · {s.condition} · {s.created_utc.replace('T', ' ')[:16]}"


def layout(ctx, query: dict, **_):
    rows = ctx.index.scan()
    wanted = [sid for sid in (query.get("sessions") or "").split(",") if ctx.index.get(sid)]
    options = [{"value": r.session_id, "label": _label(r)} for r in rows]
    controls = html.Div(
        [
            dmc.MultiSelect(
                id="compare-sessions",
                label="Sessions of one subject (the first is the baseline)",
                data=options,
                value=wanted,
                searchable=True,
                clearable=True,
                w=620,
            ),
            dmc.SegmentedControl(
                id="compare-mount",
                value="remounted",
                data=[{"value": k, "label": v} for k, v in MOUNTS.items()],
            ),
        ],
        className="gd-row gd-noprint",
    )
    main = html.Div(
        [
            controls,
            dcc.Loading(html.Div(id="compare-body"), type="dot"),
            html.Div([html.H3("Findings"), html.Div(id="compare-findings")], className="gd-section"),
        ]
    )
    aside = html.Aside([disclaimer_block(), red_flag_checklist("compare")], className="gd-aside")
    return html.Div(
        [
            page_title(
                "Compare sessions",
                "Differences against the first session, with 95 % CI, "
                "judged against the minimal detectable change (MDC)",
            ),
            html.Div([main, aside], className="gd-with-aside"),
        ]
    )


def comparison_rows(analyses: list[dict], mount: str, metrics=LEAD_METRICS) -> list[dict]:
    """Each later session against the first, per metric and side (``gait.compare.difference``)."""
    base, out = analyses[0], []
    for other in analyses[1:]:
        for metric in metrics:
            for side in SIDES:
                diff = difference(
                    metric, stride_values(base, side, metric), stride_values(other, side, metric), mount
                )
                out.append(
                    {
                        "metric": metric,
                        "side": side,
                        "baseline": base["session"].get("condition"),
                        "other": other["session"].get("condition"),
                        **diff,
                    }
                )
    return out


def comparison_table(rows: list[dict]) -> html.Table:
    head = ["Metric", "Side", "Compared", "Δ (later − first)", "95 % CI", "MDC", "Verdict", "Strides"]
    body = []
    for r in rows:
        unit = unit_of(r["metric"])
        ci = r.get("ci95")
        body.append(
            html.Tr(
                [
                    html.Td(label_of(r["metric"])),
                    html.Td(r["side"]),
                    html.Td(f"{r['other']} vs {r['baseline']}"),
                    html.Td(
                        fmt_value(r["difference"], unit) if r["difference"] is not None else "not available"
                    ),
                    html.Td(f"{ci[0]:.1f} to {ci[1]:.1f}" if ci else "—"),
                    html.Td(fmt_value(r["mdc"], unit) if r.get("mdc") is not None else "—"),
                    html.Td(r["verdict"]),
                    html.Td(f"{r['n_a']} / {r['n_b']}"),
                ],
                **{"data-metric": r["metric"], "data-side": r["side"]},
            )
        )
    return html.Table(
        [html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(body)],
        className="gd-table",
        id="compare-table",
    )


def register(app, ctx) -> None:
    def _analyses(session_ids):
        summaries = [ctx.index.get(sid) for sid in session_ids or []]
        summaries = sorted((s for s in summaries if s is not None), key=lambda s: s.created_utc)
        return summaries, [ctx.analyses.get(s.path) for s in summaries]

    @app.callback(
        Output("compare-body", "children"),
        Input("compare-sessions", "value"),
        Input("compare-mount", "value"),
    )
    def _body(session_ids, mount):
        if not session_ids or len(session_ids) < 2:
            return html.P("Choose two or more sessions of the same subject.", id="compare-hint")
        try:
            summaries, analyses = _analyses(session_ids)
        except AnalysisUnavailable as exc:
            return dmc.Alert(str(exc), title="Analysis not available", color="gray")
        subjects = {s.subject for s in summaries}
        if len(subjects) > 1:
            return dmc.Alert(
                f"These sessions belong to {len(subjects)} subjects ({', '.join(sorted(subjects))}); "
                "compare sessions of one subject only.",
                title="Different subjects",
                color="orange",
            )
        rows = comparison_rows(analyses, mount)
        labels = [s.condition for s in summaries]
        return html.Div(
            [
                html.P(
                    f"Baseline: {labels[0]} ({summaries[0].created_utc[:10]}). Mounts: {MOUNTS[mount]}.",
                    className="gd-muted",
                ),
                dcc.Graph(
                    figure=sessions_errorbar_figure(analyses, labels, LEAD_METRICS[:2]),
                    config={"displayModeBar": False},
                    id="compare-figure",
                ),
                comparison_table(rows),
            ]
        )

    @app.callback(
        Output("compare-findings", "children"),
        Input("compare-sessions", "value"),
        Input("compare-redflags-urgent", "value"),
        Input("compare-redflags-soon", "value"),
    )
    def _findings(session_ids, urgent, soon):
        if not session_ids or len(session_ids) < 2:
            return None
        try:
            _, analyses = _analyses(session_ids)
        except AnalysisUnavailable as exc:
            return html.P(f"Findings not available: {exc}")
        return review_findings(analyses, [*(urgent or []), *(soon or [])])
