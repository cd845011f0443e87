import numpy as np
import pytest

from course_utils.attention import (attend, attention_backward, attention_forward, init_attention_params,
                                    project_keys)
from course_utils.gradcheck import check_gradients

N, T, H_d, H_e, A = 3, 5, 4, 6, 7


def make(rng, dtype=np.float64):
    params = init_attention_params(H_d, H_e, A, rng, dtype)
    params["b_a"] += rng.normal(size=A).astype(dtype) * 0.1
    S_prev = rng.normal(size=(N, H_d)).astype(dtype)
    H_enc = rng.normal(size=(N, T, H_e)).astype(dtype)
    mask = np.ones((N, T), dtype=bool)
    mask[1, 3:] = False   # sequence 1 has length 3
    mask[2, 1:] = False   # sequence 2 has length 1
    return params, S_prev, H_enc, mask


@pytest.mark.parametrize("with_dalpha", [False, True])
def test_attention_matches_finite_differences(rng, with_dalpha):
    params, S_prev, H_enc, mask = make(rng)
    G = rng.normal(size=(N, H_e))                     # loss = Σ G ⊙ C (+ Σ G_α ⊙ α)
    G_alpha = rng.normal(size=(N, T)) if with_dalpha else None

    def loss():
        C, alpha, _ = attention_forward(S_prev, H_enc, mask, params)
        return np.sum(G * C) + (np.sum(G_alpha * alpha) if with_dalpha else 0.0)

    _, _, cache = attention_forward(S_prev, H_enc, mask, params)
    dS, dH_enc, grads = attention_backward(G, cache, G_alpha)
    errors = check_gradients(loss, {**params, "S_prev": S_prev, "H_enc": H_enc},
                             {**grads, "S_prev": dS, "H_enc": dH_enc})
    assert max(errors.values()) < 1e-7, errors


def test_weights_sum_to_one_and_padding_gets_no_weight_or_gradient(rng):
    params, S_prev, H_enc, mask = make(rng)
    C, alpha, cache = attention_forward(S_prev, H_enc, mask, params)
    np.testing.assert_allclose(alpha.sum(axis=1), 1.0)
    assert np.all(alpha[~mask] == 0) and np.all(alpha[mask] > 0)
    np.testing.assert_allclose(C[2], H_enc[2, 0])    # one real position: the context is that state
    _, dH_enc, _ = attention_backward(np.ones((N, H_e)), cache)
    assert np.all(dH_enc[~mask] == 0)


def test_padding_values_do_not_change_the_result(rng):
    params, S_prev, H_enc, mask = make(rng)
    C, alpha, _ = attention_forward(S_prev, H_enc, mask, params)
    garbage = H_enc.copy()
    garbage[~mask] = rng.normal(size=(int((~mask).sum()), H_e)) * 100
    C2, alpha2, _ = attention_forward(S_prev, garbage, mask, params)
    np.testing.assert_allclose(C2, C)
    np.testing.assert_allclose(alpha2, alpha)


def test_scores_follow_the_equation(rng):
    # an independent, loop-based evaluation of E_{s} = v_a · tanh(S W_sa + H_s W_ha + b_a)
    params, S_prev, H_enc, _ = make(rng)
    _, alpha, _ = attention_forward(S_prev, H_enc, None, params)
    for n in range(N):
        E = np.array([params["v_a"] @ np.tanh(S_prev[n] @ params["W_sa"] + H_enc[n, s] @ params["W_ha"]
                                              + params["b_a"]) for s in range(T)])
        np.testing.assert_allclose(alpha[n], np.exp(E) / np.exp(E).sum())


def test_attend_with_projected_keys_equals_attention_forward(rng):
    params, S_prev, H_enc, mask = make(rng)
    C, alpha, _ = attention_forward(S_prev, H_enc, mask, params)
    C2, alpha2, _ = attend(S_prev, H_enc, project_keys(H_enc, params), mask, params)
    np.testing.assert_array_equal(C, C2)
    np.testing.assert_array_equal(alpha, alpha2)


def test_dtype_is_kept(rng):
    params, S_prev, H_enc, mask = make(rng, np.float32)
    C, alpha, cache = attention_forward(S_prev, H_enc, mask, params)
    assert C.dtype == np.float32 and alpha.dtype == np.float32
    dS, dH_enc, grads = attention_backward(np.ones_like(C), cache)
    assert dS.dtype == np.float32 and dH_enc.dtype == np.float32
    assert all(g.dtype == np.float32 for g in grads.values())


def test_messages(rng):
    params, S_prev, H_enc, mask = make(rng)
    with pytest.raises(ValueError, match=r"S_prev must have shape \(N, H_d=4\); got \(3, 5\)"):
        attention_forward(np.zeros((3, 5)), H_enc, mask, params)
    with pytest.raises(ValueError, match=r"H_enc must have shape \(N=3, T, H_e=6\); got \(2, 5, 6\)"):
        attention_forward(S_prev, H_enc[:2], mask, params)
    with pytest.raises(ValueError, match=r"mask must have shape \(N=3, T=5\); got \(3, 4\)"):
        attention_forward(S_prev, H_enc, mask[:, :4], params)
    empty = mask.copy()
    empty[1] = False
    with pytest.raises(ValueError, match=r"at least one real position per sequence; rows \[1\]"):
        attention_forward(S_prev, H_enc, empty, params)
    with pytest.raises(ValueError, match="H_enc must have the parameters' dtype float64 .*got float32"):
        attention_forward(S_prev, H_enc.astype(np.float32), mask, params)
    with pytest.raises(ValueError, match=r"missing \['v_a'\]"):
        attention_forward(S_prev, H_enc, mask, {k: v for k, v in params.items() if k != "v_a"})
    _, _, cache = attention_forward(S_prev, H_enc, mask, params)
    with pytest.raises(ValueError, match=r"dC must have shape \(3, 6\); got \(3, 4\)"):
        attention_backward(np.zeros((3, 4)), cache)
    with pytest.raises(ValueError, match=r"dC must be a float32 or float64 array; got dtype int64"):
        attention_backward(np.zeros((3, 6), dtype=np.int64), cache)
    with pytest.raises(ValueError, match=r"dC must have the forward pass's dtype float64 .*got float32"):
        attention_backward(np.zeros((3, 6), dtype=np.float32), cache)
    with pytest.raises(ValueError, match=r"dalpha must have shape \(3, 5\); got \(3, 4\)"):
        attention_backward(np.zeros((3, 6)), cache, np.zeros((3, 4)))
