"""Sessions: every recording in the recordings folder, searchable, with links to review and replay."""

from __future__ import annotations

import dash_mantine_components as dmc
from dash import Input, Output, dcc, html

from dashboard.components.shell import fmt_duration, page_title
from dashboard.session_index import SessionSummary

COLUMNS = ("Subject", "Condition", "Date (UTC)", "Duration", "Sensors", "Source", "Integrity", "")


def _row(s: SessionSummary, same_subject: list[str]) -> html.Tr:
    parts = [dcc.Link("Review", href=f"/review/{s.session_id}", className="gd-link")]
    if (s.path / "packets.log").is_file():  # imports and simulations hold decoded samples only
        parts += [" · ", dcc.Link("Replay", href=f"/replay/{s.session_id}", className="gd-link")]
    if len(same_subject) > 1:
        parts += [
            " · ",
            dcc.Link(
                f"Compare {len(same_subject)}",
                href=f"/compare?sessions={','.join(same_subject)}",
                className="gd-link",
                title="all sessions of this subject, oldest first",
            ),
        ]
    links = html.Span(parts)
    sensors = ", ".join(p.replace("_", " ") for p in s.sensors) or "none"
    return html.Tr(
        [
            html.Td(s.subject),
            html.Td(s.condition),
            html.Td(s.created_utc.replace("T", " ")[:19]),
            html.Td(fmt_duration(s.duration_s)),
            html.Td(f"{len(s.sensors)}: {sensors}"),
            html.Td(s.source),
            html.Td(s.integrity),
            html.Td(links),
        ],
        className="sessions-row",
        **{"data-session": s.session_id},
    )


def sessions_table(rows: list[SessionSummary]) -> html.Table:
    by_subject: dict[str, list[str]] = {}
    for r in sorted(rows, key=lambda r: r.created_utc):
        by_subject.setdefault(r.subject, []).append(r.session_id)
    return html.Table(
        [
            html.Thead(html.Tr([html.Th(c) for c in COLUMNS])),
            html.Tbody([_row(r, by_subject[r.subject]) for r in rows]),
        ],
        className="gd-table",
        id="sessions-table",
    )


def layout(ctx, query: dict, **_):
    return html.Div(
        [
            page_title("Sessions", f"Recordings in {ctx.recordings_dir.name or ctx.recordings_dir}/"),
            html.Div(
                [
                    dmc.TextInput(
                        id="sessions-search",
                        placeholder="Search subject, condition, date, sensor…",
                        value=query.get("q", ""),
                        debounce=300,
                        w=360,
                    ),
                    dcc.Link("Compare sessions →", href="/compare", className="gd-link"),
                ],
                className="gd-row",
            ),
            html.Div(id="sessions-count", className="gd-muted"),
            html.Div(id="sessions-list"),
        ]
    )


def register(app, ctx) -> None:
    @app.callback(
        Output("sessions-list", "children"),
        Output("sessions-count", "children"),
        Input("sessions-search", "value"),
    )
    def _filter(search):
        rows = ctx.index.scan()
        shown = [r for r in rows if r.matches(search or "")]
        count = f"{len(shown)} of {len(rows)} sessions"
        if ctx.index.problems:
            count += f" — {len(ctx.index.problems)} folder(s) could not be read: " + "; ".join(
                ctx.index.problems[:3]
            )
        if not rows:
            return html.P(
                f"No recordings in {ctx.recordings_dir}. Record one on the Live page or run `gait demo`."
            ), count
        return sessions_table(shown), count
