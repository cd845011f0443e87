"""The vanilla (Elman) RNN cell, forward and backward through time (chapter 02).

    H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h)          X_t (N, D), H_t (N, H)
    O_t = H_t W_hq + b_q                               output layer, (N, V)

The same W_xh, W_hh, b_h are used at every time step (parameter sharing), so
their gradients are sums over t. Batch first: X is (N, T, D), H is (N, T, H).
"""

from typing import NamedTuple

import numpy as np

from ._validate import (check_array, check_cache, check_choice, check_float, check_one_dtype, check_params,
                        check_shape, check_state)
from .initializers import orthogonal, xavier_uniform

KEYS = ("W_xh", "W_hh", "b_h")


class RNNStepCache(NamedTuple):
    X_t: np.ndarray     # (N, D)
    H_prev: np.ndarray  # (N, H)
    H_t: np.ndarray     # (N, H), the tanh output (its derivative is 1 - H_t²)
    params: dict


class RNNCache(NamedTuple):
    steps: list         # one RNNStepCache per time step
    D: int
    H0: np.ndarray      # (N, H) the initial state: gives N, H and the dtype even when T = 0
    params: dict


def init_rnn_params(input_size, hidden_size, rng, dtype=np.float64, recurrent_init="orthogonal"):
    """W_xh (D, H) Xavier-uniform, W_hh (H, H) orthogonal (or "xavier"), b_h (H,) zeros."""
    check_choice("recurrent_init", recurrent_init, ("orthogonal", "xavier"))
    W_hh = (orthogonal(hidden_size, rng, dtype=dtype) if recurrent_init == "orthogonal"
            else xavier_uniform(hidden_size, hidden_size, rng, dtype))
    return {
        "W_xh": xavier_uniform(input_size, hidden_size, rng, dtype),
        "W_hh": W_hh,
        "b_h": np.zeros(hidden_size, dtype=dtype),
    }


def param_shapes(D, H):
    return {"W_xh": (D, H), "W_hh": (H, H), "b_h": (H,)}


def check_rnn_params(params):
    """Validate an RNN parameter dict (keys, shapes, one float dtype); return (D, H)."""
    if not isinstance(params, dict) or "W_hh" not in params or "W_xh" not in params:
        raise ValueError(f"params must be a dict with keys {list(KEYS)}; got {sorted(params) if isinstance(params, dict) else type(params).__name__}")
    sizes = check_shape("params['W_xh']", params["W_xh"], "DH")
    check_params(params, param_shapes(sizes["D"], sizes["H"]))
    check_one_dtype(params)
    return sizes["D"], sizes["H"]


def _step(X_t, H_prev, params):
    H_t = np.tanh(X_t @ params["W_xh"] + H_prev @ params["W_hh"] + params["b_h"])
    return H_t, RNNStepCache(X_t, H_prev, H_t, params)


def _step_backward(dH_t, cache):
    """One step of BPTT. dH_t is the total gradient reaching H_t (from O_t and from H_{t+1})."""
    dA_t = dH_t * (1 - cache.H_t**2)              # through tanh
    dX_t = dA_t @ cache.params["W_xh"].T
    dH_prev = dA_t @ cache.params["W_hh"].T
    grads = {
        "W_xh": cache.X_t.T @ dA_t,
        "W_hh": cache.H_prev.T @ dA_t,
        "b_h": dA_t.sum(axis=0),
    }
    return dX_t, dH_prev, grads


def rnn_step_forward(X_t, state_prev, params):
    """One step: H_t = tanh(X_t W_xh + H_prev W_hh + b_h).

    X_t (N, D), state_prev = H_prev (N, H) or None (zeros),
    params {W_xh (D, H), W_hh (H, H), b_h (H,)}. Returns (H_t (N, H), cache).
    """
    D, H = check_rnn_params(params)
    dtype = params["W_hh"].dtype
    sizes = check_array("X_t", X_t, "ND", dtype, {"D": D})
    H_prev = check_state("state_prev", state_prev, sizes["N"], H, dtype)
    return _step(X_t, H_prev, params)


def rnn_step_backward(dH_t, cache):
    """Backward of one step. dH_t (N, H) -> (dX_t (N, D), dH_prev (N, H), grads dict)."""
    check_cache(cache, RNNStepCache, "rnn_step_forward")
    check_array("dH_t", dH_t, cache.H_t.shape, cache.H_t.dtype)
    return _step_backward(dH_t, cache)


def rnn_forward(X, state0, params):
    """Run the cell over a sequence.

    X (N, T, D); state0 = H0 (N, H) or None for zeros.
    Returns (H (N, T, H) every hidden state, H_T (N, H) the last one, cache).
    """
    D, H_size = check_rnn_params(params)
    dtype = params["W_hh"].dtype
    sizes = check_array("X", X, "NTD", dtype, {"D": D})
    N, T = sizes["N"], sizes["T"]
    H0 = check_state("state0", state0, N, H_size, dtype)
    H = np.empty((N, T, H_size), dtype=X.dtype)
    steps = []
    H_t = H0
    for t in range(T):
        H_t, step_cache = _step(X[:, t], H_t, params)
        H[:, t] = H_t
        steps.append(step_cache)
    return H, H_t, RNNCache(steps, D, H0, params)


def rnn_backward(dH, cache, dstate_T=None):
    """Backpropagation through time.

    dH (N, T, H): gradient of the loss with respect to every hidden state
    through the outputs (zeros where a step has no output).
    dstate_T = dH_T (N, H) or None: extra gradient on the last state (e.g. from a decoder).
    Returns (dX (N, T, D), dH0 (N, H), grads with the keys of params).

    Going backwards, the gradient reaching H_t is the output's dH[:, t] plus
    what flows back from H_{t+1} through W_hh.
    """
    check_cache(cache, RNNCache, "rnn_forward")
    T = len(cache.steps)
    N, H_size = cache.H0.shape
    dtype = cache.H0.dtype
    check_array("dH", dH, (N, T, H_size), dtype)
    dnext = check_state("dstate_T", dstate_T, N, H_size, dtype)
    dX = np.empty((N, T, cache.D), dtype=dtype)
    grads = {k: np.zeros_like(v) for k, v in cache.params.items()}
    for t in reversed(range(T)):
        dX[:, t], dnext, step_grads = _step_backward(dH[:, t] + dnext, cache.steps[t])
        for k in grads:
            grads[k] += step_grads[k]
    return dX, dnext, grads


# --- output layer -------------------------------------------------------------

class OutputCache(NamedTuple):
    H: np.ndarray
    W_hq: np.ndarray


def output_forward(H, W_hq, b_q):
    """O = H W_hq + b_q for one step (N, H) or every step (N, T, H) -> (N, V) or (N, T, V)."""
    check_float("H", H)
    if H.ndim not in (2, 3):
        raise ValueError(f"H must have shape (N, H) or (N, T, H); got {H.shape}")
    sizes = check_shape("W_hq", W_hq, "HV", {"H": H.shape[-1]})
    check_shape("b_q", b_q, "V", sizes)
    return H @ W_hq + b_q, OutputCache(H, W_hq)


def output_backward(dO, cache):
    """dH = dO W_hqᵀ, dW_hq = Σ Hᵀ dO, db_q = Σ dO (sums over batch and time)."""
    check_shape("dO", dO, cache.H.shape[:-1] + (cache.W_hq.shape[1],))
    H2 = cache.H.reshape(-1, cache.H.shape[-1])
    dO2 = dO.reshape(-1, dO.shape[-1])
    return dO @ cache.W_hq.T, {"W_hq": H2.T @ dO2, "b_q": dO2.sum(axis=0)}


def init_output_params(hidden_size, output_size, rng, dtype=np.float64):
    return {"W_hq": xavier_uniform(hidden_size, output_size, rng, dtype),
            "b_q": np.zeros(output_size, dtype=dtype)}
