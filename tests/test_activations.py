import numpy as np
import pytest

from course_utils import activations as act
from course_utils.gradcheck import numerical_gradient, relative_error


def test_sigmoid_is_stable_and_correct_at_extremes():
    z = np.array([-1000.0, -30.0, 0.0, 30.0, 1000.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = act.sigmoid(z)
    assert s[0] == 0.0 and s[-1] == 1.0 and s[2] == 0.5
    np.testing.assert_allclose(s[1:4], 1 / (1 + np.exp(-z[1:4])))


def test_softmax_rows_sum_to_one_and_survive_huge_logits(rng):
    z = rng.normal(size=(5, 7)) * 1000
    p = act.softmax(z)
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_allclose(np.exp(act.log_softmax(z)), p, atol=1e-12)


def test_softmax_is_shift_invariant(rng):
    z = rng.normal(size=(3, 4))
    np.testing.assert_allclose(act.softmax(z), act.softmax(z + 123.0))


@pytest.mark.parametrize("name", ["tanh", "sigmoid", "relu", "linear"])
def test_derivatives_match_finite_differences(name, rng):
    f, df, takes_output = act.get_activation(name)
    z = rng.normal(size=(4, 3)) + 0.05  # keep ReLU away from its kink at 0
    analytic = df(f(z) if takes_output else z)
    # the derivative of an elementwise function is the gradient of sum(f(z))
    numeric = numerical_gradient(lambda: f(z).sum(), z)
    assert relative_error(analytic, numeric) < 1e-8


def test_softmax_backward_matches_finite_differences(rng):
    z = rng.normal(size=(3, 5))
    w = rng.normal(size=(3, 5))
    analytic = act.softmax_backward(w, act.softmax(z))
    numeric = numerical_gradient(lambda: (w * act.softmax(z)).sum(), z)
    assert relative_error(analytic, numeric) < 1e-7


def test_dtype_is_kept():
    z = np.linspace(-3, 3, 7, dtype=np.float32)
    for f in (act.sigmoid, act.tanh, act.relu, act.softmax, act.log_softmax):
        assert f(z).dtype == np.float32


def test_unknown_activation_is_named():
    with pytest.raises(ValueError, match="activation must be one of .*got 'swish'"):
        act.get_activation("swish")
