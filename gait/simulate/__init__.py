"""Synthetic walker with ground truth (biomech.md §6; user guide in ``docs/walker.md``).

``simulate()`` returns device-clock IMU blocks for shank and foot sensors plus the exact truth (orientations,
ankle angles, events, per-stride metrics, mounting rotations, clock offsets); ``write_session`` stores
both as a session folder and ``load_truth`` reads the truth back.
"""

from gait.simulate.core import SimResult, simulate
from gait.simulate.errors import ErrorModel
from gait.simulate.protocol import Protocol
from gait.simulate.scenarios import SCENARIOS, get_scenario
from gait.simulate.session import load_truth, write_session
from gait.simulate.truth import Truth

__all__ = ["SCENARIOS", "ErrorModel", "Protocol", "SimResult", "Truth", "get_scenario", "load_truth",
           "simulate", "write_session"]
