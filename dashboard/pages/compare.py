"""Compare: not built yet (waits for upstream stages)."""

from __future__ import annotations

from dashboard.components.shell import not_available


def layout(ctx, query: dict, session_id: str | None = None, **_):
    return not_available(
        "Compare not available yet", "This view needs pipeline stages that have not landed yet."
    )


def register(app, ctx) -> None:
    return None
