import numpy as np
import pytest

from course_utils.gradcheck import check_gradients
from course_utils.rnn import (init_output_params, init_rnn_params, output_backward, output_forward,
                              rnn_backward, rnn_forward, rnn_step_backward, rnn_step_forward)

N, T, D, H, V = 3, 4, 2, 5, 3


def make(rng, dtype=np.float64):
    params = init_rnn_params(D, H, rng, dtype=dtype)
    params["b_h"] += rng.normal(size=H).astype(dtype) * 0.1
    X = rng.normal(size=(N, T, D)).astype(dtype)
    H0 = rng.normal(size=(N, H)).astype(dtype) * 0.5
    return params, X, H0


@pytest.mark.parametrize("with_dstate_T", [False, True])
def test_rnn_bptt_matches_finite_differences(rng, with_dstate_T):
    params, X, H0 = make(rng)
    W_dH = rng.normal(size=(N, T, H))  # loss = Σ W_dH ⊙ H (+ Σ W_T ⊙ H_T)
    W_T = rng.normal(size=(N, H)) if with_dstate_T else None

    def loss():
        Hs, H_T, _ = rnn_forward(X, H0, params)
        return np.sum(W_dH * Hs) + (np.sum(W_T * H_T) if W_T is not None else 0.0)

    _, _, cache = rnn_forward(X, H0, params)
    dX, dH0, grads = rnn_backward(W_dH, cache, W_T)
    errors = check_gradients(loss, {**params, "X": X, "H0": H0}, {**grads, "X": dX, "H0": dH0})
    assert max(errors.values()) < 1e-7, errors


def test_step_backward_matches_finite_differences(rng):
    params, X, H0 = make(rng)
    X_t = X[:, 0].copy()
    G = rng.normal(size=(N, H))

    def loss():
        return np.sum(G * rnn_step_forward(X_t, H0, params)[0])

    _, cache = rnn_step_forward(X_t, H0, params)
    dX_t, dH_prev, grads = rnn_step_backward(G, cache)
    errors = check_gradients(loss, {**params, "X_t": X_t, "H_prev": H0},
                             {**grads, "X_t": dX_t, "H_prev": dH_prev})
    assert max(errors.values()) < 1e-7, errors


def test_output_layer_gradients_for_sequences(rng):
    Hs = rng.normal(size=(N, T, H))
    p = init_output_params(H, V, rng)
    p["b_q"] += 0.1
    G = rng.normal(size=(N, T, V))

    def loss():
        return np.sum(G * output_forward(Hs, p["W_hq"], p["b_q"])[0])

    O, cache = output_forward(Hs, p["W_hq"], p["b_q"])
    dH, grads = output_backward(G, cache)
    errors = check_gradients(loss, {**p, "H": Hs}, {**grads, "H": dH})
    assert max(errors.values()) < 1e-7, errors


def test_forward_equals_step_by_step_and_shares_parameters(rng):
    params, X, H0 = make(rng)
    Hs, H_T, _ = rnn_forward(X, H0, params)
    H_t = H0
    for t in range(T):
        H_t, _ = rnn_step_forward(X[:, t], H_t, params)
        np.testing.assert_allclose(Hs[:, t], H_t)
    np.testing.assert_array_equal(H_T, Hs[:, -1])
    # the parameter count does not depend on T
    assert sum(v.size for v in params.values()) == D * H + H * H + H


def test_state0_none_means_zeros_and_dtype_is_kept(rng):
    params, X, _ = make(rng, np.float32)
    Hs, _, cache = rnn_forward(X, None, params)
    Hz, _, _ = rnn_forward(X, np.zeros((N, H), np.float32), params)
    np.testing.assert_array_equal(Hs, Hz)
    assert Hs.dtype == np.float32
    dX, dH0, grads = rnn_backward(np.ones_like(Hs), cache)
    assert dX.dtype == np.float32 and dH0.dtype == np.float32
    assert all(g.dtype == np.float32 for g in grads.values())


def test_concatenation_view_equals_two_matrices(rng):
    params, X, H0 = make(rng)
    stacked = np.concatenate([params["W_xh"], params["W_hh"]])  # (D + H, H)
    concat = np.concatenate([X[:, 0], H0], axis=1)              # (N, D + H)
    H1, _ = rnn_step_forward(X[:, 0], H0, params)
    np.testing.assert_allclose(np.tanh(concat @ stacked + params["b_h"]), H1)


def test_messages(rng):
    params, X, H0 = make(rng)
    with pytest.raises(ValueError, match=r"X must have shape \(N, T, D=2\); got \(3, 4, 7\)"):
        rnn_forward(rng.normal(size=(3, 4, 7)), None, params)
    with pytest.raises(ValueError, match=r"state0 must have shape \(N=3, H=5\); got \(2, 5\)"):
        rnn_forward(X, np.zeros((2, 5)), params)
    with pytest.raises(ValueError, match="X must have the parameters' dtype float64 .*got float32"):
        rnn_forward(X.astype(np.float32), None, params)
    with pytest.raises(ValueError, match=r"params\['W_hh'\] must have shape \(5, 5\); got \(5, 4\)"):
        rnn_forward(X, None, {**params, "W_hh": np.zeros((5, 4))})
    with pytest.raises(ValueError, match=r"missing \['b_h'\]"):
        rnn_forward(X, None, {"W_xh": params["W_xh"], "W_hh": params["W_hh"]})
    _, _, cache = rnn_forward(X, None, params)
    with pytest.raises(ValueError, match=r"dH must have shape \(3, 4, 5\); got \(3, 5\)"):
        rnn_backward(np.zeros((3, 5)), cache)
    with pytest.raises(ValueError, match=r"dstate_T must have shape \(N=3, H=5\); got \(5,\)"):
        rnn_backward(np.zeros((3, 4, 5)), cache, np.zeros(5))
    with pytest.raises(ValueError, match="dstate_T must be a float32 or float64 array; got dtype int64"):
        rnn_backward(np.zeros((3, 4, 5)), cache, np.zeros((3, 5), dtype=np.int64))
    with pytest.raises(ValueError, match="dstate_T must have the parameters' dtype float64 .*got float32"):
        rnn_backward(np.zeros((3, 4, 5)), cache, np.zeros((3, 5), dtype=np.float32))
    with pytest.raises(ValueError, match="dH must have the parameters' dtype float64 .*got float32"):
        rnn_backward(np.zeros((3, 4, 5), dtype=np.float32), cache)
    with pytest.raises(ValueError, match=r"X_t must have shape \(N, D=2\); got \(3, 4, 2\)"):
        rnn_step_forward(X, None, params)
