"""Ideal IMU signals of one sensor from the leg kinematics, at ≥ 1 kHz, then anti-aliased and decimated.

Gyroscope ω_S from the orientation derivative (central difference of R_GS, O(h²)); accelerometer as specific
force f_S = R_GSᵀ·(p̈_S − g_G) from the second difference of the sensor position, so lever-arm (tangential and
centripetal) terms come out automatically; magnetometer m_S = R_GSᵀ·(m_G + local disturbance). Each sensor is
evaluated at the true instants of *its own* samples (clock offset and drift), so sync can be scored exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import firwin, upfirdn

from gait.conventions import GRAVITY_GLOBAL_MPS2, GRAVITY_MPS2
from gait.simulate.errors import ErrorModel, SensorErrors
from gait.simulate.kinematics import Leg, mm, mv

BASE_RATE_MIN_HZ = 1000.0
TAPS_PER_FACTOR = 8  # FIR half-length in base samples per decimation factor
FOOT_SENSOR_M = np.array([0.04, 0.05, 0.0])  # dorsum of the mid-foot, foot frame
SHANK_SENSOR_M = np.array([0.02, 0.20, -0.02])  # anteromedial tibia above the ankle, right shank frame
EARTH_FIELD_UT = 50.0
INCLINATION_DEG = 60.0
NORTH_HEADING_DEG = 30.0  # magnetic north, measured from +X towards +Z (to the right)
DISTURB_GRID_M = 6.0
DISTURB_SIGMA_M = 0.25
DISTURB_MAX_UT = 30.0


def decimation(rate_hz: float) -> tuple[int, np.ndarray]:
    """Decimation factor to ``rate_hz`` from a base rate ≥ 1 kHz, and the zero-phase FIR anti-alias filter."""
    factor = max(1, int(np.ceil(BASE_RATE_MIN_HZ / rate_hz - 1e-9)))
    half = TAPS_PER_FACTOR * factor
    if factor == 1:
        return 1, np.array([1.0])
    return factor, firwin(2 * half + 1, 0.8 / factor)


def earth_field_uT() -> np.ndarray:
    """Undisturbed field in the ISB global frame (X forward, Y up, Z right), pointing down at 60°."""
    inc, head = np.deg2rad(INCLINATION_DEG), np.deg2rad(NORTH_HEADING_DEG)
    north = np.array([np.cos(head), 0.0, np.sin(head)])
    return EARTH_FIELD_UT * (np.cos(inc) * north + np.sin(inc) * np.array([0.0, -1.0, 0.0]))


def disturbance_uT(pos_m: np.ndarray) -> np.ndarray:
    """Indoor disturbance zones: floor-level sources on a 6 m grid, strongest at foot height (±30 µT).

    ``pos_m`` and the result have shape (3, N). Each grid cell's field direction is a fixed pseudo-random
    function of the cell (the same "building" for every seed).
    """
    i, j = np.round(pos_m[0] / DISTURB_GRID_M), np.round(pos_m[2] / DISTURB_GRID_M)
    d2 = (pos_m[0] - i * DISTURB_GRID_M) ** 2 + pos_m[1] ** 2 + (pos_m[2] - j * DISTURB_GRID_M) ** 2
    direction = np.stack([np.sin(12.9898 * i + 78.233 * j), np.cos(4.1414 * i - 9.77 * j),
                          np.sin(3.3 * i + 1.7 * j + 0.5)])
    direction /= np.linalg.norm(direction, axis=0)
    return DISTURB_MAX_UT * np.exp(-0.5 * d2 / DISTURB_SIGMA_M**2) * direction


@dataclass
class SensorSpec:
    """One simulated sensor: where it sits and what errors it has."""

    placement: str
    side: str
    segment: str
    errors: SensorErrors
    impact_amp_mps2: np.ndarray  # per stride of the leg's plan

    @property
    def lever_m(self) -> np.ndarray:
        if self.segment == "foot":
            return FOOT_SENSOR_M
        return SHANK_SENSOR_M * np.array([1.0, 1.0, 1.0 if self.side == "right" else -1.0])


def _rodrigues(axis: np.ndarray, angle: np.ndarray) -> np.ndarray:
    """Rotations by ``angle`` (N,) about one fixed unit ``axis``, shape (3, 3, N)."""
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    return (np.eye(3)[:, :, None] + k[:, :, None] * np.sin(angle)
            + (k @ k)[:, :, None] * (1.0 - np.cos(angle)))


def _since_last_ic(leg: Leg, t_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Time since the most recent IC of this leg and that stride's plan index."""
    idx = np.clip(np.searchsorted(leg.plan.ic_s, t_s, side="right") - 1, 0, leg.plan.stance_frac.size - 1)
    return t_s - leg.plan.ic_s[idx], idx


def _sta_rotation(leg: Leg, spec: SensorSpec, model: ErrorModel, t_s: np.ndarray) -> np.ndarray | None:
    if spec.segment != "shank" or (model.sta_deg == 0 and model.sta_slow_deg == 0):
        return None
    dt, idx = _since_last_ic(leg, t_s)
    gate = leg.protocol.gate(leg.plan.ic_s[idx])
    ring = model.sta_deg * np.exp(-dt / model.sta_tau_s) * np.sin(2 * np.pi * model.sta_hz * dt) * gate
    slow = model.sta_slow_deg * leg.protocol.gate(t_s) * np.sin(2 * np.pi * leg.plan.phase(t_s)
                                                                  + spec.errors.sta_phase_rad)
    return _rodrigues(spec.errors.sta_axis, np.deg2rad(ring + slow))


def _impact_mps2(leg: Leg, spec: SensorSpec, t_s: np.ndarray) -> np.ndarray:
    dt, idx = _since_last_ic(leg, t_s)
    amp = spec.impact_amp_mps2[idx] * leg.protocol.gate(leg.plan.ic_s[idx])
    return amp * np.exp(-dt / 0.02) * np.sin(2 * np.pi * spec.errors.impact_hz * dt)


def ideal_signals(leg: Leg, spec: SensorSpec, model: ErrorModel, t_s: np.ndarray, step_s: float,
                  with_mag: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Gyro, specific force, magnetometer (sensor frame, shape (3, N-2)) at ``t_s[1:-1]``.

    ``t_s`` must be evenly spaced by ``step_s``; the two end samples only feed the central differences.
    """
    rot = leg.rotations(t_s, shank=spec.segment == "shank")
    r_seg = rot[spec.segment]
    origin = leg.foot_origin_m(t_s, rot) if spec.segment == "foot" else leg.ankle_m(t_s, rot)
    pos = origin + mv(r_seg, spec.lever_m)
    r_gs = r_seg
    sta = _sta_rotation(leg, spec, model, t_s)
    if sta is not None:
        r_gs = mm(r_gs, sta)
    r_gs = mm(r_gs, spec.errors.mount)
    r_mid = r_gs[:, :, 1:-1]
    diff = (r_gs[:, :, 2:] - r_gs[:, :, :-2]) / (2.0 * step_s)

    def skew(i, j):  # (R_midᵀ·Ṙ)[i, j]
        return np.einsum("kn,kn->n", r_mid[:, i], diff[:, j])

    gyr = 0.5 * np.stack([skew(2, 1) - skew(1, 2), skew(0, 2) - skew(2, 0), skew(1, 0) - skew(0, 1)])
    acc_g = (pos[:, 2:] - 2.0 * pos[:, 1:-1] + pos[:, :-2]) / step_s**2 - GRAVITY_GLOBAL_MPS2[:, None]
    t_mid = t_s[1:-1]
    vertical = leg.protocol.tap_transient_mps2(t_mid)
    if model.impacts:
        vertical = vertical + _impact_mps2(leg, spec, t_mid)
    acc_g = acc_g + vertical * r_seg[:, 1, 1:-1]  # along the segment's Y (up) axis
    acc = np.einsum("jin,jn->in", r_mid, acc_g)  # R_GSᵀ·f
    mag = None
    if with_mag:
        field = earth_field_uT()[:, None]
        if model.mag_disturbance:
            field = field + disturbance_uT(pos[:, 1:-1])
        mag = np.einsum("jin,jn->in", r_mid, np.broadcast_to(field, acc_g.shape))
    return gyr, acc, mag


def impact_amplitudes(n_strides: int, impact_g: float, model: ErrorModel, rng) -> np.ndarray:
    """Per-stride impact amplitude (m/s²): the scenario's value ×0.7–1.3."""
    scale = rng.uniform(0.7, 1.3, n_strides)
    return (impact_g * GRAVITY_MPS2 * scale) if model.impacts else np.zeros(n_strides)


def decimate_chunk(x: np.ndarray, fir: np.ndarray, factor: int, n_out: int) -> np.ndarray:
    """Zero-phase FIR + downsample along the last axis; returns (n_out, 3).

    ``x`` (3, M) holds base samples from (first output·factor − half) onward.
    """
    if factor == 1:
        return x[:, :n_out].T
    half = (fir.size - 1) // 2
    y = upfirdn(fir, x, down=factor, axis=-1)
    start = 2 * half // factor
    return y[:, start:start + n_out].T
