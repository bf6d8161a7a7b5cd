"""Status cards of the live page: one per sensor, plus cadence/strides and the calibration line."""

from __future__ import annotations

from dash import html

from dashboard.live_buffer import LiveHub, SensorStatus
from gait.conventions import PLACEMENTS, SIDES


def _fmt(value: float | None, unit: str, digits: int = 0) -> str:
    return "—" if value is None else f"{value:.{digits}f} {unit}".strip()


def sensor_card(status: SensorStatus) -> html.Div:
    state_class = "gd-state-" + status.state.replace(" ", "-").lower()
    lines = [
        f"rate {_fmt(status.rate_hz, 'Hz')} · loss {_fmt(status.loss_pct, '%', 1)}",
        f"reconnects {status.reconnects} · battery {_fmt(status.battery_pct, '%')}",
    ]
    return html.Div(
        [
            html.H4(status.placement.replace("_", " ")),
            html.Div(status.state, className="gd-value"),
            *[html.Div(line, className="gd-sub") for line in lines],
            html.Div(status.detail, className="gd-sub") if status.detail else None,
        ],
        className=f"gd-card {state_class}",
        **{"data-sensor": status.placement},
    )


def sensor_cards(statuses: list[SensorStatus]) -> list:
    if not statuses:
        return [
            html.Div(
                [html.H4("Sensors"), html.Div("none connected", className="gd-value")], className="gd-card"
            )
        ]
    order = {p: i for i, p in enumerate(PLACEMENTS)}
    return [sensor_card(s) for s in sorted(statuses, key=lambda s: order.get(s.placement, 99))]


def _value_card(title: str, value: str, sub: str = "", card_id: str | None = None) -> html.Div:
    kwargs = {"id": card_id} if card_id else {}
    return html.Div(
        [html.H4(title), html.Div(value, className="gd-value"), html.Div(sub, className="gd-sub")],
        className="gd-card",
        **kwargs,
    )


def gait_cards(hub: LiveHub, prefix: str = "live") -> list:
    cadence = hub.cadence_steps_per_min
    strides = hub.stride_count
    recording = hub.controller.recording
    cards = [
        _value_card("Cadence", _fmt(cadence, "steps/min"), "from the last strides", f"{prefix}-cadence"),
        _value_card(
            "Strides",
            " / ".join(f"{strides.get(s, 0)} {s[0].upper()}" for s in SIDES),
            "counted since start",
            f"{prefix}-strides",
        ),
    ]
    if hub.controller.can_record:
        state = "● recording" if recording else "not recording"
        cards.append(_value_card("Recording", state, recording or "", f"{prefix}-recording"))
    return cards


def calibration_text(hub: LiveHub) -> str:
    cal = hub.calibration
    if cal.state == "idle":
        return (
            "Calibration: not done yet — ask the person to stand still, feet hip-width apart, "
            "then press Calibrate."
        )
    quality = "" if cal.quality is None else f" quality {cal.quality:.2f} (0–1)"
    warn = (" — " + "; ".join(cal.warnings)) if cal.warnings else ""
    return f"Calibration: {cal.state}{quality}. {cal.message}{warn}"
