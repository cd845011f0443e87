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
    assert require(__version__) == __version__
    major = int(__version__.split(".")[0])
    with pytest.raises(RuntimeError, match="needs course_utils 99.0.0 .* is installed"):
        require("99.0.0")
    with pytest.raises(RuntimeError, match="make lab"):
        require(f"{major}.999.0")
