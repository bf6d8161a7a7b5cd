"""Relative heading between shank and foot without inventing eversion–rotation coupling.

In 6D fusion each sensor's heading (rotation about the vertical) is arbitrary and drifts on its own, but the
ankle angles β and γ depend on the *relative* heading of foot and shank (biomech.md §2.4, fusion.md §5.3).

Strategy (all corrections are rotations of the foot about the global vertical, applied on top of fusion):

1. **Standing alignment.** In the standing calibration pose both segment frames coincide (ISB "neutral"), so
   the foot is rotated about the vertical until its anterior axis has the shank's heading. This is exact
   when the subject really stands in the calibration pose.
2. **Slow drift from a 1-DoF constraint, referenced to the start.** Over consecutive blocks of walking
   (default 8 s, many strides) we find the constant offset δ_k that best satisfies a talocrural-hinge
   assumption (least squares of β² + γ²). The hinge model is wrong by the true β and γ, so δ_k is biased — but
   for steady walking the bias is the same in every block, so only the *change* of δ_k since the standing
   window is used as drift (δ at the standing time is extrapolated back along a line through the first
   blocks).
   δ(t) is interpolated linearly between block centres: it is constant within a stride, so within-stride
   coupling of β and γ still comes from the gyroscopes and is never imposed by a joint model (the 2-DoF
   subtalar model we deliberately avoid would do exactly that).

Without a standing window, step 1 is replaced by the raw constraint estimate δ_k (absolute γ then carries the
hinge-model bias; excursions are unaffected) and a warning is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gait.kinematics import ankle_angles_deg, heading_deg

#: Length of the blocks over which the drift of the relative heading is estimated (biomech.md §2.4: ≥ 5–10 s).
DRIFT_BLOCK_S = 8.0
_STEP_DEG = 0.5
_SEARCH_STEP_DEG = 15.0
_MAX_BLOCK_SAMPLES = 250  # a least-squares fit of one scalar does not need every sample
REFERENCE_BLOCKS = 4  # blocks fitted by a line to refer the drift back to the standing window


def rotate_about_vertical(q_wxyz: np.ndarray, delta_deg: np.ndarray | float) -> np.ndarray:
    """Pre-multiply segment→global quaternions by ``delta_deg`` about the global vertical (+Y).

    The product (cos, 0, sin, 0) ⊗ q written out: the zero terms of a general quaternion product are dropped
    (this runs on hour-long arrays).
    """
    q = np.atleast_2d(np.asarray(q_wxyz, float))
    half_rad = 0.5 * np.radians(np.asarray(delta_deg, dtype=float))
    c, s = np.cos(half_rad), np.sin(half_rad)
    qw, qx, qy, qz = q[:, 0], q[:, 1], q[:, 2], q[:, 3]
    out = np.empty(q.shape)
    out[:, 0] = c * qw - s * qy
    out[:, 1] = c * qx + s * qz
    out[:, 2] = c * qy + s * qw
    out[:, 3] = c * qz - s * qx
    return out


def standing_offset_deg(q_shank_wxyz: np.ndarray, q_foot_wxyz: np.ndarray) -> float:
    """Rotation about the vertical that gives the foot the shank's heading (over standing samples)."""
    diff_rad = np.radians(heading_deg(q_shank_wxyz) - heading_deg(q_foot_wxyz))
    return float(np.degrees(np.arctan2(np.sin(diff_rad).mean(), np.cos(diff_rad).mean())))


def hinge_offset_deg(q_shank_wxyz: np.ndarray, q_foot_wxyz: np.ndarray, iterations: int = 2,
                     start_deg: float | None = None) -> float:
    """Offset δ minimising Σ(β² + γ²) over the samples: the talocrural-hinge (1-DoF) heading estimate.

    Without ``start_deg``, a coarse search over the full circle comes first (6D headings can differ by
    anything, and the cost has local minima near 180°); then Gauss–Newton on the scalar δ with a numerical
    derivative. The side does not matter (squares).
    """
    if start_deg is None:
        grid = np.arange(-180.0, 180.0, _SEARCH_STEP_DEG)
        costs = [np.sum(ankle_angles_deg(q_shank_wxyz, rotate_about_vertical(q_foot_wxyz, d), "right")[:, 1:]
                        ** 2) for d in grid]
        start_deg = float(grid[int(np.argmin(costs))])
    delta, n = start_deg, len(q_foot_wxyz)
    shank2, foot2 = np.concatenate([q_shank_wxyz, q_shank_wxyz]), np.concatenate([q_foot_wxyz, q_foot_wxyz])
    for _ in range(iterations):
        # the residuals at δ and δ + step in one evaluation (short blocks: the per-call cost dominates)
        turned = rotate_about_vertical(foot2, np.repeat([delta, delta + _STEP_DEG], n))
        both = ankle_angles_deg(shank2, turned, "right")[:, 1:]
        r0, r1 = both[:n], both[n:]
        jac = (r1 - r0) / _STEP_DEG
        denom = float(np.sum(jac * jac))
        if denom <= 0.0:
            break
        delta -= float(np.sum(jac * r0)) / denom
    return delta


@dataclass
class RelativeHeading:
    """Relative-heading correction for one side, fed block by block (live) or all at once (offline).

    ``standing_deg`` is the standing alignment (None when there was no standing window); ``block_t_s`` and
    ``block_deg`` hold the centre time and raw hinge estimate of every completed drift block.
    """

    standing_deg: float | None
    standing_t_s: float | None = None
    block_t_s: list[float] = field(default_factory=list)
    block_deg: list[float] = field(default_factory=list)

    @classmethod
    def from_standing(cls, t_s: np.ndarray, q_shank_wxyz: np.ndarray, q_foot_wxyz: np.ndarray,
                      standing_mask: np.ndarray | None) -> RelativeHeading:
        """Start with the standing alignment of the masked samples (None or all False: no alignment)."""
        heading = cls(standing_deg=None)
        mask = standing_mask
        if mask is not None and np.any(mask):
            heading.standing_deg = standing_offset_deg(q_shank_wxyz[mask], q_foot_wxyz[mask])
            heading.standing_t_s = float(np.mean(t_s[mask]))
        return heading

    def add_block(self, t_s: np.ndarray, q_shank_wxyz: np.ndarray, q_foot_wxyz: np.ndarray) -> None:
        """Estimate one drift block (samples already aligned with ``standing_deg``)."""
        step = max(1, len(t_s) // _MAX_BLOCK_SAMPLES)
        self.block_t_s.append(float(0.5 * (t_s[0] + t_s[-1])))
        previous = self.block_deg[-1] if self.block_deg else None  # drift is slow: start from the last block
        self.block_deg.append(hinge_offset_deg(q_shank_wxyz[::step], q_foot_wxyz[::step], start_deg=previous))

    def offset_deg(self, t_s: np.ndarray) -> np.ndarray:
        """Total vertical-axis correction for the foot at times ``t_s``."""
        base = self.standing_deg if self.standing_deg is not None else 0.0
        if not self.block_deg:
            return np.full(np.shape(t_s), base)
        return base + _interp_linear_ends(t_s, np.asarray(self.block_t_s), self.drift_deg())

    def drift_deg(self) -> np.ndarray:
        """Drift at each block centre: hinge estimate minus its value at the standing window (extrapolated
        back along the line through the first blocks), or the raw hinge estimate without standing."""
        blocks = np.asarray(self.block_deg)
        if self.standing_deg is None:
            return blocks
        first = slice(0, min(blocks.size, REFERENCE_BLOCKS))
        if blocks.size < 2 or self.standing_t_s is None:
            return blocks - blocks[0]
        slope, intercept = np.polyfit(np.asarray(self.block_t_s)[first], blocks[first], 1)
        return blocks - (intercept + slope * self.standing_t_s)

    def report(self) -> dict:
        """Numbers for the analysis JSON (degrees)."""
        drift = self.drift_deg() if self.block_deg else np.zeros(0)
        return {
            "standing_alignment_deg": self.standing_deg,
            "drift_blocks": int(drift.size),
            "max_abs_drift_deg": float(np.max(np.abs(drift))) if drift.size else None,
            "method": "standing alignment + hinge-constraint drift" if self.standing_deg is not None
            else "hinge constraint only (no standing window)",
        }


def _interp_linear_ends(t_s: np.ndarray, xp: np.ndarray, fp: np.ndarray) -> np.ndarray:
    """Piecewise-linear interpolation, extrapolated along the first/last segment (drift keeps going)."""
    out = np.interp(t_s, xp, fp)
    if xp.size >= 2:
        t = np.asarray(t_s, dtype=float)
        lo, hi = t < xp[0], t > xp[-1]
        out = np.where(lo, fp[0] + (t - xp[0]) * (fp[1] - fp[0]) / (xp[1] - xp[0]), out)
        out = np.where(hi, fp[-1] + (t - xp[-1]) * (fp[-1] - fp[-2]) / (xp[-1] - xp[-2]), out)
    return out


def block_edges(t0_s: float, t_end_s: float, block_s: float = DRIFT_BLOCK_S) -> list[tuple[float, float]]:
    """Complete drift blocks ``[t0 + k·block, t0 + (k+1)·block)`` that end before ``t_end_s``."""
    n = int(np.floor((t_end_s - t0_s) / block_s + 1e-9))
    return [(t0_s + k * block_s, t0_s + (k + 1) * block_s) for k in range(max(n, 0))]


def correct_relative_heading(
    t_s: np.ndarray,
    q_shank_wxyz: np.ndarray,
    q_foot_wxyz: np.ndarray,
    standing_mask: np.ndarray | None,
    walk_start_s: float | None = None,
    block_s: float = DRIFT_BLOCK_S,
) -> tuple[np.ndarray, RelativeHeading]:
    """Offline correction: returns the corrected foot quaternions and the fitted :class:`RelativeHeading`.

    ``standing_mask`` marks the standing calibration samples (None or all False: no standing alignment);
    drift blocks start at ``walk_start_s`` (default: end of the standing window, else the first sample).
    """
    heading = RelativeHeading.from_standing(t_s, q_shank_wxyz, q_foot_wxyz, standing_mask)
    if heading.standing_deg is not None and walk_start_s is None:
        walk_start_s = float(t_s[standing_mask][-1])
    start = float(t_s[0]) if walk_start_s is None else walk_start_s
    aligned = rotate_about_vertical(q_foot_wxyz, heading.standing_deg or 0.0)
    for b0, b1 in block_edges(start, float(t_s[-1]), block_s):
        sel = slice(int(np.searchsorted(t_s, b0)), int(np.searchsorted(t_s, b1)))  # [b0, b1)
        heading.add_block(t_s[sel], q_shank_wxyz[sel], aligned[sel])
    return rotate_about_vertical(q_foot_wxyz, heading.offset_deg(t_s)), heading
