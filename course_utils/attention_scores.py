"""Attention scores beyond the additive one: dot-product, general (bilinear), scaled dot-product (chapter 06b).

Chapter 06's decoder state S_{t-1} (N, H_d) is the *query*; the encoder states
H_s (N, T, H_e) are the *keys* and also the *values*. Only the score changes:

    dot         E_s = S H_sᵀ                       needs H_d = H_e, no parameters   (Luong et al., 2015)
    general     E_s = S W_a H_sᵀ                   W_a (H_d, H_e)                   (Luong et al., 2015)
    scaled_dot  E_s = S H_sᵀ / √H_e                needs H_d = H_e, no parameters   (Vaswani et al., 2017)
    additive    E_s = tanh(S W_sa + H_s W_ha + b_a) v_a                            (chapter 06, Bahdanau)

then, for every kind,  α = softmax_s(E) over the real positions,  C = Σ_s α_s H_s.

Query/key/value: a transformer projects first, Q = S W_Q, K = H W_K, V = H W_V, and scores
Q Kᵀ / √d_k. The general score is that with W_a = W_Q W_Kᵀ (one matrix instead of two) and
V = H; the dot and scaled scores are it with W_Q = W_K = I.
"""

from typing import NamedTuple

import numpy as np

from . import attention as additive
from ._validate import check_choice, check_float, check_params, check_shape
from .activations import softmax, softmax_backward
from .initializers import xavier_uniform

KINDS = ("dot", "general", "scaled_dot", "additive")


def init_score_params(kind, query_size, key_size, rng, attention_size=None, dtype=np.float64):
    """{} for dot and scaled_dot; {W_a (H_d, H_e)} for general; chapter 06's dict for additive."""
    check_choice("kind", kind, KINDS)
    if kind == "general":
        return {"W_a": xavier_uniform(query_size, key_size, rng, dtype)}
    if kind == "additive":
        return additive.init_attention_params(query_size, key_size, attention_size or key_size, rng, dtype)
    if query_size != key_size:
        raise ValueError(f"query_size must equal key_size for the {kind} score (S H_sᵀ); "
                         f"got {query_size} and {key_size}")
    return {}


class ScoreCache(NamedTuple):
    kind: str
    S_prev: np.ndarray   # (N, H_d) query
    H_enc: np.ndarray    # (N, T, H_e) keys = values
    Q: np.ndarray        # (N, H_e) the query in key space: S (dot), S W_a (general), S / √H_e (scaled)
    alpha: np.ndarray    # (N, T)
    params: dict


def _query(kind, S_prev, params):
    if kind == "general":
        return S_prev @ params["W_a"]
    if kind == "scaled_dot":
        return S_prev / np.sqrt(S_prev.shape[-1])
    return S_prev


def _check(kind, S_prev, H_enc, mask, params):
    check_choice("kind", kind, KINDS)
    check_float("S_prev", S_prev)
    check_float("H_enc", H_enc)
    sizes = check_shape("S_prev", S_prev, ("N", "H_d"))
    if kind == "general":
        if not isinstance(params, dict) or not hasattr(params.get("W_a"), "shape"):
            raise ValueError(f"params must be {{'W_a': (H_d={sizes['H_d']}, H_e)}} for the general score; got "
                             f"{sorted(params) if isinstance(params, dict) else type(params).__name__}")
        check_params(params, {"W_a": (sizes["H_d"], params["W_a"].shape[-1])})
        sizes["H_e"] = params["W_a"].shape[-1]
    elif kind in ("dot", "scaled_dot"):
        check_params(params, {})
        sizes["H_e"] = sizes["H_d"]
    sizes = check_shape("H_enc", H_enc, ("N", "T", "H_e"), sizes)
    if S_prev.dtype != H_enc.dtype:
        raise ValueError(f"H_enc must have S_prev's dtype {S_prev.dtype} (no silent casting); got {H_enc.dtype}")
    if mask is None:
        return np.ones(H_enc.shape[:2], dtype=bool)
    return additive.check_mask(mask, sizes["N"], sizes["T"])


def score_forward(kind, S_prev, H_enc, mask, params):
    """Attention with the score ``kind`` for one query per sequence.

    S_prev (N, H_d) query; H_enc (N, T, H_e) keys and values; mask (N, T) of real positions
    or None; params from ``init_score_params``.
    Returns (C (N, H_e) context, alpha (N, T) weights, cache).
    """
    if kind == "additive":
        check_choice("kind", kind, KINDS)
        C, alpha, cache = additive.attention_forward(S_prev, H_enc, mask, params)
        return C, alpha, cache
    mask = _check(kind, S_prev, H_enc, mask, params)
    Q = _query(kind, S_prev, params)
    E = np.einsum("nh,nth->nt", Q, H_enc)                     # E_s = Q · H_s
    alpha = softmax(np.where(mask, E, -np.inf), axis=1)     # padding gets weight 0
    C = np.einsum("nt,nth->nh", alpha, H_enc)
    return C, alpha, ScoreCache(kind, S_prev, H_enc, Q, alpha, params)


def scores(kind, S_prev, H_enc, params):
    """The raw scores E (N, T) before the softmax (for tables and the scaling experiment)."""
    if kind == "additive":
        U = np.tanh((S_prev @ params["W_sa"])[:, None, :] + H_enc @ params["W_ha"] + params["b_a"])
        return U @ params["v_a"]
    _check(kind, S_prev, H_enc, None, params)
    return np.einsum("nh,nth->nt", _query(kind, S_prev, params), H_enc)


def score_backward(dC, cache, dalpha=None):
    """Backward of ``score_forward``: (dS_prev (N, H_d), dH_enc (N, T, H_e), grads keyed like params)."""
    if isinstance(cache, additive.AttentionCache):
        return additive.attention_backward(dC, cache, dalpha)
    N, T, H_e = cache.H_enc.shape
    for name, array, shape in (("dC", dC, (N, H_e)), ("dalpha", dalpha, (N, T))):
        if array is not None:
            check_float(name, array)
            check_shape(name, array, shape)
    dalpha_total = np.einsum("nh,nth->nt", dC, cache.H_enc)            # C = Σ α H
    if dalpha is not None:
        dalpha_total = dalpha_total + dalpha
    dH_enc = cache.alpha[:, :, None] * dC[:, None, :]                   # H as the values
    dE = softmax_backward(dalpha_total, cache.alpha, axis=1)
    dQ = np.einsum("nt,nth->nh", dE, cache.H_enc)                       # E = Q · H_s
    dH_enc = dH_enc + dE[:, :, None] * cache.Q[:, None, :]              # H as the keys
    grads = {}
    if cache.kind == "general":                                          # Q = S W_a
        grads["W_a"] = cache.S_prev.T @ dQ
        dS_prev = dQ @ cache.params["W_a"].T
    elif cache.kind == "scaled_dot":                                     # Q = S / √H_e
        dS_prev = dQ / np.sqrt(H_e)
    else:
        dS_prev = dQ
    return dS_prev, dH_enc, grads


def score_param_count(kind, H_d, H_e, A=None):
    """Parameters of each score: 0, H_d·H_e, 0, or (H_d + H_e + 2)·A for additive (A defaults to H_e)."""
    check_choice("kind", kind, KINDS)
    A = H_e if A is None else A
    return {"dot": 0, "general": H_d * H_e, "scaled_dot": 0, "additive": (H_d + H_e + 2) * A}[kind]


def scaling_experiment(sizes=(4, 16, 64, 256, 1024), T=10, n=400, rng=None):
    """Why √d: for random unit-variance queries and keys, the spread of the dot scores and the largest weight.

    Returns a list of (d, std of S·H_s, mean max α unscaled, mean max α scaled). The dot
    product of two d-dimensional vectors with unit-variance entries has variance d, so
    unscaled softmaxes saturate (one weight near 1, gradients near 0) as d grows.
    """
    rng = np.random.default_rng(0) if rng is None else rng
    rows = []
    for d in sizes:
        S = rng.standard_normal((n, d))
        Hs = rng.standard_normal((n, T, d))
        E = np.einsum("nh,nth->nt", S, Hs)
        rows.append((d, float(E.std()), float(softmax(E, axis=1).max(axis=1).mean()),
                     float(softmax(E / np.sqrt(d), axis=1).max(axis=1).mean())))
    return rows
