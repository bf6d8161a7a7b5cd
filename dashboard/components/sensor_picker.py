"""The live page's sensor panel: scan for BLE sensors and assign placements, or use virtual sensors."""

from __future__ import annotations

import dash_mantine_components as dmc
from dash import ALL, Input, Output, State, ctx, dcc, html

from gait.conventions import PLACEMENTS
from gait.errors import GaitError

PLACEMENT_OPTIONS = [{"label": p.replace("_", " "), "value": p} for p in PLACEMENTS]


def sensor_panel() -> html.Div:
    return html.Div(
        [
            html.Div(
                [
                    dmc.Button("Scan for BLE sensors (5 s)", id="live-scan", variant="light"),
                    dmc.Button(
                        "Use virtual sensors (demo walker)", id="live-virtual", variant="light", color="grape"
                    ),
                    dmc.Button("Disconnect sensors", id="live-disconnect", variant="subtle", color="gray"),
                    html.Div(id="live-sources-message", className="gd-muted"),
                ],
                className="gd-row",
            ),
            dcc.Loading(html.Div(id="live-scan-list"), type="dot"),
            dcc.Store(id="live-scan-results"),
            html.Div(
                [
                    dmc.Button("Connect assigned sensors", id="live-connect", color="green"),
                    html.Div(id="live-scan-message", className="gd-muted"),
                ],
                className="gd-row",
            ),
        ],
        className="gd-card gd-noprint",
        id="live-sensors",
    )


def scan_table(devices: list[dict]) -> html.Table:
    rows = [
        html.Tr(
            [
                html.Td(d["name"] or "—"),
                html.Td(d["address"]),
                html.Td(d["profile"]),
                html.Td("—" if d["rssi_dbm"] is None else f"{d['rssi_dbm']} dBm"),
                html.Td(
                    dcc.Dropdown(
                        id={"type": "live-assign", "index": i},
                        options=PLACEMENT_OPTIONS,
                        placeholder="placement…",
                        style={"minWidth": "180px"},
                    )
                ),
            ]
        )
        for i, d in enumerate(devices)
    ]
    head = ["Name", "Address", "Firmware profile", "Signal", "Placement (check on the body!)"]
    return html.Table(
        [html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)],
        className="gd-table",
        id="live-scan-table",
    )


def register_sensor_panel(app, sources) -> None:
    @app.callback(
        Output("live-scan-list", "children"),
        Output("live-scan-results", "data"),
        Input("live-scan", "n_clicks"),
        prevent_initial_call=True,
    )
    def _scan(_):
        try:
            devices = sources.scan()
        except GaitError as exc:
            return html.P(f"Scan failed: {exc}"), []
        if not devices:
            return html.P("No sensor with a known firmware profile answered. Are they on and charged?"), []
        return scan_table(devices), devices

    @app.callback(
        Output("live-sources-message", "children"),
        Input("live-virtual", "n_clicks"),
        Input("live-disconnect", "n_clicks"),
        Input("live-connect", "n_clicks"),
        State("live-scan-results", "data"),
        State({"type": "live-assign", "index": ALL}, "value"),
        prevent_initial_call=True,
    )
    def _sources(_virtual, _disconnect, _connect, devices, placements):
        try:
            if ctx.triggered_id == "live-virtual":
                return sources.start_virtual()
            if ctx.triggered_id == "live-disconnect":
                return sources.stop()
            return sources.start_ble(devices or [], placements or [])
        except (ValueError, GaitError) as exc:
            return f"Not done: {exc}"
