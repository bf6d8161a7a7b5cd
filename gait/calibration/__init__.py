"""Sensor-to-segment calibration: standing vertical + functional mediolateral axis (docs/calibration.md)."""

from gait.calibration.functional import AxisEstimate, mediolateral_axis
from gait.calibration.segment import (
    CalibrationError,
    SegmentCalibration,
    calibrate_segment,
    calibrate_sensors,
    frame_from_axes,
)
from gait.calibration.standing import StandingEstimate, estimate_vertical, find_standing_window, still_mask

__all__ = [
    "AxisEstimate",
    "CalibrationError",
    "SegmentCalibration",
    "StandingEstimate",
    "calibrate_segment",
    "calibrate_sensors",
    "estimate_vertical",
    "find_standing_window",
    "frame_from_axes",
    "mediolateral_axis",
    "still_mask",
]
