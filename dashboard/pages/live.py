"""Live walking test: sensor status, guided calibration, rolling ankle angles per side, cadence, recording.

Transport (``shared/research/dash.md`` §1.4): a 100 ms ``dcc.Interval`` polls the hub's ring buffers and
returns only new samples as ``extendData``; each tab keeps its own cursor in a ``dcc.Store``. Status,
cadence and calibration refresh on a slower 500 ms interval and never touch the figures.
"""

from __future__ import annotations

import dash_mantine_components as dmc
from dash import Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard.components.figures import angle_columns, live_angles_figure
from dashboard.components.shell import page_title
from dashboard.components.status import calibration_text, gait_cards, sensor_cards
from gait.conventions import SIDES

FRAME_INTERVAL_MS = 100  # 10 fps: the browser's redraw is the bottleneck on a clinic laptop (dash.md §0.3)
STATUS_INTERVAL_MS = 500


def _cursor(hub) -> dict:
    return {"gen": hub.generation, **{side: hub.angles[side].count for side in SIDES}}


def _figures(hub) -> list[dict]:
    points = int(hub.window_s * hub.display_rate_hz)
    figs = []
    for side in SIDES:
        _, t_s, y = hub.angles[side].latest(points)
        figs.append(live_angles_figure(side, t_s, y, uirevision=f"live-{side}-{hub.generation}"))
    return figs


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
    left, right = _figures(hub)
    return html.Div(
        [
            page_title("Live walking test", source),
            html.Div(id="live-status", className="gd-cards"),
            html.Div(id="live-gait", className="gd-cards"),
            html.Div(id="live-calibration", className="gd-muted"),
            _recording_controls(),
            html.Div(id="live-action-message", className="gd-muted"),
            dcc.Graph(id="live-left", figure=left, config={"displayModeBar": False}),
            dcc.Graph(id="live-right", figure=right, config={"displayModeBar": False}),
            dcc.Store(id="live-seq", data=_cursor(hub)),
            dcc.Interval(id="live-frame", interval=FRAME_INTERVAL_MS),
            dcc.Interval(id="live-tick", interval=STATUS_INTERVAL_MS),
        ]
    )


def _extend(hub, cursor: dict):
    """New samples since the tab's cursor, as one ``extendData`` payload per side."""
    max_points = int(hub.window_s * hub.display_rate_hz)
    out, new_cursor, any_new = [], {"gen": hub.generation}, False
    for side in SIDES:
        seq, t_s, y = hub.angles[side].since(cursor.get(side, 0))
        new_cursor[side] = seq
        if t_s.size == 0:
            out.append(no_update)
            continue
        any_new = True
        t = t_s.round(3).tolist()
        out.append(({"x": [t, t, t], "y": angle_columns(y)}, [0, 1, 2], max_points))
    if not any_new:
        raise PreventUpdate
    return out, new_cursor


def register(app, ctx_) -> None:
    hub = ctx_.live

    @app.callback(
        Output("live-left", "extendData"),
        Output("live-right", "extendData"),
        Output("live-left", "figure"),
        Output("live-right", "figure"),
        Output("live-seq", "data"),
        Input("live-frame", "n_intervals"),
        State("live-seq", "data"),
        prevent_initial_call=True,
    )
    def _frame(_, cursor):
        cursor = cursor or {}
        if cursor.get("gen") != hub.generation:  # a new stream started: redraw from scratch
            left, right = _figures(hub)
            return no_update, no_update, left, right, _cursor(hub)
        (left, right), new_cursor = _extend(hub, cursor)
        return left, right, no_update, no_update, new_cursor

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
