"""Estimator registry: names → factories. ``vqf`` is the default (fusion.md §5.4)."""

from __future__ import annotations

from collections.abc import Callable

from gait.orientation.ahrs_backend import AhrsEstimator
from gait.orientation.base import OrientationEstimator, OrientationInputError
from gait.orientation.vqf_backend import VqfEstimator

DEFAULT_ESTIMATOR = "vqf"

_FACTORIES: dict[str, Callable[..., OrientationEstimator]] = {
    "vqf": lambda **p: VqfEstimator(online=False, **p),
    "vqf-online": lambda **p: VqfEstimator(online=True, **p),
    "ahrs-madgwick": lambda **p: AhrsEstimator("madgwick", **p),
    "ahrs-mahony": lambda **p: AhrsEstimator("mahony", **p),
    "ahrs-ekf": lambda **p: AhrsEstimator("ekf", **p),
}


def available_estimators() -> list[str]:
    """Registered estimator names, default first."""
    return list(_FACTORIES)


def get_estimator(name: str = DEFAULT_ESTIMATOR, **params) -> OrientationEstimator:
    """An estimator by name; ``params`` go to the backend unchanged (and are recorded in each result)."""
    try:
        factory = _FACTORIES[name]
    except KeyError:
        raise OrientationInputError(
            f"unknown orientation estimator {name!r}; choose one of: {', '.join(_FACTORIES)}"
        ) from None
    return factory(**params)
