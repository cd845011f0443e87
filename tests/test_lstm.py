import numpy as np
import pytest

from course_utils.activations import sigmoid
from course_utils.gradcheck import check_gradients
from course_utils.lstm import (KEYS, fuse, gate_values, init_lstm_params, lstm_backward, lstm_forward,
                               lstm_state_gradients, lstm_step_backward, lstm_step_forward, param_count, activate_gates_,
                               unfuse)

N, T, D, H = 3, 4, 2, 5


def make(rng, dtype=np.float64):
    """Parameters with non-zero biases of both signs, a random input and a non-zero state."""
    params = init_lstm_params(D, H, rng, dtype=dtype)
    for g in "ifoc":
        params[f"b_{g}"] += rng.normal(size=H).astype(dtype) * 0.5
    X = rng.normal(size=(N, T, D)).astype(dtype)
    H0 = (rng.normal(size=(N, H)) * 0.5).astype(dtype)
    C0 = rng.normal(size=(N, H)).astype(dtype)
    return params, X, H0, C0


def reference_forward(X, H0, C0, p):
    """The six equations of DESIGN §3 written out per gate, without any fusing."""
    Hs, H_t, C_t = [], H0, C0
    for t in range(X.shape[1]):
        X_t = X[:, t]
        I_t = sigmoid(X_t @ p["W_xi"] + H_t @ p["W_hi"] + p["b_i"])
        F_t = sigmoid(X_t @ p["W_xf"] + H_t @ p["W_hf"] + p["b_f"])
        O_t = sigmoid(X_t @ p["W_xo"] + H_t @ p["W_ho"] + p["b_o"])
        Cc_t = np.tanh(X_t @ p["W_xc"] + H_t @ p["W_hc"] + p["b_c"])
        C_t = F_t * C_t + I_t * Cc_t
        H_t = O_t * np.tanh(C_t)
        Hs.append(H_t)
    return np.stack(Hs, axis=1), H_t, C_t


# dstate_T: None, both parts, or one part (the other None = zero)
DSTATE_CASES = ["none", "both", "H only", "C only"]


@pytest.mark.parametrize("case", DSTATE_CASES)
def test_lstm_bptt_matches_finite_differences(rng, case):
    params, X, H0, C0 = make(rng)
    W_dH = rng.normal(size=(N, T, H))  # loss = Σ W_dH ⊙ H (+ Σ W_H ⊙ H_T + Σ W_C ⊙ C_T)
    W_H = rng.normal(size=(N, H)) if case in ("both", "H only") else None
    W_C = rng.normal(size=(N, H)) if case in ("both", "C only") else None

    def loss():
        Hs, (H_T, C_T), _ = lstm_forward(X, (H0, C0), params)
        extra = (np.sum(W_H * H_T) if W_H is not None else 0.0) + (np.sum(W_C * C_T) if W_C is not None else 0.0)
        return np.sum(W_dH * Hs) + extra

    _, _, cache = lstm_forward(X, (H0, C0), params)
    dX, (dH0, dC0), grads = lstm_backward(W_dH, cache, None if case == "none" else (W_H, W_C))
    assert set(grads) == set(KEYS)
    errors = check_gradients(loss, {**params, "X": X, "H0": H0, "C0": C0},
                             {**grads, "X": dX, "H0": dH0, "C0": dC0})
    assert max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("with_dC", [False, True])
def test_step_backward_matches_finite_differences(rng, with_dC):
    params, X, H0, C0 = make(rng)
    X_t = X[:, 0].copy()
    G_H = rng.normal(size=(N, H))
    G_C = rng.normal(size=(N, H)) if with_dC else None

    def loss():
        (H_t, C_t), _ = lstm_step_forward(X_t, (H0, C0), params)
        return np.sum(G_H * H_t) + (np.sum(G_C * C_t) if with_dC else 0.0)

    _, cache = lstm_step_forward(X_t, (H0, C0), params)
    dX_t, (dH_prev, dC_prev), grads = lstm_step_backward((G_H, G_C), cache)
    errors = check_gradients(loss, {**params, "X_t": X_t, "H_prev": H0, "C_prev": C0},
                             {**grads, "X_t": dX_t, "H_prev": dH_prev, "C_prev": dC_prev})
    assert max(errors.values()) < 1e-7, errors


def test_forward_matches_the_per_gate_equations_and_the_step_function(rng):
    params, X, H0, C0 = make(rng)
    Hs, (H_T, C_T), _ = lstm_forward(X, (H0, C0), params)
    H_ref, H_T_ref, C_T_ref = reference_forward(X, H0, C0, params)
    np.testing.assert_allclose(Hs, H_ref, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(C_T, C_T_ref, rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(H_T, Hs[:, -1])
    state = (H0, C0)
    for t in range(T):
        state, _ = lstm_step_forward(X[:, t], state, params)
        np.testing.assert_allclose(state[0], Hs[:, t], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(state[1], C_T, rtol=1e-12, atol=1e-14)


def test_step_backward_chain_equals_sequence_backward(rng):
    params, X, H0, C0 = make(rng)
    dH = rng.normal(size=(N, T, H))
    _, _, cache = lstm_forward(X, (H0, C0), params)
    dX, (dH0, dC0), grads = lstm_backward(dH, cache)
    caches, state = [], (H0, C0)
    for t in range(T):
        state, c = lstm_step_forward(X[:, t], state, params)
        caches.append(c)
    total = {k: 0.0 for k in KEYS}
    dnext = (np.zeros((N, H)), np.zeros((N, H)))
    for t in reversed(range(T)):
        dX_t, dnext, g = lstm_step_backward((dH[:, t] + dnext[0], dnext[1]), caches[t])
        np.testing.assert_allclose(dX_t, dX[:, t], rtol=1e-10, atol=1e-12)
        total = {k: total[k] + g[k] for k in KEYS}
    np.testing.assert_allclose(dnext[0], dH0, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dnext[1], dC0, rtol=1e-10, atol=1e-12)
    for k in KEYS:
        np.testing.assert_allclose(total[k], grads[k], rtol=1e-10, atol=1e-12)


def test_parameters_are_shared_across_time(rng):
    params = init_lstm_params(D, H, rng)
    assert sum(v.size for v in params.values()) == param_count(D, H) == 4 * (D * H + H * H + H)
    # the same dict runs sequences of any length: nothing in it depends on T
    for length in (1, 7, 30):
        Hs, _, _ = lstm_forward(rng.normal(size=(N, length, D)), None, params)
        assert Hs.shape == (N, length, H)


def test_forget_one_and_input_zero_keep_the_cell_state(rng):
    params, X, H0, C0 = make(rng)
    params["b_f"][:] = 40.0   # σ(40) = 1 to double precision
    params["b_i"][:] = -40.0  # σ(-40) ≈ 4e-18
    _, (_, C_T), cache = lstm_forward(X, (H0, C0), params)
    np.testing.assert_allclose(C_T, C0, rtol=0, atol=1e-15)
    gates = gate_values(cache)
    assert np.all(gates["F"] > 1 - 1e-15) and np.all(gates["I"] < 1e-15)
    # and the gradient on C passes back unchanged: dC_{t-1} = dC_t ⊙ F_t with no extra path
    _, (_, dC0), _ = lstm_backward(np.zeros((N, T, H)), cache, (None, np.ones((N, H))))
    np.testing.assert_allclose(dC0, 1.0, atol=1e-14)


def test_output_gate_zero_gives_zero_hidden_output(rng):
    params, X, H0, C0 = make(rng)
    params["b_o"][:] = -60.0
    Hs, (H_T, C_T), _ = lstm_forward(X, (H0, C0), params)
    assert np.max(np.abs(Hs)) < 1e-20 and np.max(np.abs(H_T)) < 1e-20
    assert np.max(np.abs(C_T)) > 0.1  # the cell still holds information; it is just not shown


def test_gate_values_satisfy_the_cell_update(rng):
    params, X, H0, C0 = make(rng)
    Hs, _, cache = lstm_forward(X, (H0, C0), params)
    g = gate_values(cache)
    assert all(g[k].shape == (N, T, H) for k in ("I", "F", "O", "C~", "C", "H"))
    C_prev = np.concatenate([C0[:, None], g["C"][:, :-1]], axis=1)
    np.testing.assert_allclose(g["C"], g["F"] * C_prev + g["I"] * g["C~"], rtol=1e-12)
    np.testing.assert_allclose(g["H"], g["O"] * np.tanh(g["C"]), rtol=1e-12)
    np.testing.assert_array_equal(g["H"], Hs)
    for k in ("I", "F", "O"):
        assert g[k].min() > 0 and g[k].max() < 1


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_fused_gate_activation_equals_sigmoid_and_tanh(dtype):
    A = np.linspace(-800, 800, 4 * 1001).astype(dtype).reshape(4, 1001).T.copy()  # (N=1001, 4H=4)
    with np.errstate(all="raise"):
        G = activate_gates_(A.copy())
    assert G.dtype == dtype
    tol = dict(rtol=1e-12, atol=1e-16) if dtype == np.float64 else dict(rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(G[:, :3], sigmoid(A[:, :3]), **tol)
    np.testing.assert_allclose(G[:, 3], np.tanh(A[:, 3]), **tol)


def test_fuse_unfuse_round_trip(rng):
    params = init_lstm_params(D, H, rng)
    W_x, W_h, b = fuse(params)
    assert W_x.shape == (D, 4 * H) and W_h.shape == (H, 4 * H) and b.shape == (4 * H,)
    back = unfuse(W_x, W_h, b)
    for k in KEYS:
        np.testing.assert_array_equal(back[k], params[k])


def test_init(rng):
    params = init_lstm_params(D, H, rng, forget_bias=2.5)
    assert list(params) == list(KEYS)
    np.testing.assert_array_equal(params["b_f"], 2.5)
    for g in "ioc":
        np.testing.assert_array_equal(params[f"b_{g}"], 0.0)
        np.testing.assert_allclose(params[f"W_h{g}"] @ params[f"W_h{g}"].T, np.eye(H), atol=1e-12)
    assert params["W_xi"].shape == (D, H) and params["W_hf"].shape == (H, H)
    assert not np.allclose(params["W_xi"], params["W_xf"])  # four independent sets
    p32 = init_lstm_params(D, H, rng, dtype=np.float32, recurrent_init="xavier")
    assert all(v.dtype == np.float32 for v in p32.values())
    with pytest.raises(ValueError, match="forget_bias must be a finite number; got nan"):
        init_lstm_params(D, H, rng, forget_bias=float("nan"))
    with pytest.raises(ValueError, match="recurrent_init must be one of"):
        init_lstm_params(D, H, rng, recurrent_init="identity")


def test_state0_none_means_zeros_and_float32_is_kept(rng):
    params, X, _, _ = make(rng, np.float32)
    Hs, (H_T, C_T), cache = lstm_forward(X, None, params)
    zeros = np.zeros((N, H), np.float32)
    Hz, _, _ = lstm_forward(X, (zeros, None), params)
    Hz2, _, _ = lstm_forward(X, (None, zeros), params)
    np.testing.assert_array_equal(Hs, Hz)
    np.testing.assert_array_equal(Hs, Hz2)
    assert Hs.dtype == H_T.dtype == C_T.dtype == np.float32
    dX, (dH0, dC0), grads = lstm_backward(np.ones_like(Hs), cache)
    assert dX.dtype == dH0.dtype == dC0.dtype == np.float32
    assert all(g.dtype == np.float32 for g in grads.values())
    # float32 agrees with float64 to float32 precision
    p64 = {k: v.astype(np.float64) for k, v in params.items()}
    H64, _, cache64 = lstm_forward(X.astype(np.float64), None, p64)
    np.testing.assert_allclose(Hs, H64, rtol=1e-4, atol=1e-5)
    _, _, g64 = lstm_backward(np.ones_like(H64), cache64)
    for k in KEYS:
        np.testing.assert_allclose(grads[k], g64[k], rtol=1e-3, atol=1e-4)


def test_returned_outputs_do_not_alias_the_cache(rng):
    params, X, H0, C0 = make(rng)
    Hs, (H_T, C_T), cache = lstm_forward(X, (H0, C0), params)
    dH = rng.normal(size=(N, T, H))
    before = lstm_backward(dH, cache)[2]
    Hs[:] = 0.0
    H_T[:] = 0.0
    C_T[:] = 0.0
    after = lstm_backward(dH, cache)[2]
    for k in KEYS:
        np.testing.assert_array_equal(before[k], after[k])


def test_messages(rng):
    params, X, H0, C0 = make(rng)
    with pytest.raises(ValueError, match=r"X must have shape \(N, T, D=2\); got \(3, 4, 7\)"):
        lstm_forward(rng.normal(size=(3, 4, 7)), None, params)
    with pytest.raises(ValueError, match=r"X must be a float32 or float64 array; got dtype int64"):
        lstm_forward(np.zeros((3, 4, 2), dtype=np.int64), None, params)
    with pytest.raises(ValueError, match=r"state0 must be None or a tuple \(H0, C0\) of two \(N=3, H=5\) "
                                         r"arrays; got ndarray of shape \(3, 5\)"):
        lstm_forward(X, H0, params)
    with pytest.raises(ValueError, match=r"state0\[1\] \(C0\) must have shape \(N=3, H=5\); got \(2, 5\)"):
        lstm_forward(X, (H0, np.zeros((2, 5))), params)
    with pytest.raises(ValueError, match="X must have the parameters' dtype float64 .*got float32"):
        lstm_forward(X.astype(np.float32), None, params)
    with pytest.raises(ValueError, match=r"state0\[0\] \(H0\) must have the parameters' dtype float64"):
        lstm_forward(X, (H0.astype(np.float32), C0), params)
    with pytest.raises(ValueError, match=r"params\['W_hf'\] must have shape \(5, 5\); got \(5, 4\)"):
        lstm_forward(X, None, {**params, "W_hf": np.zeros((5, 4))})
    with pytest.raises(ValueError, match=r"missing \['b_o'\]"):
        lstm_forward(X, None, {k: v for k, v in params.items() if k != "b_o"})
    with pytest.raises(ValueError, match=r"params must be a dict with keys \['W_xi', 'W_hi', 'b_i'"):
        lstm_forward(X, None, {"W_xh": params["W_xi"]})
    with pytest.raises(ValueError, match=r"params must all have one dtype; got \['float32', 'float64'\]"):
        lstm_forward(X, None, {**params, "b_c": params["b_c"].astype(np.float32)})
    _, _, cache = lstm_forward(X, None, params)
    with pytest.raises(ValueError, match=r"dH must have shape \(3, 4, 5\); got \(3, 5\)"):
        lstm_backward(np.zeros((3, 5)), cache)
    with pytest.raises(ValueError, match=r"dstate_T\[0\] \(dH_T\) must have shape \(N=3, H=5\); got \(5,\)"):
        lstm_backward(np.zeros((3, 4, 5)), cache, (np.zeros(5), None))
    with pytest.raises(ValueError, match=r"dstate_T must be None or a tuple \(dH_T, dC_T\)"):
        lstm_backward(np.zeros((3, 4, 5)), cache, np.zeros((3, 5)))
    with pytest.raises(ValueError, match=r"X_t must have shape \(N, D=2\); got \(3, 4, 2\)"):
        lstm_step_forward(X, None, params)
    _, step_cache = lstm_step_forward(X[:, 0], None, params)
    with pytest.raises(ValueError, match=r"dstate_t\[0\] \(dH_t\) must have shape \(N=3, H=5\); got \(3, 4\)"):
        lstm_step_backward((np.zeros((3, 4)), None), step_cache)


def test_state_gradients_match_a_sequence_split_in_two(rng):
    """Run steps 0..k-1, then k..T-1 from the state reached: the second half's dstate0 is what reaches
    (H_{k-1}, C_{k-1}) from the future, computed by lstm_backward independently of lstm_state_gradients."""
    N, T, D, H, k = 3, 7, 2, 4, 3
    params = init_lstm_params(D, H, rng)
    params["b_o"] += 0.3
    X = rng.normal(size=(N, T, D))
    u = rng.normal(size=(N, H))
    _, _, cache = lstm_forward(X, None, params)
    dH, dC = lstm_state_gradients(np.zeros((N, T, H)), cache, (u, None))
    _, state_k, _ = lstm_forward(X[:, :k], None, params)
    _, _, cache2 = lstm_forward(X[:, k:], state_k, params)
    _, (dH_k, dC_k), _ = lstm_backward(np.zeros((N, T - k, H)), cache2, (u, None))
    np.testing.assert_allclose(dH[:, k - 1], dH_k, rtol=1e-12, atol=1e-14)
    # the total gradient on C_{k-1} also flows through H_{k-1} = O ⊙ tanh(C_{k-1})
    O = gate_values(cache)["O"][:, k - 1]
    C = gate_values(cache)["C"][:, k - 1]
    np.testing.assert_allclose(dC[:, k - 1], dC_k + dH_k * O * (1 - np.tanh(C) ** 2), rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(dH[:, -1], u)
