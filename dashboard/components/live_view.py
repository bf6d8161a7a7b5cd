"""The live views (sensor cards, cadence/strides, rolling ankle-angle plot) as a reusable block.

Used by the live page (fed by acquisition) and the replay page (fed by a recording): ids carry a prefix
(``live-…``, ``replay-…``) and the hub is looked up per request, so both pages share one implementation.

Transport (``shared/research/dash.md`` §1.4): a 100 ms ``dcc.Interval`` polls the hub's ring buffers and
returns only new samples as ``extendData`` for one figure holding both sides (one browser redraw per frame);
each tab keeps its own cursor in a ``dcc.Store``. Title and legend are HTML outside the figure, because
redrawing them every frame cost the browser as much as the lines. Status, cadence and calibration refresh
once a second and never touch the figure. (A clientside fetch + ``Plotly.extendTraces`` variant was measured
too and was no faster here: the browser's redraw, not Dash, is the cost.)
"""

from __future__ import annotations

from collections.abc import Callable

from dash import Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard.components.figures import (
    LIVE_TITLES,
    live_columns,
    live_figure,
    live_legend,
    live_trace_indices,
)
from dashboard.components.status import calibration_text, gait_cards, sensor_cards
from dashboard.live_buffer import LiveHub
from gait.conventions import SIDES

FRAME_INTERVAL_MS = 100  # 10 fps: the browser redraw is the bottleneck on a clinic laptop (dash.md §0.3)
STATUS_INTERVAL_MS = 1000


def cursor_of(hub: LiveHub) -> dict:
    return {"gen": hub.generation, **{side: hub.angles[side].count for side in SIDES}}


def figure_of(hub: LiveHub) -> dict:
    points = int(hub.window_s * hub.display_rate_hz)
    sides = {side: hub.angles[side].latest(points)[1:] for side in SIDES}
    return live_figure(hub.mode, sides, uirevision=f"live-{hub.generation}")


def legend_of(mode: str) -> list:
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


def live_view(prefix: str, hub: LiveHub | None, controls=None) -> html.Div:
    """Status cards, optional controls, legend and the rolling figure (empty when ``hub`` is None)."""
    hub = hub or LiveHub()
    return html.Div(
        [
            html.Div(id=f"{prefix}-status", className="gd-cards"),
            html.Div(id=f"{prefix}-gait", className="gd-cards"),
            html.Div(id=f"{prefix}-calibration", className="gd-muted"),
            controls,
            html.Div(legend_of(hub.mode), id=f"{prefix}-legend", className="gd-legend"),
            dcc.Graph(id=f"{prefix}-angles", figure=figure_of(hub), config={"displayModeBar": False}),
            dcc.Store(id=f"{prefix}-seq", data=cursor_of(hub)),
            dcc.Interval(id=f"{prefix}-frame", interval=FRAME_INTERVAL_MS),
            dcc.Interval(id=f"{prefix}-tick", interval=STATUS_INTERVAL_MS),
        ]
    )


def extend_payload(hub: LiveHub, cursor: dict):
    """New samples of both sides since the tab's cursor, as one ``extendData`` payload, and the new cursor."""
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


def register_live_view(
    app, prefix: str, hub_for: Callable[[object], LiveHub | None], key_store: str | None = None
):
    """Frame and status callbacks of one view; ``hub_for(key)`` finds the hub (key from ``key_store``)."""
    key_state = [State(key_store, "data")] if key_store else []

    @app.callback(
        Output(f"{prefix}-angles", "extendData"),
        Output(f"{prefix}-angles", "figure"),
        Output(f"{prefix}-seq", "data"),
        Output(f"{prefix}-legend", "children"),
        Input(f"{prefix}-frame", "n_intervals"),
        State(f"{prefix}-seq", "data"),
        *key_state,
        prevent_initial_call=True,
    )
    def _frame(_, cursor, key=None):
        hub = hub_for(key)
        if hub is None:
            raise PreventUpdate
        cursor = cursor or {}
        if cursor.get("gen") != hub.generation:  # a new stream or mode: redraw from scratch
            return no_update, figure_of(hub), cursor_of(hub), legend_of(hub.mode)
        payload, new_cursor = extend_payload(hub, cursor)
        if new_cursor["gen"] != hub.generation:  # the mode changed while reading: redraw next frame
            raise PreventUpdate
        return payload, no_update, new_cursor, no_update

    @app.callback(
        Output(f"{prefix}-status", "children"),
        Output(f"{prefix}-gait", "children"),
        Output(f"{prefix}-calibration", "children"),
        Input(f"{prefix}-tick", "n_intervals"),
        *key_state,
    )
    def _status(_, key=None):
        hub = hub_for(key)
        if hub is None:
            raise PreventUpdate
        return sensor_cards(hub.sensors()), gait_cards(hub, prefix), calibration_text(hub)
