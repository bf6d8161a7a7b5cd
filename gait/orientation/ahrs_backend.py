"""``ahrs`` 0.4.0 Madgwick, Mahony and EKF behind the common interface, quirks handled (fusion.md §4).

All three run one Python update per sample (the library's batch constructors are the same loop), about
8–28 k samples/s: ≈ 2–6 min per hour of four sensors, 100× slower than VQF. ``estimate`` is the stream run
over the whole series, so offline and live give identical results. Quirks handled here:

* Madgwick 9D works in North-West-Up (magnetic reference ``[b_x, 0, b_z]``); output is turned +90° about z to
  ENU. Its 9D start quaternion comes from ``ecompass(frame="NED")`` as in the library (a short transient).
  Madgwick returns the previous quaternion unchanged when the gyro is exactly zero (no accelerometer
  correction at all), which freezes noise-free still data: exact zeros are replaced by 1e-12 rad/s.
* Mahony's defaults (k_P 1, k_I 0.3) are far off for human motion (30° on BROAD); defaults here are BROAD's
  tuned k_P 0.74, k_I 0.0012. 9D output is already ENU.
* EKF's default magnetic reference points down while its gravity model is z-up, so 9D converges tilted; we
  pass a North-West-Up reference ``[cos dip, 0, −sin dip]`` with the dip measured on the first samples and
  turn the NWU output to ENU. Streaming 9D needs ``ekf.mag`` non-None (else a broadcasting error): set here.
"""

from __future__ import annotations

from importlib.metadata import version

import numpy as np
from ahrs.common.orientation import acc2q, am2q, ecompass
from ahrs.filters import EKF, Madgwick, Mahony
from scipy.spatial.transform import Rotation

from gait.orientation.base import ImuSeries, Mode, OrientationResult, as_chunk, require_mag
from gait.orientation.frames import set_initial_heading

#: NWU earth frame → ENU: +90° about z.
_NWU_TO_ENU = Rotation.from_rotvec([0.0, 0.0, np.pi / 2])
#: Samples used to measure the magnetic dip for the EKF reference.
_DIP_SAMPLES = 100


def mag_reference_nwu(acc: np.ndarray, mag: np.ndarray) -> np.ndarray:
    """Unit field reference ``[cos dip, 0, −sin dip]`` (NWU) from the angle between gravity and field."""
    a = acc / np.linalg.norm(acc, axis=1, keepdims=True)
    m = mag / np.linalg.norm(mag, axis=1, keepdims=True)
    dip = np.arcsin(np.clip(-np.mean(np.sum(a * m, axis=1)), -1.0, 1.0))
    return np.array([np.cos(dip), 0.0, -np.sin(dip)])


class AhrsStream:
    """Per-sample ``ahrs`` filter with its state (quaternion in the library's frame, filter object)."""

    def __init__(self, kind: str, fs: float, mode: Mode = "6D", params: dict | None = None) -> None:
        self.kind, self.fs, self.mode, self.params = kind, float(fs), mode, dict(params or {})
        self._to_enu = _NWU_TO_ENU if (mode == "9D" and kind in ("madgwick", "ekf")) else Rotation.identity()
        self.reset()

    def reset(self, q0: np.ndarray | None = None) -> None:
        """Start again; ``q0`` (wxyz sensor→ENU) replaces the accelerometer/compass initialisation."""
        self._filter = None
        self._q = None if q0 is None else self._from_enu(np.asarray(q0, float))
        self.n_samples = 0

    def get_state(self) -> dict:
        q = None if self._q is None else self._to_enu_wxyz(self._q[None, :])[0]
        bias = getattr(self._filter, "b", None)
        return {
            "quat_wxyz": q,
            "n_samples": self.n_samples,
            "gyr_bias": None if bias is None else np.copy(bias),
        }

    def _from_enu(self, q_wxyz: np.ndarray) -> np.ndarray:
        lib = self._to_enu.inv() * Rotation.from_quat(q_wxyz, scalar_first=True)
        return lib.as_quat(scalar_first=True)

    def _to_enu_wxyz(self, q_lib: np.ndarray) -> np.ndarray:
        return (self._to_enu * Rotation.from_quat(q_lib, scalar_first=True)).as_quat(scalar_first=True)

    def _make_filter(self, acc: np.ndarray, mag: np.ndarray | None):
        if self.kind == "madgwick":
            default_gain = 0.041 if self.mode == "9D" else 0.033
            return Madgwick(frequency=self.fs, gain=self.params.get("gain", default_gain))
        if self.kind == "mahony":
            return Mahony(
                frequency=self.fs, k_P=self.params.get("k_P", 0.74), k_I=self.params.get("k_I", 0.0012)
            )
        kw = {k: v for k, v in self.params.items() if k in ("noises",)}
        if self.mode == "9D":
            kw["magnetic_ref"] = self.params.get(
                "magnetic_ref", mag_reference_nwu(acc[:_DIP_SAMPLES], mag[:_DIP_SAMPLES])
            )
        ekf = EKF(frequency=self.fs, frame="NED", **kw)
        if self.mode == "9D":
            ekf.mag = np.empty((0, 3))  # ahrs 0.4.0: h()/dhdq() test the batch attribute
        return ekf

    def _initial(self, acc0: np.ndarray, mag0: np.ndarray | None) -> np.ndarray:
        if self.mode == "6D":
            return acc2q(acc0)
        if self.kind == "mahony":
            return am2q(acc0, mag0)
        return ecompass(acc0, mag0, frame="NED", representation="quaternion")

    def _step(self, q: np.ndarray, gyr: np.ndarray, acc: np.ndarray, mag: np.ndarray | None) -> np.ndarray:
        f = self._filter
        if self.kind == "ekf":
            return f.update(q, gyr, acc, mag) if self.mode == "9D" else f.update(q, gyr, acc)
        if self.kind == "madgwick" and not np.any(gyr):
            gyr = np.array([1e-12, 0.0, 0.0])
        return f.updateMARG(q, gyr, acc, mag) if self.mode == "9D" else f.updateIMU(q, gyr, acc)

    def update(self, gyr: np.ndarray, acc: np.ndarray, mag: np.ndarray | None = None) -> np.ndarray:
        single, (gyr, acc, mag) = as_chunk(gyr, acc, mag)
        if self.mode == "9D" and mag is None:
            raise ValueError("9D stream needs magnetometer samples")
        if self._filter is None:
            self._filter = self._make_filter(acc, mag)
        out = np.empty((len(gyr), 4))
        start = 0
        if self._q is None:
            self._q = np.asarray(self._initial(acc[0], None if mag is None else mag[0]), float)
            out[0], start = self._q, 1
        for i in range(start, len(gyr)):
            self._q = np.asarray(self._step(self._q, gyr[i], acc[i], None if mag is None else mag[i]), float)
            out[i] = self._q
        self.n_samples += len(gyr)
        quat = self._to_enu_wxyz(out)
        return quat[0] if single else quat


class AhrsEstimator:
    """``ahrs-madgwick``, ``ahrs-mahony`` or ``ahrs-ekf``; ``params`` as in :class:`AhrsStream`."""

    capabilities = frozenset({"6D", "9D", "offline", "streaming"})

    def __init__(self, kind: str, **params) -> None:
        if kind not in ("madgwick", "mahony", "ekf"):
            raise ValueError(f"unknown ahrs filter {kind!r}")
        self.kind, self.name, self.params = kind, f"ahrs-{kind}", params
        if kind == "mahony":
            self.capabilities = self.capabilities | {"bias"}

    def estimate(self, data: ImuSeries, mode: Mode = "6D", q0: np.ndarray | None = None) -> OrientationResult:
        """Run the stream over the whole series; ``q0`` (wxyz sensor→ENU) is the initial orientation."""
        require_mag(data, mode, self.name)
        stream = AhrsStream(self.kind, data.fs, mode, self.params)
        stream.reset(q0)
        quat = stream.update(data.gyr, data.acc, data.mag if mode == "9D" else None)
        heading = "magnetic" if mode == "9D" else ("aligned" if q0 is not None else "arbitrary")
        if q0 is not None and mode == "6D":
            quat = set_initial_heading(quat, q0)
        return OrientationResult(
            quat=quat,
            mode=mode,
            heading=heading,
            estimator=f"ahrs.filters.{type(stream._filter).__name__}",
            params=dict(self.params),
            versions={"ahrs": version("ahrs")},
        )

    def stream(self, fs: float, mode: Mode = "6D") -> AhrsStream:
        return AhrsStream(self.kind, fs, mode, self.params)
