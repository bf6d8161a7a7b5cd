"""Plain-numpy products of scalar-first (wxyz) quaternions, for whole recordings at once.

SciPy's ``Rotation`` products cost ~10x more than these on hour-long arrays, and its per-object overhead
dominates on short blocks; the frames, kinematics and heading stages all compose with these functions.
"""

from __future__ import annotations

import numpy as np


def quat_multiply(p_wxyz: np.ndarray, q_wxyz: np.ndarray) -> np.ndarray:
    """Hamilton product p ⊗ q (broadcasting (N, 4) / (4,))."""
    p, q = np.asarray(p_wxyz, float), np.asarray(q_wxyz, float)
    pw, px, py, pz = p[..., 0], p[..., 1], p[..., 2], p[..., 3]
    qw, qx, qy, qz = q[..., 0], q[..., 1], q[..., 2], q[..., 3]
    out = np.empty(np.broadcast_shapes(p.shape, q.shape))
    out[..., 0] = pw * qw - px * qx - py * qy - pz * qz
    out[..., 1] = pw * qx + px * qw + py * qz - pz * qy
    out[..., 2] = pw * qy - px * qz + py * qw + pz * qx
    out[..., 3] = pw * qz + px * qy - py * qx + pz * qw
    return out


def quat_conjugate(q_wxyz: np.ndarray) -> np.ndarray:
    """Inverse of unit quaternions."""
    return np.asarray(q_wxyz, float) * [1.0, -1.0, -1.0, -1.0]


def cross3(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cross product of (..., 3) vectors (``np.cross`` without its per-call axis handling and casts)."""
    a0, a1, a2 = a[..., 0], a[..., 1], a[..., 2]
    b0, b1, b2 = b[..., 0], b[..., 1], b[..., 2]
    out = np.empty(np.broadcast_shapes(np.shape(a), np.shape(b)))
    out[..., 0] = a1 * b2 - a2 * b1
    out[..., 1] = a2 * b0 - a0 * b2
    out[..., 2] = a0 * b1 - a1 * b0
    return out


def quat_rotate(q_wxyz: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Rotate vectors ``v`` (N, 3) or (3,) by unit quaternions (N, 4): v + 2w(u×v) + 2u×(u×v)."""
    q = np.asarray(q_wxyz, float)
    v = np.asarray(v, float)
    w, u = q[..., :1], q[..., 1:]
    t = 2.0 * cross3(u, v)
    return v + w * t + cross3(u, t)


def quat_sandwich(p_wxyz: np.ndarray, q_wxyz: np.ndarray, r_wxyz: np.ndarray) -> np.ndarray:
    """p ⊗ q ⊗ r for many ``q`` (N, 4) and fixed ``p``, ``r`` (4,).

    The map is linear in q, so it is one (N, 4) @ (4, 4) product whose rows are p ⊗ e_j ⊗ r for the basis
    quaternions e_j: ~20x faster than two products on long arrays (same result to ~1e-16).
    """
    basis = quat_multiply(quat_multiply(p_wxyz, np.eye(4)), r_wxyz)
    return np.einsum("nj,jk->nk", np.asarray(q_wxyz, float), basis)  # not matmul: no BLAS threads for 4x4


def quat_axis(q_wxyz: np.ndarray, axis: int) -> np.ndarray:
    """The rotated basis vector ``axis`` (0 x, 1 y, 2 z) of unit quaternions (N, 4): a rotation-matrix column,
    i.e. :func:`quat_rotate` of a unit vector at a third of the cost."""
    q = np.asarray(q_wxyz, float)
    w, x, y, z = q[..., 0], q[..., 1], q[..., 2], q[..., 3]
    if axis == 0:
        columns = (1 - 2 * (y * y + z * z), 2 * (x * y + w * z), 2 * (x * z - w * y))
    elif axis == 1:
        columns = (2 * (x * y - w * z), 1 - 2 * (x * x + z * z), 2 * (y * z + w * x))
    else:
        columns = (2 * (x * z + w * y), 2 * (y * z - w * x), 1 - 2 * (x * x + y * y))
    out = np.empty(q.shape[:-1] + (3,))
    out[..., 0], out[..., 1], out[..., 2] = columns
    return out
