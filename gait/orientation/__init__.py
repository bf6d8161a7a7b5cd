"""Orientation estimation per sensor behind one interface (fusion.md §5.6; docs/orientation.md).

Output convention for every estimator: wxyz quaternions, sensor→earth, earth = ENU. ``frames`` converts to the
project's ISB global frame and applies the sensor→segment calibration.
"""

from gait.orientation.base import (
    ImuSeries,
    OrientationEstimator,
    OrientationInputError,
    OrientationResult,
    OrientationStream,
)
from gait.orientation.frames import ENU_TO_ISB, enu_to_isb, isb_to_enu, segment_orientation_isb
from gait.orientation.registry import DEFAULT_ESTIMATOR, available_estimators, get_estimator

__all__ = [
    "DEFAULT_ESTIMATOR",
    "ENU_TO_ISB",
    "ImuSeries",
    "OrientationEstimator",
    "OrientationInputError",
    "OrientationResult",
    "OrientationStream",
    "available_estimators",
    "enu_to_isb",
    "get_estimator",
    "isb_to_enu",
    "segment_orientation_isb",
]
