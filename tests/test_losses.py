import numpy as np
import pytest

from course_utils.gradcheck import numerical_gradient, relative_error
from course_utils.losses import accuracy, sequence_cross_entropy, softmax_cross_entropy


def test_cross_entropy_value_and_gradient(rng):
    Z = rng.normal(size=(4, 3))
    y = np.array([0, 2, 1, 2])
    loss, dZ = softmax_cross_entropy(Z, y)
    p = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    assert loss == pytest.approx(-np.mean(np.log(p[np.arange(4), y])))
    numeric = numerical_gradient(lambda: softmax_cross_entropy(Z, y)[0], Z)
    assert relative_error(dZ, numeric) < 1e-7


def test_uniform_logits_give_log_of_class_count():
    loss, _ = softmax_cross_entropy(np.zeros((2, 5)), np.array([1, 4]))
    assert loss == pytest.approx(np.log(5))


def test_sequence_loss_ignores_padding_completely(rng):
    Z = rng.normal(size=(2, 4, 3))
    y = np.array([[0, 1, 2, 0], [2, 2, 0, 0]])
    mask = np.array([[1, 1, 1, 1], [1, 1, 0, 0]])
    loss, dZ = sequence_cross_entropy(Z, y, mask)
    assert np.all(dZ[1, 2:] == 0)
    Z2 = Z.copy()
    Z2[1, 2:] = 99.0  # anything in the padding
    assert sequence_cross_entropy(Z2, y, mask)[0] == pytest.approx(loss)
    # equals the mean over the 6 real tokens
    real = [(n, t) for n in range(2) for t in range(4) if mask[n, t]]
    flat_loss, _ = softmax_cross_entropy(np.array([Z[n, t] for n, t in real]), np.array([y[n, t] for n, t in real]))
    assert loss == pytest.approx(flat_loss)
    numeric = numerical_gradient(lambda: sequence_cross_entropy(Z, y, mask)[0], Z)
    assert relative_error(dZ, numeric) < 1e-7


def test_dtype_kept_float32(rng):
    Z = rng.normal(size=(2, 3, 4)).astype(np.float32)
    _, dZ = sequence_cross_entropy(Z, np.zeros((2, 3), dtype=int))
    assert dZ.dtype == np.float32


def test_error_messages_name_argument_and_shapes(rng):
    with pytest.raises(ValueError, match=r"y must have shape \(N=4,\); got \(3,\)"):
        softmax_cross_entropy(rng.normal(size=(4, 3)), np.array([0, 1, 2]))
    with pytest.raises(ValueError, match=r"y must hold class indices in \[0, 2\]; got values in \[0, 3\]"):
        softmax_cross_entropy(rng.normal(size=(2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match=r"mask must have shape \(N=2, T=3\); got \(2, 4\)"):
        sequence_cross_entropy(rng.normal(size=(2, 3, 4)), np.zeros((2, 3), dtype=int), np.ones((2, 4)))
    with pytest.raises(ValueError, match="mask must mark at least one"):
        sequence_cross_entropy(rng.normal(size=(2, 3, 4)), np.zeros((2, 3), dtype=int), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="y must be an integer array"):
        softmax_cross_entropy(rng.normal(size=(2, 3)), np.array([0.0, 1.0]))


def test_accuracy_with_mask():
    Z = np.array([[[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]]])
    y = np.array([[0, 0, 1]])
    assert accuracy(Z, y) == pytest.approx(1 / 3)
    assert accuracy(Z, y, np.array([[1, 0, 0]])) == 1.0


def test_unchecked_cross_entropy_is_the_same_function(rng):
    from course_utils.losses import softmax_cross_entropy
    Z, y = rng.normal(size=(6, 4)), rng.integers(0, 4, size=6)
    loss, dZ = softmax_cross_entropy(Z, y)
    loss_fast, dZ_fast = softmax_cross_entropy(Z, y, check=False)
    assert loss == loss_fast and np.array_equal(dZ, dZ_fast)
    with pytest.raises(ValueError, match="y must hold class indices"):
        softmax_cross_entropy(Z, y + 4)
