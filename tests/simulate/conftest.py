"""Short simulations shared by the walker tests (module-scoped: each is generated once)."""

import pytest

from gait.simulate import simulate


@pytest.fixture(scope="session")
def ideal_normal():
    """20 s of normal walking, ideal sensors, identical strides (curve definitions exactly)."""
    return simulate("normal", duration_s=22.0, seed=3, rate_hz=200.0, errors="none", variability=False)


@pytest.fixture(scope="session")
def realistic_normal():
    return simulate("normal", duration_s=22.0, seed=3, rate_hz=200.0, errors="realistic")
