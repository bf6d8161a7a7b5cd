"""The one place where estimator output (ENU) meets the project's ISB frames. Nobody else re-derives this.

Estimators give ``q_ES``: sensor→earth, earth = ENU (x east, y north, z up). The project's global frame is ISB
(X forward, Y up, Z right). We map ENU x → ISB X, ENU z (up) → ISB Y, ENU y (north) → ISB −Z, i.e. a fixed
rotation of −90° about x: ``v_isb = ENU_TO_ISB.apply(v_enu)``. In 6D the heading is arbitrary anyway, so which
horizontal ENU axis becomes "forward" is a convention; heading alignment to the walking direction is a later
step (gait.heading). With the calibration ``R_BS`` (sensor→segment, gait.calibration) the segment orientation
in the ISB global frame is::

    R_GB = ENU_TO_ISB · R_ES · R_BSᵀ
"""

from __future__ import annotations

import numpy as np
from scipy.spatial.transform import Rotation

from gait.orientation.quaternion import quat_sandwich

#: v_isb = ENU_TO_ISB.apply(v_enu)
ENU_TO_ISB = Rotation.from_rotvec([-np.pi / 2, 0.0, 0.0])
_Q_ENU_TO_ISB = ENU_TO_ISB.as_quat(scalar_first=True)


def rotation_wxyz(quat_wxyz: np.ndarray) -> Rotation:
    """scipy Rotation from scalar-first quaternion(s)."""
    return Rotation.from_quat(np.asarray(quat_wxyz, dtype=float), scalar_first=True)


def enu_to_isb(quat_sensor_enu_wxyz: np.ndarray) -> np.ndarray:
    """Sensor→ENU quaternions (wxyz) to sensor→ISB-global quaternions (wxyz)."""
    return (ENU_TO_ISB * rotation_wxyz(quat_sensor_enu_wxyz)).as_quat(scalar_first=True)


def isb_to_enu(quat_isb_wxyz: np.ndarray) -> np.ndarray:
    """Inverse of :func:`enu_to_isb` (e.g. to seed an estimator with a known ISB orientation)."""
    return (ENU_TO_ISB.inv() * rotation_wxyz(quat_isb_wxyz)).as_quat(scalar_first=True)


def segment_orientation_isb(quat_sensor_enu_wxyz: np.ndarray, sensor_to_segment: Rotation) -> np.ndarray:
    """Segment→ISB-global quaternions (wxyz): ``R_GB = ENU_TO_ISB · R_ES · R_BSᵀ``.

    ``sensor_to_segment`` is ``SegmentCalibration.rotation`` (``v_segment = R_BS · v_sensor``). Composed
    in plain numpy (:func:`gait.orientation.quaternion.quat_sandwich`): this runs on every sample of
    hour-long recordings, where SciPy's ``Rotation`` products were a bottleneck (tests check both agree).
    """
    q_segment_to_sensor = sensor_to_segment.inv().as_quat(scalar_first=True)
    return quat_sandwich(_Q_ENU_TO_ISB, quat_sensor_enu_wxyz, q_segment_to_sensor)


def heading_offset_rad(from_wxyz: np.ndarray, to_wxyz: np.ndarray) -> float:
    """Rotation angle about the ENU vertical (z) that best turns orientation ``from`` into ``to``.

    Twist part of the swing–twist decomposition of ``to · from⁻¹`` about z.
    """
    w, _, _, z = (rotation_wxyz(to_wxyz) * rotation_wxyz(from_wxyz).inv()).as_quat(scalar_first=True)
    return float(2.0 * np.arctan2(z, w))


def set_initial_heading(quat_enu_wxyz: np.ndarray, q0_enu_wxyz: np.ndarray) -> np.ndarray:
    """Rotate a 6D result about the vertical so that its first sample has the heading of ``q0``."""
    delta = heading_offset_rad(quat_enu_wxyz[0], q0_enu_wxyz)
    return (Rotation.from_rotvec([0.0, 0.0, delta]) * rotation_wxyz(quat_enu_wxyz)).as_quat(scalar_first=True)
