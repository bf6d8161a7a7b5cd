"""Project-wide conventions: placements, sides, units and frames (details in ``docs/conventions.md``).

Segment and global frames follow ISB (Wu et al. 2002): X anterior / walking direction, Y superior (up),
Z to the right. Gravity in the global frame is ``[0, -g, 0]``; an accelerometer at rest reads ``+g``
along the up axis (specific force). Fusion libraries that use ENU (z up) are converted inside their
adapters only.
"""

from __future__ import annotations

import numpy as np

GRAVITY_MPS2 = 9.80665

PLACEMENTS = ("left_shank", "right_shank", "left_foot", "right_foot")
SIDES = ("left", "right")
SEGMENTS = ("shank", "foot")

#: Gravity vector in the ISB global frame (X forward, Y up, Z right).
GRAVITY_GLOBAL_MPS2 = np.array([0.0, -GRAVITY_MPS2, 0.0])


def placement(side: str, segment: str) -> str:
    """Placement key for a side and a segment, e.g. ``placement("left", "foot") == "left_foot"``."""
    if side not in SIDES or segment not in SEGMENTS:
        raise ValueError(f"unknown side/segment {side!r}/{segment!r}")
    return f"{side}_{segment}"


def split_placement(name: str) -> tuple[str, str]:
    """Inverse of :func:`placement`: ``"left_foot" -> ("left", "foot")``."""
    if name not in PLACEMENTS:
        raise ValueError(f"unknown placement {name!r}; expected one of {', '.join(PLACEMENTS)}")
    side, segment = name.split("_")
    return side, segment
