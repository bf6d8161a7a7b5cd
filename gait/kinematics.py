"""Ankle joint kinematics from segment orientations (ISB joint coordinate system, Grood & Suntay 1983).

Inputs are segment→global quaternions (wxyz, ISB frames: X anterior, Y up, Z right on *both* sides) and,
optionally, segment-frame angular velocities. Outputs are the ankle angles α (dorsiflexion +), β (inversion +)
and γ (foot internal rotation + relative to the shank) in degrees, their rates, and the shank's rotation about
the global vertical. For the left side β and γ (and every frontal/transverse quantity) are negated, so that a
positive value means the same anatomical motion on both sides (``docs/conventions.md``).
"""

from __future__ import annotations

import numpy as np
from scipy.spatial.transform import Rotation

from gait.conventions import GRAVITY_GLOBAL_MPS2, SIDES
from gait.orientation.quaternion import cross3, quat_axis, quat_conjugate, quat_multiply, quat_rotate


def side_sign(side: str) -> float:
    """+1 for the right side, −1 for the left: the factor applied to frontal/transverse quantities."""
    if side not in SIDES:
        raise ValueError(f"unknown side {side!r}; expected one of {', '.join(SIDES)}")
    return 1.0 if side == "right" else -1.0


def rotation(q_wxyz: np.ndarray) -> Rotation:
    """SciPy rotation from scalar-first quaternions (N, 4)."""
    return Rotation.from_quat(np.asarray(q_wxyz, dtype=float), scalar_first=True)


def ankle_angles_deg(q_shank_wxyz: np.ndarray, q_foot_wxyz: np.ndarray, side: str) -> np.ndarray:
    """Ankle angles (N, 3) = [α, β, γ] in degrees from ``R_rel = R_shankᵀ·R_foot`` (intrinsic Z–X–Y).

    With R = Rz(α)·Rx(β)·Ry(γ): sin β = R21, tan α = −R01/R11, tan γ = −R20/R22 (matrix entries written in
    quaternion components below). Zero is the pose in which both segment frames coincide (the standing
    calibration pose).
    """
    q_rel = quat_multiply(quat_conjugate(np.atleast_2d(q_shank_wxyz)), np.atleast_2d(q_foot_wxyz))
    q_rel /= np.linalg.norm(q_rel, axis=1, keepdims=True)
    w, x, y, z = np.ascontiguousarray(q_rel.T)  # contiguous components: faster arithmetic on long arrays
    angles_deg = np.empty((len(w), 3))
    angles_deg[:, 0] = np.arctan2(-2.0 * (x * y - w * z), 1.0 - 2.0 * (x * x + z * z))  # α
    angles_deg[:, 1] = np.arcsin(np.clip(2.0 * (y * z + w * x), -1.0, 1.0))  # β
    angles_deg[:, 2] = np.arctan2(-2.0 * (x * z - w * y), 1.0 - 2.0 * (x * x + y * y))  # γ
    np.degrees(angles_deg, out=angles_deg)
    angles_deg[:, 1:] *= side_sign(side)
    return angles_deg


def joint_axes(q_shank_wxyz: np.ndarray, q_foot_wxyz: np.ndarray) -> tuple[np.ndarray, ...]:
    """JCS axes in the global frame: e1 = shank Z, e2 = floating axis (unit), e3 = foot Y; each (N, 3)."""
    e1 = quat_axis(q_shank_wxyz, 2)
    e3 = quat_axis(q_foot_wxyz, 1)
    e2 = cross3(e3, e1)
    e2 /= np.linalg.norm(e2, axis=1, keepdims=True)
    return e1, e2, e3


def global_angular_velocity_rps(q_wxyz: np.ndarray, omega_segment_rps: np.ndarray) -> np.ndarray:
    """Angular velocity in the global frame from the segment-frame one (gyroscope rotated to the segment)."""
    return quat_rotate(q_wxyz, omega_segment_rps)


def ankle_rates_dps(
    q_shank_wxyz: np.ndarray,
    q_foot_wxyz: np.ndarray,
    omega_shank_rps: np.ndarray,
    omega_foot_rps: np.ndarray,
    side: str,
) -> np.ndarray:
    """Joint angle rates (N, 3) = [α̇, β̇, γ̇] in °/s from gyroscopes instead of differentiated angles.

    The relative angular velocity ω_rel = ω_foot − ω_shank (global) decomposes exactly on the non-orthogonal
    JCS basis as α̇·e1 + β̇·e2 + γ̇·e3. Because e2 is perpendicular to e1 and e3, β̇ = ω_rel·e2 (the projection
    biomech.md §2.5 recommends for eversion velocity); α̇ and γ̇ solve a 2×2 system whose determinant is
    cos²β, far from singular at the ankle. ``omega_*_rps`` are in the segment frames.
    """
    w_shank = global_angular_velocity_rps(q_shank_wxyz, omega_shank_rps)
    return joint_rates_dps(q_shank_wxyz, q_foot_wxyz, omega_foot_rps, w_shank, side)


def joint_rates_dps(q_shank_wxyz: np.ndarray, q_foot_wxyz: np.ndarray, omega_foot_rps: np.ndarray,
                    omega_shank_global_rps: np.ndarray, side: str) -> np.ndarray:
    """:func:`ankle_rates_dps` with the shank's angular velocity already in the global frame (the pipeline
    needs it for the shank's vertical rotation too, and computes it once)."""
    e1, e2, e3 = joint_axes(q_shank_wxyz, q_foot_wxyz)
    w_rel = global_angular_velocity_rps(q_foot_wxyz, omega_foot_rps) - omega_shank_global_rps
    beta_dot = np.einsum("ij,ij->i", w_rel, e2)
    c = np.einsum("ij,ij->i", e1, e3)
    p1 = np.einsum("ij,ij->i", w_rel, e1)
    p3 = np.einsum("ij,ij->i", w_rel, e3)
    det = 1.0 - c * c
    alpha_dot = (p1 - c * p3) / det
    gamma_dot = (p3 - c * p1) / det
    rates_dps = np.degrees(np.column_stack([alpha_dot, beta_dot, gamma_dot]))
    rates_dps[:, 1:] *= side_sign(side)
    return rates_dps


def shank_vertical_rate_dps(q_shank_wxyz: np.ndarray, omega_shank_rps: np.ndarray, side: str) -> np.ndarray:
    """Shank internal (+) rotation rate about the global vertical, °/s (biomech.md §1.2 meaning c).

    A positive rotation about +Y turns the anterior axis toward −Z (left), i.e. medially for the right leg;
    the left side is negated so that + means internal rotation on both sides.
    """
    return vertical_rate_dps(global_angular_velocity_rps(q_shank_wxyz, omega_shank_rps), side)


def vertical_rate_dps(omega_global_rps: np.ndarray, side: str) -> np.ndarray:
    """Internal (+) rotation rate about the global vertical from a global angular velocity (N, 3), °/s."""
    return np.degrees(omega_global_rps[:, 1]) * side_sign(side)


def heading_deg(q_wxyz: np.ndarray) -> np.ndarray:
    """Heading of a segment's anterior (X) axis projected on the horizontal plane, degrees, + = toward −Z.

    Unwrapped so that turns accumulate; used for turn detection and heading checks.
    """
    x_global = quat_axis(q_wxyz, 0)
    return np.degrees(np.unwrap(np.arctan2(-x_global[:, 2], x_global[:, 0])))


def free_acceleration_mps2(q_wxyz: np.ndarray, acc_segment_mps2: np.ndarray) -> np.ndarray:
    """Acceleration in the global frame with gravity removed (specific force + g, g = [0, −9.81, 0])."""
    return quat_rotate(q_wxyz, acc_segment_mps2) + GRAVITY_GLOBAL_MPS2


def zupt_displacement_m(t_s: np.ndarray, acc_global_mps2: np.ndarray, t0_s: float, t1_s: float) -> np.ndarray:
    """Foot displacement (3,) between two zero-velocity instants (mid-stances), by strapdown integration.

    Velocity is integrated from rest at ``t0_s``; the velocity it has at ``t1_s`` (where it must be zero) is
    removed linearly over the interval (zero-velocity update), then integrated to position. Returns NaNs when
    the interval is not covered by the samples.
    """
    i0 = int(np.searchsorted(t_s, t0_s))
    i1 = int(np.searchsorted(t_s, t1_s, side="right"))
    if i0 <= 0 and t_s[0] > t0_s or i1 - i0 < 3 or t_s[-1] < t1_s:
        return np.full(3, np.nan)
    t, acc = t_s[i0:i1], acc_global_mps2[i0:i1]
    dt = np.diff(t)[:, None]  # trapezoids written out (scipy's and numpy's formulas, without per-call checks)
    vel = np.zeros_like(acc)
    np.cumsum(dt * (acc[1:] + acc[:-1]) / 2.0, axis=0, out=vel[1:])
    vel -= np.outer((t - t[0]) / (t[-1] - t[0]), vel[-1])
    return np.add.reduce(dt * (vel[1:] + vel[:-1]) / 2.0, axis=0)
