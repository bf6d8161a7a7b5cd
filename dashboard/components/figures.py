"""Pure figure builders (arrays in, Plotly figure dicts out): shared by pages and the report export."""

from __future__ import annotations

import numpy as np

SIDE_COLOURS = {"left": "#1c7ed6", "right": "#e8590c"}
ANGLE_TRACES = (  # (label, colour, sign applied to the α β γ column)
    ("Dorsiflexion (+) / plantarflexion (−)", "#364fc7", 1.0),
    ("Inversion (+) / eversion (−)", "#c2255c", 1.0),
    ("Tibial internal rotation rel. foot (−γ)", "#2b8a3e", -1.0),
)
BASE_LAYOUT = {
    "margin": {"l": 55, "r": 10, "t": 36, "b": 40},
    "paper_bgcolor": "#ffffff",
    "plot_bgcolor": "#ffffff",
    "font": {"size": 12},
    "legend": {"orientation": "h", "y": -0.22},
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


def angle_columns(angles_deg: np.ndarray) -> list[list[float]]:
    """The three plotted columns (α, β, −γ) as lists, rounded to 0.01° to keep payloads small."""
    angles_deg = np.asarray(angles_deg, dtype=float).reshape(-1, 3)
    return [np.round(angles_deg[:, i] * sign, 2).tolist() for i, (_, _, sign) in enumerate(ANGLE_TRACES)]


def live_angles_figure(side: str, t_s: np.ndarray, angles_deg: np.ndarray, uirevision: str = "") -> dict:
    """Rolling ankle angles of one side, seconds on x; later samples arrive through ``extendData``."""
    t = np.round(np.asarray(t_s, dtype=float), 3).tolist()
    data = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": name,
            "x": t,
            "y": y,
            "line": {"color": colour, "width": 1.6},
        }
        for (name, colour, _), y in zip(ANGLE_TRACES, angle_columns(angles_deg), strict=True)
    ]
    title = f"{side.capitalize()} ankle (degrees, 0 = standing calibration)"
    return {
        "data": data,
        "layout": _layout(
            title={"text": title, "x": 0.01, "font": {"size": 14}},
            xaxis={"title": {"text": "session time (s)"}},
            yaxis={"title": {"text": "angle (°)"}},
            uirevision=uirevision,
            height=300,
        ),
    }


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
    ticks = {"tickmode": "array", "tickvals": list(range(len(rows))), "ticktext": [r.label for r in rows]}
    return {
        "data": data,
        "layout": _layout(
            title={"text": "Median per side with measurement error bar (°)", "x": 0.01, "font": {"size": 14}},
            xaxis=ticks,
            yaxis={"title": {"text": "degrees"}},
            height=300,
        ),
    }
