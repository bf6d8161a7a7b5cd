"""Render finding texts from the knowledge base, refusing any text that contains a forbidden phrase.

The guard runs on every rendered sentence, not only in tests: a template edit that slips a forbidden phrase
in must fail loudly rather than reach a therapist's report.
"""

from __future__ import annotations

import re

from gait.findings.knowledge import KnowledgeBase


class ForbiddenWordingError(RuntimeError):
    """A rendered text contains a phrase the knowledge base forbids (a bug in the templates)."""


def forbidden_hits(text: str, patterns: list[re.Pattern]) -> list[str]:
    """The forbidden phrases found in ``text`` (empty when clean)."""
    return [m.group(0) for p in patterns for m in [p.search(text)] if m]


def render(kb: KnowledgeBase, claim_id: str, status: str, **values) -> str:
    """The claim's text for ``status`` filled with ``values``, whitespace-normalised and checked."""
    template = kb.claim(claim_id)["texts"][status]
    text = " ".join(template.format(**values).split())
    check(kb, text, claim_id)
    return text


def check(kb: KnowledgeBase, text: str, claim_id: str | None = None) -> str:
    """Raise :class:`ForbiddenWordingError` when ``text`` contains a forbidden phrase; return it otherwise."""
    hits = forbidden_hits(text, kb.forbidden_patterns(claim_id))
    if hits:
        raise ForbiddenWordingError(f"forbidden wording {hits} in: {text}")
    return text
