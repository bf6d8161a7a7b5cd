"""The plain-language disclaimer and the red-flag list, always shown on review/compare pages and reports.

Their wording lives in the findings knowledge base (``gait/findings/knowledge.yaml``), never in this code.
"""

from __future__ import annotations

from dash import html


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


def red_flags_block() -> html.Div:
    """The red-flag checklist (what sensors cannot detect and needs a clinician)."""
    kb = _knowledge()
    if kb is None:
        return html.Div(
            html.P("Red-flag list not available (findings knowledge base missing)."),
            className="gd-redflags",
            id="red-flags",
        )
    flags = kb.red_flags
    return html.Div(
        [
            html.H4("Warning signs the sensors cannot detect"),
            html.B(flags["urgent_heading"]),
            html.Ul([html.Li(t) for t in flags["urgent"]]),
            html.B(flags["soon_heading"]),
            html.Ul([html.Li(t) for t in flags["soon"]]),
            html.P(f"Sources: {flags['sources']}", className="gd-muted"),
        ],
        className="gd-redflags",
        id="red-flags",
    )


def red_flag_lists() -> dict | None:
    """The knowledge base's red flags (headings, urgent and soon items, sources), ``None`` when missing."""
    kb = _knowledge()
    return None if kb is None else kb.red_flags
