import numpy as np
import pytest

from course_utils import attention
from course_utils.attention_scores import (KINDS, init_score_params, scaling_experiment, score_backward,
                                           score_forward, score_param_count, scores)
from course_utils.gradcheck import check_gradients

N, T, H_d, H_e = 3, 5, 4, 4


def make(rng, kind, H_d=H_d, H_e=H_e):
    params = init_score_params(kind, H_d, H_e, rng, attention_size=6)
    S_prev = rng.normal(size=(N, H_d))
    H_enc = rng.normal(size=(N, T, H_e))
    mask = np.ones((N, T), dtype=bool)
    mask[1, 3:] = False
    mask[2, 1:] = False
    return params, S_prev, H_enc, mask


@pytest.mark.parametrize("with_dalpha", [False, True])
@pytest.mark.parametrize("kind", KINDS)
def test_scores_match_finite_differences(rng, kind, with_dalpha):
    params, S_prev, H_enc, mask = make(rng, kind)
    G = rng.normal(size=(N, H_e))
    G_alpha = rng.normal(size=(N, T)) if with_dalpha else None

    def loss():
        C, alpha, _ = score_forward(kind, S_prev, H_enc, mask, params)
        return np.sum(G * C) + (np.sum(G_alpha * alpha) if with_dalpha else 0.0)

    _, _, cache = score_forward(kind, S_prev, H_enc, mask, params)
    dS, dH_enc, grads = score_backward(G, cache, G_alpha)
    assert set(grads) == set(params)
    errors = check_gradients(loss, {**params, "S_prev": S_prev, "H_enc": H_enc},
                             {**grads, "S_prev": dS, "H_enc": dH_enc})
    assert max(errors.values()) < 1e-7, errors


def test_general_score_with_different_sizes(rng):
    params, S_prev, H_enc, mask = make(rng, "general", H_d=3, H_e=5)
    assert params["W_a"].shape == (3, 5)
    C, alpha, _ = score_forward("general", S_prev, H_enc, mask, params)
    assert C.shape == (N, 5)
    # loop form of E_s = S W_a H_sᵀ
    E = np.array([[S_prev[n] @ params["W_a"] @ H_enc[n, s] for s in range(T)] for n in range(N)])
    np.testing.assert_allclose(scores("general", S_prev, H_enc, params), E)


def test_each_score_equals_its_equation(rng):
    params, S_prev, H_enc, _ = make(rng, "dot")
    dot = np.array([[S_prev[n] @ H_enc[n, s] for s in range(T)] for n in range(N)])
    np.testing.assert_allclose(scores("dot", S_prev, H_enc, {}), dot)
    np.testing.assert_allclose(scores("scaled_dot", S_prev, H_enc, {}), dot / 2.0)    # √4 = 2
    # general with W_a = I is the dot score
    np.testing.assert_allclose(scores("general", S_prev, H_enc, {"W_a": np.eye(H_d)}), dot)
    # additive: the same weights as chapter 06's module
    p_add = init_score_params("additive", H_d, H_e, rng)
    _, alpha, _ = score_forward("additive", S_prev, H_enc, None, p_add)
    _, alpha06, _ = attention.attention_forward(S_prev, H_enc, None, p_add)
    np.testing.assert_array_equal(alpha, alpha06)
    np.testing.assert_allclose(alpha, np.exp(scores("additive", S_prev, H_enc, p_add))
                               / np.exp(scores("additive", S_prev, H_enc, p_add)).sum(axis=1, keepdims=True))


def test_general_is_qkv_with_w_a_equal_to_wq_wkT(rng):
    _, S_prev, H_enc, _ = make(rng, "dot")
    W_Q, W_K = rng.normal(size=(H_d, 3)), rng.normal(size=(H_e, 3))
    qk = np.einsum("na,nta->nt", S_prev @ W_Q, H_enc @ W_K)
    np.testing.assert_allclose(scores("general", S_prev, H_enc, {"W_a": W_Q @ W_K.T}), qk)


def test_padding_gets_no_weight_and_weights_sum_to_one(rng):
    for kind in KINDS:
        params, S_prev, H_enc, mask = make(rng, kind)
        C, alpha, _ = score_forward(kind, S_prev, H_enc, mask, params)
        np.testing.assert_allclose(alpha.sum(axis=1), 1.0)
        assert np.all(alpha[~mask] == 0)
        np.testing.assert_allclose(C[2], H_enc[2, 0])


def test_param_counts_match_the_initialisers(rng):
    for kind in KINDS:
        params = init_score_params(kind, 4, 4, rng, attention_size=6)
        assert sum(v.size for v in params.values()) == score_param_count(kind, 4, 4, 6)


def test_scaling_keeps_the_softmax_from_saturating():
    rows = scaling_experiment(sizes=(4, 256), n=200)
    (d1, std1, max1, smax1), (d2, std2, max2, smax2) = rows
    assert 1.5 < std1 < 2.5 and 13 < std2 < 19          # std of S·H is √d: 2 and 16
    assert max2 > 0.8 and smax2 < 0.6 and abs(smax2 - smax1) < 0.1


def test_bad_input_is_named(rng):
    params, S_prev, H_enc, mask = make(rng, "dot")
    with pytest.raises(ValueError, match="query_size must equal key_size for the dot score"):
        init_score_params("dot", 3, 4, rng)
    with pytest.raises(ValueError, match=r"H_enc must have shape \(N=3, T, H_e=4\); got \(3, 5, 6\)"):
        score_forward("dot", S_prev, rng.normal(size=(N, T, 6)), None, {})
    with pytest.raises(ValueError, match=r"params\['W_a'\] must have shape \(4, 5\); got \(3, 5\)"):
        score_forward("general", S_prev, H_enc, None, {"W_a": np.zeros((3, 5))})
    with pytest.raises(ValueError, match=r"params must be \{'W_a'"):
        score_forward("general", S_prev, H_enc, None, {})
    with pytest.raises(ValueError, match="kind must be one of"):
        score_forward("cosine", S_prev, H_enc, None, {})
    with pytest.raises(ValueError, match="S_prev must be a float32 or float64 array"):
        score_forward("dot", S_prev.astype(int), H_enc, None, {})
    _, _, cache = score_forward("dot", S_prev, H_enc, mask, {})
    with pytest.raises(ValueError, match=r"dC must have shape \(3, 4\); got \(3, 5\)"):
        score_backward(np.zeros((N, 5)), cache)
