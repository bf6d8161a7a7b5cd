"""Small robust statistics shared by metrics summaries, condition comparisons and findings.

Stride values are skewed and contain the odd outlier stride, so summaries use the median and IQR, and
differences get a percentile-bootstrap 95 % CI of the difference of medians (strides resampled within each
group). The generator is seeded so a report is reproducible.
"""

from __future__ import annotations

import numpy as np

N_BOOTSTRAP = 2000


def difference_ci(a: np.ndarray, b: np.ndarray, n_boot: int = N_BOOTSTRAP, level: float = 0.95,
                  seed: int = 0) -> tuple[float, float, float]:
    """Median of ``b`` minus median of ``a``, with a percentile-bootstrap confidence interval.

    Returns ``(difference, ci_low, ci_high)``. Both groups need at least two values.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if len(a) < 2 or len(b) < 2:
        raise ValueError("difference_ci needs at least two values per group")
    rng = np.random.default_rng(seed)
    boot_a = np.median(rng.choice(a, size=(n_boot, len(a)), replace=True), axis=1)
    boot_b = np.median(rng.choice(b, size=(n_boot, len(b)), replace=True), axis=1)
    tail = 100 * (1 - level) / 2
    lo, hi = np.percentile(boot_b - boot_a, [tail, 100 - tail])
    return float(np.median(b) - np.median(a)), float(lo), float(hi)


def robust_summary(values: np.ndarray) -> dict:
    """n, median, IQR (q1, q3) and SD of the finite values; ``None`` entries when there are none."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    if not len(values):
        return {"n": 0, "median": None, "q1": None, "q3": None, "sd": None}
    q1, median, q3 = np.percentile(values, [25, 50, 75])
    sd = float(np.std(values, ddof=1)) if len(values) > 1 else None
    return {"n": int(len(values)), "median": float(median), "q1": float(q1), "q3": float(q3), "sd": sd}
