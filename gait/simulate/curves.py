"""Gait-cycle curves from key points (biomech.md §6.2): foot pitch and ankle angles α β γ over % gait cycle.

Key points are interpolated with a *periodic* shape-preserving cubic (PCHIP on three repeated periods), which
never overshoots, so flat stretches (foot pitch 0 during foot-flat) stay flat and the foot really stands
still.
PCHIP is only C¹: its jumps in angular acceleration would put ±40 m/s² spikes into the accelerometer, so the
curve is then smoothed with a 4 % GC Hann window and re-fitted as a C² periodic cubic spline (key-point values
move by < 0.1°; the truth is always computed from these final curves, never from the table).
Angles are anatomical degrees (right-side signs; the kinematics negate β and γ on the left).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
from scipy.interpolate import CubicSpline, PchipInterpolator

ANGLES = ("pitch", "alpha", "beta", "gamma")
GRID_PCT = 0.1
SMOOTH_PCT = 4.0


def _circular_smooth(values: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Periodic convolution (the gait cycle wraps around)."""
    half = kernel.size // 2
    padded = np.concatenate([values[-half:], values, values[:half]])
    return np.convolve(padded, kernel, mode="valid")[: values.size]

#: Walking key points: %GC -> (foot pitch θ_f (+ toes up), α (+DF), β (+inv), γ (+foot IR rel. shank)).
#: β, γ and the stance α are biomech.md §6.2. Foot pitch is the median of the real Voisard/IPOL right feet
#: (10 subjects, 163 strides, sagittal rate integrated from mid-stance; docs/walker.md), with foot-flat kept
#: exactly flat over 9–40 % GC as §6.1 prescribes; it differs from §6.2 mainly in swing (minimum −64° at 63 %,
#: *after* toe-off as in the real data, where event detectors place toe-off before the rate's zero crossing;
#: the foot comes up later, +22° at 97.5 %). Swing α (PF peak −17.5° at 63 %, back to neutral by 82 %) is
#: set so the implied shank angle θ_f − α stays close to textbook values (−42° at toe-off, +20° at IC).
#: ``None`` = no key point for that angle at that % GC.
WALK_KEYPOINTS = (
    (0, 20, 0, 2, 0),
    (2.5, 13, None, None, None),
    (5, 7, -4, 0, -1),
    (7, 3, None, None, None),
    (9, 0, -6, -1.5, -2.5),
    (15, 0, -2, -2.5, -4),
    (22, 0, 2, -3, -4),
    (30, 0, 5, -2.5, -3),
    (40, 0, 9, -1, -1),
    (45, -3, 10, 0, 0),
    (50, -8, None, None, None),
    (52, None, 5, 3, 2),
    (52.5, -14, None, None, None),
    (55, -23, None, None, None),
    (57.5, -36, None, None, None),
    (61, -57, -15, 6, 5),
    (63, -64, -17.5, None, None),
    (66, None, None, 5, 4),
    (67.5, -60, -16, None, None),
    (72.5, -50, -10, None, None),
    (75, None, None, 3, 2),
    (77.5, -33, -5, None, None),
    (82.5, -15, -1, None, None),
    (85, None, None, 2, 1),
    (87.5, 1, 1, None, None),
    (92, None, None, 2, 0),
    (92.5, 15, 2, None, None),
    (97.5, 22, 0.5, None, None),
)

#: Running key points (≈3 m/s, toe-off at 38 % GC; biomech.md §6.2 "Running" [R]/[E]): eversion excursion 12°,
#: tibial IR rel. foot 7°, peak dorsiflexion +20° at mid-stance, short foot-flat 5–22 % GC.
RUN_KEYPOINTS = (
    (0, 12, 2, 2, 0),
    (5, 0, 8, -4, -3),
    (16, 0, 20, -10, -7),
    (22, 0, 16, -8, -5),
    (28, -20, 8, -4, -2),
    (33, -45, -5, 0, 0),
    (38, -70, -20, 4, 3),
    (45, -60, -25, 4, 3),
    (60, -10, -5, 3, 2),
    (72, 18, 5, 2, 1),
    (86, 26, 5, 2, 0),
)


@dataclass(frozen=True)
class CycleShape:
    """Key points of one gait cycle plus the phase landmarks the foot-position model needs (all in % GC)."""

    keypoints: tuple[tuple[float, ...], ...]
    toe_off_pct: float = 61.0
    foot_flat_pct: tuple[float, float] = (9.0, 40.0)
    _splines: CubicSpline = field(default=None, compare=False, repr=False)

    def __post_init__(self):
        columns = []
        grid = np.arange(0.0, 100.0, GRID_PCT)
        kernel = np.hanning(int(round(SMOOTH_PCT / GRID_PCT)) + 2)[1:-1]
        kernel /= kernel.sum()
        for i in range(len(ANGLES)):
            pts = [(row[0], row[1 + i]) for row in self.keypoints if row[1 + i] is not None]
            gc, val = np.array(pts, float).T
            # three periods so that the PCHIP slopes at 0 % and 100 % see their periodic neighbours
            pchip = PchipInterpolator(np.concatenate([gc - 100, gc, gc + 100]), np.tile(val, 3))
            columns.append(_circular_smooth(pchip(grid), kernel))
        smooth = np.stack(columns, axis=-1)  # one vector-valued spline: a single knot search for all angles
        spline = CubicSpline(np.append(grid, 100.0), np.vstack([smooth, smooth[:1]]), bc_type="periodic")
        object.__setattr__(self, "_splines", spline)

    def values(self, gc_pct: np.ndarray) -> np.ndarray:
        """All angles (degrees, columns in :data:`ANGLES` order) at % GC ``gc_pct`` (mod 100)."""
        return self._splines(np.mod(gc_pct, 100.0))

    def value(self, name: str, gc_pct: np.ndarray) -> np.ndarray:
        """Angle ``name`` (degrees) at gait-cycle percent ``gc_pct`` (any real; taken modulo 100)."""
        return self.values(gc_pct)[..., ANGLES.index(name)]

    def keypoint(self, name: str, gc_pct: float) -> float:
        """Key-point value of ``name`` at exactly ``gc_pct`` (KeyError if there is none)."""
        col = ANGLES.index(name) + 1
        for row in self.keypoints:
            if row[0] == gc_pct:
                return float(row[col])
        raise KeyError(f"no key point at {gc_pct} % GC")

    def peak_abs(self, name: str) -> float:
        """Largest |key-point value| of ``name`` (sets the per-stride jitter so key points vary by ≈0.75°)."""
        col = ANGLES.index(name) + 1
        return max(abs(row[col]) for row in self.keypoints if row[col] is not None)

    def modified(self, **changes) -> CycleShape:
        """A copy with some fields replaced (key points, toe-off, foot-flat)."""
        return replace(self, _splines=None, **changes)


WALK = CycleShape(WALK_KEYPOINTS, toe_off_pct=61.0, foot_flat_pct=(9.0, 40.0))
RUN = CycleShape(RUN_KEYPOINTS, toe_off_pct=38.0, foot_flat_pct=(5.0, 22.0))


def scale_dip(shape: CycleShape, name: str, factor: float, window_pct: tuple[float, float]) -> CycleShape:
    """Scale the deviation of ``name`` from its initial-contact value inside ``window_pct`` by ``factor``.

    Used for scenario variants such as "eversion excursion ×2" (factor 2 on β during stance).
    """
    col = ANGLES.index(name) + 1
    ref = shape.keypoints[0][col]
    rows = []
    for row in shape.keypoints:
        row = list(row)
        if window_pct[0] < row[0] < window_pct[1] and row[col] is not None:
            row[col] = ref + factor * (row[col] - ref)
        rows.append(tuple(row))
    return shape.modified(keypoints=tuple(rows))


def dip_depth(shape: CycleShape, name: str, window_pct: tuple[float, float]) -> float:
    """Deepest fall of ``name`` below its initial-contact value inside ``window_pct`` (the keypoint that
    :func:`scale_dip` scales; for β in stance, the eversion excursion the scenario was designed with)."""
    col = ANGLES.index(name) + 1
    ref = shape.keypoints[0][col]
    return max(ref - row[col] for row in shape.keypoints
               if window_pct[0] < row[0] < window_pct[1] and row[col] is not None)


def scale_positive(shape: CycleShape, name: str, factor: float,
                   window_pct: tuple[float, float]) -> CycleShape:
    """Scale only the positive values of ``name`` inside ``window_pct`` (e.g. stance dorsiflexion)."""
    col = ANGLES.index(name) + 1
    rows = []
    for row in shape.keypoints:
        row = list(row)
        if window_pct[0] < row[0] < window_pct[1] and row[col] is not None and row[col] > 0:
            row[col] = factor * row[col]
        rows.append(tuple(row))
    return shape.modified(keypoints=tuple(rows))


def set_values(shape: CycleShape, name: str, window_pct: tuple[float, float], value: float) -> CycleShape:
    """Set ``name`` to ``value`` at every key point inside ``window_pct`` (e.g. remove the stance γ dip)."""
    col = ANGLES.index(name) + 1
    rows = []
    for row in shape.keypoints:
        row = list(row)
        if window_pct[0] <= row[0] <= window_pct[1] and row[col] is not None:
            row[col] = value
        rows.append(tuple(row))
    return shape.modified(keypoints=tuple(rows))


def warp_to_cycle(p: np.ndarray, stance_frac: np.ndarray, toe_off_pct: float) -> np.ndarray:
    """Map the stride fraction ``p`` ∈ [0, 1) to % GC so that ``p == stance_frac`` lands on toe-off.

    GC(p) = 100·p + A·sin²(πp): value and slope at stride boundaries do not depend on A, so strides with
    different stance fractions join without a jump in angular velocity.
    """
    amp = (toe_off_pct - 100.0 * stance_frac) / np.sin(np.pi * stance_frac) ** 2
    return 100.0 * p + amp * np.sin(np.pi * p) ** 2


def warp_amplitude_ok(stance_frac: float, toe_off_pct: float) -> bool:
    """True when the warp stays monotonic (|A|·π < 100) for this stance fraction."""
    amp = (toe_off_pct - 100.0 * stance_frac) / np.sin(np.pi * stance_frac) ** 2
    return abs(amp) * np.pi < 100.0
