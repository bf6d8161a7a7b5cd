"""Ground truth of a simulated recording: true orientations, ankle angles, events and per-stride metrics.

Per-stride metrics follow biomech.md §3.1 with the DESIGN §3 names and are computed from the true curves on a
dense grid of 401 points per stance (not from the output samples), so they do not depend on the sample rate.
Signs are anatomical (left β, γ already negated): β < 0 = eversion, −γ = tibial IR relative to the foot.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.spatial.transform import Rotation

from gait.simulate.kinematics import Leg, to_nx33

STANCE_POINTS = 401
GATE_MIN = 0.5  # strides/events during gait initiation with a smaller walking amplitude are left out
CLOCK_MODEL = "t_device_s = offset_s + (1 + drift_ppm * 1e-6) * t_true_s"


@dataclass
class Truth:
    """Everything true about a simulated recording (times on the true = session clock)."""

    t_s: np.ndarray  # (N,)
    quat_wxyz: dict[str, np.ndarray]  # placement -> (N,4) segment→global (ISB)
    angles_deg: dict[str, np.ndarray]  # side -> (N,3) α β γ, anatomical signs
    foot_pos_m: dict[str, np.ndarray]  # side -> (N,3) foot origin (mid-foot, sole level), global
    events: dict[str, dict[str, np.ndarray]]  # side -> {"ic_s", "tc_s"}
    strides: list[dict]  # per-stride metrics, DESIGN §3 names
    mounting_wxyz: dict[str, np.ndarray]  # placement -> (4,) sensor→segment
    clock: dict[str, dict]  # placement -> {"offset_s", "drift_ppm"}
    windows: list[dict]
    rate_hz: float
    extra: dict = field(default_factory=dict)


def _matrix_to_wxyz(r: np.ndarray) -> np.ndarray:
    """(3,3) or (3,3,N) rotation matrices → wxyz quaternions."""
    return Rotation.from_matrix(r if r.ndim == 2 else to_nx33(r)).as_quat(scalar_first=True)


def _sampled(legs: dict[str, Leg], t_s: np.ndarray, chunk: int = 12000):
    quats = {f"{s}_{seg}": [] for s in legs for seg in ("shank", "foot")}
    angles = {s: [] for s in legs}
    pos = {s: [] for s in legs}
    for i0 in range(0, t_s.size, chunk):
        t = t_s[i0:i0 + chunk]
        for side, leg in legs.items():
            rot = leg.rotations(t)
            for seg in ("shank", "foot"):
                quats[f"{side}_{seg}"].append(_matrix_to_wxyz(rot[seg]))
            ang = rot["angles"]
            angles[side].append(np.stack([ang["alpha"], ang["beta"], ang["gamma"]], axis=-1))
            pos[side].append(leg.foot_origin_m(t, rot).T)
    cat = lambda d: {k: np.concatenate(v) for k, v in d.items()}  # noqa: E731
    return cat(quats), cat(angles), cat(pos)


def _circular_mean_deg(theta_rad: np.ndarray) -> np.ndarray:
    return np.rad2deg(np.arctan2(np.sin(theta_rad).mean(axis=-1), np.cos(theta_rad).mean(axis=-1))) % 360.0


def stride_metrics(leg: Leg, idx: np.ndarray) -> dict[str, np.ndarray]:
    """True per-stride metrics of the plan strides ``idx`` (arrays, one value per stride)."""
    plan = leg.plan
    ic, tc, nxt = plan.ic_s[idx], leg.tc_s[idx], plan.ic_s[idx + 1]
    u = np.linspace(0.0, 1.0, STANCE_POINTS)
    t = ic[:, None] + u[None, :] * (tc - ic)[:, None]
    ang = {k: v.reshape(t.shape) for k, v in leg.angles_deg(t.ravel()).items()}
    beta, gamma, alpha = ang["beta"], ang["gamma"], ang["alpha"]
    first70, first50 = u <= 0.7 + 1e-9, u <= 0.5 + 1e-9
    i_min = np.argmin(np.where(first70, beta, np.inf), axis=1)
    rows = np.arange(idx.size)
    beta_rate = np.gradient(beta, axis=1) / np.gradient(t, axis=1)
    tir = -gamma
    ev_exc = beta[:, 0] - beta[rows, i_min]
    tir_exc = np.max(np.where(first50, tir, -np.inf), axis=1) - tir[:, 0]
    d_ev, d_tir = np.diff(-beta[:, first50], axis=1), np.diff(tir[:, first50], axis=1)
    stride_time = nxt - ic
    heel = leg.heel_m
    return {
        "ic_s": ic, "tc_s": tc, "next_ic_s": nxt,
        "stride_time_s": stride_time,
        "stance_pct": 100.0 * (tc - ic) / stride_time,
        "cadence_steps_per_min": 120.0 / stride_time,
        "stride_length_m": np.hypot(*(heel[idx + 1] - heel[idx])[:, [0, 2]].T),
        "eversion_excursion_deg": ev_exc,
        "peak_eversion_deg": beta[rows, i_min],
        "peak_eversion_velocity_dps": np.max(np.where(first50, -beta_rate, -np.inf), axis=1),
        "time_to_peak_eversion_pct": 100.0 * u[i_min],
        "tibial_ir_excursion_deg": tir_exc,
        "peak_dorsiflexion_deg": alpha.max(axis=1),
        "ev_tir_ratio": np.where(np.abs(tir_exc) > 0.1, ev_exc / np.where(tir_exc == 0, 1, tir_exc), np.nan),
        "coupling_angle_deg": _circular_mean_deg(np.arctan2(d_ev, d_tir)),
    }


def _strides(leg: Leg, duration_s: float) -> tuple[list[dict], dict]:
    plan, gate = leg.plan, leg.protocol.gate
    n = plan.stance_frac.size
    ic, tc = plan.ic_s[:n], leg.tc_s
    keep_ic = (ic >= 0) & (ic <= duration_s) & (gate(ic) >= GATE_MIN)
    events = {"ic_s": ic[keep_ic], "tc_s": tc[keep_ic & (tc <= duration_s)]}
    full = np.flatnonzero(keep_ic & (plan.ic_s[1:n + 1] <= duration_s))
    if full.size == 0:
        return [], events
    metrics = stride_metrics(leg, full)
    steady = gate(ic[full]) >= 0.999
    rows = []
    for j, i in enumerate(full):
        row = {"side": leg.side, "stride": int(i + plan.k0), "steady": bool(steady[j])}
        row.update({k: (None if np.isnan(v[j]) else float(v[j])) for k, v in metrics.items()})
        rows.append(row)
    return rows, events


def build_truth(legs: dict[str, Leg], specs: dict, protocol, duration_s: float, rate_hz: float) -> Truth:
    """Assemble the :class:`Truth` of one run (``specs``: placement → SensorSpec)."""
    t_s = np.arange(int(np.floor(duration_s * rate_hz)) + 1) / rate_hz
    quats, angles, pos = _sampled(legs, t_s)
    strides, events = [], {}
    for side in ("left", "right"):
        rows, events[side] = _strides(legs[side], duration_s)
        strides.extend(rows)
    strides.sort(key=lambda r: r["ic_s"])
    mounting = {p: _matrix_to_wxyz(s.errors.mount) for p, s in specs.items()}
    clock = {p: {"offset_s": s.errors.clock_offset_s, "drift_ppm": s.errors.clock_drift_ppm} for p, s in
             specs.items()}
    errors = {p: sensor_error_summary(s.errors) for p, s in specs.items()}
    return Truth(t_s, quats, angles, pos, events, strides, mounting, clock, protocol.windows(duration_s),
                 rate_hz, extra={"clock_model": CLOCK_MODEL, "sensor_errors": errors})


def sensor_error_summary(errs) -> dict:
    """The drawn constant errors of one sensor (sensor frame), for scoring bias or calibration estimates.

    The gyro bias also drifts (random walk; warm-up ``gyro_tco_dps_per_k`` × warm-up K), so ``gyro_bias_dps``
    is its value at t = 0.
    """
    deg = np.rad2deg
    return {"gyro_bias_dps": [float(x) for x in deg(errs.gyro_bias_rps)],
            "gyro_tco_dps_per_k": [float(x) for x in deg(errs.gyro_tco_rps_per_k)],
            "acc_bias_mps2": [float(x) for x in errs.acc_bias_mps2],
            "gyro_matrix": errs.gyro_matrix.tolist(), "acc_matrix": errs.acc_matrix.tolist(),
            "impact_hz": errs.impact_hz}
