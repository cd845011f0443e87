import numpy as np
import pytest

from course_utils.activations import sigmoid
from course_utils.gradcheck import check_gradients
from course_utils.gru import (gate_values, time_constants, gru_backward, gru_forward, gru_step_backward, gru_step_forward,
                              init_gru_params)

# Tiny sizes: two forward passes per parameter entry in the finite differences.
N, T, D, H = 2, 3, 2, 3
FORMS = pytest.mark.parametrize("reset_after", [False, True], ids=["cho2014", "reset_after"])


def make(rng, reset_after, dtype=np.float64):
    params = init_gru_params(D, H, rng, dtype=dtype, reset_after=reset_after)
    for key in params:
        if key.startswith("b_"):  # non-zero biases, so a missing bias gradient would show
            params[key] += (rng.normal(size=H) * 0.3).astype(dtype)
    X = rng.normal(size=(N, T, D)).astype(dtype)
    H0 = (rng.normal(size=(N, H)) * 0.5).astype(dtype)
    return params, X, H0


@FORMS
@pytest.mark.parametrize("with_dstate_T", [False, True])
def test_gru_bptt_matches_finite_differences(rng, reset_after, with_dstate_T):
    params, X, H0 = make(rng, reset_after)
    W_dH = rng.normal(size=(N, T, H))  # loss = Σ W_dH ⊙ H (+ Σ W_T ⊙ H_T)
    W_T = rng.normal(size=(N, H)) if with_dstate_T else None

    def loss():
        Hs, H_T, _ = gru_forward(X, H0, params, reset_after=reset_after)
        return np.sum(W_dH * Hs) + (np.sum(W_T * H_T) if W_T is not None else 0.0)

    _, _, cache = gru_forward(X, H0, params, reset_after=reset_after)
    dX, dH0, grads = gru_backward(W_dH, cache, W_T)
    assert set(grads) == set(params)
    errors = check_gradients(loss, {**params, "X": X, "H0": H0}, {**grads, "X": dX, "H0": dH0})
    assert max(errors.values()) < 1e-7, errors


@FORMS
def test_step_backward_matches_finite_differences(rng, reset_after):
    params, X, H0 = make(rng, reset_after)
    X_t = X[:, 0].copy()
    G = rng.normal(size=(N, H))

    def loss():
        return np.sum(G * gru_step_forward(X_t, H0, params, reset_after=reset_after)[0])

    _, cache = gru_step_forward(X_t, H0, params, reset_after=reset_after)
    dX_t, dH_prev, grads = gru_step_backward(G, cache, reset_after=reset_after)
    errors = check_gradients(loss, {**params, "X_t": X_t, "H_prev": H0},
                             {**grads, "X_t": dX_t, "H_prev": dH_prev})
    assert max(errors.values()) < 1e-7, errors


@FORMS
def test_forward_equals_step_by_step_and_shares_parameters(rng, reset_after):
    params, X, H0 = make(rng, reset_after)
    Hs, H_T, _ = gru_forward(X, H0, params, reset_after=reset_after)
    H_t = H0
    for t in range(T):
        H_t, _ = gru_step_forward(X[:, t], H_t, params, reset_after=reset_after)
        np.testing.assert_allclose(Hs[:, t], H_t)
    np.testing.assert_array_equal(H_T, Hs[:, -1])
    # three blocks (r, z, candidate), each D·H + H·H + H, independent of T; b_hh adds H
    assert sum(v.size for v in params.values()) == 3 * (D * H + H * H + H) + (H if reset_after else 0)


def test_parameter_keys_are_the_design_names(rng):
    assert list(init_gru_params(D, H, rng)) == ["W_xr", "W_hr", "b_r", "W_xz", "W_hz", "b_z", "W_xh", "W_hh", "b_h"]
    assert list(init_gru_params(D, H, rng, reset_after=True))[-1] == "b_hh"


def test_update_bias_sets_only_b_z(rng):
    params = init_gru_params(D, H, rng, update_bias=3.0)
    np.testing.assert_array_equal(params["b_z"], np.full(H, 3.0))
    assert not params["b_r"].any() and not params["b_h"].any()
    _, cache = gru_step_forward(np.zeros((1, D)), None, params)
    np.testing.assert_allclose(gate_values(cache)["Z"], 1 / (1 + np.exp(-3.0)))  # Z starts at σ(3) ≈ 0.95
    with pytest.raises(ValueError, match="update_bias must be a finite number; got nan"):
        init_gru_params(D, H, rng, update_bias=float("nan"))


def test_the_two_forms_differ_for_the_same_weights(rng):
    after, X, H0 = make(rng, True)
    after["b_hh"][:] = 0.0  # same numbers in every shared key; only where R_t is applied differs
    before = {k: v for k, v in after.items() if k != "b_hh"}
    H_before, _, _ = gru_forward(X, H0, before, reset_after=False)
    H_after, _, _ = gru_forward(X, H0, after, reset_after=True)
    assert np.max(np.abs(H_before - H_after)) > 1e-3


@pytest.mark.parametrize("case", ["reset_gate_open", "diagonal_W_hh"])
def test_the_two_forms_agree_when_the_reset_commutes_with_W_hh(rng, case):
    # (R ⊙ H) W = R ⊙ (H W) holds when R = 1 everywhere or when W is diagonal.
    after, X, H0 = make(rng, True)
    after["b_hh"][:] = 0.0
    if case == "reset_gate_open":
        after["b_r"][:] = 40.0  # σ(40) rounds to exactly 1.0 in float64
    else:
        after["W_hh"] = np.diag(rng.normal(size=H))
    before = {k: v for k, v in after.items() if k != "b_hh"}
    np.testing.assert_allclose(gru_forward(X, H0, before)[0], gru_forward(X, H0, after, reset_after=True)[0],
                               rtol=1e-12, atol=1e-12)


@FORMS
def test_update_gate_one_keeps_the_state_and_zero_replaces_it(rng, reset_after):
    params, X, H0 = make(rng, reset_after)
    params["b_z"][:] = 40.0  # Z_t = 1: H_t = H_{t-1} at every step
    Hs, H_T, cache = gru_forward(X, H0, params, reset_after=reset_after)
    np.testing.assert_array_equal(Hs, np.broadcast_to(H0[:, None], Hs.shape))
    # and the gradient passes back unchanged along the state: dH0 = Σ_t dH_t
    dH = rng.normal(size=Hs.shape)
    _, dH0, _ = gru_backward(dH, cache)
    np.testing.assert_allclose(dH0, dH.sum(axis=1), atol=1e-12)

    params["b_z"][:] = -40.0  # Z_t = 0: H_t is the candidate alone
    H1, _ = gru_step_forward(X[:, 0], H0, params, reset_after=reset_after)
    p = params
    R = sigmoid(X[:, 0] @ p["W_xr"] + H0 @ p["W_hr"] + p["b_r"])
    if reset_after:
        cand = np.tanh(X[:, 0] @ p["W_xh"] + p["b_h"] + R * (H0 @ p["W_hh"] + p["b_hh"]))
    else:
        cand = np.tanh(X[:, 0] @ p["W_xh"] + (R * H0) @ p["W_hh"] + p["b_h"])
    np.testing.assert_allclose(H1, cand, atol=1e-15)


@FORMS
def test_gate_values_satisfy_the_equations(rng, reset_after):
    p, X, H0 = make(rng, reset_after)
    Hs, _, cache = gru_forward(X, H0, p, reset_after=reset_after)
    g = gate_values(cache)
    H_prev = np.concatenate([H0[:, None], Hs[:, :-1]], axis=1)
    np.testing.assert_allclose(g["R"], sigmoid(X @ p["W_xr"] + H_prev @ p["W_hr"] + p["b_r"]), rtol=1e-12)
    np.testing.assert_allclose(g["Z"], sigmoid(X @ p["W_xz"] + H_prev @ p["W_hz"] + p["b_z"]), rtol=1e-12)
    np.testing.assert_allclose(g["H"], g["Z"] * H_prev + (1 - g["Z"]) * g["H~"], rtol=1e-12)
    np.testing.assert_array_equal(g["H"], Hs)


def test_reset_after_matches_the_pytorch_layout(rng):
    """PyTorch's nn.GRU documents r, z, n = σ, σ, tanh of stacked (3H, D) and (3H, H)
    matrices in the order r, z, n, with separate input and hidden biases, and
    h' = (1 - z) * n + z * h. Rebuild those stacked matrices from our dict."""
    p, X, H0 = make(rng, True)
    b_ir, b_iz = rng.normal(size=H), rng.normal(size=H)  # PyTorch splits b_r, b_z in two
    weight_ih = np.concatenate([p["W_xr"], p["W_xz"], p["W_xh"]], axis=1).T  # (3H, D)
    weight_hh = np.concatenate([p["W_hr"], p["W_hz"], p["W_hh"]], axis=1).T  # (3H, H)
    bias_ih = np.concatenate([b_ir, b_iz, p["b_h"]])
    bias_hh = np.concatenate([p["b_r"] - b_ir, p["b_z"] - b_iz, p["b_hh"]])
    h = H0
    for t in range(T):
        gi = X[:, t] @ weight_ih.T + bias_ih
        gh = h @ weight_hh.T + bias_hh  # one product of h for all three blocks
        r = sigmoid(gi[:, :H] + gh[:, :H])
        z = sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
        n = np.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
        h = (1 - z) * n + z * h
    np.testing.assert_allclose(gru_forward(X, H0, p, reset_after=True)[1], h, rtol=1e-12, atol=1e-12)


@FORMS
def test_state0_none_means_zeros_and_dtype_is_kept(rng, reset_after):
    params, X, _ = make(rng, reset_after, np.float32)
    assert all(v.dtype == np.float32 for v in params.values())
    Hs, H_T, cache = gru_forward(X, None, params, reset_after=reset_after)
    Hz, _, _ = gru_forward(X, np.zeros((N, H), np.float32), params, reset_after=reset_after)
    np.testing.assert_array_equal(Hs, Hz)
    assert Hs.dtype == np.float32 and H_T.dtype == np.float32
    dX, dH0, grads = gru_backward(np.ones_like(Hs), cache)
    assert dX.dtype == np.float32 and dH0.dtype == np.float32
    assert all(g.dtype == np.float32 for g in grads.values())
    H1, _ = gru_step_forward(X[:, 0], None, params, reset_after=reset_after)
    assert H1.dtype == np.float32


def test_messages(rng):
    params, X, H0 = make(rng, False)
    with pytest.raises(ValueError, match=r"X must have shape \(N, T, D=2\); got \(2, 3, 7\)"):
        gru_forward(rng.normal(size=(2, 3, 7)), None, params)
    with pytest.raises(ValueError, match=r"state0 must have shape \(N=2, H=3\); got \(1, 3\)"):
        gru_forward(X, np.zeros((1, 3)), params)
    with pytest.raises(ValueError, match="X must have the parameters' dtype float64 .*got float32"):
        gru_forward(X.astype(np.float32), None, params)
    with pytest.raises(ValueError, match="X must be a float32 or float64 array; got dtype int64"):
        gru_forward(np.zeros((2, 3, 2), dtype=np.int64), None, params)
    with pytest.raises(ValueError, match=r"params\['W_hz'\] must have shape \(3, 3\); got \(3, 2\)"):
        gru_forward(X, None, {**params, "W_hz": np.zeros((3, 2))})
    with pytest.raises(ValueError, match=r"missing \['b_z'\]"):
        gru_forward(X, None, {k: v for k, v in params.items() if k != "b_z"})
    with pytest.raises(ValueError, match=r"params has no key 'b_hh' but reset_after=True needs it"):
        gru_forward(X, None, params, reset_after=True)
    with pytest.raises(ValueError, match=r"params has the key 'b_hh' .* but reset_after=False"):
        gru_forward(X, None, {**params, "b_hh": np.zeros(3)})
    with pytest.raises(ValueError, match=r"reset_after must be True or False; got 'yes'"):
        gru_forward(X, None, params, reset_after="yes")
    with pytest.raises(ValueError, match=r"X_t must have shape \(N, D=2\); got \(2, 3, 2\)"):
        gru_step_forward(X, None, params)
    with pytest.raises(ValueError, match=r"state_prev must have shape \(N=2, H=3\); got \(2, 2\)"):
        gru_step_forward(X[:, 0], np.zeros((2, 2)), params)
    _, _, cache = gru_forward(X, H0, params)
    with pytest.raises(ValueError, match=r"dH must have shape \(2, 3, 3\); got \(2, 3\)"):
        gru_backward(np.zeros((2, 3)), cache)
    with pytest.raises(ValueError, match="dH must have the parameters' dtype float64 .*got float32"):
        gru_backward(np.zeros((2, 3, 3), np.float32), cache)
    with pytest.raises(ValueError, match=r"cache must come from gru_step_forward \(one step\); got a cache of 3 steps"):
        gru_step_backward(np.zeros((2, 3)), cache)
    with pytest.raises(ValueError, match=r"dstate_T must have shape \(N=2, H=3\); got \(3,\)"):
        gru_backward(np.zeros((2, 3, 3)), cache, np.zeros(3))
    with pytest.raises(ValueError, match="dstate_T must be a float32 or float64 array; got dtype int64"):
        gru_backward(np.zeros((2, 3, 3)), cache, np.zeros((2, 3), dtype=np.int64))
    with pytest.raises(ValueError, match="dstate_T must have the parameters' dtype float64 .*got float32"):
        gru_backward(np.zeros((2, 3, 3)), cache, np.zeros((2, 3), np.float32))
    with pytest.raises(ValueError, match=r"reset_after must match the forward pass .*reset_after=False\); got True"):
        gru_backward(np.zeros((2, 3, 3)), cache, reset_after=True)
    _, step_cache = gru_step_forward(X[:, 0], H0, params)
    with pytest.raises(ValueError, match=r"dH_t must have shape \(2, 3\); got \(2, 2\)"):
        gru_step_backward(np.zeros((2, 2)), step_cache)


def test_time_constant_of_a_constant_gate_is_minus_one_over_ln_z():
    Z = np.array([[0.5, 0.95, 0.2], [0.5, 0.95, 0.2]])
    np.testing.assert_allclose(time_constants(Z), -1 / np.log([0.5, 0.95, 0.2]))
    # 1/(1 - z) is the approximation for z near 1 only: 19.5 vs 20 at 0.95, 1.44 vs 2 at 0.5
    assert abs(time_constants(Z)[1] - 20) < 0.6 and abs(time_constants(Z)[0] - 2) > 0.5


def test_time_constant_is_set_by_the_product_of_the_gates():
    """A value kept through k steps keeps Z_1 ⋯ Z_k of itself; τ = −1/mean(ln Z) gives e^{−k/τ} exactly."""
    Z = np.random.default_rng(0).uniform(0.05, 0.99, size=(30, 4))
    np.testing.assert_allclose(np.exp(-30 / time_constants(Z)), Z.prod(axis=0))
    assert time_constants(np.ones((5, 1)))[0] == np.inf
    assert time_constants(np.array([[0.9], [0.0]]))[0] == 0


@pytest.mark.parametrize("Z", [np.array([[1.2]]), np.array([[-0.1]]), np.array([[np.nan]]), np.zeros((0, 3))])
def test_time_constant_rejects_values_that_are_not_gates(Z):
    with pytest.raises(ValueError, match="Z must be a non-empty array of gate values in \\[0, 1\\]"):
        time_constants(Z)
