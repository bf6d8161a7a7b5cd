import numpy as np
import pytest

from gait.conventions import GRAVITY_GLOBAL_MPS2, PLACEMENTS, placement, split_placement


def test_placements_round_trip():
    for name in PLACEMENTS:
        assert placement(*split_placement(name)) == name


def test_unknown_placement_is_rejected():
    with pytest.raises(ValueError, match="unknown placement"):
        split_placement("left_thigh")


def test_gravity_points_down_the_isb_y_axis():
    assert GRAVITY_GLOBAL_MPS2[1] < 0 and np.count_nonzero(GRAVITY_GLOBAL_MPS2) == 1
