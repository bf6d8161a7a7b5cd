"""No sentence of the five articles appears in the project (long verbatim overlaps with ../shared/seeds)."""

import re

import pytest

from tests.conftest import REPO

SEEDS = REPO.parent / "shared" / "seeds"
WINDOW_WORDS = 8
TEXT_SUFFIXES = {".py", ".md", ".yaml", ".yml", ".json", ".txt", ".html", ".css", ".js", ".csv"}
SKIP_DIRS = {".git", ".venv", "node_modules", "test-artifacts", "__pycache__"}


def _words(text):
    return re.findall(r"[a-z0-9]+", text.lower().replace("’", "'"))


def _shingles(words):
    return {" ".join(words[i:i + WINDOW_WORDS]) for i in range(len(words) - WINDOW_WORDS + 1)}


def _project_files():
    for path in REPO.rglob("*"):
        if (path.suffix in TEXT_SUFFIXES and path.is_file() and not SKIP_DIRS & set(path.parts)
                and path.stat().st_size < 2_000_000):
            yield path


def test_no_long_verbatim_overlap_with_the_articles():
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not present")
    seed_shingles = set()
    for seed in SEEDS.glob("*.txt"):
        seed_shingles |= _shingles(_words(seed.read_text(encoding="utf-8")))
    from gait.findings.knowledge import load_knowledge

    titles = {" ".join(_words(a["title"])) for a in load_knowledge().articles.values()}
    hits = []
    for path in _project_files():
        words = _words(path.read_text(encoding="utf-8", errors="ignore"))
        for shingle in _shingles(words) & seed_shingles:
            if not any(shingle in t for t in titles):
                hits.append(f"{path.relative_to(REPO)}: '{shingle}'")
    assert not hits, "text copied from the articles:\n" + "\n".join(sorted(hits)[:20])
