"""Synthetic walker with ground truth (biomech.md §6; user guide in ``docs/walker.md``).

``simulate()`` returns device-clock IMU blocks for shank and foot sensors plus the exact truth (orientations,
ankle angles, events, per-stride metrics, mounting rotations, clock offsets); ``write_session`` stores
both as a session folder and ``load_truth`` reads the truth back.

The names below are imported on first use: the signal chain pulls in scipy.signal (seconds on a cold
machine), and every ``gait`` command would pay for it just by listing the scenario names in its help.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

_WHERE = {
    "SimResult": "core", "simulate": "core", "ErrorModel": "errors", "Protocol": "protocol",
    "SCENARIOS": "scenarios", "get_scenario": "scenarios", "load_truth": "session",
    "write_session": "session", "Truth": "truth",
}

__all__ = ["SCENARIOS", "ErrorModel", "Protocol", "SimResult", "Truth", "get_scenario", "load_truth",
           "simulate", "write_session"]

if TYPE_CHECKING:
    from gait.simulate.core import SimResult, simulate
    from gait.simulate.errors import ErrorModel
    from gait.simulate.protocol import Protocol
    from gait.simulate.scenarios import SCENARIOS, get_scenario
    from gait.simulate.session import load_truth, write_session
    from gait.simulate.truth import Truth


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'gait.simulate' has no attribute {name!r}")
    return getattr(importlib.import_module(f"gait.simulate.{_WHERE[name]}"), name)
