import numpy as np
import pytest

from course_utils.gradcheck import check_gradients, format_error, format_report, numerical_gradient, relative_error


def test_numerical_gradient_of_a_quadratic_is_exact_enough(rng):
    A = rng.normal(size=(3, 3))
    x = rng.normal(size=3)
    numeric = numerical_gradient(lambda: x @ A @ x, x)
    assert relative_error(numeric, (A + A.T) @ x) < 1e-9


def test_numerical_gradient_restores_the_array(rng):
    x = rng.normal(size=(2, 3))
    before = x.copy()
    numerical_gradient(lambda: np.sum(x**3), x)
    np.testing.assert_array_equal(x, before)


def test_check_gradients_flags_a_wrong_gradient(rng):
    W = rng.normal(size=(3, 2))
    X = rng.normal(size=(4, 3))
    loss = lambda: np.sum((X @ W) ** 2)  # noqa: E731
    good = 2 * X.T @ (X @ W)
    errors = check_gradients(loss, {"W": W}, {"W": good})
    assert errors["W"] < 1e-8
    bad = good.copy()
    bad[1, 0] *= 1.01  # one entry 1% off
    errors = check_gradients(loss, {"W": W}, {"W": bad})
    assert errors["W"] > 1e-4
    assert "MISMATCH in ['W']" in format_report(errors)


def test_report_lists_every_key_with_verdict():
    report = format_report({"W_xh": 2.5e-10, "b_h": 3e-11})
    lines = report.splitlines()
    assert lines[1] == "W_xh  < 1e-07 \u2713"
    assert "all 2 gradients agree" in lines[-1] and "< 1e-07" in lines[-1]


def test_report_prints_no_round_off_digits():
    # The digits of a passing error are round-off that differs between CPUs and
    # NumPy versions; a stored notebook output must be the same for 2.5e-10 and 3.7e-11.
    assert format_report({"W": 2.5e-10}) == format_report({"W": 3.7e-11})
    assert format_report({"W": 2.5e-10}, tol=1e-9) != format_report({"W": 2.5e-10})


def test_report_shows_the_size_of_a_mismatch():
    report = format_report({"W": 2.1e-1, "b": 1e-11})
    assert report.splitlines()[1] == "W    2.1e-01 \u2717 (not < 1e-07)"
    assert report.splitlines()[2] == "b    < 1e-07 \u2713"
    assert format_error(2.1e-1, 1e-7) == "2.1e-01 \u2717 (not < 1e-07)"
    assert format_error(1e-7, 1e-7).endswith("\u2717 (not < 1e-07)")   # the threshold itself fails


def test_relative_error_of_zeros_is_zero():
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0


def test_messages():
    with pytest.raises(ValueError, match="x must be a float64 array.*got float32"):
        numerical_gradient(lambda: 0.0, np.zeros(2, dtype=np.float32))
    with pytest.raises(ValueError, match=r"a and b must have the same shape; got \(2,\) and \(3,\)"):
        relative_error(np.zeros(2), np.zeros(3))
    with pytest.raises(ValueError, match=r"grads\['W'\] must have shape \(2, 2\); got \(2,\)"):
        check_gradients(lambda: 0.0, {"W": np.zeros((2, 2))}, {"W": np.zeros(2)})
    with pytest.raises(ValueError, match=r"missing \['b'\]"):
        check_gradients(lambda: 0.0, {"b": np.zeros(2)}, {})


def test_floor_limits_the_relative_error_of_tiny_gradients(rng):
    x = rng.normal(size=3)
    tiny = 1e-9 * x
    # the true gradient of 1e-9/2 ‖x‖² is tiny; a 1e-12 absolute disagreement is large relative to it
    errors = check_gradients(lambda: 0.5e-9 * np.sum(x**2), {"x": x}, {"x": tiny + 1e-12})
    floored = check_gradients(lambda: 0.5e-9 * np.sum(x**2), {"x": x}, {"x": tiny + 1e-12}, floor=1e-3)
    assert floored["x"] < 1e-8 < errors["x"]
