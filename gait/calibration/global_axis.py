"""Walking direction referenced to the standing pose, from horizontal acceleration in a heading-stable frame.

The principal axis of the angular velocity is the axis a segment actually rotates about during gait. For the
shank that axis is tilted by the frontal/transverse motion that accompanies the swing (≈ 5–10° in our
walker, whose shank carries the ankle eversion), so it is not the frame the segment has in the standing
pose. ISB puts zero at the standing calibration pose with all segment frames aligned (X forward along the
walking direction, Y up, Z right). So: estimate the sensor orientation (6D VQF; its rest detection removes
the gyro bias while standing, keeping the heading stable), rotate the specific force to the earth frame,
remove gravity, and take the principal *horizontal* axis of the acceleration over the straight walking bout
next to the standing window: fore-aft accelerations (push-off, swing) dominate mediolateral ones by two
orders of magnitude in variance. That line, expressed in the sensor frame of the standing pose, is the
segment's X axis (up to sign). It assumes the subject stood facing the direction in which they then walked.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import uniform_filter1d
from scipy.signal import butter, sosfiltfilt
from scipy.spatial.transform import Rotation

from gait.orientation import ImuSeries, get_estimator

#: A turn is where the 2-s mean rotation rate about the vertical exceeds this (rad/s; 180° in 3 s ≈ 1 rad/s).
TURN_RATE_RPS = 0.25
#: Horizontal accelerations are low-passed at this frequency before the direction fit (Hz).
LOWPASS_HZ = 4.0
#: Use at most this much straight walking after the standing window (s): heading drift grows with time.
MAX_BOUT_S = 20.0


@dataclass(frozen=True)
class ForwardLine:
    """Unsigned unit walking-direction line in the standing-pose sensor frame.

    ``anisotropy`` = ratio of the two horizontal acceleration variances (fore-aft / mediolateral; large = a
    clear direction); ``bout_s`` = straight walking used.
    """

    axis_sensor: np.ndarray
    anisotropy: float
    bout_s: float
    bout_window_s: tuple[float, float] = (0.0, 0.0)


def sensor_orientation_enu(t_s: np.ndarray, acc_mps2: np.ndarray, gyr_rps: np.ndarray) -> np.ndarray:
    """6D orientation (wxyz sensor→ENU) with the project's default estimator, for calibration only."""
    rate_hz = 1.0 / float(np.median(np.diff(t_s)))
    return get_estimator("vqf").estimate(ImuSeries(gyr_rps, acc_mps2, None, rate_hz)).quat


def _straight_bout(
    t_s: np.ndarray, yaw_rate_rps: np.ndarray, standing_window: tuple[float, float], moving: np.ndarray
) -> np.ndarray:
    """Straight walking next to the standing window: the first stretch after it (up to the first turn or
    ``MAX_BOUT_S``), or, when nothing follows (standing at the end), the last stretch before it."""
    rate_hz = 1.0 / float(np.median(np.diff(t_s)))
    mean_yaw_rate = uniform_filter1d(yaw_rate_rps, max(1, int(2.0 * rate_hz)), mode="nearest")
    turning = np.abs(mean_yaw_rate) > TURN_RATE_RPS
    after = moving & (t_s > standing_window[1])
    if np.count_nonzero(after) >= rate_hz:
        start = t_s[np.flatnonzero(after)[0]]
        turns = np.flatnonzero(after & turning)
        stop = min(t_s[turns[0]] if len(turns) else np.inf, start + MAX_BOUT_S)
        return after & ~turning & (t_s < stop)
    before = moving & (t_s < standing_window[0])
    if not np.any(before):
        return before
    end = t_s[np.flatnonzero(before)[-1]]
    turns = np.flatnonzero(before & turning)
    begin = max(t_s[turns[-1]] if len(turns) else -np.inf, end - MAX_BOUT_S)
    return before & ~turning & (t_s > begin)


def standing_pose_forward(
    t_s: np.ndarray,
    acc_mps2: np.ndarray,
    gyr_rps: np.ndarray,
    standing_window: tuple[float, float],
    moving: np.ndarray,
    quat_enu: np.ndarray | None = None,
) -> ForwardLine | None:
    """Walking-direction line in the standing-pose sensor frame; ``None`` without 1 s of straight walking.

    ``quat_enu``: the sensor's 6D orientation (wxyz sensor→ENU) if already computed.
    """
    quat = sensor_orientation_enu(t_s, acc_mps2, gyr_rps) if quat_enu is None else quat_enu
    rot = Rotation.from_quat(quat, scalar_first=True)
    bout = _straight_bout(t_s, rot.apply(gyr_rps)[:, 2], standing_window, moving)
    if t_s[bout].size < 2 or np.count_nonzero(bout) * float(np.median(np.diff(t_s))) < 1.0:
        return None
    rate_hz = 1.0 / float(np.median(np.diff(t_s)))
    free_acc = rot.apply(acc_mps2)[:, :2]
    # impacts excite every direction; the progression signal is in the slow fore-aft swing (< LOWPASS_HZ)
    free_acc = sosfiltfilt(
        butter(2, min(LOWPASS_HZ, 0.4 * rate_hz), fs=rate_hz, output="sos"), free_acc, axis=0
    )
    horizontal = free_acc[bout] - free_acc[bout].mean(axis=0)
    eigval, eigvec = np.linalg.eigh(horizontal.T @ horizontal)
    stand = (t_s >= standing_window[0]) & (t_s <= standing_window[1])
    axis_sensor = rot[stand].mean().inv().apply([*eigvec[:, -1], 0.0])
    return ForwardLine(
        axis_sensor=axis_sensor / np.linalg.norm(axis_sensor),
        anisotropy=float(eigval[-1] / max(eigval[0], 1e-12)),
        bout_s=float(np.count_nonzero(bout) * np.median(np.diff(t_s))),
        bout_window_s=(float(t_s[bout][0]), float(t_s[bout][-1])),
    )
