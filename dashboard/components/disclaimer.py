"""The plain-language disclaimer and the red-flag list, always shown on review/compare pages and reports.

Their wording lives in the findings knowledge base (``gait/findings/knowledge.yaml``), never in this code.
"""

from __future__ import annotations

from dash import dcc, html


def _knowledge():
    try:
        from gait.findings import load_knowledge  # noqa: PLC0415 - keeps page import cheap
    except ImportError:
        return None
    return load_knowledge()


def disclaimer_block() -> html.Div:
    """The disclaimer paragraphs with their headings."""
    kb = _knowledge()
    if kb is None:
        return html.Div(
            [
                html.H4("Disclaimer not available"),
                html.P(
                    "The findings knowledge base is not installed, so the disclaimer cannot be shown. "
                    "This software is not a medical device and cannot diagnose."
                ),
            ],
            className="gd-disclaimer",
            id="disclaimer",
        )
    parts = [html.H4("Please read: what these results are and are not")]
    for item in kb.disclaimer:
        parts.append(html.P([html.B(item["heading"] + ". "), item["text"]]))
    return html.Div(parts, className="gd-disclaimer", id="disclaimer")


def red_flag_lists() -> dict | None:
    """The knowledge base's red flags (headings, urgent and soon items, sources), ``None`` when missing."""
    kb = _knowledge()
    return None if kb is None else kb.red_flags


def red_flag_checklist(prefix: str) -> html.Div:
    """The red-flag list as a checklist the therapist answers; any tick withholds interpretive findings."""
    flags = red_flag_lists() or {
        "urgent": [],
        "soon": [],
        "sources": "not available",
        "urgent_heading": "Red-flag list not available (knowledge base missing)",
        "soon_heading": "",
    }

    def _checklist(key):
        return dcc.Checklist(
            id=f"{prefix}-redflags-{key}",
            options=[{"label": " " + t, "value": t} for t in flags[key]],
            value=[],
            labelStyle={"display": "block"},
        )

    return html.Div(
        [
            html.H4("Warning signs the sensors cannot detect: ask, and tick any that apply"),
            html.B(flags["urgent_heading"]),
            _checklist("urgent"),
            html.B(flags["soon_heading"]),
            _checklist("soon"),
            html.P("Any tick withholds the interpretive findings below.", className="gd-sub"),
            html.P(f"Sources: {flags['sources']}", className="gd-muted"),
        ],
        className="gd-redflags",
        id=f"{prefix}-red-flags",
        **{"data-role": "red-flags"},
    )
