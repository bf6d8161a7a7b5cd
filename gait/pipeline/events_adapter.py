"""Bridge from the events stage (:mod:`gait.events`) and from given event times to metric strides.

Event *detection* and stride validity (turns, gaps, non-steady strides) belong to :mod:`gait.events`; this
module only turns its strides into :class:`gait.metrics.Stride`, and pairs externally given IC/TC times
(ground truth, annotations) the same way.
"""

from __future__ import annotations

import numpy as np

from gait.events import detect_side_events
from gait.metrics import Stride


def strides_from_events(side: str, ic_s: np.ndarray, tc_s: np.ndarray,
                        excluded: dict[float, str] | None = None) -> list[Stride]:
    """Pair sorted IC and TC times into strides; each stride needs exactly one TC before the next IC.

    ``excluded`` maps an IC time to a reason (e.g. a turn).
    """
    ic_s, tc_s = np.sort(np.asarray(ic_s, float)), np.sort(np.asarray(tc_s, float))
    excluded = excluded or {}
    strides = []
    for ic, nxt in zip(ic_s[:-1], ic_s[1:], strict=True):
        inside = tc_s[(tc_s > ic) & (tc_s < nxt)]
        if inside.size != 1:
            continue  # no toe-off (or two) inside: not a stride we can measure
        reason = excluded.get(float(ic))
        strides.append(Stride(side, float(ic), float(inside[0]), float(nxt), valid=reason is None,
                              exclusion_reason=reason))
    return strides


def detect_side_strides(side: str, t_s: np.ndarray, foot, shank) -> tuple[list[Stride], str | None]:
    """Strides of one side from the foot (preferred) or shank segment-frame gyroscope.

    ``foot`` and ``shank`` are :class:`gait.pipeline.stages.SegmentMotion` or None. Returns the strides and,
    when there is no sensor to detect them with, the reason.
    """
    if foot is None and shank is None:
        return [], f"no {side} foot or shank sensor"
    found = detect_side_events(
        side, t_s,
        foot_gyr_rps=None if foot is None else foot.gyr_rps,
        shank_gyr_rps=None if shank is None else shank.gyr_rps,
        foot_q_wxyz=None if foot is None else foot.q_wxyz,
        shank_q_wxyz=None if shank is None else shank.q_wxyz,
    )
    strides = [Stride(side, s.ic_s, s.tc_s, s.next_ic_s, s.valid, s.reason, mid_stance_s=s.mid_stance_s)
               for s in found.strides]
    for this, following in zip(strides[:-1], strides[1:], strict=True):
        if abs(following.ic_s - this.next_ic_s) < 1e-6:
            this.next_mid_stance_s = following.mid_stance_s
    return strides, None
