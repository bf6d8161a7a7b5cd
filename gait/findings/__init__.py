"""Findings: relate measured gait metrics to the five articles' claims, honestly and with sources.

The rules, thresholds, minimal detectable changes, reference values and every sentence shown to a user live in
one data file, ``knowledge.yaml``; this package only loads it (:mod:`.knowledge`), applies its rules to
analysis results (:mod:`.engine`) and renders its wording with a guard against forbidden phrases
(:mod:`.wording`).
"""

from gait.findings.knowledge import KnowledgeBase, load_knowledge

__all__ = ["KnowledgeBase", "load_knowledge"]
