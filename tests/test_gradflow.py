import numpy as np
import pytest

from course_utils.gradcheck import relative_error
from course_utils.gradflow import (ACTIVATIONS, forward_states, gradient_norms,
                                   hidden_gradients, jacobian_product, scale_to_spectral_radius,
                                   singular_value_bound, slope, spectral_radius, step_jacobians)
from course_utils.rnn import init_rnn_params, rnn_backward, rnn_forward

N, T, D, H = 2, 5, 3, 4


def make(rng, activation="tanh"):
    params = init_rnn_params(D, H, rng)
    params["W_hh"] = rng.normal(size=(H, H)) * 0.6
    params["b_h"] = rng.normal(size=H) * 0.1 + (0.5 if activation == "relu" else 0.0)  # keep some ReLUs on
    X = rng.normal(size=(N, T, D))
    H0 = rng.normal(size=(N, H)) * 0.5
    return params, X, H0


def run_from(X, H_k, params, activation, k, t):
    """H_t as a function of H_k: run the steps k+1..t starting from H_k."""
    if t == k:
        return H_k.copy()
    return forward_states(X[:, k + 1:t + 1], H_k, params, activation)[:, -1]


def numerical_jacobian(f, x, h=1e-6):
    """(N, H_in, H_out) with [n, i, j] = ∂f(x)[n, j] / ∂x[n, i] (row convention), by central differences."""
    J = np.zeros((x.shape[0], x.shape[1], f(x).shape[1]))
    for i in range(x.shape[1]):
        step = np.zeros_like(x)
        step[:, i] = h
        J[:, i, :] = (f(x + step) - f(x - step)) / (2 * h)
    return J


def states_with_H0(Hs, H0):
    return np.concatenate([H0[:, None], Hs], axis=1)  # index t + 1 holds H_t; index 0 holds H0


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_step_jacobians_match_finite_differences(rng, activation):
    params, X, H0 = make(rng, activation)
    Hs = forward_states(X, H0, params, activation)
    J = step_jacobians(Hs, params["W_hh"], activation)
    assert J.shape == (N, T, H, H)
    full = states_with_H0(Hs, H0)
    for t in range(T):
        num = numerical_jacobian(lambda h: run_from(X, h, params, activation, t - 1, t), full[:, t])
        assert relative_error(J[:, t], num) < 1e-7, (activation, t)


def test_row_convention_is_W_hh_times_diag_slope_and_transpose_is_one_bptt_step(rng):
    params, X, H0 = make(rng)
    Hs = forward_states(X, H0, params, "tanh")
    J = step_jacobians(Hs, params["W_hh"], "tanh")
    t = 2
    np.testing.assert_allclose(J[0, t], params["W_hh"] @ np.diag(1 - Hs[0, t] ** 2))
    dH_t = rng.normal(size=(N, H))
    # dH_{t-1} = dH_t J_tᵀ = (dH_t ⊙ (1 - H_t²)) W_hhᵀ
    np.testing.assert_allclose(np.einsum("nj,nij->ni", dH_t, J[:, t]),
                               (dH_t * (1 - Hs[:, t] ** 2)) @ params["W_hh"].T)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("k,t", [(-1, T - 1), (1, 3), (2, 2)])
def test_jacobian_products_match_finite_differences(rng, activation, k, t):
    params, X, H0 = make(rng, activation)
    Hs = forward_states(X, H0, params, activation)
    P = jacobian_product(step_jacobians(Hs, params["W_hh"], activation), k, t)
    H_k = states_with_H0(Hs, H0)[:, k + 1]
    num = numerical_jacobian(lambda h: run_from(X, h, params, activation, k, t), H_k)
    assert relative_error(P, num) < 1e-7


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_hidden_gradients_match_finite_differences_at_every_step(rng, activation):
    params, X, H0 = make(rng, activation)
    u = rng.normal(size=(N, H))
    W = rng.normal(size=(N, T, H))        # L = Σ W ⊙ H (outputs at every step) + Σ u ⊙ H_{T-1}
    Hs = forward_states(X, H0, params, activation)
    G, dH0 = hidden_gradients(Hs, params["W_hh"], u, activation, dH=W)
    full = states_with_H0(Hs, H0)
    for k in range(-1, T):
        def loss(h, k=k):
            rest = forward_states(X[:, k + 1:], h, params, activation) if k < T - 1 else np.zeros((N, 0, H))
            later = np.concatenate([h[:, None], rest], axis=1) if k >= 0 else rest
            return np.sum(W[:, max(k, 0):] * later) + np.sum(u * later[:, -1])
        h = full[:, k + 1].copy()
        num = np.zeros_like(h)
        for idx in np.ndindex(h.shape):
            e = np.zeros_like(h)
            e[idx] = 1e-6
            num[idx] = (loss(h + e) - loss(h - e)) / 2e-6
        got = dH0 if k == -1 else G[:, k]
        assert relative_error(got, num) < 1e-7, (activation, k)


def test_tanh_path_equals_course_utils_rnn(rng):
    params, X, H0 = make(rng)
    Hs_rnn, _, cache = rnn_forward(X, H0, params)
    Hs = forward_states(X, H0, params, "tanh")
    np.testing.assert_allclose(Hs, Hs_rnn, rtol=1e-12, atol=1e-12)
    dH = rng.normal(size=(N, T, H))
    _, dH0_rnn, _ = rnn_backward(dH, cache)
    _, dH0 = hidden_gradients(Hs, params["W_hh"], np.zeros((N, H)), "tanh", dH=dH)
    np.testing.assert_allclose(dH0, dH0_rnn, rtol=1e-10, atol=1e-12)


def test_gradient_at_step_k_is_the_last_gradient_times_the_transposed_product(rng):
    params, X, H0 = make(rng)
    Hs = forward_states(X, H0, params, "tanh")
    u = rng.normal(size=(N, H))
    G, _ = hidden_gradients(Hs, params["W_hh"], u, "tanh")
    J = step_jacobians(Hs, params["W_hh"], "tanh")
    for k in range(T):
        P = jacobian_product(J, k, T - 1)
        np.testing.assert_allclose(G[:, k], np.einsum("nj,nij->ni", u, P), rtol=1e-10, atol=1e-14)
    norms = gradient_norms(Hs, params["W_hh"], u, "tanh")
    np.testing.assert_allclose(norms, np.linalg.norm(G, axis=-1).mean(axis=0))


def test_spectral_radius_rescaling(rng):
    W = rng.normal(size=(6, 6))
    for rho in (0.5, 1.0, 2.0):
        W2 = scale_to_spectral_radius(W, rho)
        assert abs(spectral_radius(W2) - rho) < 1e-12
        c = W2[0, 0] / W[0, 0]
        np.testing.assert_allclose(W2, c * W)  # same eigenvectors: only the scale changes
    assert scale_to_spectral_radius(W.astype(np.float32), 1.5).dtype == np.float32
    with pytest.raises(ValueError, match="rho must be a positive finite number; got -1"):
        scale_to_spectral_radius(W, -1)
    with pytest.raises(ValueError, match="non-zero eigenvalue"):
        scale_to_spectral_radius(np.triu(np.ones((3, 3)), 1), 1.0)  # nilpotent: every eigenvalue is 0
    with pytest.raises(ValueError, match=r"W must have shape \(H, H\); got \(3, 4\)"):
        spectral_radius(np.zeros((3, 4)))


def test_singular_value_bound_holds_and_is_tight_for_a_linear_symmetric_rnn(rng):
    params, X, H0 = make(rng)
    Hs = forward_states(X, H0, params, "tanh")
    J = step_jacobians(Hs, params["W_hh"], "tanh")
    bound = singular_value_bound(params["W_hh"], T, "tanh")  # n = 0..T steps
    for k in range(-1, T - 1):
        n = T - 1 - k
        P = jacobian_product(J, k, T - 1)
        assert all(np.linalg.norm(P[i], 2) <= bound[n] * (1 + 1e-12) for i in range(N))
    # linear RNN: every J_t = W_hh, so the product is W_hh^n; for a symmetric W_hh its norm is ρ^n exactly
    S = rng.normal(size=(H, H))
    S = scale_to_spectral_radius(S + S.T, 1.3)
    lin = dict(params, W_hh=S)
    J = step_jacobians(forward_states(X, H0, lin, "linear"), S, "linear")
    P = jacobian_product(J, -1, T - 1)
    np.testing.assert_allclose(P[0], np.linalg.matrix_power(S, T), rtol=1e-12)
    assert abs(np.linalg.norm(P[0], 2) - 1.3**T) < 1e-9 * 1.3**T


def test_slope_uses_the_output():
    Hv = np.array([[-0.5, 0.0, 0.7]])
    np.testing.assert_allclose(slope(Hv, "tanh"), 1 - Hv**2)
    np.testing.assert_array_equal(slope(Hv, "relu"), [[0, 0, 1]])
    np.testing.assert_array_equal(slope(Hv, "linear"), [[1, 1, 1]])
    with pytest.raises(ValueError, match=r"activation must be one of \['tanh', 'relu', 'linear'\]; got 'sigmoid'"):
        slope(Hv, "sigmoid")


def test_messages(rng):
    params, X, H0 = make(rng)
    with pytest.raises(ValueError, match=r"X must have shape \(N, T, D=3\); got \(2, 5, 7\)"):
        forward_states(np.zeros((2, 5, 7)), None, params)
    with pytest.raises(ValueError, match=r"H0 must have shape \(N=2, H=4\); got \(2, 3\)"):
        forward_states(X, np.zeros((2, 3)), params)
    Hs = forward_states(X, H0, params)
    with pytest.raises(ValueError, match=r"W_hh must have shape \(H=4, H=4\); got \(3, 3\)"):
        step_jacobians(Hs, np.zeros((3, 3)))
    with pytest.raises(ValueError, match=r"dH_T must have shape \(N=2, H=4\); got \(4,\)"):
        hidden_gradients(Hs, params["W_hh"], np.zeros(4))
    J = step_jacobians(Hs, params["W_hh"])
    with pytest.raises(ValueError, match=r"k and t must be integers with -1 <= k <= t < T=5; got k=3, t=1"):
        jacobian_product(J, 3, 1)


