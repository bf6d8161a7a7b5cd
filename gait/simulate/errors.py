"""Sensor error model (biomech.md §6.3): datasheet-like defaults, drawn per sensor from a seeded generator.

``ErrorModel`` holds the *distribution* parameters (sweepable one at a time with ``dataclasses.replace``);
``draw_sensor_errors`` turns them into one sensor's concrete errors, and ``apply_output_errors`` adds the
rate-level ones (bias, drift, noise, scale/cross-axis, clipping) to decimated ideal signals. Mounting
misalignment, soft-tissue wobble and impacts act earlier, inside the 1 kHz kinematics (``sensors.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
from scipy.spatial.transform import Rotation

from gait.conventions import GRAVITY_MPS2
from gait.errors import GaitError

DEG = np.pi / 180.0


@dataclass(frozen=True)
class ErrorModel:
    """Distribution parameters of every error source; ``ErrorModel.none()`` switches all of them off."""

    gyro_noise_dps_rthz: float = 0.007
    gyro_bias_sd_dps: float = 1.0
    gyro_bias_instability_dph: float = 6.0  # random-walk size after one hour
    gyro_tco_dps_per_k: float = 0.01
    warmup_k: float = 10.0
    warmup_tau_s: float = 300.0
    acc_noise_ug_rthz: float = 150.0
    acc_bias_sd_mg: float = 40.0
    scale_sd: float = 0.01
    cross_axis_sd: float = 0.01
    shank_yaw_sd_deg: float = 10.0  # misalignment about the shank long axis
    shank_tilt_deg: float = 5.0
    foot_misalign_deg: tuple[float, float] = (10.0, 20.0)  # uniform range, random axis
    sta_deg: float = 1.0  # shank soft-tissue wobble after IC (15 Hz, τ 50 ms)
    sta_hz: float = 15.0
    sta_tau_s: float = 0.05
    sta_slow_deg: float = 1.0  # phase-locked slow wobble
    impacts: bool = True
    clock_offset_sd_s: float = 0.010
    clock_drift_sd_ppm: float = 50.0
    acc_range_g: float = 16.0  # 0 = no clipping
    gyr_range_dps: float = 2000.0
    mag_noise_uT: float = 0.3
    mag_disturbance: bool = True

    @classmethod
    def realistic(cls) -> ErrorModel:
        return cls()

    @classmethod
    def none(cls) -> ErrorModel:
        """Ideal sensors: every error source off (rigid-body kinematics only)."""
        zero = {f.name: (0.0 if f.type in ("float", float) else f.default) for f in fields(cls)}
        zero.update(foot_misalign_deg=(0.0, 0.0), impacts=False, mag_disturbance=False, warmup_k=0.0,
                    warmup_tau_s=300.0, sta_hz=15.0, sta_tau_s=0.05)
        return cls(**zero)

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def resolve_errors(errors) -> ErrorModel:
    """Accept "realistic", "none" or an ErrorModel."""
    if isinstance(errors, ErrorModel):
        return errors
    if errors == "realistic":
        return ErrorModel.realistic()
    if errors == "none":
        return ErrorModel.none()
    raise GaitError(f"unknown error model {errors!r}; use 'realistic', 'none' or an ErrorModel")


@dataclass(frozen=True)
class SensorErrors:
    """The concrete errors of one sensor in one run."""

    mount: np.ndarray  # (3,3) sensor→segment rotation
    gyro_bias_rps: np.ndarray
    gyro_tco_rps_per_k: np.ndarray
    acc_bias_mps2: np.ndarray
    gyro_matrix: np.ndarray  # (3,3) scale + cross-axis
    acc_matrix: np.ndarray
    clock_offset_s: float
    clock_drift_ppm: float
    sta_axis: np.ndarray
    sta_phase_rad: float
    impact_hz: float


def _random_axis(rng) -> np.ndarray:
    v = rng.standard_normal(3)
    return v / np.linalg.norm(v)


def _mount(segment: str, model: ErrorModel, rng) -> np.ndarray:
    if segment == "shank":
        yaw = Rotation.from_rotvec([0.0, model.shank_yaw_sd_deg * DEG * rng.standard_normal(), 0.0])
        tilt_dir = rng.uniform(0, 2 * np.pi)
        tilt_axis = np.array([np.cos(tilt_dir), 0.0, np.sin(tilt_dir)])
        tilt = Rotation.from_rotvec(model.shank_tilt_deg * DEG * tilt_axis)
        return (yaw * tilt).as_matrix()
    lo, hi = model.foot_misalign_deg
    return Rotation.from_rotvec(rng.uniform(lo, hi) * DEG * _random_axis(rng)).as_matrix()


def _imperfection(model: ErrorModel, rng) -> np.ndarray:
    mat = np.eye(3) + model.cross_axis_sd * rng.standard_normal((3, 3))
    mat[np.diag_indices(3)] = 1.0 + model.scale_sd * rng.standard_normal(3)
    return mat


def draw_sensor_errors(segment: str, model: ErrorModel, rng) -> SensorErrors:
    """One sensor's errors; always consumes the same random numbers so seeds stay comparable across models."""
    return SensorErrors(
        mount=_mount(segment, model, rng),
        gyro_bias_rps=model.gyro_bias_sd_dps * DEG * rng.standard_normal(3),
        gyro_tco_rps_per_k=model.gyro_tco_dps_per_k * DEG * rng.standard_normal(3),
        acc_bias_mps2=model.acc_bias_sd_mg * 1e-3 * GRAVITY_MPS2 * rng.standard_normal(3),
        gyro_matrix=_imperfection(model, rng),
        acc_matrix=_imperfection(model, rng),
        clock_offset_s=float(model.clock_offset_sd_s * rng.standard_normal()),
        clock_drift_ppm=float(model.clock_drift_sd_ppm * rng.standard_normal()),
        sta_axis=_random_axis(rng),
        sta_phase_rad=float(rng.uniform(0, 2 * np.pi)),
        impact_hz=float(rng.uniform(20.0, 60.0)),
    )


class OutputErrors:
    """Stateful (chunk by chunk) bias drift and white noise at the output rate for one sensor."""

    def __init__(self, model: ErrorModel, errs: SensorErrors, rate_hz: float, rng):
        self.model, self.errs, self.rate_hz, self.rng = model, errs, rate_hz, rng
        self._rw_state = np.zeros(3)

    def apply(self, t_true_s: np.ndarray, gyr: np.ndarray, acc: np.ndarray, mag: np.ndarray | None):
        m, e, n = self.model, self.errs, t_true_s.size
        dt = 1.0 / self.rate_hz
        rw_step = m.gyro_bias_instability_dph / 3600.0 * DEG / np.sqrt(3600.0) * np.sqrt(dt)
        walk = self._rw_state + np.cumsum(rw_step * self.rng.standard_normal((n, 3)), axis=0)
        self._rw_state = walk[-1] if n else self._rw_state
        warm = m.warmup_k * (1.0 - np.exp(-t_true_s / m.warmup_tau_s))
        gyr_sd = m.gyro_noise_dps_rthz * DEG * np.sqrt(self.rate_hz / 2.0)
        acc_sd = m.acc_noise_ug_rthz * 1e-6 * GRAVITY_MPS2 * np.sqrt(self.rate_hz / 2.0)
        gyr = (gyr @ e.gyro_matrix.T + e.gyro_bias_rps + warm[:, None] * e.gyro_tco_rps_per_k + walk
               + gyr_sd * self.rng.standard_normal((n, 3)))
        acc = acc @ e.acc_matrix.T + e.acc_bias_mps2 + acc_sd * self.rng.standard_normal((n, 3))
        if m.gyr_range_dps > 0:
            gyr = np.clip(gyr, -m.gyr_range_dps * DEG, m.gyr_range_dps * DEG)
        if m.acc_range_g > 0:
            acc = np.clip(acc, -m.acc_range_g * GRAVITY_MPS2, m.acc_range_g * GRAVITY_MPS2)
        if mag is not None:
            mag = mag + m.mag_noise_uT * self.rng.standard_normal((n, 3))
        return gyr, acc, mag
