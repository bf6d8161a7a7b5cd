"""The knowledge base is consistent and every text in it renders without forbidden wording."""

import re
import string

import pytest

from gait.findings.knowledge import KnowledgeBaseError, load_knowledge
from gait.findings.wording import ForbiddenWordingError, check, forbidden_hits, render

KB = load_knowledge()


class _Any(dict):
    """Fills every template placeholder with a plausible value."""

    def __missing__(self, key):
        if key.startswith(("side", "cond", "metric", "direction")):
            return {"side_less": "left", "side_more": "right", "cond_a": "shoe A", "cond_b": "shoe B",
                    "direction": "smaller"}.get(key, "left")
        if key.startswith("n"):
            return 2
        return 3.25


def _placeholders(template):
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


@pytest.mark.parametrize("cid", sorted(KB.claims))
def test_every_template_renders_without_forbidden_wording(cid):
    for status, template in KB.claim(cid)["texts"].items():
        values = _Any()
        text = render(KB, cid, status, **{k: values[k] for k in _placeholders(template)})
        assert text and "{" not in text


def test_claim_paraphrases_limits_and_fixed_texts_are_clean():
    texts = [c[k] for c in KB.claims.values() for k in ("claim", "limits", "evidence")]
    texts += [d["text"] for d in KB.disclaimer] + KB.red_flags["urgent"] + KB.red_flags["soon"]
    texts += [c for claim in KB.claims.values() for c in claim.get("caveats", {}).values()]
    texts += [e["text"] for claim in KB.claims.values() for e in claim.get("exercises", [])]
    for text in texts:
        check(KB, " ".join(text.split()))


def test_the_guard_catches_forbidden_phrases():
    for bad in ("You are an over-pronator.", "Valgus collapse seen", "weak glutes detected",
                "The sensors found nothing wrong.", "This shoe will fix your knee pain.",
                "We diagnosed patellofemoral pain.", "You have flat feet."):
        assert forbidden_hits(bad, KB.forbidden_patterns()), bad
    with pytest.raises(ForbiddenWordingError):
        check(KB, "signs of knee dysfunction")
    assert not forbidden_hits("This tool cannot diagnose any condition.", KB.forbidden_patterns())


def test_every_claim_names_articles_and_sources():
    for cid, claim in KB.claims.items():
        sources = KB.sources_for(cid)
        assert any(s["kind"] == "article" for s in sources), cid
        if claim["rule"]["kind"] not in ("red_flags",):
            assert claim["references"], f"{cid} has no literature reference"


def test_mdc_and_references_present_for_rule_metrics():
    for cid in ("K2", "K3", "K5"):
        rule = KB.claim(cid)["rule"]
        for metric in rule.get("metrics", [rule.get("metric")]):
            assert KB.mdc(metric, "remounted") or KB.reference(metric), (cid, metric)


def test_a_broken_knowledge_base_is_reported_by_claim_and_field(tmp_path):
    text = (load_knowledge.__wrapped__.__defaults__[0]).read_text(encoding="utf-8")
    broken = tmp_path / "kb.yaml"
    broken.write_text(re.sub(r"articles: \[A5\]\n", "articles: [A9]\n", text, count=1), encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match=r"claims\.K2\.articles: unknown article 'A9'"):
        load_knowledge.__wrapped__(broken)
