"""Turn analysis results (``gait.analysis/1`` dicts) into findings about the articles' claims.

Four situations, one entry point (:func:`findings_for`): a single session, left vs right, several sessions of
one subject (rules that need a second session to confirm), and condition comparisons (shoe A vs shoe B vs
barefoot). Every number comes with its uncertainty and stride count, every text from the knowledge base, and a
ticked red flag withholds every interpretive text.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from gait.findings.knowledge import KnowledgeBase, load_knowledge
from gait.findings.wording import render
from gait.stats import difference_ci

SIDES = ("left", "right")
INTERPRETIVE = {"K2", "K3", "K4", "K5"}


@dataclass
class Finding:
    """One claim judged against measurements; ``to_dict`` is the JSON/report form."""

    claim: str
    status: str
    status_label: str
    claim_text: str
    text: str
    side: str | None = None
    metric: str | None = None
    measured: dict = field(default_factory=dict)
    limits: str = ""
    evidence: str = ""
    sources: list = field(default_factory=list)
    exercises: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def findings_for(analyses: list[dict], red_flags: dict[str, bool] | None = None,
                 mount: str | None = None, kb: KnowledgeBase | None = None) -> list[Finding]:
    """All findings for the sessions of one subject (one session is fine).

    ``red_flags`` maps checklist items to the therapist's answers; any ``True`` withholds interpretive
    findings. ``mount`` is the mount situation between conditions (``same_mount``/``remounted``; default from
    the knowledge base: remounted, the conservative choice).
    """
    kb = kb or load_knowledge()
    findings = [_informational(kb, "K1"), *_left_right(kb, "K2", analyses), *_reference(kb, "K3", analyses),
                *_left_right(kb, "K4", analyses), *_conditions(kb, analyses, mount),
                _informational(kb, "K6"), _informational(kb, "K7"), _activity(kb, analyses)]
    flagged = any(bool(v) for v in (red_flags or {}).values())
    findings.append(_finding(kb, "K8", "suppressed" if flagged else "informational", {}))
    if flagged:
        findings = [_suppress(kb, f) if f.claim in INTERPRETIVE else f for f in findings]
    return findings


# --- measurements -------------------------------------------------------------------------------------------

def stride_values(analysis: dict, side: str, metric: str) -> np.ndarray:
    """Values of ``metric`` over the valid strides of one side (nulls dropped)."""
    values = [s.get(metric) for s in analysis.get("strides", [])
              if s.get("side") == side and s.get("valid", True)]
    return np.array([v for v in values if v is not None], dtype=float)


def _side_pair(analysis: dict, metric: str, min_strides: int = 3):
    left, right = (stride_values(analysis, side, metric) for side in SIDES)
    if len(left) < min_strides or len(right) < min_strides:
        return None
    return left, right


def _condition(analysis: dict) -> str:
    return str(analysis.get("session", {}).get("condition") or "unspecified")


# --- rules --------------------------------------------------------------------------------------------------

def _left_right(kb: KnowledgeBase, cid: str, analyses: list[dict]) -> list[Finding]:
    rule = kb.claim(cid)["rule"]
    metric = rule["metric"]
    threshold = rule.get("threshold_deg") or kb.mdc(metric, rule.get("mount", "remounted"))
    per_session = []
    for analysis in analyses:
        pair = _side_pair(analysis, metric)
        if pair is None:
            continue
        left, right = pair
        diff, lo, hi = difference_ci(right, left)  # left minus right
        sd_diff = float(np.sqrt(np.var(left, ddof=1) + np.var(right, ddof=1)))
        exceeds = abs(diff) > threshold and (lo > 0 or hi < 0)
        if "sd_multiple" in rule:
            exceeds = exceeds and abs(diff) > rule["sd_multiple"] * sd_diff
        per_session.append({"session": analysis.get("session", {}).get("id"), "diff": diff, "ci_low": lo,
                            "ci_high": hi, "sd_diff": sd_diff, "n_left": len(left), "n_right": len(right),
                            "exceeds": exceeds})
    if not per_session:
        return [_finding(kb, cid, "not_measurable", {}, metric=metric)]
    flagged = [s for s in per_session if s["exceeds"]]
    latest = flagged[-1] if flagged else per_session[-1]
    if len(flagged) >= rule.get("sessions_required", 1):
        status = "measured_difference"
    elif flagged:
        status = "needs_more_sessions"
    else:
        status = "no_detectable_difference"
    values = {**latest, "abs_diff": abs(latest["diff"]), "mdc": threshold,
              "side_less": "left" if latest["diff"] < 0 else "right",
              "side_more": "right" if latest["diff"] < 0 else "left",
              "n_sessions": len(per_session), "n_sessions_flagged": len(flagged)}
    side = values["side_less"]  # the side with the smaller value, whatever the verdict
    measured = {**values, "per_session": per_session, "unit": "deg"}
    return [_finding(kb, cid, status, values, side=side, metric=metric, measured=measured)]


def _reference(kb: KnowledgeBase, cid: str, analyses: list[dict]) -> list[Finding]:
    rule = kb.claim(cid)["rule"]
    metric = rule["metric"]
    ref = kb.reference(metric)
    limit = ref["mean"] + rule["sd_multiple"] * ref["sd"]
    findings = []
    for side in SIDES:
        per_session = []
        for analysis in analyses:
            values = stride_values(analysis, side, metric)
            if len(values):
                per_session.append({"session": analysis.get("session", {}).get("id"),
                                    "value": float(np.median(values)), "n": len(values),
                                    "above": float(np.median(values)) > limit})
        if not per_session:
            findings.append(_finding(kb, cid, "not_measurable", {"side": side}, side=side, metric=metric))
            continue
        above = [s for s in per_session if s["above"]]
        status = ("outside_reference" if len(above) >= rule["sessions_required"]
                  else "needs_more_sessions" if above else "within_reference")
        latest = above[-1] if above else per_session[-1]
        values = {**latest, "side": side, "ref_mean": ref["mean"], "ref_sd": ref["sd"], "limit": limit,
                  "error_bar": kb.error_bar(metric), "n_sessions": len(per_session),
                  "n_sessions_flagged": len(above)}
        findings.append(_finding(kb, cid, status, values, side=side, metric=metric,
                                 measured={**values, "per_session": per_session, "unit": "deg",
                                           "reference_source": ref["source"]}))
    return findings


def _conditions(kb: KnowledgeBase, analyses: list[dict], mount: str | None) -> list[Finding]:
    """Condition comparisons: every later condition against the first one given (the baseline)."""
    rule = kb.claim("K5")["rule"]
    mount = mount or rule["mount_default"]
    by_condition: dict[str, list[dict]] = {}
    for analysis in analyses:
        by_condition.setdefault(_condition(analysis), []).append(analysis)
    names = list(by_condition)
    findings = []
    for cond_b in names[1:]:
        for metric in rule["metrics"]:
            for side in SIDES:
                findings.append(_condition_pair(kb, metric, side, names[0], cond_b, by_condition, mount))
    return findings


def _condition_pair(kb, metric, side, cond_a, cond_b, by_condition, mount) -> Finding:
    pooled = [np.concatenate([stride_values(a, side, metric) for a in by_condition[c]])
              for c in (cond_a, cond_b)]
    base = {"cond_a": cond_a, "cond_b": cond_b, "side": side,
            "metric_label": kb.metric_label(metric)["label"]}
    if min(len(v) for v in pooled) < 3:
        return _finding(kb, "K5", "not_measurable", base, side=side, metric=metric)
    diff, lo, hi = difference_ci(*pooled)
    mdc = kb.mdc(metric, mount)
    measured = abs(diff) > mdc and (lo > 0 or hi < 0)
    labels = kb.metric_label(metric)
    values = {**base, "diff": diff, "abs_diff": abs(diff), "ci_low": lo, "ci_high": hi, "mdc": mdc,
              "mount": mount, "n_a": len(pooled[0]), "n_b": len(pooled[1]),
              "direction": labels["more"] if diff > 0 else labels["less"]}
    status = "measured_difference" if measured else "no_detectable_difference"
    finding = _finding(kb, "K5", status, values, side=side, metric=metric, measured={**values, "unit": "deg"})
    caveats = kb.claim("K5")["caveats"]
    finding.limits += " " + " ".join(caveats["effect_size"].split())
    if "barefoot" in (cond_a.lower() + cond_b.lower()):
        finding.limits += " " + " ".join(caveats["barefoot_vs_shoe"].split())
    return finding


def _activity(kb: KnowledgeBase, analyses: list[dict]) -> Finding:
    metric = kb.claim("K9")["rule"]["metric"]
    cadence = np.concatenate([stride_values(a, side, metric) for a in analyses for side in SIDES])
    if not len(cadence):
        return _finding(kb, "K9", "not_measurable", {}, metric=metric)
    walking_time_s = sum(max(float(np.sum(stride_values(a, side, "stride_time_s"))) for side in SIDES)
                         for a in analyses)
    ref = kb.reference(metric)
    values = {"n_strides": len(cadence), "walking_time_s": walking_time_s,
              "cadence": float(np.median(cadence)), "error_bar": kb.error_bar(metric),
              "ref_low": ref["low"], "ref_high": ref["high"]}
    return _finding(kb, "K9", "informational", values, metric=metric,
                    measured={**values, "unit": "steps/min"})


def _informational(kb: KnowledgeBase, cid: str) -> Finding:
    return _finding(kb, cid, "informational", {})


# --- assembly -----------------------------------------------------------------------------------------------

def _finding(kb: KnowledgeBase, cid: str, status: str, values: dict, side=None, metric=None,
             measured=None) -> Finding:
    claim = kb.claim(cid)
    return Finding(
        claim=cid, status=status, status_label=kb.statuses[status],
        claim_text=" ".join(claim["claim"].split()), text=render(kb, cid, status, **values),
        side=side, metric=metric, measured=_plain(measured or {}),
        limits=" ".join(claim["limits"].split()), evidence=" ".join(claim["evidence"].split()),
        sources=kb.sources_for(cid), exercises=[{**e, "attribution": f"suggested by article {e['article']}"}
                                                for e in claim.get("exercises", [])])


def _suppress(kb: KnowledgeBase, finding: Finding) -> Finding:
    finding.status, finding.status_label = "suppressed", kb.statuses["suppressed"]
    finding.text = render(kb, "K8", "suppressed")
    finding.exercises = []
    return finding


def _plain(values: dict) -> dict:
    """JSON-ready copy: numpy scalars to Python numbers, floats rounded for display stability."""
    out = {}
    for key, value in values.items():
        if isinstance(value, (np.floating, float)):
            out[key] = round(float(value), 3)
        elif isinstance(value, np.integer):
            out[key] = int(value)
        elif isinstance(value, (list, tuple)):
            out[key] = [_plain(v) if isinstance(v, dict) else v for v in value]
        else:
            out[key] = value
    return out
