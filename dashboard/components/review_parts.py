"""Builders for the review page and the report: summary cards, metrics/reference tables, exclusions,
quality, findings. Each takes plain data (from :mod:`dashboard.review_model`) and returns Dash components."""

from __future__ import annotations

from dash import html

from dashboard.review_model import LEAD_METRICS, MetricRow, fmt_value
from gait.conventions import SIDES


def _side_line(summary: dict, unit: str) -> str:
    if not summary["n"]:
        return "not available"
    err = summary.get("error_bar") or {}
    pm = err.get("plus_minus")
    pm_txt = f" ± {pm:.1f}" if pm is not None else ""
    return f"{fmt_value(summary['median'], '')}{pm_txt} {unit}".replace("  ", " ").strip()


def summary_cards(rows: list[MetricRow]) -> html.Div:
    """Lead metrics as cards: median ± displayed error bar per side, IQR and stride count beneath."""
    cards = []
    for row in (r for r in rows if r.metric in LEAD_METRICS):
        lines = []
        for side in SIDES:
            s = row.sides[side]
            iqr = (
                f"IQR {fmt_value(s['q1'])}–{fmt_value(s['q3'])}, n = {s['n']}"
                if s["n"]
                else row.unavailable.get(side, "")
            )
            lines.append(
                html.Div(
                    [
                        html.B(f"{side[0].upper()}  "),
                        _side_line(s, row.unit),
                        html.Span(f"  ({iqr})", className="gd-sub"),
                    ]
                )
            )
        cards.append(
            html.Div(
                [html.H4(row.label), *lines], className="gd-card review-card", **{"data-metric": row.metric}
            )
        )
    return html.Div(cards, className="gd-cards", id="review-cards")


def _diff_cell(d: dict, unit: str) -> str:
    if d.get("left_minus_right") is None:
        return "not available"
    ci = d.get("ci95")
    ci_txt = f" (95 % CI {ci[0]:.1f} to {ci[1]:.1f})" if ci else ""
    return f"{d['left_minus_right']:+.1f} {unit}{ci_txt}"


def metrics_table(rows: list[MetricRow]) -> html.Table:
    head = [
        "Metric",
        "Left: median (IQR), n",
        "Right: median (IQR), n",
        "± error bar",
        "Left − right",
        "MDC",
        "Verdict",
    ]
    body = []
    for row in rows:
        cells = [html.Td(row.label)]
        for side in SIDES:
            s = row.sides[side]
            why = row.unavailable.get(side, "no valid strides")
            text = f"not available ({why})"
            if s["n"]:
                med, q1, q3 = (fmt_value(s[k], digits=2) for k in ("median", "q1", "q3"))
                text = f"{med} ({q1}–{q3}), {s['n']}"
            cells.append(html.Td(text))
        err = next((row.sides[s]["error_bar"] for s in SIDES if row.sides[s].get("error_bar")), None)
        cells.append(html.Td(f"{err['plus_minus']:.1f} {row.unit}" if err else "—"))
        d = row.left_minus_right
        cells += [
            html.Td(_diff_cell(d, row.unit)),
            html.Td(f"{d['mdc']:.1f} {row.unit}" if d.get("mdc") is not None else "—"),
            html.Td(d.get("verdict", "")),
        ]
        body.append(html.Tr(cells, **{"data-metric": row.metric}))
    return html.Table(
        [html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(body)],
        className="gd-table",
        id="review-metrics",
    )


def reference_table(refs: list[dict]) -> html.Table:
    head = ["Metric", "Reference", "Measured how", "Source"]
    body = [
        html.Tr([html.Td(r["label"]), html.Td(r["value"]), html.Td(r["condition"]), html.Td(r["source"])])
        for r in refs
    ]
    return html.Table(
        [html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(body)],
        className="gd-table",
        id="review-references",
    )


def exclusions_block(reasons, excluded: list[dict], max_rows: int = 30) -> html.Div:
    if not excluded:
        return html.P("No strides were excluded.", id="review-exclusions")
    summary = html.Ul([html.Li(f"{n} × {reason}") for reason, n in reasons.most_common()])
    rows = [
        html.Tr(
            [
                html.Td(s.get("side", "")),
                html.Td(f"{s.get('ic_s', 0):.2f} s"),
                html.Td(s.get("exclusion_reason") or "no reason given"),
            ]
        )
        for s in excluded[:max_rows]
    ]
    more = (
        html.P(f"… and {len(excluded) - max_rows} more", className="gd-muted")
        if len(excluded) > max_rows
        else None
    )
    table = html.Table(
        [
            html.Thead(html.Tr([html.Th("Side"), html.Th("Starts at"), html.Th("Why excluded")])),
            html.Tbody(rows),
        ],
        className="gd-table",
    )
    return html.Div([summary, table, more], id="review-exclusions")


def _table(head: list[str], rows: list[list], table_id: str | None = None) -> html.Table:
    kwargs = {"id": table_id} if table_id else {}
    return html.Table(
        [
            html.Thead(html.Tr([html.Th(h) for h in head])),
            html.Tbody([html.Tr([html.Td(c) for c in r]) for r in rows]),
        ],
        className="gd-table",
        **kwargs,
    )


def _num(value, fmt: str = "{:.2f}", missing: str = "—") -> str:
    return missing if value is None else fmt.format(value)


def quality_block(analysis: dict) -> html.Div:
    """Calibration quality per sensor, sensor data quality and the analysis warnings, as reported."""
    cal = analysis.get("calibration") or {}
    cal_rows = [
        [
            name.replace("_", " "),
            _num(c.get("quality")),
            c.get("vertical_source") or "—",
            c.get("sign_source") or "—",
            "; ".join(c.get("warnings") or []) or "none",
        ]
        for name, c in cal.items()
        if isinstance(c, dict)
    ]
    sensors = analysis.get("sensors") or {}
    sensor_rows = [
        [
            name.replace("_", " "),
            "yes" if s.get("present") else "no",
            _num(s.get("rate_hz"), "{:.0f} Hz"),
            _num(s.get("n_samples"), "{:d}"),
            _num(s.get("loss_pct"), "{:.1f} %"),
            s.get("reason") or "",
        ]
        for name, s in sensors.items()
        if isinstance(s, dict)
    ]
    warnings = analysis.get("warnings") or []
    return html.Div(
        [
            html.H4("Calibration (sensor-to-segment alignment; quality 0–1, higher is better)"),
            _table(
                ["Sensor", "Quality", "Vertical from", "Direction from", "Warnings"],
                cal_rows,
                "review-calibration",
            )
            if cal_rows
            else html.P("Calibration: not available in this analysis."),
            html.H4("Sensor data"),
            _table(["Sensor", "Present", "Rate", "Samples", "Loss", "Note"], sensor_rows, "review-sensors")
            if sensor_rows
            else html.P("Sensor quality: not available in this analysis."),
            html.H4("Analysis warnings"),
            html.Ul([html.Li(w) for w in warnings]) if warnings else html.P("None."),
        ],
        id="review-quality",
    )


def _source_text(source: dict) -> str:
    if source.get("kind") == "article":
        return f"{source['id']}: “{source['title']}” ({source['source']})"
    return source.get("citation") or source.get("id", "")


def findings_panel(findings: list[dict]) -> html.Div:
    """Each finding: status, the article's claim, what was measured, what it does not mean, sources."""
    items = []
    for f in findings:
        sources = "; ".join(_source_text(s) for s in f.get("sources", []))
        exercises = f.get("exercises") or []
        items.append(
            html.Div(
                [
                    html.H4(f"{f['claim']} · {f['status_label']}"),
                    html.P(f["claim_text"], className="gd-muted"),
                    html.P(f["text"]),
                    html.P(["Does not mean: ", f["limits"]], className="gd-sub") if f.get("limits") else None,
                    html.P(["Evidence: ", f["evidence"]], className="gd-sub") if f.get("evidence") else None,
                    html.P(
                        [
                            "What the article suggests (not a prescription): ",
                            "; ".join(f"{e['text']} ({e['attribution']})" for e in exercises),
                        ],
                        className="gd-sub",
                    )
                    if exercises
                    else None,
                    html.P(f"Sources: {sources}", className="gd-sub") if sources else None,
                ],
                className=f"gd-card finding finding-{f['status']}",
                **{"data-claim": f["claim"]},
            )
        )
    return html.Div(items, id="review-findings-list")
