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

Z_t = 1 keeps the state (H_t = H_{t-1}); Z_t = 0 replaces it by the candidate.
The same parameters are used at every step, so there are 3(DH + H² + H) numbers
(+ H for b_hh) whatever T is, and their gradients are sums over t.

Speed (the same engineering as course_utils.lstm, so that timings compare the
cells and not the code): the input products of all three blocks and all steps are
one product X [W_xr | W_xz | W_xh]. Per step, the reset-after form needs ONE product
of H_{t-1}, with [W_hr | W_hz | W_hh] (H, 3H), because nothing in it waits for R_t;
the Cho form needs two in sequence, H_{t-1} [W_hr | W_hz], then (R_t ⊙ H_{t-1}) W_hh.
That is why libraries prefer reset-after. The public parameters keep per-block names.
"""

from typing import NamedTuple, Optional

import numpy as np

from ._validate import check_array, check_cache, check_one_dtype, check_params, check_shape, check_state
from ._blocks import split_blocks, stack_blocks
from .activations import sigmoid_
from .initializers import orthogonal, xavier_uniform

BLOCKS = ("r", "z", "h")   # reset gate, update gate, candidate: the order of the fused column blocks
KEYS = tuple(key for g in BLOCKS for key in (f"W_x{g}", f"W_h{g}", f"b_{g}"))  # W_xr, W_hr, b_r, ...
KEYS_RESET_AFTER = KEYS + ("b_hh",)


def param_shapes(D, H, reset_after=False):
    """{'W_xr': (D, H), 'W_hr': (H, H), 'b_r': (H,), ... for r, z, h} (+ 'b_hh': (H,))."""
    shapes = {}
    for g in BLOCKS:
        shapes.update({f"W_x{g}": (D, H), f"W_h{g}": (H, H), f"b_{g}": (H,)})
    if reset_after:
        shapes["b_hh"] = (H,)
    return shapes


def init_gru_params(input_size, hidden_size, rng, dtype=np.float64, reset_after=False, update_bias=0.0):
    """W_x* (D, H) Xavier-uniform, W_h* (H, H) orthogonal, biases zeros except b_z = update_bias.

    Keys: W_xr, W_hr, b_r, W_xz, W_hz, b_z, W_xh, W_hh, b_h, plus b_hh (H,) when reset_after=True.
    A positive update_bias starts every Z_t near σ(update_bias) (0.95 for 3), so each
    unit keeps most of its state per step until training decides otherwise: the GRU's
    counterpart of the LSTM's forget-gate bias. 0 starts Z_t near 0.5, which halves an
    old state's share at every step.
    """
    _check_reset_after(reset_after)
    if not np.isfinite(update_bias):
        raise ValueError(f"update_bias must be a finite number; got {update_bias!r}")
    params = {}
    for g in BLOCKS:
        params[f"W_x{g}"] = xavier_uniform(input_size, hidden_size, rng, dtype)
        params[f"W_h{g}"] = orthogonal(hidden_size, rng, dtype=dtype)
        params[f"b_{g}"] = np.full(hidden_size, update_bias if g == "z" else 0.0, dtype=dtype)
    if reset_after:
        params["b_hh"] = np.zeros(hidden_size, dtype=dtype)
    return params


class Fused(NamedTuple):
    W_x: np.ndarray              # (D, 3H) [W_xr | W_xz | W_xh]
    b: np.ndarray                # (3H,)   [b_r | b_z | b_h]
    W_h: np.ndarray              # (H, 3H) [W_hr | W_hz | W_hh] (reset-after) or (H, 2H) [W_hr | W_hz] (Cho)
    W_hh: np.ndarray             # (H, H)
    b_hh: Optional[np.ndarray]   # (H,) or None


def fuse(params, reset_after):
    recurrent = BLOCKS if reset_after else BLOCKS[:2]
    return Fused(stack_blocks(params, BLOCKS, "W_x"), stack_blocks(params, BLOCKS, "b_"),
                 stack_blocks(params, recurrent, "W_h"), params["W_hh"], params.get("b_hh"))


# --- the recurrence shared by the step and the sequence functions -----------

def _step(XWb_t, H_prev, f, gates_t, H_t, M_t):
    """One step given the input's share XWb_t = X_t W_x + b (N, 3H).

    Writes [R_t | Z_t | H̃_t] into gates_t (N, 3H), H_t (N, H) into H_t, and into
    M_t (N, H) what the candidate's recurrent product needs again in the backward
    pass: R_t ⊙ H_{t-1} (Cho form) or G_t = H_{t-1} W_hh + b_hh (reset-after form).
    Everything is written into the arrays passed: no copies in the loop.
    """
    H = H_prev.shape[1]
    HW = H_prev @ f.W_h                            # one product for every block that does not wait for R_t
    RZ_t = gates_t[:, :2 * H]
    np.add(XWb_t[:, :2 * H], HW[:, :2 * H], out=RZ_t)
    sigmoid_(RZ_t)                                 # R_t, Z_t = σ(...)
    R_t, Z_t, H_tilde = gates_t[:, :H], gates_t[:, H:2 * H], gates_t[:, 2 * H:]
    if f.b_hh is not None:
        np.add(HW[:, 2 * H:], f.b_hh, out=M_t)     # G_t = H_{t-1} W_hh + b_hh
        np.multiply(R_t, M_t, out=H_tilde)         # R_t ⊙ G_t
    else:
        np.multiply(R_t, H_prev, out=M_t)          # R_t ⊙ H_{t-1}: only now can its product start
        np.matmul(M_t, f.W_hh, out=H_tilde)
    H_tilde += XWb_t[:, 2 * H:]
    np.tanh(H_tilde, out=H_tilde)                  # H̃_t = tanh(...)
    np.multiply(Z_t, H_prev, out=H_t)              # H_t = Z_t ⊙ H_{t-1} + (1 - Z_t) ⊙ H̃_t, in this order:
    write = 1 - Z_t                                # Z_t = 1 then gives H_{t-1} exactly, not up to round-off
    write *= H_tilde
    H_t += write


def _local_derivatives(H_prev, gates, M):
    """The derivatives that depend only on the forward pass, for all steps at once
    (leading axes ..., N, H; no recurrence in them, so no Python loop):

    dH_dAz = ∂H_t/∂A_z = (H_{t-1} - H̃_t) ⊙ Z_t(1 - Z_t)
    dH_dAh = ∂H_t/∂A_h = (1 - Z_t) ⊙ (1 - H̃_t²)
    dM_dAr = ∂(R_t ⊙ M_t)/∂A_r = M_t ⊙ R_t(1 - R_t), M_t = H_{t-1} (Cho) or G_t (reset-after)
    """
    H = H_prev.shape[-1]
    R, Z, H_tilde = gates[..., :H], gates[..., H:2 * H], gates[..., 2 * H:]
    dH_dAz = (H_prev - H_tilde) * Z * (1 - Z)
    dH_dAh = (1 - Z) * (1 - H_tilde**2)
    dM_dAr = M * R * (1 - R)
    return dH_dAz, dH_dAh, dM_dAr


def _step_backward(dH_t, gates_t, dH_dAz_t, dH_dAh_t, dM_dAr_t, f, W_rz_T, dA_t, dG_t):
    """One step of BPTT. dH_t (N, H) is the total gradient reaching H_t.

    Writes the pre-activation gradients [dA_r | dA_z | dA_h] into dA_t (N, 3H) and,
    in the reset-after form, dG_t = ∂L/∂G_t into dG_t. Returns dH_prev (N, H).
    """
    H = dH_t.shape[1]
    R_t, Z_t = gates_t[:, :H], gates_t[:, H:2 * H]
    dA_r, dA_z, dA_h = dA_t[:, :H], dA_t[:, H:2 * H], dA_t[:, 2 * H:]
    np.multiply(dH_t, dH_dAz_t, out=dA_z)         # through the interpolation's Z_t, then σ
    np.multiply(dH_t, dH_dAh_t, out=dA_h)         # through (1 - Z_t) ⊙ H̃_t, then tanh
    dH_prev = dH_t * Z_t                          # the direct path: a gated copy of H_{t-1}
    if f.b_hh is not None:
        np.multiply(dA_h, R_t, out=dG_t)          # A_h contains R_t ⊙ G_t
        np.multiply(dA_h, dM_dAr_t, out=dA_r)     # dR_t = dA_h ⊙ G_t, then σ
        dH_prev += dG_t @ f.W_hh.T                # G_t = H_{t-1} W_hh + b_hh
    else:
        dRH_prev = dA_h @ f.W_hh.T                # gradient at R_t ⊙ H_{t-1}
        np.multiply(dRH_prev, dM_dAr_t, out=dA_r)  # dR_t = dRH_prev ⊙ H_{t-1}, then σ
        dRH_prev *= R_t
        dH_prev += dRH_prev
    dH_prev += dA_t[:, :2 * H] @ W_rz_T           # through W_hr and W_hz
    return dH_prev


# --- validation ---------------------------------------------------------------

def _check_reset_after(reset_after):
    if not isinstance(reset_after, (bool, np.bool_)):
        raise ValueError(f"reset_after must be True or False; got {reset_after!r}")


def check_gru_params(params, reset_after=False):
    """Validate a GRU parameter dict for the form ``reset_after`` (keys, shapes, one float dtype); return (D, H)."""
    _check_reset_after(reset_after)
    if not isinstance(params, dict) or "W_xh" not in params:
        got = sorted(params) if isinstance(params, dict) else type(params).__name__
        raise ValueError(f"params must be a dict with keys {list(KEYS_RESET_AFTER if reset_after else KEYS)}; got {got}")
    if "b_hh" in params and not reset_after:
        raise ValueError("params has the key 'b_hh' of the reset-after form but reset_after=False; "
                         "pass reset_after=True, or create the params with reset_after=False")
    if "b_hh" not in params and reset_after:
        raise ValueError("params has no key 'b_hh' but reset_after=True needs it; "
                         "create the params with init_gru_params(..., reset_after=True)")
    sizes = check_shape("params['W_xh']", params["W_xh"], "DH")
    check_params(params, param_shapes(sizes["D"], sizes["H"], reset_after))
    check_one_dtype(params)
    return sizes["D"], sizes["H"]


def _check_cache_form(cache, reset_after):
    check_cache(cache, GRUCache, "gru_forward or gru_step_forward")
    if reset_after is not None:
        _check_reset_after(reset_after)
        if bool(reset_after) != cache.reset_after:
            raise ValueError(f"reset_after must match the forward pass that made the cache "
                             f"(reset_after={cache.reset_after}); got {reset_after}")


# --- a whole sequence ---------------------------------------------------------

class GRUCache(NamedTuple):
    X: np.ndarray        # (T, N, D) time-major copy of the input
    H: np.ndarray        # (T + 1, N, H): H_0 .. H_T (H[t] is H_{t-1} of step t, counting from 0)
    gates: np.ndarray    # (T, N, 3H) [R | Z | H̃] at every step
    M: np.ndarray        # (T, N, H) R_t ⊙ H_{t-1} (Cho form) or G_t = H_{t-1} W_hh + b_hh (reset-after)
    fused: Fused
    params: dict
    reset_after: bool


def _forward(X, H0, params, reset_after):
    N, T, D = X.shape
    H_size = H0.shape[1]
    f = fuse(params, reset_after)
    X_tm = np.ascontiguousarray(X.transpose(1, 0, 2))                          # (T, N, D)
    XWb = (X_tm.reshape(T * N, D) @ f.W_x + f.b).reshape(T, N, 3 * H_size)   # all steps' input share at once
    Hs = np.empty((T + 1, N, H_size), dtype=X.dtype)
    gates = np.empty((T, N, 3 * H_size), dtype=X.dtype)
    M = np.empty((T, N, H_size), dtype=X.dtype)
    Hs[0] = H0
    for t in range(T):
        _step(XWb[t], Hs[t], f, gates[t], Hs[t + 1], M[t])
    H_out = np.ascontiguousarray(Hs[1:].transpose(1, 0, 2))   # a copy: editing it cannot corrupt the cache
    return H_out, Hs[T].copy(), GRUCache(X_tm, Hs, gates, M, f, params, reset_after)


def gru_forward(X, state0, params, reset_after=False):
    """Run the GRU over a sequence (equations in the module docstring).

    X (N, T, D); state0 = H0 (N, H) or None for zeros; params with the keys of
    init_gru_params for the same reset_after.
    Returns (H (N, T, H) every hidden state, H_T (N, H) the last one, cache).
    """
    D, H_size = check_gru_params(params, reset_after)
    sizes = check_array("X", X, "NTD", params["W_hh"].dtype, {"D": D})
    H0 = check_state("state0", state0, sizes["N"], H_size, params["W_hh"].dtype)
    return _forward(X, H0, params, bool(reset_after))


def gru_backward(dH, cache, dstate_T=None, reset_after=None):
    """Backpropagation through time.

    dH (N, T, H): gradient of the loss with respect to every hidden state through
    the outputs (zeros where a step has no output).
    dstate_T = dH_T (N, H) or None: extra gradient on the last state.
    reset_after: None uses the form recorded in the cache; True/False must agree with it.
    Returns (dX (N, T, D), dH0 (N, H), grads with the keys of params).
    """
    _check_cache_form(cache, reset_after)
    T, N, D = cache.X.shape
    H_size = cache.H.shape[2]
    dtype = cache.H.dtype
    check_array("dH", dH, (N, T, H_size), dtype)
    dnext = check_state("dstate_T", dstate_T, N, H_size, dtype)
    f = cache.fused
    dA = np.empty((T, N, 3 * H_size), dtype=dtype)
    dG = np.empty((T, N, H_size), dtype=dtype) if cache.reset_after else None
    H_prev = cache.H[:-1]
    local = _local_derivatives(H_prev, cache.gates, cache.M if cache.reset_after else H_prev)
    W_rz_T = np.ascontiguousarray(f.W_h[:, :2 * H_size].T)
    dH_tm = dH.transpose(1, 0, 2).copy()                        # (T, N, H): contiguous steps
    for t in reversed(range(T)):
        dnext = _step_backward(dH_tm[t] + dnext, cache.gates[t], *(d[t] for d in local), f, W_rz_T,
                               dA[t], None if dG is None else dG[t])
    # the weights are shared, so their gradients are sums over t: one product each
    dA2 = dA.reshape(T * N, 3 * H_size)
    H_prev2 = H_prev.reshape(T * N, H_size)
    dW_x = cache.X.reshape(T * N, D).T @ dA2
    dW_rz = H_prev2.T @ dA2[:, :2 * H_size]
    grads = split_blocks(BLOCKS, W_x=dW_x, b_=dA2.sum(axis=0))
    grads.update(split_blocks(BLOCKS[:2], W_h=dW_rz))
    if cache.reset_after:
        dG2 = dG.reshape(T * N, H_size)
        grads["W_hh"] = H_prev2.T @ dG2                 # G_t = H_{t-1} W_hh + b_hh
        grads["b_hh"] = dG2.sum(axis=0)
    else:                                               # the product (R_t ⊙ H_{t-1}) W_hh
        grads["W_hh"] = cache.M.reshape(T * N, H_size).T @ dA2[:, 2 * H_size:]
    dX = (dA2 @ f.W_x.T).reshape(T, N, D).transpose(1, 0, 2)
    return np.ascontiguousarray(dX), dnext, {k: grads[k] for k in cache.params}


# --- one step: a sequence of length 1 ------------------------------------------

def gru_step_forward(X_t, state_prev, params, reset_after=False):
    """One GRU step (equations in the module docstring).

    X_t (N, D); state_prev = H_prev (N, H) or None (zeros).
    Returns (H_t (N, H), cache), the cache of a length-1 sequence.
    """
    D, H = check_gru_params(params, reset_after)
    sizes = check_array("X_t", X_t, "ND", params["W_hh"].dtype, {"D": D})
    H_prev = check_state("state_prev", state_prev, sizes["N"], H, params["W_hh"].dtype)
    H_seq, H_t, cache = _forward(X_t[:, None], H_prev, params, bool(reset_after))
    return H_t, cache


def gru_step_backward(dH_t, cache, reset_after=None):
    """Backward of one step. dH_t (N, H) -> (dX_t (N, D), dH_prev (N, H), grads with the keys of params).

    reset_after: None uses the form recorded in the cache; True/False must agree with it.
    """
    check_cache(cache, GRUCache, "gru_step_forward")
    if cache.X.shape[0] != 1:
        raise ValueError(f"cache must come from gru_step_forward (one step); got a cache of {cache.X.shape[0]} steps")
    check_array("dH_t", dH_t, cache.H.shape[1:], cache.H.dtype)
    dX, dH_prev, grads = gru_backward(dH_t[:, None], cache, reset_after=reset_after)
    return dX[:, 0], dH_prev, grads


def gate_values(cache):
    """The gates and states a forward pass computed, batch first, for plotting.

    Returns a dict with "R", "Z", "H~" (candidate) and "H", each (N, T, H).
    """
    H = cache.H.shape[2]
    out = {name: cache.gates[:, :, k * H:(k + 1) * H].transpose(1, 0, 2).copy()
           for k, name in enumerate(("R", "Z", "H~"))}
    out["H"] = cache.H[1:].transpose(1, 0, 2).copy()
    return out


def time_constants(Z, axis=0):
    """τ = −1 / mean(ln Z): each unit's time constant in steps, from update-gate values Z in [0, 1].

    Z : array of update-gate values, e.g. (T, H) from ``gate_values(cache)["Z"][n]``; the mean
    runs over ``axis`` (the steps). A stored value is multiplied by Z_t at every step, so after k
    steps Z_{t+1} ⋯ Z_{t+k} of it is left; over a sequence that product behaves like z̄^k = e^{−k/τ}
    with z̄ the geometric mean of the gates. For a constant gate z this is τ = −1/ln z, which is
    ≈ 1/(1 − z) only for z near 1 (z = 0.95: 19.5 and 20; z = 0.5: 1.44 and 2; as z → 0, τ → 0
    while 1/(1 − z) → 1). A gate of exactly 1 at every step gives τ = inf, a gate of 0 anywhere τ = 0.
    """
    Z = np.asarray(Z, dtype=np.float64)
    if Z.size == 0 or not np.all((Z >= 0) & (Z <= 1)):
        raise ValueError(f"Z must be a non-empty array of gate values in [0, 1] (no NaN); got shape {Z.shape}")
    with np.errstate(divide="ignore"):
        decay = 0.0 - np.log(Z).mean(axis=axis)     # ≥ 0; "0.0 -" turns a −0.0 into +0.0, so τ = +inf
        return 1.0 / decay
