"""Ankle angles, rates and shank rotation against hand-built rotations (ISB conventions)."""

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from gait import kinematics as kin


def _quats(rot: Rotation) -> np.ndarray:
    return rot.as_quat(scalar_first=True)


def _relative(alpha, beta, gamma):
    return Rotation.from_euler("ZXY", np.column_stack([alpha, beta, gamma]), degrees=True)


def test_angles_recover_intrinsic_zxy_for_right_and_mirror_for_left():
    rng = np.random.default_rng(1)
    n = 50
    abg = rng.uniform([-20, -8, -8], [15, 8, 8], size=(n, 3))
    shank = Rotation.from_euler("YZX", rng.uniform(-40, 40, size=(n, 3)), degrees=True)
    foot = shank * _relative(*abg.T)
    right = kin.ankle_angles_deg(_quats(shank), _quats(foot), "right")
    left = kin.ankle_angles_deg(_quats(shank), _quats(foot), "left")
    np.testing.assert_allclose(right, abg, atol=1e-9)
    np.testing.assert_allclose(left, abg * [1, -1, -1], atol=1e-9)


def test_anatomical_signs_right_side():
    shank = Rotation.identity(1)
    toes_up = Rotation.from_rotvec([[0, 0, 0.1]])  # about +Z (right): toes rise = dorsiflexion
    top_to_right = Rotation.from_rotvec([[0.1, 0, 0]])  # up axis tilts laterally = inversion (right foot)
    toes_medial = Rotation.from_rotvec([[0, 0.1, 0]])  # anterior axis toward -Z (left) = internal rotation
    for foot, col in ((toes_up, 0), (top_to_right, 1), (toes_medial, 2)):
        angles = kin.ankle_angles_deg(_quats(shank), _quats(foot), "right")[0]
        assert angles[col] > 5 and np.all(np.abs(np.delete(angles, col)) < 1e-9)


def test_rates_from_gyroscopes_match_differentiated_angles():
    rate_hz = 1000.0
    t = np.arange(0, 1, 1 / rate_hz)
    abg = np.column_stack(
        [20 * np.sin(2 * np.pi * t), 6 * np.sin(4 * np.pi * t + 1), 5 * np.cos(2 * np.pi * t)])
    shank = Rotation.from_euler("ZY", np.column_stack([30 * np.sin(2 * np.pi * t), 10 * t]), degrees=True)
    foot = shank * _relative(*abg.T)
    # segment-frame angular velocity from the orientation derivative (Ω = R^T dR/dt)
    def body_rate(rot):
        return (rot[:-1].inv() * rot[1:]).as_rotvec() * rate_hz

    w_s, w_f = body_rate(shank), body_rate(foot)
    # orientations at the middle of each interval, where the finite-difference rate applies
    mid = shank[:-1] * Rotation.from_rotvec(w_s / rate_hz / 2)
    mid_f = foot[:-1] * Rotation.from_rotvec(w_f / rate_hz / 2)
    for side, sign in (("right", 1), ("left", -1)):
        rates = kin.ankle_rates_dps(_quats(mid), _quats(mid_f), w_s, w_f, side)
        expected = np.diff(abg, axis=0) * rate_hz * [1, sign, sign]
        np.testing.assert_allclose(rates, expected, atol=0.05)


def test_shank_vertical_rate_is_internal_positive_on_both_sides():
    q = _quats(Rotation.identity(3))
    w = np.array([[0, 1.0, 0]] * 3)  # about +Y: anterior axis toward the left = medial for the right leg
    assert np.all(kin.shank_vertical_rate_dps(q, w, "right") > 0)
    assert np.all(kin.shank_vertical_rate_dps(q, w, "left") < 0)


def test_side_sign_rejects_unknown_side():
    with pytest.raises(ValueError):
        kin.side_sign("middle")
