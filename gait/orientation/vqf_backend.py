"""VQF (Laidig & Seel 2023), the default estimator: C++ core, rest detection, gyro-bias estimation, 6D + 9D.

Native output is already wxyz sensor→ENU (fusion.md §4), so no frame conversion is needed. Two registry names:

* ``vqf`` — offline analysis with ``offlineVQF`` (acausal: later rest phases improve earlier samples; best
  BROAD accuracy), live use through :meth:`VqfEstimator.stream` with the causal ``VQF``. Offline and live
  results therefore differ slightly.
* ``vqf-online`` — the causal ``VQF`` for both ``estimate`` and ``stream``: use it when a replay must match
  the offline analysis sample for sample.
"""

from __future__ import annotations

from importlib.metadata import version

import numpy as np
import vqf

from gait.orientation.base import ImuSeries, Mode, OrientationResult, as_chunk, require_mag
from gait.orientation.frames import set_initial_heading


def _versions() -> dict:
    return {"vqf": version("vqf")}


class VqfStream:
    """Causal VQF state carried across chunks (``updateBatch`` on each chunk)."""

    def __init__(self, fs: float, mode: Mode = "6D", params: dict | None = None) -> None:
        self.fs, self.mode, self.params = float(fs), mode, dict(params or {})
        self._filter = vqf.VQF(1.0 / self.fs, **self.params)
        self.n_samples = 0

    def update(self, gyr: np.ndarray, acc: np.ndarray, mag: np.ndarray | None = None) -> np.ndarray:
        single, (gyr, acc, mag) = as_chunk(gyr, acc, mag)
        if self.mode == "9D":
            if mag is None:
                raise ValueError("9D stream needs magnetometer samples")
            quat = self._filter.updateBatch(gyr, acc, mag)["quat9D"]
        else:
            quat = self._filter.updateBatch(gyr, acc)["quat6D"]
        self.n_samples += len(gyr)
        return quat[0] if single else quat

    def get_state(self) -> dict:
        """VQF's full internal state (a copy) plus the sample count; restorable with :meth:`set_state`."""
        return {"vqf": self._filter.state, "n_samples": self.n_samples}

    def set_state(self, state: dict) -> None:
        self._filter.state = state["vqf"]
        self.n_samples = int(state["n_samples"])

    def reset(self, q0: np.ndarray | None = None) -> None:
        """Back to the initial state; ``q0`` (wxyz sensor→ENU) seeds the gyro-integrated orientation."""
        self._filter.resetState()
        self.n_samples = 0
        if q0 is not None:
            state = self._filter.state
            state["gyrQuat"] = np.asarray(q0, float) / np.linalg.norm(q0)
            self._filter.state = state


#: Project defaults on top of VQF's own. ``biasClip`` (°/s) bounds the bias estimate *and* gates rest
#: detection per axis; VQF's 2 °/s is below common MEMS zero-rate offsets (±1–3 °/s, biomech.md §2.3), and
#: with a larger offset rest is never detected, so the heading drifts at the full bias rate.
VQF_DEFAULTS = {"biasClip": 5.0}


class VqfEstimator:
    """``vqf`` (offline: offlineVQF) or ``vqf-online`` (causal VQF) behind the common interface.

    ``params`` are VQF's own parameters (e.g. ``tauAcc``, ``restThGyr``) on top of :data:`VQF_DEFAULTS`,
    passed unchanged and recorded in every result.
    """

    capabilities = frozenset({"6D", "9D", "offline", "streaming", "bias", "rest", "mag_rejection"})

    def __init__(self, online: bool = False, **params) -> None:
        self.online = online
        self.name = "vqf-online" if online else "vqf"
        self.params = VQF_DEFAULTS | params

    def estimate(self, data: ImuSeries, mode: Mode = "6D", q0: np.ndarray | None = None) -> OrientationResult:
        """Whole-series estimate; ``q0`` only sets the initial heading (inclination comes from data)."""
        require_mag(data, mode, self.name)
        mag = data.mag if mode == "9D" else None
        if self.online:
            filt = vqf.VQF(1.0 / data.fs, **self.params)
            out = (
                filt.updateBatch(data.gyr, data.acc, mag)
                if mag is not None
                else filt.updateBatch(data.gyr, data.acc)
            )
            impl = "vqf.VQF"
        else:
            out = vqf.offlineVQF(data.gyr, data.acc, mag, 1.0 / data.fs, self.params)
            impl = "vqf.offlineVQF"
        quat = out["quat9D"] if mode == "9D" else out["quat6D"]
        heading = "magnetic" if mode == "9D" else "arbitrary"
        if q0 is not None and mode == "6D":
            quat, heading = set_initial_heading(quat, q0), "aligned"
        return OrientationResult(
            quat=quat,
            mode=mode,
            heading=heading,
            gyr_bias=out["bias"],
            rest=out["restDetected"].astype(bool),
            mag_disturbed=out["magDistDetected"].astype(bool) if mode == "9D" else None,
            extras={"bias_sigma_rps": out["biasSigma"]}
            | ({"delta_rad": out["delta"]} if mode == "9D" else {}),
            estimator=impl,
            params=dict(self.params),
            versions=_versions(),
        )

    def stream(self, fs: float, mode: Mode = "6D") -> VqfStream:
        """Causal VQF for live use (the same filter for both registry names)."""
        return VqfStream(fs, mode, self.params)
