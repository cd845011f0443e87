"""Additive (Bahdanau) attention, forward and backward (chapter 06).

A decoder state S_{t-1} (the *query*) scores every encoder state H_s (the *keys*,
which are also the *values*), the scores become weights by a softmax over the
real (unpadded) source positions, and the context is the weighted average:

    K_s     = H_s W_ha                                       keys, once per source  (N, T, A)
    U_{t,s} = tanh(S_{t-1} W_sa + K_s + b_a)                 hidden layer           (N, T, A)
    e_{t,s} = U_{t,s} v_a                                    score                  (N, T)
    α_{t,s} = exp(e_{t,s}) / Σ_{s': m_s' = 1} exp(e_{t,s'})  weights, 0 on padding  (N, T)
    C_t     = Σ_s α_{t,s} H_s                                context                (N, H_e)

(lower-case e, Bahdanau et al.'s "energy", so that E stays the embedding tables of seq2seq;
m is the source mask, 1 at real positions.)

Shapes: N batch, T source length, H_d decoder (query) size, H_e encoder (key)
size, A attention size. Parameters: W_sa (H_d, A), W_ha (H_e, A), b_a (A,), v_a (A,).

A decoder attends to the same encoder states at every output step, so H W_ha is
computed once per sequence (``project_keys``) and each step only adds the query
(``attend`` / ``attend_backward``); ``attention_forward`` / ``attention_backward``
do both for a single query.
"""

from typing import NamedTuple

import numpy as np

from ._validate import check_float, check_params, check_shape
from .activations import softmax, softmax_backward
from .initializers import xavier_uniform

KEYS = ("W_sa", "W_ha", "b_a", "v_a")


class AttendCache(NamedTuple):
    S_prev: np.ndarray   # (N, H_d) query
    H_enc: np.ndarray    # (N, T, H_e) keys = values
    U: np.ndarray        # (N, T, A) tanh(S_prev W_sa + H_enc W_ha + b_a)
    alpha: np.ndarray    # (N, T) attention weights
    params: dict


class AttentionCache(NamedTuple):
    attend: AttendCache


def init_attention_params(query_size, key_size, attention_size, rng, dtype=np.float64):
    """W_sa (H_d, A), W_ha (H_e, A) Xavier-uniform; b_a (A,) zeros; v_a (A,) uniform like a column of Xavier."""
    v = xavier_uniform(attention_size, 1, rng, dtype)[:, 0]
    return {"W_sa": xavier_uniform(query_size, attention_size, rng, dtype),
            "W_ha": xavier_uniform(key_size, attention_size, rng, dtype),
            "b_a": np.zeros(attention_size, dtype=dtype),
            "v_a": v}


def _check_params(params, H_d=None, H_e=None):
    if not isinstance(params, dict) or "W_sa" not in params or "W_ha" not in params:
        raise ValueError(f"params must be a dict with keys {list(KEYS)}; got "
                         f"{sorted(params) if isinstance(params, dict) else type(params).__name__}")
    H_d = params["W_sa"].shape[0] if H_d is None else H_d
    H_e = params["W_ha"].shape[0] if H_e is None else H_e
    A = params["W_sa"].shape[-1]
    check_params(params, {"W_sa": (H_d, A), "W_ha": (H_e, A), "b_a": (A,), "v_a": (A,)})
    return H_d, H_e, A


def check_mask(mask, N, T):
    """A (N, T) mask of real positions (bool or 0/1) -> bool array; every row needs one real position."""
    check_shape("mask", mask, ("N", "T"), {"N": N, "T": T})
    mask = np.asarray(mask).astype(bool)
    empty = np.flatnonzero(~mask.any(axis=1))
    if empty.size:
        raise ValueError(f"mask must mark at least one real position per sequence; rows {empty.tolist()} are all padding")
    return mask


def project_keys(H_enc, params):
    """K = H_enc W_ha, shape (N, T, A): the query-independent part of every score."""
    return H_enc @ params["W_ha"]


def attend(S_prev, H_enc, K, mask, params):
    """One decoder step of attention, given the projected keys K = H_enc W_ha (N, T, A).

    No input checks (the decoder's inner loop); use ``attention_forward`` from outside.
    Returns (C (N, H_e), alpha (N, T), cache).
    """
    U = np.tanh((S_prev @ params["W_sa"])[:, None, :] + K + params["b_a"])
    e = U @ params["v_a"]
    alpha = softmax(np.where(mask, e, -np.inf), axis=1)   # exp(-inf) = 0: padding gets no weight
    C = np.einsum("nt,nth->nh", alpha, H_enc)
    return C, alpha, AttendCache(S_prev, H_enc, U, alpha, params)


def attend_backward(dC, cache, dalpha=None):
    """Backward of ``attend``: (dS_prev (N, H_d), dH_enc (N, T, H_e) through the values and the
    weights, dK (N, T, A) for the projected keys, grads for W_sa, b_a, v_a).

    Each line is one local derivative of the forward equations, last first.
    """
    p, U, alpha = cache.params, cache.U, cache.alpha
    dalpha_total = np.einsum("nh,nth->nt", dC, cache.H_enc)          # C = Σ α H
    if dalpha is not None:
        dalpha_total = dalpha_total + dalpha
    dH_enc = alpha[:, :, None] * dC[:, None, :]
    de = softmax_backward(dalpha_total, alpha, axis=1)               # 0 where α = 0 (padding)
    dU = de[:, :, None] * p["v_a"]                                   # e = U v_a
    dK = dU * (1 - U**2)               # U = tanh(S W_sa + K + b_a): the sum's gradient, K's share
    dK_sum = dK.sum(axis=1)                                          # the query is broadcast over T
    grads = {"W_sa": cache.S_prev.T @ dK_sum,
             "b_a": dK_sum.sum(axis=0),
             "v_a": np.einsum("nt,nta->a", de, U)}
    dS_prev = dK_sum @ p["W_sa"].T
    return dS_prev, dH_enc, dK, grads


def attention_forward(S_prev, H_enc, mask, params):
    """Additive attention for one query per sequence.

    S_prev : (N, H_d) decoder state (query).
    H_enc : (N, T, H_e) encoder states (keys and values).
    mask : (N, T) True (or 1) at real positions, False (0) at padding; None = all real.
    params : {W_sa (H_d, A), W_ha (H_e, A), b_a (A,), v_a (A,)}.
    Returns (C (N, H_e) context, alpha (N, T) weights that sum to 1 over real positions, cache).
    """
    H_d, H_e, _ = _check_params(params)
    check_float("S_prev", S_prev)
    check_float("H_enc", H_enc)
    sizes = check_shape("S_prev", S_prev, ("N", "H_d"), {"H_d": H_d})
    sizes = check_shape("H_enc", H_enc, ("N", "T", "H_e"), {"N": sizes["N"], "H_e": H_e})
    for name, array in (("S_prev", S_prev), ("H_enc", H_enc)):
        if array.dtype != params["W_sa"].dtype:
            raise ValueError(f"{name} must have the parameters' dtype {params['W_sa'].dtype} (no silent casting); got {array.dtype}")
    if mask is None:
        mask = np.ones(H_enc.shape[:2], dtype=bool)
    mask = check_mask(mask, sizes["N"], sizes["T"])
    C, alpha, cache = attend(S_prev, H_enc, project_keys(H_enc, params), mask, params)
    return C, alpha, AttentionCache(cache)


def attention_backward(dC, cache, dalpha=None):
    """Backward of ``attention_forward``.

    dC : (N, H_e) gradient of the loss with respect to the context.
    dalpha : (N, T) optional gradient with respect to the weights themselves.
    Returns (dS_prev (N, H_d), dH_enc (N, T, H_e), grads with keys W_sa, W_ha, b_a, v_a).
    """
    c = cache.attend
    for name, array, shape in (("dC", dC, (c.H_enc.shape[0], c.H_enc.shape[2])), ("dalpha", dalpha, c.alpha.shape)):
        if array is None:
            continue
        check_float(name, array)
        check_shape(name, array, shape)
        if array.dtype != c.alpha.dtype:
            raise ValueError(f"{name} must have the forward pass's dtype {c.alpha.dtype} (no silent casting); "
                             f"got {array.dtype}")
    dS_prev, dH_enc, dK, grads = attend_backward(dC, c, dalpha)
    dH_enc, dW_ha = keys_backward(dK, c.H_enc, c.params, dH_enc)
    grads["W_ha"] = dW_ha
    return dS_prev, dH_enc, {k: grads[k] for k in KEYS}


def keys_backward(dK, H_enc, params, dH_enc):
    """Backward of K = H_enc W_ha: adds dK W_haᵀ to dH_enc and returns (dH_enc, dW_ha = Σ H_encᵀ dK)."""
    dW_ha = np.einsum("nth,nta->ha", H_enc, dK)
    return dH_enc + dK @ params["W_ha"].T, dW_ha
