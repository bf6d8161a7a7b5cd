"""The single ENU → ISB conversion and the segment-orientation formula R_GB = ENU_TO_ISB · R_ES · R_BSᵀ."""

import numpy as np
from scipy.spatial.transform import Rotation

from gait.orientation import ENU_TO_ISB, enu_to_isb, isb_to_enu, segment_orientation_isb
from gait.orientation.frames import heading_offset_rad, set_initial_heading


def test_enu_axes_map_to_isb_axes():
    assert np.allclose(ENU_TO_ISB.apply([0, 0, 1.0]), [0, 1, 0])  # up → Y
    assert np.allclose(ENU_TO_ISB.apply([1.0, 0, 0]), [1, 0, 0])  # east → X (6D: arbitrary forward)
    assert np.allclose(ENU_TO_ISB.apply([0, 1.0, 0]), [0, 0, -1])  # north → −Z
    assert np.isclose(np.linalg.det(ENU_TO_ISB.as_matrix()), 1.0)


def test_round_trip_and_gravity_direction():
    q = Rotation.random(5, random_state=0).as_quat(scalar_first=True)
    back = isb_to_enu(enu_to_isb(q))
    assert np.allclose(np.abs(np.sum(back * q, axis=1)), 1.0)


def test_segment_orientation_recovers_the_true_segment_rotation():
    """Sensor mounted with R_BS on a segment with known R_GB (ISB): estimator would report R_ES; we invert."""
    r_gb = Rotation.from_euler("ZXY", [20, -5, 30], degrees=True)
    r_bs = Rotation.random(random_state=7)
    r_es = ENU_TO_ISB.inv() * r_gb * r_bs  # what an ideal estimator outputs
    q_gb = segment_orientation_isb(r_es.as_quat(scalar_first=True)[None, :], r_bs)
    assert np.degrees((Rotation.from_quat(q_gb, scalar_first=True) * r_gb.inv()).magnitude()[0]) < 1e-9


def test_initial_heading_alignment_only_turns_about_the_vertical():
    quat = Rotation.random(50, random_state=1).as_quat(scalar_first=True)
    target = Rotation.from_rotvec([0, 0, 1.2]) * Rotation.from_quat(quat[0], scalar_first=True)
    aligned = set_initial_heading(quat, target.as_quat(scalar_first=True))
    assert abs(heading_offset_rad(aligned[0], target.as_quat(scalar_first=True))) < 1e-9
    up_before = Rotation.from_quat(quat, scalar_first=True).inv().apply([0, 0, 1])
    up_after = Rotation.from_quat(aligned, scalar_first=True).inv().apply([0, 0, 1])
    assert np.allclose(up_before, up_after)


def test_quaternion_helpers_agree_with_scipy():
    from gait.orientation.quaternion import (
        cross3,
        quat_axis,
        quat_conjugate,
        quat_multiply,
        quat_rotate,
        quat_sandwich,
    )

    p, q = Rotation.random(20, random_state=3), Rotation.random(20, random_state=4)
    qp, qq = p.as_quat(scalar_first=True), q.as_quat(scalar_first=True)
    prod = quat_multiply(qp, qq)
    assert np.allclose(np.abs(np.sum(prod * (p * q).as_quat(scalar_first=True), axis=1)), 1.0, atol=1e-12)
    assert np.allclose(quat_multiply(qp, qq[0]), quat_multiply(qp, np.tile(qq[0], (20, 1))))
    v = np.random.default_rng(5).normal(size=(20, 3))
    assert np.allclose(quat_rotate(qp, v), p.apply(v))
    assert np.allclose(quat_rotate(quat_conjugate(qp), v), p.inv().apply(v))
    assert np.allclose(cross3(v, v[::-1]), np.cross(v, v[::-1]))
    for axis in range(3):
        assert np.allclose(quat_axis(qp, axis), p.as_matrix()[:, :, axis])
    r = Rotation.random(random_state=6)
    sandwich = quat_sandwich(qq[0], qp, r.as_quat(scalar_first=True))
    want = (q[0] * p * r).as_quat(scalar_first=True)
    assert np.allclose(np.abs(np.sum(sandwich * want, axis=1)), 1.0, atol=1e-12)
