"""Walking direction in sensor coordinates from foot-flat to foot-flat strapdown integration.

The sign of a functional axis cannot come from the axis fit; for the foot, whose angular-velocity pattern is
nearly antisymmetric, the skew rule of :mod:`gait.calibration.functional` is weak. The direction of
progression is unambiguous instead: between two foot-flat phases (zero velocity) the foot moves forward.
Orientation comes from 6D VQF (``gait.orientation``) (heading arbitrary but continuous), the acceleration is
integrated over each swing with the velocity forced back to zero at the next foot flat (ZUPT drift
correction), and the horizontal displacement is expressed in the sensor frame at the preceding foot flat.
Only useful on the foot.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import uniform_filter1d
from scipy.spatial.transform import Rotation

from gait.calibration.global_axis import sensor_orientation_enu
from gait.calibration.standing import true_runs
from gait.conventions import GRAVITY_MPS2

#: Foot-flat: smoothed |gyr| below this (rad/s) and |acc| within ``FLAT_ACC_DEV_MPS2`` of g.
FLAT_GYR_RPS = 0.8
FLAT_ACC_DEV_MPS2 = 2.0
#: Strides further than this from the consensus direction (turns) are left out of the average (degrees).
STRAIGHT_DEG = 15.0
#: A swing (gap between foot flats) must last this long (s) to count as a stride.
SWING_MIN_S, SWING_MAX_S = 0.2, 1.5


@dataclass(frozen=True)
class ForwardEstimate:
    """Unit walking direction in sensor coordinates (horizontal at foot flat) and its evidence.

    ``consistency`` is the length of the mean of the per-stride unit directions (1 = all strides agree, 0 = no
    preferred direction); ``n_strides`` the number of swings used.
    """

    forward_sensor: np.ndarray
    consistency: float
    n_strides: int


def forward_direction(
    t_s: np.ndarray,
    acc_mps2: np.ndarray,
    gyr_rps: np.ndarray,
    min_strides: int = 3,
    window: tuple[float, float] | None = None,
    quat_enu: np.ndarray | None = None,
) -> ForwardEstimate | None:
    """Walking direction of a foot sensor in its own frame; ``None`` below ``min_strides`` swings.

    ``window`` (s) keeps only swings starting inside it, e.g. the straight bout used for the frame: on a
    curved path each stride's chord is turned against the foot. ``quat_enu``: the sensor's 6D orientation
    if already computed (wxyz sensor→ENU).
    """
    rate_hz = 1.0 / float(np.median(np.diff(t_s)))
    dt = 1.0 / rate_hz
    gyr, acc = np.asarray(gyr_rps, dtype=float), np.asarray(acc_mps2, dtype=float)
    quat = sensor_orientation_enu(t_s, acc, gyr) if quat_enu is None else quat_enu
    rot = Rotation.from_quat(quat, scalar_first=True)
    free_acc = rot.apply(acc) - np.array([0.0, 0.0, GRAVITY_MPS2])
    width = max(1, int(round(0.05 * rate_hz)))
    gyr_norm = uniform_filter1d(np.linalg.norm(gyr, axis=1), width, mode="nearest")
    acc_dev = np.abs(np.linalg.norm(acc, axis=1) - GRAVITY_MPS2)
    moving = ~((gyr_norm < FLAT_GYR_RPS) & (acc_dev < FLAT_ACC_DEV_MPS2))
    directions = []
    for i0, i1 in true_runs(moving):
        if i0 == 0 or i1 >= len(t_s) or not SWING_MIN_S <= (i1 - i0) * dt <= SWING_MAX_S:
            continue
        if window is not None and not window[0] <= t_s[i0] <= window[1]:
            continue
        vel = np.cumsum(free_acc[i0:i1], axis=0) * dt
        vel -= np.outer(np.arange(1, i1 - i0 + 1) / (i1 - i0), vel[-1])  # zero velocity at the next foot flat
        disp = vel.sum(axis=0) * dt
        disp[2] = 0.0
        if np.linalg.norm(disp) < 0.05:
            continue
        disp_sensor = rot[i0 - 1].inv().apply(disp)
        directions.append(disp_sensor / np.linalg.norm(disp_sensor))
    if len(directions) < min_strides:
        return None
    directions = np.asarray(directions)
    mean = np.mean(directions, axis=0)
    # strides in turns point elsewhere relative to the foot: keep those near the consensus, then average
    straight = directions[directions @ (mean / np.linalg.norm(mean)) > np.cos(np.radians(STRAIGHT_DEG))]
    if len(straight) >= min_strides:
        mean = np.mean(straight, axis=0)
    return ForwardEstimate(
        forward_sensor=mean / np.linalg.norm(mean),
        consistency=float(np.linalg.norm(np.mean(directions, axis=0))),
        n_strides=len(directions),
    )
