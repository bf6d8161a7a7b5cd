"""Functional mediolateral (flexion) axis from the gyroscope, with its sign resolved from the gait pattern.

Walking is dominated by sagittal rotation of the shank and the foot, so the principal axis of the angular
velocity (after removing the part about the segment's vertical, which carries turns) is close to the
mediolateral axis in sensor coordinates (biomech.md §2.2). :mod:`gait.calibration.segment` uses it for the
axis *sign*, for quality checks, for a functional movement (ankle rocking: a clean hinge) and as the
fallback without a standing window; with one, the walking direction (:mod:`gait.calibration.global_axis`) is
more accurate for the shank, whose swing axis is tilted by frontal/transverse motion. The principal axis has
no sign; gait gives it one: about the ISB axis Z (pointing to the subject's right, on both legs) the swing
phase is a short, fast **positive** rotation (shank swinging forward) and stance a longer, slower rotation
the other way, so the low-passed rate about the correctly signed shank axis is positively skewed (3 Hz:
walker walking +0.8, running +0.2; OpenSense example +1.3 and +1.5). The same rule holds on both sides,
because all segment frames share one right-handed ISB frame (docs/conventions.md). The foot's pattern is
nearly antisymmetric (walker skew −0.1 walking, −0.6 running), so foot sensors are signed by the walking
direction instead (:mod:`gait.calibration.forward`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gait.calibration.forward import ForwardEstimate

#: Samples slower than this (rad/s) carry little axis information and mostly noise.
MOVING_GYR_RPS = 0.5
#: Only samples at or above this percentile of |gyr| among moving samples are used for the axis fit.
#: Number of consecutive pieces the walking data are cut into to measure axis repeatability.
REPEAT_CHUNKS = 3
#: Low-pass for the skew rule (Hz): the swing is a sustained lobe, impact spikes are brief.
SKEW_LOWPASS_HZ = 3.0
#: |skew| at and above which the skew rule counts as fully confident.
SKEW_CONFIDENT = 0.25


@dataclass(frozen=True)
class AxisEstimate:
    """A signed unit axis in sensor coordinates with the evidence behind it.

    ``planarity`` = λ1 / (λ1 + λ2) of the angular-velocity scatter perpendicular to the vertical (1 = pure
    hinge motion); ``spread_deg`` = largest angle between the axes of ``REPEAT_CHUNKS`` consecutive pieces and
    the overall axis (NaN with too little data); ``skew`` = normalised third moment of the rate about the
    signed axis; ``tilt_deg`` = angle between the unprojected principal axis and the plane perpendicular to
    the vertical; ``sign_source`` says what chose the sign ("skew", "forward" or "reference") and
    ``sign_confidence`` (0..1) how clearly.
    """

    axis_sensor: np.ndarray
    planarity: float
    spread_deg: float
    skew: float
    tilt_deg: float
    n_samples: int
    sign_source: str = "skew"
    sign_confidence: float = 0.0


def _principal_axis(gyr_rps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unit principal axis of the (uncentred) angular-velocity scatter and the sorted eigenvalues."""
    scatter = gyr_rps.T @ gyr_rps / max(len(gyr_rps), 1)
    eigval, eigvec = np.linalg.eigh(scatter)
    return eigvec[:, -1], eigval[::-1]


def _remove_component(vectors: np.ndarray, unit: np.ndarray) -> np.ndarray:
    return vectors - np.outer(vectors @ unit, unit)


def _angle_deg(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.degrees(np.arctan2(np.linalg.norm(np.cross(a, b)), np.dot(a, b))))


def _chunk_spread_deg(gyr_rps: np.ndarray, axis: np.ndarray) -> float:
    """Largest angle between per-chunk principal axes (sign-aligned) and ``axis``."""
    if len(gyr_rps) < REPEAT_CHUNKS * 20:
        return float("nan")
    angles = []
    for chunk in np.array_split(gyr_rps, REPEAT_CHUNKS):
        sub, _ = _principal_axis(chunk)
        angles.append(_angle_deg(sub if sub @ axis >= 0 else -sub, axis))
    return float(max(angles))


def mediolateral_axis(
    gyr_rps: np.ndarray,
    up_sensor: np.ndarray | None = None,
    sign_reference: np.ndarray | None = None,
    forward: ForwardEstimate | None = None,
    min_rate_rps: float = MOVING_GYR_RPS,
    skew_gyr_rps: np.ndarray | None = None,
) -> AxisEstimate:
    """Signed mediolateral axis (ISB +Z, to the right) in sensor coordinates.

    Parameters
    ----------
    gyr_rps
        (N, 3) angular velocity during walking (or a functional movement), sensor frame, rad/s.
    up_sensor
        Unit vertical axis of the segment in sensor coordinates (from standing). Rotation about it (turns,
        internal/external rotation) is removed before the axis is fitted; ``None`` fits in 3-D.
    sign_reference
        An already signed axis (e.g. from walking) used to sign this one; needed for symmetric movements such
        as ankle rocking, whose rate has no skew.
    forward
        Walking direction in sensor coordinates (:func:`gait.calibration.forward.forward_direction`, foot
        sensors): the axis is signed so that up × axis points forward. Needs ``up_sensor``.

    ``min_rate_rps`` drops slower samples (mostly noise); lower it for gentle functional movements.
    ``skew_gyr_rps``: the same samples low-passed (:data:`SKEW_LOWPASS_HZ`) for the skew rule; short
    impact-related spikes otherwise dominate the third moment (walker: skew 0.25 raw, 0.83 at 3 Hz;
    running −0.46 raw, +0.23 at 3 Hz; real OpenSense shanks +1.3 and +1.5).
    Without ``sign_reference`` or ``forward`` the gait skew rule of the module docstring signs the axis.
    """
    gyr = np.asarray(gyr_rps, dtype=float)
    moving = gyr[np.linalg.norm(gyr, axis=1) > min_rate_rps]
    if len(moving) < 10:
        raise ValueError(f"only {len(moving)} samples rotate faster than {min_rate_rps} rad/s")
    raw_axis, _ = _principal_axis(moving)
    fit = moving if up_sensor is None else _remove_component(moving, up_sensor)
    axis, eigval = _principal_axis(fit)
    if up_sensor is not None:
        axis = _remove_component(axis[None, :], up_sensor)[0]
        axis /= np.linalg.norm(axis)
    rate = (gyr if skew_gyr_rps is None else np.asarray(skew_gyr_rps, dtype=float)) @ axis
    skew = float(np.mean(rate**3) / max(np.mean(rate**2), 1e-12) ** 1.5)
    if sign_reference is not None:
        source, sign = "reference", np.sign(axis @ sign_reference)
        confidence = abs(float(axis @ sign_reference))
    elif forward is not None and up_sensor is not None:
        source, along = "forward", float(np.cross(up_sensor, axis) @ forward.forward_sensor)
        sign, confidence = np.sign(along), min(abs(along), forward.consistency)
    else:
        # shank skew at 3 Hz: +1.3/+1.5 in the OpenSense recording, +0.2 (running) to +0.8 in the walker
        source, sign, confidence = "skew", np.sign(skew), float(np.clip(abs(skew) / SKEW_CONFIDENT, 0, 1))
    sign = sign if sign != 0 else 1.0
    axis = axis * sign
    tilt = 0.0 if up_sensor is None else abs(90.0 - _angle_deg(raw_axis, up_sensor))
    return AxisEstimate(
        axis_sensor=axis,
        planarity=float(eigval[0] / max(eigval[0] + eigval[1], 1e-12)),
        spread_deg=_chunk_spread_deg(fit, axis),
        skew=float(skew * sign),
        tilt_deg=float(tilt),
        n_samples=int(len(moving)),
        sign_source=source,
        sign_confidence=float(confidence),
    )
