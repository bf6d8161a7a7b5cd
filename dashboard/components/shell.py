"""The frame around every page: title bar with navigation, and small shared text blocks."""

from __future__ import annotations

import dash_mantine_components as dmc
from dash import dcc, html

NAV = (("Live", "/live"), ("Sessions", "/sessions"), ("Compare", "/compare"))


def app_shell() -> dmc.MantineProvider:
    """Header with navigation, the routed page container and the URL component."""
    header = html.Header(
        className="gd-header",
        children=[
            html.Span("gait-imu", className="gd-brand"),
            html.Nav(
                [
                    dcc.Link(label, href=href, className="gd-nav", id=f"nav-{label.lower()}")
                    for label, href in NAV
                ]
            ),
            html.Span("research software — not a medical device", className="gd-tagline"),
        ],
    )
    return dmc.MantineProvider(
        html.Div(
            [dcc.Location(id="url"), header, html.Main(id="page", className="gd-main")],
        )
    )


def not_available(title: str, why: str) -> dmc.Alert:
    """A truthful "not available" state (never a placeholder number)."""
    return dmc.Alert(why, title=title, color="gray", className="gd-unavailable")


def page_title(text: str, subtitle: str = "") -> html.Div:
    return html.Div(
        [dmc.Title(text, order=2), dmc.Text(subtitle, c="dimmed", size="sm") if subtitle else None],
        className="gd-page-title",
    )


def fmt_duration(duration_s: float | None) -> str:
    """``12:34`` (min:s) or ``1:02:03``; an em dash when unknown."""
    if duration_s is None:
        return "—"
    total = int(round(duration_s))
    h, rem = divmod(total, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
