"""Pure figure builders (arrays in, Plotly figure dicts out): shared by pages and the report export."""

from __future__ import annotations

import numpy as np

SIDE_COLOURS = {"left": "#1c7ed6", "right": "#e8590c"}
SIDES_ORDER = ("left", "right")
SHORT_LABELS = {
    "eversion_excursion_deg": "heel/shoe inward tilt (°)",
    "tibial_ir_excursion_deg": "shin inward turn rel. foot (°)",
    "peak_dorsiflexion_deg": "peak ankle dorsiflexion (°)",
}
LIVE_TRACES = {  # mode -> (label, colour, sign applied to the stored column), one per plotted column
    "angles": (
        ("Dorsiflexion (+) / plantarflexion (−)", "#364fc7", 1.0),
        ("Inversion (+) / eversion (−)", "#c2255c", 1.0),
        ("Tibial internal rotation rel. foot (−γ)", "#2b8a3e", -1.0),
    ),
    "rates": (
        ("Shank angular rate |ω|", "#5f3dc4", 1.0),
        ("Foot angular rate |ω|", "#e67700", 1.0),
    ),
}
LIVE_TITLES = {
    "angles": "Ankle angles per side (°, 0 = standing calibration pose)",
    "rates": "Sensor angular rate per side (°/s): ankle angles appear after calibration and ~15 s of walking",
}
BASE_LAYOUT = {
    "margin": {"l": 55, "r": 10, "t": 36, "b": 40},
    "paper_bgcolor": "#ffffff",
    "plot_bgcolor": "#ffffff",
    "font": {"size": 12},
    "legend": {"orientation": "h", "x": 1, "xanchor": "right", "y": 1.02, "yanchor": "bottom"},
    "xaxis": {"gridcolor": "#e9ecef", "zeroline": False},
    "yaxis": {"gridcolor": "#e9ecef", "zerolinecolor": "#adb5bd"},
}


def _layout(**extra) -> dict:
    layout = {k: (dict(v) if isinstance(v, dict) else v) for k, v in BASE_LAYOUT.items()}
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(layout.get(key), dict):
            layout[key].update(value)
        else:
            layout[key] = value
    return layout


def live_columns(mode: str, values: np.ndarray) -> list[list[float | None]]:
    """The plotted columns of one mode as lists (rounded to 0.01; non-finite values become gaps)."""
    values = np.asarray(values, dtype=float).reshape(-1, 3)
    out = []
    for i, (_, _, sign) in enumerate(LIVE_TRACES[mode]):
        col = np.round(values[:, i] * sign, 2)
        out.append([v if np.isfinite(v) else None for v in col.tolist()])
    return out


def live_figure(mode: str, sides: dict[str, tuple[np.ndarray, np.ndarray]], uirevision: str = "") -> dict:
    """Rolling plots, one subplot per side (left on top), seconds on x; one figure so the browser redraws
    once per frame. ``sides[side] = (t_s, values)``; later samples arrive through ``extendData`` with the
    trace indices of :func:`live_trace_indices`.
    """
    traces = LIVE_TRACES[mode]
    data = []
    for row, (t_s, values) in enumerate(sides.values(), start=1):
        t = np.round(np.asarray(t_s, dtype=float), 3).tolist()
        for (name, colour, _), y in zip(traces, live_columns(mode, values), strict=True):
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "name": name,
                    "x": t,
                    "y": y,
                    "legendgroup": name,
                    "showlegend": row == 1,
                    "line": {"color": colour, "width": 1.6},
                    "xaxis": f"x{row if row > 1 else ''}",
                    "yaxis": f"y{row if row > 1 else ''}",
                }
            )
    unit = "angle (°)" if mode == "angles" else "angular rate (°/s)"
    # Title and legend are HTML next to the graph (live_legend): redrawing them every frame cost the
    # browser as much as the lines themselves.
    layout = _layout(
        uirevision=uirevision,
        height=520,
        hovermode=False,
        showlegend=False,
        margin={"l": 60, "r": 10, "t": 10, "b": 40},
    )
    layout["grid"] = {"rows": len(sides), "columns": 1, "pattern": "independent", "roworder": "top to bottom"}
    for row, side in enumerate(sides, start=1):
        suffix = "" if row == 1 else str(row)
        layout[f"xaxis{suffix}"] = {
            "gridcolor": "#e9ecef",
            "title": {"text": "session time (s)"} if row == len(sides) else None,
        }
        layout[f"yaxis{suffix}"] = {
            "gridcolor": "#e9ecef",
            "zerolinecolor": "#adb5bd",
            "title": {"text": f"{side.capitalize()}: {unit}"},
        }
    return {"data": data, "layout": layout}


def live_legend(mode: str) -> list[tuple[str, str]]:
    """(label, colour) of the lines of a mode, for an HTML legend above the live graph."""
    return [(name, colour) for name, colour, _ in LIVE_TRACES[mode]]


def live_trace_indices(mode: str, side_index: int) -> list[int]:
    """Trace indices of one side's lines in :func:`live_figure`."""
    n = len(LIVE_TRACES[mode])
    return list(range(side_index * n, (side_index + 1) * n))


def mean_sd_figure(
    curves: dict[str, np.ndarray], title: str, y_label: str, x_label: str = "% gait cycle"
) -> dict:
    """Per-side mean ± SD band over normalised strides (``curves[side]`` is strides × points).

    Shows the number of strides in the legend so a thin band from few strides is recognisable.
    """
    data = []
    for side, arr in curves.items():
        arr = np.asarray(arr, dtype=float)
        if arr.ndim != 2 or arr.shape[0] == 0:
            continue
        x = np.linspace(0, 100, arr.shape[1]).round(2).tolist()
        mean, sd = np.nanmean(arr, axis=0), np.nanstd(arr, axis=0)
        colour = SIDE_COLOURS.get(side, "#495057")
        band_x = x + x[::-1]
        band_y = np.concatenate([mean + sd, (mean - sd)[::-1]]).round(3).tolist()
        data.append(
            {
                "type": "scatter",
                "x": band_x,
                "y": band_y,
                "fill": "toself",
                "fillcolor": colour,
                "opacity": 0.18,
                "line": {"width": 0},
                "hoverinfo": "skip",
                "showlegend": False,
                "legendgroup": side,
            }
        )
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": x,
                "y": mean.round(3).tolist(),
                "name": f"{side} mean ± SD (n = {arr.shape[0]} strides)",
                "legendgroup": side,
                "line": {"color": colour, "width": 2.2},
            }
        )
    return {
        "data": data,
        "layout": _layout(
            title={"text": title, "x": 0.01, "font": {"size": 14}},
            xaxis={"title": {"text": x_label}, "range": [0, 100]},
            yaxis={"title": {"text": y_label}},
            height=320,
        ),
    }


def summary_errorbar_figure(rows) -> dict:
    """Left and right medians of the lead metrics with the displayed measurement error bar (±)."""
    data = []
    for offset, side in ((-0.12, "left"), (0.12, "right")):
        xs, ys, errs, texts = [], [], [], []
        for i, row in enumerate(rows):
            s = row.sides[side]
            if not s["n"]:
                continue
            err = (s.get("error_bar") or {}).get("plus_minus") or 0.0
            xs.append(i + offset)
            ys.append(round(s["median"], 2))
            errs.append(round(err, 2))
            texts.append(f"{row.label}<br>{side}: {s['median']:.1f} ± {err:.1f} {row.unit} (n = {s['n']})")
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": side,
                "x": xs,
                "y": ys,
                "text": texts,
                "hoverinfo": "text",
                "marker": {"size": 11, "color": SIDE_COLOURS[side]},
                "error_y": {"type": "data", "array": errs, "visible": True, "thickness": 2, "width": 8},
            }
        )
    labels = [r.label.replace(" (", "<br>(").replace(", ", ",<br>") for r in rows]
    ticks = {
        "tickmode": "array",
        "tickvals": list(range(len(rows))),
        "ticktext": labels,
        "range": [-0.5, len(rows) - 0.5],
    }
    return {
        "data": data,
        "layout": _layout(
            title={"text": "Median per side with measurement error bar (°)", "x": 0.01, "font": {"size": 14}},
            xaxis=ticks,
            yaxis={"title": {"text": "degrees"}},
            height=300,
        ),
    }


def sessions_errorbar_figure(analyses: list[dict], labels: list[str], metrics) -> dict:
    """Per session (x) and side: median with the displayed measurement error bar, one subplot per metric."""
    data, layout_axes = [], {}
    for row, metric in enumerate(metrics, start=1):
        suffix = "" if row == 1 else str(row)
        for side in SIDES_ORDER:
            ys, errs = [], []
            for analysis in analyses:
                s = (analysis.get("summary") or {}).get(side, {}).get(metric) or {}
                ys.append(None if not s.get("n") else round(s["median"], 2))
                errs.append(((s.get("error_bar") or {}).get("plus_minus") or 0.0) if s.get("n") else 0.0)
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": side,
                    "x": labels,
                    "y": ys,
                    "legendgroup": side,
                    "showlegend": row == 1,
                    "xaxis": f"x{suffix}",
                    "yaxis": f"y{suffix}",
                    "marker": {"size": 10, "color": SIDE_COLOURS[side]},
                    "line": {"dash": "dot"},
                    "error_y": {"type": "data", "array": errs, "visible": True, "width": 6},
                }
            )
        layout_axes[f"xaxis{suffix}"] = {"type": "category", "gridcolor": "#e9ecef"}
        layout_axes[f"yaxis{suffix}"] = {
            "title": {"text": metric.replace("_deg", " (°)").replace("_", " ")},
            "gridcolor": "#e9ecef",
        }
    layout = _layout(
        title={
            "text": "Median per session and side, with measurement error bar",
            "x": 0.01,
            "font": {"size": 14},
        },
        height=260 * len(metrics),
    )
    layout.update(layout_axes)
    layout["grid"] = {
        "rows": len(metrics),
        "columns": 1,
        "pattern": "independent",
        "roworder": "top to bottom",
    }
    return {"data": data, "layout": layout}
