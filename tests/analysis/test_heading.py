"""Relative heading: standing alignment and drift removal without imposing eversion–rotation coupling."""

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from gait.heading import correct_relative_heading, rotate_about_vertical
from gait.kinematics import ankle_angles_deg

RATE_HZ = 100.0


def _walk(duration_s=40.0, standing_s=5.0, gamma_amp_deg=0.0):
    """Shank swinging in the sagittal plane; β dips each 1.1 s stride, γ = gamma_amp·sin (no coupling)."""
    t = np.arange(0, duration_s, 1 / RATE_HZ)
    gate = np.clip((t - standing_s) / 1.0, 0, 1)
    phase = 2 * np.pi * t / 1.1
    shank_pitch = gate * 30 * np.sin(phase)
    abg = gate[:, None] * np.column_stack(
        [15 * np.sin(phase + 0.5), 2 - 5 * np.sin(phase / 2) ** 2 - 2, gamma_amp_deg * np.sin(phase + 1)])
    heading = 20.0 + 3 * np.sin(2 * np.pi * t / 30)  # the subject's path wanders a little
    shank = Rotation.from_euler("YZ", np.column_stack([heading, shank_pitch]), degrees=True)
    foot = shank * Rotation.from_euler("ZXY", abg, degrees=True)
    q = (shank.as_quat(scalar_first=True), foot.as_quat(scalar_first=True))
    return t, q[0], q[1], abg, t < standing_s


def test_standing_offset_and_linear_drift_are_removed():
    t, qs, qf, abg, standing = _walk()
    drift_deg = 25.0 + 0.2 * t  # 6D heading: arbitrary offset + 12°/min relative drift
    corrected, heading = correct_relative_heading(t, qs, rotate_about_vertical(qf, drift_deg), standing)
    err = ankle_angles_deg(qs, corrected, "right") - abg
    walking = t > 8.0
    assert abs(heading.standing_deg + 25.0 + 0.2 * 2.5) < 0.6
    assert np.sqrt(np.mean(err[walking] ** 2, axis=0)).max() < 0.6
    # the correction is one smooth function of time: within a stride it cannot shape β–γ coupling
    offset = heading.offset_deg(t)
    assert np.abs(np.diff(offset)).max() < 0.05


def test_no_coupling_is_invented_when_gamma_is_flat():
    t, qs, qf, abg, standing = _walk(gamma_amp_deg=0.0)
    corrected, _ = correct_relative_heading(t, qs, rotate_about_vertical(qf, 10 + 0.1 * t), standing)
    est = ankle_angles_deg(qs, corrected, "right")
    walking = t > 8.0
    slope = np.polyfit(-est[walking, 1], -est[walking, 2], 1)[0]
    assert abs(slope) < 0.05


@pytest.mark.parametrize("offset_deg", [40.0, 170.0, -150.0])
def test_without_standing_window_the_hinge_estimate_is_used(offset_deg):
    t, qs, qf, abg, _ = _walk(standing_s=0.0)
    corrected, heading = correct_relative_heading(t, qs, rotate_about_vertical(qf, offset_deg), None)
    assert heading.standing_deg is None and heading.report()["method"].startswith("hinge")
    err = ankle_angles_deg(qs, corrected, "right")[:, 2] - abg[:, 2]
    assert np.abs(err).max() < 2.0
