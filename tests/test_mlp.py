import numpy as np
import pytest

from course_utils.gradcheck import check_gradients, numerical_gradient, relative_error
from course_utils.losses import softmax_cross_entropy
from course_utils.mlp import (affine_backward, affine_forward, init_mlp_params, mlp_backward,
                              mlp_forward, predict)


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_mlp_gradients_match_finite_differences(activation, rng):
    params = init_mlp_params([3, 5, 4, 3], rng, activation)
    for k in params:  # non-zero biases so their gradients are exercised
        if k.startswith("b"):
            params[k] += rng.normal(size=params[k].shape) * 0.1
    X = rng.normal(size=(6, 3))
    y = rng.integers(0, 3, size=6)

    def loss():
        return softmax_cross_entropy(mlp_forward(X, params, activation)[0], y)[0]

    Z, caches = mlp_forward(X, params, activation)
    _, dZ = softmax_cross_entropy(Z, y)
    dX, grads = mlp_backward(dZ, caches)
    errors = check_gradients(loss, params, grads)
    assert max(errors.values()) < 1e-7, errors
    assert relative_error(dX, numerical_gradient(loss, X)) < 1e-7


def test_affine_is_row_vector_convention(rng):
    X, W, b = rng.normal(size=(2, 3)), rng.normal(size=(3, 4)), rng.normal(size=4)
    Y, cache = affine_forward(X, W, b)
    np.testing.assert_allclose(Y[1], X[1] @ W + b)
    dX, dW, db = affine_backward(np.ones((2, 4)), cache)
    np.testing.assert_allclose(db, [2, 2, 2, 2])
    assert dX.shape == X.shape and dW.shape == W.shape


def test_predict_and_float32(rng):
    params = init_mlp_params([2, 8, 3], rng, dtype=np.float32)
    X = rng.normal(size=(5, 2)).astype(np.float32)
    Z, _ = mlp_forward(X, params)
    assert Z.dtype == np.float32
    np.testing.assert_array_equal(predict(X, params), Z.argmax(axis=1))


def test_messages(rng):
    params = init_mlp_params([2, 4, 3], rng)
    with pytest.raises(ValueError, match=r"X must have shape \(N, D=2\); got \(5, 3\)"):
        mlp_forward(rng.normal(size=(5, 3)), params)
    with pytest.raises(ValueError, match="X must be a float32 or float64 array; got dtype int64"):
        mlp_forward(np.ones((5, 2), dtype=np.int64), params)
    with pytest.raises(ValueError, match="sizes must list at least 2"):
        init_mlp_params([3], rng)
    with pytest.raises(ValueError, match=r"params must have keys \['W1', 'W2', 'b1', 'b2'\]"):
        mlp_forward(rng.normal(size=(5, 2)), {k: v for k, v in params.items() if k != "b2"})
    with pytest.raises(ValueError, match=r"dY must have shape \(5, 4\); got \(5, 3\)"):
        affine_backward(np.zeros((5, 3)), affine_forward(np.zeros((5, 2)), np.zeros((2, 4)), np.zeros(4))[1])


def test_unchecked_forward_is_the_same_function(rng):
    from course_utils.mlp import init_mlp_params, mlp_forward
    params = init_mlp_params([3, 5, 2], rng, "tanh")
    X = rng.normal(size=(4, 3))
    assert np.array_equal(mlp_forward(X, params, check=False)[0], mlp_forward(X, params)[0])
    with pytest.raises(ValueError, match="X must have shape"):
        mlp_forward(X[:, :2], params)
