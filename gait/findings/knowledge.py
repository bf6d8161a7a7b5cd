"""Load and check the claims knowledge base (``knowledge.yaml``).

The file is data, edited by people who are not programmers, so loading checks its internal references
(articles, literature, statuses, metrics) and reports mistakes by claim and field rather than failing later
while rendering a finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from gait.errors import GaitError

KB_PATH = Path(__file__).with_name("knowledge.yaml")
SCHEMA = "gait.findings-kb/1"
RULE_KINDS = {"informational", "left_right", "reference", "condition", "same_as", "red_flags", "activity"}


class KnowledgeBaseError(GaitError):
    """The knowledge-base file is inconsistent (names the claim and field)."""


@dataclass(frozen=True)
class KnowledgeBase:
    raw: dict

    @property
    def articles(self) -> dict:
        return self.raw["articles"]

    @property
    def references(self) -> dict:
        return self.raw["references"]

    @property
    def claims(self) -> dict:
        return self.raw["claims"]

    @property
    def statuses(self) -> dict:
        return self.raw["statuses"]

    @property
    def disclaimer(self) -> list[dict]:
        return self.raw["disclaimer"]

    @property
    def red_flags(self) -> dict:
        return self.raw["red_flags"]

    def claim(self, claim_id: str) -> dict:
        return self.claims[claim_id]

    def mdc(self, metric: str, mount: str) -> float | None:
        """Minimal detectable change of ``metric`` for a mount situation (``same_mount``/``remounted``)."""
        entry = self.raw["mdc"].get(metric, {})
        return entry.get(mount)

    def mdc_spec(self, metric: str, mount: str) -> tuple[float, bool] | None:
        """``(value, relative)`` MDC for a mount situation; relative values are % of the baseline median."""
        return _spec(self.raw["mdc"].get(metric), mount)

    def error_bar_spec(self, metric: str) -> tuple[float, bool] | None:
        """``(value, relative)`` displayed measurement error bar (±) of a metric."""
        return _spec(self.raw["error_bars"].get(metric), "value")

    @property
    def error_bars_source(self) -> str:
        return self.raw["error_bars_source"]

    def mdc_source(self, metric: str) -> str | None:
        entry = self.raw["mdc"].get(metric)
        return self.references.get(entry["source"], entry["source"]) if entry else None

    def reference(self, metric: str) -> dict | None:
        return self.raw["reference_values"].get(metric)

    def error_bar(self, metric: str) -> float | None:
        entry = self.raw["error_bars"].get(metric)
        return None if entry is None else float(entry["value"])

    def metric_label(self, metric: str) -> dict:
        return self.raw["metric_labels"].get(metric, {"label": metric, "more": "larger", "less": "smaller"})

    def forbidden_patterns(self, claim_id: str | None = None) -> list[re.Pattern]:
        """Global forbidden phrases plus the claim's own (all claims' when ``claim_id`` is None)."""
        sources = list(self.raw["forbidden_phrases"])
        claims = [claim_id] if claim_id else list(self.claims)
        for cid in claims:
            sources += self.claims[cid].get("forbidden", [])
        return [re.compile(p, re.IGNORECASE) for p in sources]

    def sources_for(self, claim_id: str) -> list[dict]:
        """The claim's articles and literature as citation records."""
        claim = self.claims[claim_id]
        arts = [{"kind": "article", "id": a, **self.articles[a]} for a in claim["articles"]]
        refs = [{"kind": "reference", "id": r, "citation": self.references[r]} for r in claim["references"]]
        return arts + refs


RELATIVE_UNIT = "% of median"


def _spec(entry: dict | None, key: str) -> tuple[float, bool] | None:
    if not entry or entry.get(key) is None:
        return None
    return float(entry[key]), entry.get("unit") == RELATIVE_UNIT


@cache
def load_knowledge(path: Path = KB_PATH) -> KnowledgeBase:
    """Load and check the knowledge base (cached: the file is read once per process)."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeBaseError(f"{path}: cannot read the knowledge base ({exc})") from None
    _check(raw, path)
    return KnowledgeBase(raw)


def _check(raw: dict, path: Path) -> None:
    if not isinstance(raw, dict) or raw.get("schema") != SCHEMA:
        raise KnowledgeBaseError(f"{path}: expected 'schema: {SCHEMA}'")
    required = ("articles", "references", "claims", "mdc", "reference_values", "error_bars",
                "error_bars_source", "forbidden_phrases", "statuses", "disclaimer", "red_flags",
                "metric_labels")
    for key in required:
        if key not in raw:
            raise KnowledgeBaseError(f"{path}: missing top-level field '{key}'")
    for pattern in raw["forbidden_phrases"]:
        _compile(pattern, path, "forbidden_phrases")
    for cid, claim in raw["claims"].items():
        _check_claim(raw, cid, claim, path)


def _check_claim(raw: dict, cid: str, claim: dict, path: Path) -> None:
    where = f"{path}: claims.{cid}"
    for field in ("articles", "claim", "rule", "texts", "limits", "evidence", "references"):
        if field not in claim:
            raise KnowledgeBaseError(f"{where}: missing field '{field}'")
    for art in claim["articles"]:
        if art not in raw["articles"]:
            raise KnowledgeBaseError(f"{where}.articles: unknown article '{art}'")
    for ref in claim["references"]:
        if ref not in raw["references"]:
            raise KnowledgeBaseError(f"{where}.references: unknown reference '{ref}'")
    if claim["rule"].get("kind") not in RULE_KINDS:
        raise KnowledgeBaseError(f"{where}.rule.kind: expected one of {sorted(RULE_KINDS)}")
    for status in claim["texts"]:
        if status not in raw["statuses"]:
            raise KnowledgeBaseError(f"{where}.texts: unknown status '{status}'")
    for pattern in claim.get("forbidden", []):
        _compile(pattern, path, f"claims.{cid}.forbidden")
    for ex in claim.get("exercises", []):
        if ex.get("article") not in claim["articles"] and ex.get("article") not in raw["articles"]:
            raise KnowledgeBaseError(f"{where}.exercises: unknown article '{ex.get('article')}'")


def _compile(pattern: str, path: Path, where: str) -> None:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise KnowledgeBaseError(f"{path}: {where}: bad regular expression {pattern!r} ({exc})") from None
