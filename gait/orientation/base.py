"""The orientation-estimator interface (fusion.md §5.6): one output convention for every backend.

Output convention, fixed for all estimators: quaternions scalar-first ``[w, x, y, z]``, **sensor→earth**,
earth frame **ENU** (x east, y north, z up; in 6D the heading is arbitrary). Conversions from each library's
own frame happen inside its adapter; :mod:`gait.orientation.frames` converts ENU to the project's ISB frame.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

import numpy as np

from gait.conventions import GRAVITY_MPS2
from gait.errors import GaitError
from gait.types import SampleBlock

Mode = Literal["6D", "9D"]


class OrientationInputError(GaitError):
    """IMU data an estimator cannot use (wrong units, shapes, non-uniform sampling, missing magnetometer)."""


@dataclass(frozen=True)
class ImuSeries:
    """One sensor, uniformly sampled: gyr rad/s, acc m/s² (specific force), mag any unit or ``None``."""

    gyr: np.ndarray
    acc: np.ndarray
    mag: np.ndarray | None
    fs: float
    sensor_id: str = ""

    def __post_init__(self) -> None:
        for name in ("gyr", "acc", "mag"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, np.ascontiguousarray(value, dtype=np.float64))
        check_imu_units(self.gyr, self.acc, self.mag, self.sensor_id)
        if not self.fs > 0:
            raise OrientationInputError(
                f"{self.sensor_id or 'sensor'}: sample rate must be > 0 Hz, got {self.fs}"
            )

    def __len__(self) -> int:
        return int(self.gyr.shape[0])

    @classmethod
    def from_block(cls, block: SampleBlock, max_jitter: float = 0.1) -> ImuSeries:
        """Wrap a :class:`SampleBlock`; refuses gaps or rate changes above ``max_jitter`` of a period."""
        if len(block) < 2:
            raise OrientationInputError(f"{block.sensor}: need at least 2 samples, got {len(block)}")
        dt = np.diff(block.t_s)
        period = float(np.median(dt))
        worst = float(np.max(np.abs(dt - period)))
        if worst > max_jitter * period:
            raise OrientationInputError(
                f"{block.sensor}: time stamps are not uniform (largest deviation {worst * 1e3:.1f} ms from "
                f"the {period * 1e3:.2f} ms period); resample or fill gaps before orientation estimation"
            )
        return cls(block.gyr_rps, block.acc_mps2, block.mag_uT, 1.0 / period, block.sensor)


def check_imu_units(gyr: np.ndarray, acc: np.ndarray, mag: np.ndarray | None, sensor: str = "") -> None:
    """Catch the common unit mix-ups (acc in g, gyr in °/s) and shape errors early, with advice."""
    who = sensor or "sensor"
    if gyr.ndim != 2 or gyr.shape[1] != 3 or acc.shape != gyr.shape:
        raise OrientationInputError(
            f"{who}: gyr and acc must both be (N, 3), got {gyr.shape} and {acc.shape}"
        )
    if mag is not None and mag.shape != gyr.shape:
        raise OrientationInputError(f"{who}: mag must be (N, 3) like gyr, got {mag.shape}")
    if not len(acc):
        return
    step = max(1, len(acc) // 20_000)  # a statistical check: a subsample is plenty and keeps it cheap
    acc_median = float(np.median(np.linalg.norm(acc[::step], axis=1)))
    # in g, walking gives a median ≈ 1 and running ≈ 3; in m/s², running shanks reach a median of 30 (walker)
    if not 0.4 * GRAVITY_MPS2 < acc_median < 10 * GRAVITY_MPS2:
        raise OrientationInputError(
            f"{who}: median |acc| is {acc_median:.2f}, expected ≈ 9.8 m/s²; "
            "is the accelerometer in g? (import with --acc-unit g)"
        )
    gyr_p99 = float(np.percentile(np.abs(gyr[::step]), 99))
    if gyr_p99 > 40.0:
        raise OrientationInputError(
            f"{who}: gyroscope reaches {gyr_p99:.0f} (99th percentile), implausible "
            "in rad/s; is it in deg/s? (import with --gyr-unit deg/s)"
        )


@dataclass
class OrientationResult:
    """Orientation of one sensor: ``quat`` (N, 4) wxyz sensor→ENU plus what the estimator knows about it."""

    quat: np.ndarray
    mode: Mode
    heading: Literal["magnetic", "arbitrary", "aligned"]
    gyr_bias: np.ndarray | None = None
    rest: np.ndarray | None = None
    mag_disturbed: np.ndarray | None = None
    extras: dict = field(default_factory=dict)
    estimator: str = ""
    params: dict = field(default_factory=dict)
    versions: dict = field(default_factory=dict)


class OrientationStream(Protocol):
    """Incremental estimator state for live use: feed samples or chunks, get quaternions back."""

    def update(self, gyr: np.ndarray, acc: np.ndarray, mag: np.ndarray | None = None) -> np.ndarray:
        """Accepts one sample (3,) or a chunk (M, 3); returns (4,) or (M, 4) wxyz sensor→ENU."""
        ...

    def get_state(self) -> dict: ...

    def reset(self, q0: np.ndarray | None = None) -> None: ...


class OrientationEstimator(Protocol):
    """A named orientation estimator; see :func:`gait.orientation.get_estimator`."""

    name: str
    capabilities: frozenset[str]

    def estimate(
        self, data: ImuSeries, mode: Mode = "6D", q0: np.ndarray | None = None
    ) -> OrientationResult: ...

    def stream(self, fs: float, mode: Mode = "6D") -> OrientationStream: ...


def require_mag(data: ImuSeries, mode: Mode, estimator: str) -> None:
    """9D needs a magnetometer; say so plainly instead of failing inside a library."""
    if mode not in ("6D", "9D"):
        raise OrientationInputError(f"mode must be '6D' or '9D', got {mode!r}")
    if mode == "9D" and data.mag is None:
        raise OrientationInputError(
            f"{data.sensor_id or 'sensor'}: 9D orientation with {estimator} needs magnetometer data; "
            "use mode='6D'"
        )


def as_chunk(*arrays: np.ndarray | None) -> tuple[bool, list[np.ndarray | None]]:
    """Normalise stream input to (M, 3) float64 C-contiguous; report whether a single sample was given."""
    single = np.asarray(arrays[0]).ndim == 1
    out = [None if a is None else np.ascontiguousarray(np.atleast_2d(a), dtype=np.float64) for a in arrays]
    return single, out
