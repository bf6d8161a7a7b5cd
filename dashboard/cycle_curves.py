"""Per-stride ankle-angle curves resampled to the gait cycle (0 % = initial contact, 100 % = the next).

The analysis keeps the continuous α β γ curves per side (``AnalysisResult.curves``, not serialised) and
the strides' event times; this module cuts one curve per valid stride and resamples it onto a fixed grid
so strides of different duration can be averaged (mean ± SD bands on the review page).
"""

from __future__ import annotations

import numpy as np

CYCLE_POINTS = 101


def stride_cycle_curves(
    t_s: np.ndarray, angles_deg: np.ndarray, strides: list[tuple[float, float]], n_points: int = CYCLE_POINTS
) -> np.ndarray:
    """``(n_strides, n_points, 3)`` float32: each ``(ic_s, next_ic_s)`` resampled by linear interpolation.

    Strides not fully covered by ``t_s`` or with a non-finite sample inside are left out.
    """
    t_s = np.asarray(t_s, dtype=float)
    angles_deg = np.asarray(angles_deg, dtype=float)
    out = []
    for ic_s, next_ic_s in strides:
        if not (t_s.size and t_s[0] <= ic_s < next_ic_s <= t_s[-1]):
            continue
        lo, hi = np.searchsorted(t_s, [ic_s, next_ic_s])
        segment = angles_deg[max(lo - 1, 0) : hi + 1]
        if not np.isfinite(segment).all():
            continue
        grid = np.linspace(ic_s, next_ic_s, n_points)
        out.append(
            np.column_stack([np.interp(grid, t_s, angles_deg[:, i]) for i in range(angles_deg.shape[1])])
        )
    return np.asarray(out, dtype=np.float32).reshape(
        -1, n_points, angles_deg.shape[1] if angles_deg.ndim == 2 else 3
    )


def result_cycle_curves(result) -> dict[str, np.ndarray]:
    """Cycle curves of the valid strides per side of an ``AnalysisResult`` (sides without angles left out)."""
    out = {}
    for side, curves in (getattr(result, "curves", None) or {}).items():
        if curves is None or curves.angles_deg is None:
            continue
        spans = [(s.ic_s, s.next_ic_s) for s in result.strides if s.side == side and s.valid]
        arr = stride_cycle_curves(curves.t_s, curves.angles_deg, spans)
        if arr.shape[0]:
            out[side] = arr
    return out
