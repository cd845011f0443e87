"""The gated recurrent unit (GRU), forward and backward through time (chapter 05).

Default form, ``reset_after=False`` (Cho et al. 2014): the reset gate scales
H_{t-1} *before* the recurrent product of the candidate.

    R_t = σ(X_t W_xr + H_{t-1} W_hr + b_r)              reset gate (N, H)
    Z_t = σ(X_t W_xz + H_{t-1} W_hz + b_z)              update gate (N, H)
    H̃_t = tanh(X_t W_xh + (R_t ⊙ H_{t-1}) W_hh + b_h)   candidate (N, H)
    H_t = Z_t ⊙ H_{t-1} + (1 - Z_t) ⊙ H̃_t               interpolation (N, H)

Library form, ``reset_after=True`` (cuDNN, PyTorch, Keras): the reset gate scales
the recurrent product *after* it, which needs one extra bias b_hh (H,):

    G_t = H_{t-1} W_hh + b_hh
    H̃_t = tanh(X_t W_xh + b_h + R_t ⊙ G_t)

In that form none of the three products of H_{t-1} waits for R_t, so a library
computes them as one (N, H) x (H, 3H) product per step.

Z_t = 1 keeps the state (H_t = H_{t-1}); Z_t = 0 replaces it by the candidate.
The same parameters are used at every step, so their gradients are sums over t.
"""

from typing import NamedTuple, Optional

import numpy as np

from ._validate import check_float, check_params, check_shape
from .activations import sigmoid
from .initializers import orthogonal, xavier_uniform
from .rnn import _check_dtype

KEYS = ("W_xr", "W_hr", "b_r", "W_xz", "W_hz", "b_z", "W_xh", "W_hh", "b_h")
KEYS_RESET_AFTER = KEYS + ("b_hh",)


class GRUStepCache(NamedTuple):
    X_t: np.ndarray        # (N, D)
    H_prev: np.ndarray     # (N, H)
    R_t: np.ndarray        # (N, H) reset gate
    Z_t: np.ndarray        # (N, H) update gate
    H_tilde: np.ndarray    # (N, H) candidate, the tanh output
    RH_prev: Optional[np.ndarray]  # (N, H) R_t ⊙ H_{t-1}        (reset_after=False only)
    G_t: Optional[np.ndarray]      # (N, H) H_{t-1} W_hh + b_hh  (reset_after=True only)
    params: dict
    reset_after: bool


class GRUCache(NamedTuple):
    steps: list            # one GRUStepCache per time step
    D: int
    reset_after: bool


def param_shapes(D, H, reset_after=False):
    shapes = {}
    for gate in ("r", "z", "h"):
        shapes.update({f"W_x{gate}": (D, H), f"W_h{gate}": (H, H), f"b_{gate}": (H,)})
    if reset_after:
        shapes["b_hh"] = (H,)
    return shapes


def init_gru_params(input_size, hidden_size, rng, dtype=np.float64, reset_after=False):
    """Input weights W_x* (D, H) Xavier-uniform, recurrent weights W_h* (H, H) orthogonal, biases zeros.

    Keys: W_xr, W_hr, b_r, W_xz, W_hz, b_z, W_xh, W_hh, b_h, plus b_hh (H,) when reset_after=True.
    """
    _check_reset_after(reset_after)
    params = {}
    for key, shape in param_shapes(input_size, hidden_size, reset_after).items():
        if key.startswith("W_x"):
            params[key] = xavier_uniform(input_size, hidden_size, rng, dtype)
        elif key.startswith("W_h"):
            params[key] = orthogonal(hidden_size, rng, dtype=dtype)
        else:
            params[key] = np.zeros(shape, dtype=dtype)
    return params


def _check_reset_after(reset_after):
    if not isinstance(reset_after, (bool, np.bool_)):
        raise ValueError(f"reset_after must be True or False; got {reset_after!r}")


def _check_params(params, reset_after):
    _check_reset_after(reset_after)
    if not isinstance(params, dict) or "W_xh" not in params:
        raise ValueError(f"params must be a dict with keys {list(KEYS_RESET_AFTER if reset_after else KEYS)}; "
                         f"got {sorted(params) if isinstance(params, dict) else type(params).__name__}")
    if "b_hh" in params and not reset_after:
        raise ValueError("params has the key 'b_hh' of the reset-after form but reset_after=False; "
                         "pass reset_after=True, or create the params with reset_after=False")
    if "b_hh" not in params and reset_after:
        raise ValueError("params has no key 'b_hh' but reset_after=True needs it; "
                         "create the params with init_gru_params(..., reset_after=True)")
    sizes = check_shape("params['W_xh']", params["W_xh"], "DH")
    check_params(params, param_shapes(sizes["D"], sizes["H"], reset_after))
    return sizes["D"], sizes["H"]


def _step(X_t, H_prev, p, reset_after):
    R_t = sigmoid(X_t @ p["W_xr"] + H_prev @ p["W_hr"] + p["b_r"])
    Z_t = sigmoid(X_t @ p["W_xz"] + H_prev @ p["W_hz"] + p["b_z"])
    if reset_after:
        RH_prev = None
        G_t = H_prev @ p["W_hh"] + p["b_hh"]
        H_tilde = np.tanh(X_t @ p["W_xh"] + p["b_h"] + R_t * G_t)
    else:
        RH_prev = R_t * H_prev
        G_t = None
        H_tilde = np.tanh(X_t @ p["W_xh"] + RH_prev @ p["W_hh"] + p["b_h"])
    H_t = Z_t * H_prev + (1 - Z_t) * H_tilde
    return H_t, GRUStepCache(X_t, H_prev, R_t, Z_t, H_tilde, RH_prev, G_t, p, reset_after)


def _step_backward(dH_t, c):
    """One step of BPTT, one local derivative per line. dH_t is the total gradient reaching H_t."""
    p = c.params
    dZ_t = dH_t * (c.H_prev - c.H_tilde)
    dH_tilde = dH_t * (1 - c.Z_t)
    dH_prev = dH_t * c.Z_t                       # the direct path: gated copy of H_{t-1}
    dA_h = dH_tilde * (1 - c.H_tilde**2)         # through tanh
    grads = {"W_xh": c.X_t.T @ dA_h, "b_h": dA_h.sum(axis=0)}
    if c.reset_after:
        dG_t = dA_h * c.R_t
        dR_t = dA_h * c.G_t
        grads["W_hh"] = c.H_prev.T @ dG_t
        grads["b_hh"] = dG_t.sum(axis=0)
        dH_prev = dH_prev + dG_t @ p["W_hh"].T
    else:
        dRH_prev = dA_h @ p["W_hh"].T
        dR_t = dRH_prev * c.H_prev
        grads["W_hh"] = c.RH_prev.T @ dA_h
        dH_prev = dH_prev + dRH_prev * c.R_t
    dA_z = dZ_t * c.Z_t * (1 - c.Z_t)            # through σ
    dA_r = dR_t * c.R_t * (1 - c.R_t)
    for gate, dA in (("r", dA_r), ("z", dA_z)):
        grads[f"W_x{gate}"] = c.X_t.T @ dA
        grads[f"W_h{gate}"] = c.H_prev.T @ dA
        grads[f"b_{gate}"] = dA.sum(axis=0)
        dH_prev = dH_prev + dA @ p[f"W_h{gate}"].T
    dX_t = dA_h @ p["W_xh"].T + dA_r @ p["W_xr"].T + dA_z @ p["W_xz"].T
    return dX_t, dH_prev, {k: grads[k] for k in p}


def _check_cache_form(cache, reset_after):
    if reset_after is not None:
        _check_reset_after(reset_after)
        if bool(reset_after) != cache.reset_after:
            raise ValueError(f"reset_after must match the forward pass that made the cache "
                             f"(reset_after={cache.reset_after}); got {reset_after}")


def _check_input(name, X, params, spec, sizes):
    check_float(name, X)
    sizes = check_shape(name, X, spec, sizes)
    _check_dtype(name, X, params)
    return sizes


def _check_state(name, H0, N, H, X, params):
    if H0 is None:
        return np.zeros((N, H), dtype=X.dtype)
    check_shape(name, H0, "NH", {"N": N, "H": H})
    _check_dtype(name, H0, params)
    return H0


def gru_step_forward(X_t, state_prev, params, reset_after=False):
    """One GRU step (equations in the module docstring).

    X_t (N, D); state_prev = H_prev (N, H) or None (zeros); params with the keys
    of init_gru_params for the same reset_after. Returns (H_t (N, H), cache).
    """
    D, H = _check_params(params, reset_after)
    sizes = _check_input("X_t", X_t, params, "ND", {"D": D})
    H_prev = _check_state("state_prev", state_prev, sizes["N"], H, X_t, params)
    return _step(X_t, H_prev, params, bool(reset_after))


def gru_step_backward(dH_t, cache, reset_after=None):
    """Backward of one step. dH_t (N, H) -> (dX_t (N, D), dH_prev (N, H), grads with the keys of params).

    reset_after: None uses the form recorded in the cache; True/False must agree with it.
    """
    _check_cache_form(cache, reset_after)
    check_shape("dH_t", dH_t, cache.H_prev.shape)
    return _step_backward(dH_t, cache)


def gru_forward(X, state0, params, reset_after=False):
    """Run the GRU over a sequence.

    X (N, T, D); state0 = H0 (N, H) or None for zeros.
    Returns (H (N, T, H) every hidden state, H_T (N, H) the last one, cache).
    """
    D, H_size = _check_params(params, reset_after)
    sizes = _check_input("X", X, params, "NTD", {"D": D})
    N, T = sizes["N"], sizes["T"]
    H_t = _check_state("state0", state0, N, H_size, X, params)
    H = np.empty((N, T, H_size), dtype=X.dtype)
    steps = []
    for t in range(T):
        H_t, step_cache = _step(X[:, t], H_t, params, bool(reset_after))
        H[:, t] = H_t
        steps.append(step_cache)
    return H, H_t, GRUCache(steps, D, bool(reset_after))


def gru_backward(dH, cache, dstate_T=None, reset_after=None):
    """Backpropagation through time.

    dH (N, T, H): gradient of the loss with respect to every hidden state through
    the outputs (zeros where a step has no output).
    dstate_T = dH_T (N, H) or None: extra gradient on the last state.
    reset_after: None uses the form recorded in the cache; True/False must agree with it.
    Returns (dX (N, T, D), dH0 (N, H), grads with the keys of params).
    """
    _check_cache_form(cache, reset_after)
    T = len(cache.steps)
    N, H_size = cache.steps[0].H_prev.shape
    check_shape("dH", dH, (N, T, H_size))
    dtype = cache.steps[0].H_prev.dtype
    dnext = np.zeros((N, H_size), dtype=dtype) if dstate_T is None else dstate_T
    check_shape("dstate_T", dnext, (N, H_size))
    dX = np.empty((N, T, cache.D), dtype=dtype)
    grads = {k: np.zeros_like(v) for k, v in cache.steps[0].params.items()}
    for t in reversed(range(T)):
        dX[:, t], dnext, step_grads = _step_backward(dH[:, t] + dnext, cache.steps[t])
        for k in grads:
            grads[k] += step_grads[k]
    return dX, dnext, grads
