import numpy as np
import pytest

from course_utils import require, __version__
from course_utils._validate import check_params, check_shape


def test_check_shape_binds_letters():
    sizes = check_shape("X", np.zeros((4, 10, 8)), "NTD")
    assert sizes == {"N": 4, "T": 10, "D": 8}


def test_check_shape_message_shows_known_sizes():
    with pytest.raises(ValueError, match=r"^X must have shape \(N, T, D=8\); got \(4, 10, 7\)$"):
        check_shape("X", np.zeros((4, 10, 7)), "NTD", {"D": 8})
    with pytest.raises(ValueError, match=r"X must have shape \(N, T, D\); got \(4, 10\)"):
        check_shape("X", np.zeros((4, 10)), "NTD")
    with pytest.raises(ValueError, match="X must be a NumPy array of shape .*got list"):
        check_shape("X", [1, 2], "N")


def test_check_params_names_missing_and_extra_keys():
    with pytest.raises(ValueError, match=r"missing \['b'\], unexpected \['c'\]"):
        check_params({"W": np.zeros(2), "c": np.zeros(2)}, {"W": (2,), "b": (2,)})
    with pytest.raises(ValueError, match=r"params\['W'\] must have shape \(3,\); got \(2,\)"):
        check_params({"W": np.zeros(2)}, {"W": (3,)})


def test_require_accepts_this_version_and_rejects_newer_or_other_major():
    assert require(__version__, "02_rnn") == "course_utils for 02_rnn: the copy next to this notebook, new enough."
    major = int(__version__.split(".")[0])
    with pytest.raises(RuntimeError, match="needs course_utils 99.0.0 or newer .*this kernel runs"):
        require("99.0.0")
    with pytest.raises(RuntimeError, match="make lab"):
        require(f"{major}.999.0")


@pytest.mark.parametrize("value, ok", [(3, True), (np.int64(3), True), (True, False), (False, False),
                                       (3.0, False), (np.nan, False), ("3", False), (None, False)])
def test_is_whole_accepts_integers_only_and_never_a_bool(value, ok):
    from course_utils._validate import is_whole
    assert is_whole(value) is ok


def test_is_whole_and_is_number_check_the_range():
    from course_utils._validate import is_number, is_whole
    assert is_whole(5, 1, 5) and not is_whole(6, 1, 5) and not is_whole(0, low=1)
    assert is_number(0.5, 0, 1) and not is_number(1.5, 0, 1)
    assert not is_number(float("nan")) and not is_number(float("inf")) and not is_number(True)


def test_check_state_pair_names_the_part():
    from course_utils._validate import check_state_pair
    H0, C0 = check_state_pair("state0", None, ("H0", "C0"), 2, 3, np.float64)
    assert H0.shape == C0.shape == (2, 3) and not H0.any()
    with pytest.raises(ValueError, match=r"state0\[1\] \(C0\) must have shape \(N=2, H=3\); got \(3, 2\)"):
        check_state_pair("state0", (None, np.zeros((3, 2))), ("H0", "C0"), 2, 3, np.float64)
    with pytest.raises(ValueError, match=r"state0 must be None or a tuple \(H0, C0\) .*got ndarray of shape \(2, 3\)"):
        check_state_pair("state0", np.zeros((2, 3)), ("H0", "C0"), 2, 3, np.float64)
