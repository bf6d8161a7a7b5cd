"""Live walking test: sensor status, guided calibration, rolling ankle angles per side, cadence, recording.

Transport (``shared/research/dash.md`` §1.4): a 100 ms ``dcc.Interval`` polls the hub's ring buffers and
returns only new samples as ``extendData`` for one figure holding both sides (one browser redraw per frame);
each tab keeps its own cursor in a ``dcc.Store``. The title and legend are HTML outside the figure, because
redrawing them every frame cost the browser as much as the lines. Status, cadence and calibration refresh
once a second and never touch the figure. (A clientside fetch + ``Plotly.extendTraces`` variant was
measured too and was no faster here: the browser's redraw, not Dash, is the cost.)
"""

from __future__ import annotations

import dash_mantine_components as dmc
from dash import Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard.components.figures import (
    LIVE_TITLES,
    live_columns,
    live_figure,
    live_legend,
    live_trace_indices,
)
from dashboard.components.shell import page_title
from dashboard.components.status import calibration_text, gait_cards, sensor_cards
from gait.conventions import SIDES

FRAME_INTERVAL_MS = 100  # 10 fps: the browser redraw is the bottleneck on a clinic laptop (dash.md §0.3)
STATUS_INTERVAL_MS = 1000


def _cursor(hub) -> dict:
    return {"gen": hub.generation, **{side: hub.angles[side].count for side in SIDES}}


def _figure(hub) -> dict:
    points = int(hub.window_s * hub.display_rate_hz)
    sides = {side: hub.angles[side].latest(points)[1:] for side in SIDES}
    return live_figure(hub.mode, sides, uirevision=f"live-{hub.generation}")


def _legend(mode: str) -> list:
    chips = [
        html.Span(
            [html.Span(className="gd-swatch", style={"background": colour}), label], className="gd-chip"
        )
        for label, colour in live_legend(mode)
    ]
    return [
        html.B(LIVE_TITLES[mode]),
        html.Div(chips),
        html.Div("Top: left side · bottom: right side", className="gd-sub"),
    ]


def _recording_controls() -> html.Div:
    return html.Div(
        [
            dmc.TextInput(
                id="live-subject", label="Subject id (pseudonym, no names)", placeholder="e.g. S014", w=220
            ),
            dmc.TextInput(id="live-condition", label="Condition", placeholder="barefoot, shoe A, …", w=220),
            dmc.Button("Start recording", id="live-record-start", color="red"),
            dmc.Button("Stop recording", id="live-record-stop", variant="outline", color="gray"),
            dmc.Button("Calibrate: stand still", id="live-calibrate", variant="light"),
        ],
        className="gd-row gd-noprint",
    )


def layout(ctx_, query: dict, **_):
    hub = ctx_.live
    source = (
        hub.source or "No sensors are streaming. Start `gait demo` for virtual sensors, or connect sensors."
    )
    return html.Div(
        [
            page_title("Live walking test", source),
            html.Div(id="live-status", className="gd-cards"),
            html.Div(id="live-gait", className="gd-cards"),
            html.Div(id="live-calibration", className="gd-muted"),
            _recording_controls(),
            html.Div(id="live-action-message", className="gd-muted"),
            html.Div(_legend(hub.mode), id="live-legend", className="gd-legend"),
            dcc.Graph(id="live-angles", figure=_figure(hub), config={"displayModeBar": False}),
            dcc.Store(id="live-seq", data=_cursor(hub)),
            dcc.Interval(id="live-frame", interval=FRAME_INTERVAL_MS),
            dcc.Interval(id="live-tick", interval=STATUS_INTERVAL_MS),
        ]
    )


def _extend(hub, cursor: dict):
    """New samples of both sides since the tab's cursor, as one ``extendData`` payload."""
    max_points = int(hub.window_s * hub.display_rate_hz)
    xs, ys, indices, new_cursor = [], [], [], {"gen": hub.generation}
    for k, side in enumerate(SIDES):
        seq, t_s, y = hub.angles[side].since(cursor.get(side, 0))
        new_cursor[side] = seq
        if t_s.size == 0:
            continue
        t = t_s.round(3).tolist()
        columns = live_columns(hub.mode, y)
        xs += [t] * len(columns)
        ys += columns
        indices += live_trace_indices(hub.mode, k)
    if not indices:
        raise PreventUpdate
    return ({"x": xs, "y": ys}, indices, max_points), new_cursor


def register(app, ctx_) -> None:
    hub = ctx_.live

    @app.callback(
        Output("live-angles", "extendData"),
        Output("live-angles", "figure"),
        Output("live-seq", "data"),
        Output("live-legend", "children"),
        Input("live-frame", "n_intervals"),
        State("live-seq", "data"),
        prevent_initial_call=True,
    )
    def _frame(_, cursor):
        cursor = cursor or {}
        if cursor.get("gen") != hub.generation:  # a new stream or mode: redraw from scratch
            return no_update, _figure(hub), _cursor(hub), _legend(hub.mode)
        payload, new_cursor = _extend(hub, cursor)
        if new_cursor["gen"] != hub.generation:  # the mode changed while reading: redraw next frame
            raise PreventUpdate
        return payload, no_update, new_cursor, no_update

    @app.callback(
        Output("live-status", "children"),
        Output("live-gait", "children"),
        Output("live-calibration", "children"),
        Input("live-tick", "n_intervals"),
    )
    def _status(_):
        return sensor_cards(hub.sensors()), gait_cards(hub), calibration_text(hub)

    @app.callback(
        Output("live-action-message", "children"),
        Input("live-record-start", "n_clicks"),
        Input("live-record-stop", "n_clicks"),
        Input("live-calibrate", "n_clicks"),
        State("live-subject", "value"),
        State("live-condition", "value"),
        prevent_initial_call=True,
    )
    def _action(_start, _stop, _cal, subject, condition):
        controller = hub.controller
        try:
            if ctx.triggered_id == "live-record-start":
                return controller.start_recording((subject or "").strip(), (condition or "").strip())
            if ctx.triggered_id == "live-record-stop":
                return controller.stop_recording()
            return controller.calibrate()
        except (RuntimeError, ValueError) as exc:
            return f"Not done: {exc}"
