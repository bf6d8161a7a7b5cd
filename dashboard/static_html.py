"""Render the page builders' Dash components to static HTML, so the report reuses exactly what the
review page shows instead of a second set of templates.

Supports ``dash.html`` elements, ``dcc.Graph`` (as a Plotly.js plot), ``dcc.Link`` (as a plain link) and
``dmc.Alert``/``dmc.Title``/``dmc.Text``; interactive widgets are left out (a report is a document).
"""

from __future__ import annotations

import itertools
import json
from html import escape

_VOID = {"br", "hr", "img", "input", "meta", "link", "col", "wbr"}
_ids = itertools.count()


def _attrs(props: dict) -> str:
    out = []
    for key, value in props.items():
        if key in ("children", "style") or value is None:
            continue
        name = {"className": "class", "htmlFor": "for"}.get(key, key)
        if not (name in ("id", "class", "href", "title", "colSpan", "rowSpan") or name.startswith("data-")):
            continue
        out.append(f' {name.lower()}="{escape(str(value), quote=True)}"')
    style = props.get("style")
    if style:
        css = ";".join(
            f"{''.join('-' + c.lower() if c.isupper() else c for c in k)}:{v}" for k, v in style.items()
        )
        out.append(f' style="{escape(css, quote=True)}"')
    return "".join(out)


def _graph(props: dict) -> str:
    div_id = f"report-fig-{next(_ids)}"
    fig = json.dumps(props.get("figure") or {}, separators=(",", ":")).replace("</", "<\\/")
    return (
        f'<div class="report-figure" id="{div_id}"></div><script>(function(){{var f={fig};'
        f'Plotly.newPlot("{div_id}",f.data,f.layout,{{staticPlot:true,responsive:true}});}})();</script>'
    )


def to_html(node) -> str:
    """HTML for a component tree (strings are escaped; unknown interactive components are dropped)."""
    if node is None:
        return ""
    if isinstance(node, (str, int, float)):
        return escape(str(node))
    if isinstance(node, (list, tuple)):
        return "".join(to_html(n) for n in node)
    spec = node.to_plotly_json()
    kind, namespace, props = spec["type"], spec["namespace"], spec["props"]
    children = props.get("children")
    if namespace == "dash_html_components":
        tag = kind.lower()
        if tag in _VOID:
            return f"<{tag}{_attrs(props)}>"
        return f"<{tag}{_attrs(props)}>{to_html(children)}</{tag}>"
    if kind == "Graph":
        return _graph(props)
    if kind == "Link":
        return f'<a href="{escape(str(props.get("href", "")), quote=True)}">{to_html(children)}</a>'
    if kind == "Alert":
        title = escape(str(props.get("title", "")))
        return f'<div class="gd-unavailable"><b>{title}</b> {to_html(children)}</div>'
    if kind == "Title":
        level = int(props.get("order", 2))
        return f"<h{level}>{to_html(children)}</h{level}>"
    if kind == "Text":
        return f'<p class="gd-muted">{to_html(children)}</p>'
    return to_html(children) if kind in ("Loading", "Stack", "Group", "Paper") else ""
