"""Replay: a recorded session played through the live path, with play/pause, speed and a seek slider.

The views are the live page's (:mod:`dashboard.components.live_view`), fed by a
:class:`~dashboard.replay_runner.ReplayRunner` per session. Sessions without a packet log (imports,
simulations with decoded samples only) have nothing to replay and say so; their review page still works.
"""

from __future__ import annotations

import math
import threading

import dash_mantine_components as dmc
from dash import Input, Output, State, ctx, dcc, html
from dash.exceptions import PreventUpdate

from dashboard.components.live_view import live_view, register_live_view
from dashboard.components.shell import fmt_duration, not_available, page_title
from dashboard.replay_runner import SPEEDS, ReplayRunner

MAX_RUNNERS = 2  # replays kept in memory; older ones are paused and dropped


def _checked(speed, seek_s) -> tuple[float, float]:
    """Only an offered speed and a finite position reach the runner (a crafted request could send 0, nan)."""
    try:
        speed, seek_s = float(speed), float(seek_s)
    except (TypeError, ValueError):
        raise PreventUpdate from None
    if speed not in SPEEDS or not math.isfinite(seek_s):
        raise PreventUpdate
    return speed, seek_s


class ReplayRunners:
    """Replay runners by session id (created on first use, at most :data:`MAX_RUNNERS`)."""

    def __init__(self, ctx) -> None:
        self._ctx, self._runners, self._lock = ctx, {}, threading.Lock()

    def get(self, session_id: str | None, create: bool = False) -> ReplayRunner | None:
        with self._lock:
            runner = self._runners.get(session_id)
            if runner is not None or not create:
                return runner
            summary = self._ctx.index.get(session_id)
            if summary is None or not (summary.path / "packets.log").is_file():
                return None
            while len(self._runners) >= MAX_RUNNERS:  # evict the oldest (dicts keep insertion order)
                old = self._runners.pop(next(iter(self._runners)))
                old.pause()
            runner = self._runners[session_id] = ReplayRunner(summary.path)
            return runner


def _controls(runner: ReplayRunner) -> html.Div:
    return html.Div(
        [
            html.Div(
                [
                    dmc.Button("Play", id="replay-play", color="blue"),
                    dmc.Button("Pause", id="replay-pause", variant="outline", color="gray"),
                    dmc.SegmentedControl(
                        id="replay-speed",
                        value="1.0",
                        data=[{"value": str(s), "label": f"{s:g}×"} for s in SPEEDS],
                    ),
                    html.Div(id="replay-position", className="gd-muted"),
                ],
                className="gd-row",
            ),
            html.Div(
                [
                    html.Span("Seek (recorded seconds):", className="gd-muted"),
                    dcc.Slider(
                        id="replay-seek",
                        min=round(runner.t_start_s, 1),
                        max=round(max(runner.t_end_s, 1.0), 1),
                        value=round(runner.t_start_s, 1),
                        updatemode="mouseup",
                        tooltip={"placement": "bottom"},
                        marks=None,
                    ),
                ],
                className="gd-seek",
            ),
        ],
        className="gd-noprint",
    )


def layout(ctx, query: dict, session_id: str | None = None, **_):
    summary = ctx.index.get(session_id) if session_id else None
    if session_id and summary is None:
        return not_available("Session not found", "No recording with this id is in the recordings folder.")
    runner = ctx.replays.get(session_id, create=True) if summary else None
    if summary is not None and runner is None:
        return html.Div(
            [
                page_title(f"Replay — subject {summary.subject} · {summary.condition}"),
                not_available(
                    "Nothing to replay",
                    "This session has no raw packet log (it was imported "
                    "or simulated as decoded samples). Its review page shows the analysis.",
                ),
                dcc.Link("Review this session", href=f"/review/{summary.session_id}"),
            ]
        )
    title = (
        page_title(
            f"Replay — subject {summary.subject} · {summary.condition}",
            f"{fmt_duration(runner.duration_s)} recorded · played through the live analysis path",
        )
        if summary
        else page_title("Replay")
    )
    links = dcc.Link("Review this session", href=f"/review/{summary.session_id}") if summary else None
    return html.Div(
        [
            title,
            links,
            dcc.Store(id="replay-session", data=summary.session_id if summary else None),
            live_view("replay", runner.hub if runner else None, controls=_controls(runner or _Idle())),
        ]
    )


class _Idle:
    """Stand-in for the validation layout (no session): a zero-length slider."""

    t_start_s = 0.0
    t_end_s = 1.0


def register(app, ctx_) -> None:
    ctx_.replays = ReplayRunners(ctx_)

    def _hub(session_id):
        runner = ctx_.replays.get(session_id)
        return None if runner is None else runner.hub

    register_live_view(app, "replay", _hub, key_store="replay-session")

    @app.callback(
        Output("replay-position", "children"),
        Input("replay-play", "n_clicks"),
        Input("replay-pause", "n_clicks"),
        Input("replay-speed", "value"),
        Input("replay-seek", "value"),
        Input("replay-tick", "n_intervals"),
        State("replay-session", "data"),
        prevent_initial_call=True,
    )
    def _control(_play, _pause, speed, seek_s, _tick, session_id):
        runner = ctx_.replays.get(session_id)
        if runner is None:
            return "Nothing to replay."
        trigger = ctx.triggered_id
        if trigger in ("replay-play", "replay-speed", "replay-seek"):
            speed, seek_s = _checked(speed, seek_s)
        if trigger == "replay-play":
            runner.play(speed=speed)
        elif trigger == "replay-pause":
            runner.pause()
        elif trigger == "replay-speed" and runner.state == "playing":
            runner.play(speed=speed)
        elif trigger == "replay-seek":
            runner.play(from_s=seek_s, speed=speed)
        return (
            f"{runner.state} · {runner.position_s - runner.t_start_s:.1f} s of "
            f"{runner.duration_s:.1f} s · speed {runner.speed:g}×"
        )
