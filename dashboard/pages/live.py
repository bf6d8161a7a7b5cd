"""Live walking test: sensor status, guided calibration, rolling ankle angles per side, cadence, recording.

The views are :mod:`dashboard.components.live_view` fed by the acquisition runner behind ``ctx.live``; this
page adds the recording and calibration controls, which act through the hub's controller (a page without
a runner says "nothing is streaming" instead of pretending). Under the cadence and stride cards a note says
whether those numbers are still provisional (steps detected, full per-stride metrics pending).
"""

from __future__ import annotations

import dash_mantine_components as dmc
from dash import Input, Output, State, ctx, html

from dashboard.components.live_view import live_view, register_live_view
from dashboard.components.sensor_picker import register_sensor_panel, sensor_panel
from dashboard.components.shell import page_title

NO_SENSORS = "No sensors are streaming: scan for BLE sensors or use virtual sensors below."


def gait_note(hub) -> str:
    """How final the cadence and stride cards are (they count provisional, events-only strides too)."""
    if not hub.active:
        return ""
    total, final = sum(hub.stride_count.values()), sum(hub.final_stride_count.values())
    if total == 0:
        return (
            "Cadence and strides: waiting for the standing calibration and the first steps "
            "(they appear a few seconds into walking)."
        )
    if hub.gait_provisional:
        return (
            f"Cadence and strides are live, provisional values from the detected steps: {final} of "
            f"{total} strides have full metrics so far (those wait for the heading reference, about "
            "half a minute of walking). The review page shows the final values."
        )
    return f"Cadence and strides: all {total} strides have full metrics."


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
            html.Div(id="live-action-message", className="gd-muted"),
        ],
        className="gd-row gd-noprint",
    )


def layout(ctx_, query: dict, **_):
    hub = ctx_.live
    return html.Div(
        [
            html.Div(page_title("Live walking test", hub.source or NO_SENSORS), id="live-title"),
            sensor_panel(),
            live_view(
                "live",
                hub,
                controls=html.Div(
                    [html.Div(id="live-gait-note", className="gd-muted"), _recording_controls()]
                ),
            ),
        ]
    )


def register(app, ctx_) -> None:
    hub = ctx_.live
    register_live_view(app, "live", lambda _key: hub)
    register_sensor_panel(app, ctx_.sources)

    @app.callback(Output("live-title", "children"), Input("live-tick", "n_intervals"))
    def _title(_):
        status = f" — {ctx_.sources.status}" if ctx_.sources.status and not hub.source else ""
        return page_title("Live walking test", (hub.source or NO_SENSORS) + status)

    @app.callback(Output("live-gait-note", "children"), Input("live-tick", "n_intervals"))
    def _gait_note(_):
        return gait_note(hub)

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
                message = controller.stop_recording()
                saved = getattr(controller, "last_saved_dir", None)
                if saved is not None:
                    ctx_.analyses.prefetch(saved)  # the review page is ready sooner
                return message
            return controller.calibrate()
        except (RuntimeError, ValueError) as exc:
            return f"Not done: {exc}"
