"""Orientation error metrics as defined by BROAD (Laidig et al., Data 6:72, 2021), and a BROAD trial loader.

Error quaternion in the earth frame ``e = q_est ⊗ q_ref*``; total error = its rotation angle; heading error =
the rotation angle of its vertical (earth z) part, ``2·atan(|e_z / e_w|)``; inclination error = the remaining
tilt, ``2·acos(√(e_w² + e_z²))``. RMSE over a mask (BROAD: the trial's ``movement`` phase, samples without
optical truth dropped). For 6D estimates one constant heading offset can be removed first (favourable to 6D,
not the paper's 6D protocol; fusion.md §3.2).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy.spatial.transform import Rotation

from gait.orientation.frames import rotation_wxyz


def error_angles_rad(
    q_est_wxyz: np.ndarray, q_ref_wxyz: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-sample (total, heading, inclination) errors in radians."""
    e = (rotation_wxyz(q_est_wxyz) * rotation_wxyz(q_ref_wxyz).inv()).as_quat(scalar_first=True)
    w, z = np.abs(e[:, 0]), e[:, 3]
    total = 2 * np.arccos(np.clip(w, 0, 1))
    heading = 2 * np.arctan(np.abs(z) / np.maximum(w, 1e-300))
    inclination = 2 * np.arccos(np.clip(np.sqrt(w**2 + z**2), 0, 1))
    return total, heading, inclination


def rmse_deg(
    q_est_wxyz: np.ndarray, q_ref_wxyz: np.ndarray, mask: np.ndarray | None = None
) -> dict[str, float]:
    """RMSE (degrees) of the three BROAD error angles over ``mask`` (rows with NaN reference are skipped)."""
    valid = np.all(np.isfinite(q_ref_wxyz), axis=1)
    mask = valid if mask is None else (mask & valid)
    errors = error_angles_rad(q_est_wxyz[mask], q_ref_wxyz[mask])
    names = ("total", "heading", "inclination")
    return {n: float(np.degrees(np.sqrt(np.mean(e**2)))) for n, e in zip(names, errors, strict=True)}


def remove_heading_offset(q_est_wxyz: np.ndarray, q_ref_wxyz: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Remove the one constant rotation about earth z that best aligns a 6D estimate with the reference."""
    mask = mask & np.all(np.isfinite(q_ref_wxyz), axis=1)
    e = (rotation_wxyz(q_est_wxyz[mask]) * rotation_wxyz(q_ref_wxyz[mask]).inv()).as_quat(scalar_first=True)
    angle = 2 * np.arctan2(e[:, 3], e[:, 0])
    offset = np.arctan2(np.mean(np.sin(angle)), np.mean(np.cos(angle)))
    return (Rotation.from_rotvec([0.0, 0.0, -offset]) * rotation_wxyz(q_est_wxyz)).as_quat(scalar_first=True)


def load_broad_trial(path: str | Path) -> dict:
    """One BROAD ``.mat`` trial: gyr rad/s, acc m/s², mag µT, ``opt_quat`` (wxyz sensor→ENU), movement, fs."""
    from scipy.io import loadmat

    raw = loadmat(str(path))
    out = {
        k: np.ascontiguousarray(raw[k], dtype=np.float64)
        for k in ("imu_gyr", "imu_acc", "imu_mag", "opt_quat")
    }
    out["fs"] = float(np.squeeze(raw["sampling_rate"]))
    out["movement"] = np.squeeze(raw["movement"]).astype(bool)
    return out
