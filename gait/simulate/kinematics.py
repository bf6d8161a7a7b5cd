"""Rigid foot + shank of one leg as functions of true time (biomech.md §6.1).

R_foot = R_Y(ψ)·R_Z(θ_f) (roll 0), R_shank = R_foot·R_relᵀ with R_rel = R_Z(α)·R_X(β)·R_Y(γ), so the ankle
angles are exact by construction. The foot origin (mid-foot, sole level) rotates about the heel point from IC
to mid foot-flat, about the MTP point until toe-off, and follows a quintic Hermite path in swing that matches
position, velocity and acceleration of both rockers (so the accelerometer sees no spikes) plus a lift bump.
Left legs use the same right-handed ISB frames with β, γ negated and lateral offsets mirrored (BRIEF).
"""

from __future__ import annotations

import numpy as np

from gait.simulate.curves import ANGLES, warp_to_cycle
from gait.simulate.gaitcycle import StridePlan
from gait.simulate.protocol import Protocol, smootherstep
from gait.simulate.scenarios import Scenario

# foot frame (m): origin mid-foot at sole level
HEEL_M = np.array([-0.10, 0.0, 0.0])
MTP_M = np.array([0.08, 0.0, 0.0])
ANKLE_M = np.array([-0.05, 0.08, 0.0])
HALF_STEP_WIDTH_M = 0.09
FD_STEP_S = 1e-4


# Rotation matrices are stored "structure of arrays": shape (3, 3, N), five times faster than (N, 3, 3) here.
def rot(axis: int, angle_rad: np.ndarray) -> np.ndarray:
    """Elementary rotations about X (0), Y (1) or Z (2), shape (3, 3, N)."""
    angle_rad = np.asarray(angle_rad, float)
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    out = np.zeros((3, 3, angle_rad.size))
    i, j = (axis + 1) % 3, (axis + 2) % 3
    out[axis, axis] = 1.0
    out[i, i], out[j, j], out[i, j], out[j, i] = c, c, -s, s
    return out


def mm(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Product of two (3, 3, N) stacks, or of a stack and a constant (3, 3) matrix."""
    return np.einsum("ijn,jkn->ikn", a, b) if b.ndim == 3 else np.einsum("ijn,jk->ikn", a, b)


def mv(a: np.ndarray, v: np.ndarray) -> np.ndarray:
    """(3, 3, N) stack times a constant (3,) or per-sample (3, N) vector → (3, N)."""
    return np.einsum("ijn,j->in", a, v) if v.ndim == 1 else np.einsum("ijn,jn->in", a, v)


def to_nx33(r: np.ndarray) -> np.ndarray:
    """(3, 3, N) → (N, 3, 3) for SciPy."""
    return np.ascontiguousarray(np.moveaxis(r, -1, 0))


def _quintic_hermite(tau, p0, v0, a0, p1, v1, a1, dur):
    """Quintic through (p, v, a) at both ends; tau ∈ [0, 1] is normalised time, dur the segment length."""
    t2, t3 = tau * tau, tau**3
    t4, t5 = t3 * tau, t3 * t2
    h = [1 - 10 * t3 + 15 * t4 - 6 * t5, tau - 6 * t3 + 8 * t4 - 3 * t5, 0.5 * (t2 - 3 * t3 + 3 * t4 - t5),
         0.5 * (t3 - 2 * t4 + t5), -4 * t3 + 7 * t4 - 3 * t5, 10 * t3 - 15 * t4 + 6 * t5]
    d2 = dur[:, None] ** 2
    return (h[0][:, None] * p0 + h[1][:, None] * v0 * dur[:, None] + h[2][:, None] * a0 * d2
            + h[3][:, None] * a1 * d2 + h[4][:, None] * v1 * dur[:, None] + h[5][:, None] * p1)


class Leg:
    """Foot and shank of one side; every method takes true times (s) and is vectorised."""

    def __init__(self, side: str, scenario: Scenario, plan: StridePlan, protocol: Protocol):
        self.side = side
        self.sign = 1.0 if side == "right" else -1.0
        self.shape = scenario.shape(side)
        self.scenario = scenario
        self.plan = plan
        self.protocol = protocol
        self.tc_s = plan.tc_s()
        self._place_strides()

    # ---- angles -------------------------------------------------------------------------------
    def _cycle(self, t_s):
        phase = self.plan.phase(t_s)
        k = np.floor(phase).astype(int)
        i = self.plan.index(k)
        gc = warp_to_cycle(phase - k, self.plan.stance_frac[i], self.shape.toe_off_pct)
        return phase, k, i, gc

    def angles_deg(self, t_s, cycle=None) -> dict:
        """Foot pitch and anatomical α, β, γ (degrees, + = same anatomical motion on both sides)."""
        t_s = np.asarray(t_s, float)
        phase, _, _, gc = cycle if cycle is not None else self._cycle(t_s)
        amp = self.protocol.gate(t_s)[..., None] * (1.0 + self.plan.jitter_at(phase))
        scaled = amp * self.shape.values(gc)
        out = {name: scaled[..., i] for i, name in enumerate(ANGLES)}
        k = self.scenario.coupling_k
        if k is not None:
            beta_ic = amp[..., ANGLES.index("beta")] * self.shape.value("beta", 0.0)
            out["gamma"] = out["gamma"] + k * (out["beta"] - beta_ic)
        out["alpha"] = out["alpha"] + self.protocol.rocking_alpha_deg(t_s)
        return out

    def heading_rad(self, t_s, cycle=None) -> np.ndarray:
        """Foot heading ψ: constant in stance, C² blend to the next stride's heading during swing."""
        t_s = np.asarray(t_s, float)
        _, _, i, _ = cycle if cycle is not None else self._cycle(t_s)
        tau = self._swing_tau(t_s, i)
        nxt = self.plan.heading_rad[np.minimum(i + 1, self.plan.heading_rad.size - 1)]
        return self.plan.heading_rad[i] + (nxt - self.plan.heading_rad[i]) * smootherstep(tau)

    def _swing_tau(self, t_s, i):
        t0, t1 = self.tc_s[i], self.plan.ic_s[i + 1]
        return np.clip((t_s - t0) / (t1 - t0), 0.0, 1.0)

    # ---- orientations -------------------------------------------------------------------------
    def rotations(self, t_s, shank: bool = True) -> dict:
        """R_foot, R_rel and R_shank ((3,3,N), segment→global) plus the angles used, at true times ``t_s``.

        ``shank=False`` skips R_rel and R_shank (a foot sensor does not need them).
        """
        cycle = self._cycle(np.asarray(t_s, float))
        ang = self.angles_deg(t_s, cycle)
        psi = self.heading_rad(t_s, cycle)
        r_foot = mm(rot(1, psi), rot(2, np.deg2rad(ang["pitch"])))
        out = {"foot": r_foot, "angles": ang, "cycle": cycle, "psi": psi}
        if not shank:
            return out
        r_rel = mm(mm(rot(2, np.deg2rad(ang["alpha"])), rot(0, np.deg2rad(self.sign * ang["beta"]))),
                   rot(1, np.deg2rad(self.sign * ang["gamma"])))
        r_shank = np.einsum("ijn,kjn->ikn", r_foot, r_rel)  # R_foot·R_relᵀ
        return {**out, "rel": r_rel, "shank": r_shank}

    # ---- positions ----------------------------------------------------------------------------
    def _rocker(self, t_s, pivot_m, heading):
        """Foot-origin offset from a ground pivot while the foot rotates about it (pitch only)."""
        pitch = np.deg2rad(self.angles_deg(t_s)["pitch"])
        return mv(mm(rot(1, heading), rot(2, pitch)), -pivot_m).T

    def _rocker_derivs(self, t_s, pivot_m, heading):
        h = FD_STEP_S
        p_m, p_0, p_p = (self._rocker(t_s + d, pivot_m, heading) for d in (-h, 0.0, h))
        return p_0, (p_p - p_m) / (2 * h), (p_p - 2 * p_0 + p_m) / (h * h)

    def _place_strides(self):
        """Heel contact points of all strides and the swing quintics joining toe-off to the next contact."""
        plan = self.plan
        n = plan.stance_frac.size
        t_to, t_ic_next = self.tc_s[:-1], plan.ic_s[1:n]
        gate = self.protocol.gate(0.5 * (t_to + t_ic_next))
        psi = plan.heading_rad
        psi_mid = 0.5 * (psi[:-1] + psi[1:])
        step = (plan.length_m[:-1] * gate)[:, None] * np.stack(
            [np.cos(psi_mid), np.zeros(n - 1), -np.sin(psi_mid)], axis=-1)
        heel0 = np.array([HEEL_M[0], 0.0, self.sign * HALF_STEP_WIDTH_M])
        self.heel_m = np.vstack([heel0, heel0 + np.cumsum(step, axis=0)])
        self.mtp_m = self.heel_m + mv(rot(1, psi), MTP_M - HEEL_M).T
        p0, v0, a0 = self._rocker_derivs(t_to, MTP_M, psi[:-1])
        p1, v1, a1 = self._rocker_derivs(t_ic_next, HEEL_M, psi[1:])
        self._swing = (p0 + self.mtp_m[:-1], v0, a0, p1 + self.heel_m[1:], v1, a1, t_ic_next - t_to)
        self._lift_m = self.scenario.swing_height_m * gate

    def foot_origin_m(self, t_s, rot=None) -> np.ndarray:
        """Foot origin (mid-foot, sole level) in the global frame (m), shape (3, N)."""
        t_s = np.asarray(t_s, float)
        rot = rot if rot is not None else self.rotations(t_s)
        _, _, i, gc = rot["cycle"]
        r_foot = rot["foot"]
        lo, hi = self.shape.foot_flat_pct
        on_heel = gc < 0.5 * (lo + hi)
        swing = gc >= self.shape.toe_off_pct
        pivot = np.where(on_heel, HEEL_M[:, None], MTP_M[:, None])
        ground = np.where(on_heel, self.heel_m[i].T, self.mtp_m[i].T)
        pos = ground - mv(r_foot, pivot)
        if swing.any():
            j = np.minimum(i[swing], self._swing[0].shape[0] - 1)
            tau = self._swing_tau(t_s[swing], j)
            p0, v0, a0, p1, v1, a1, dur = (x[j] for x in self._swing)
            path = _quintic_hermite(tau, p0, v0, a0, p1, v1, a1, dur)
            path[:, 1] += self._lift_m[j] * 64.0 * tau**3 * (1.0 - tau) ** 3
            pos[:, swing] = path.T
        return pos

    def ankle_m(self, t_s, rot=None) -> np.ndarray:
        """Ankle joint centre in the global frame (m), shape (3, N)."""
        rot = rot if rot is not None else self.rotations(t_s)
        return self.foot_origin_m(t_s, rot) + mv(rot["foot"], ANKLE_M)
