"""The LSTM cell, forward and backward through time (chapter 04).

    I_t  = σ(X_t W_xi + H_{t-1} W_hi + b_i)        input gate          (N, H)
    F_t  = σ(X_t W_xf + H_{t-1} W_hf + b_f)        forget gate         (N, H)
    O_t  = σ(X_t W_xo + H_{t-1} W_ho + b_o)        output gate         (N, H)
    C̃_t  = tanh(X_t W_xc + H_{t-1} W_hc + b_c)     candidate           (N, H)
    C_t  = F_t ⊙ C_{t-1} + I_t ⊙ C̃_t               cell state          (N, H)
    H_t  = O_t ⊙ tanh(C_t)                         hidden output       (N, H)

The state is the pair (H, C). The same twelve arrays are used at every time
step (parameters ARE shared across time): four sets (W_x*, W_h*, b_*), one per
gate and one for the candidate, so there are 4(DH + H² + H) numbers whatever T is.

Speed: the four pre-activations are computed together with one matrix product
against the four matrices placed side by side, W_x = [W_xi | W_xf | W_xo | W_xc]
(D, 4H) and W_h likewise (H, 4H). Column block k of that product is exactly
X_t W_x<k> + H_{t-1} W_h<k>, so it is the same computation as the equations above,
in one BLAS call instead of eight. Over a sequence, the input part X W_x and the
weight gradients are done for all steps at once; only H_{t-1} W_h and its
backward are sequential. The public parameters keep the per-gate names.
"""

from typing import NamedTuple

import numpy as np

from ._validate import (check_array, check_cache, check_choice, check_float, check_one_dtype, check_params,
                        check_shape, check_state_pair)
from ._blocks import split_blocks, stack_blocks
from .activations import sigmoid_tanh_
from .initializers import orthogonal, xavier_uniform

GATES = ("i", "f", "o", "c")   # the order of the column blocks in the fused matrices
KEYS = tuple(key for g in GATES for key in (f"W_x{g}", f"W_h{g}", f"b_{g}"))  # W_xi, W_hi, b_i, W_xf, ...


def param_shapes(D, H):
    """{'W_xi': (D, H), 'W_hi': (H, H), 'b_i': (H,), ... for i, f, o, c}."""
    shapes = {}
    for g in GATES:
        shapes.update({f"W_x{g}": (D, H), f"W_h{g}": (H, H), f"b_{g}": (H,)})
    return shapes


def param_count(D, H):
    """4(DH + H² + H): four sets of (W_x*, W_h*, b_*); T does not appear."""
    return 4 * (D * H + H * H + H)


def init_lstm_params(input_size, hidden_size, rng, dtype=np.float64, forget_bias=1.0,
                     recurrent_init="orthogonal"):
    """W_x* (D, H) Xavier-uniform, W_h* (H, H) orthogonal (or "xavier"), biases zero
    except b_f = forget_bias (H,).

    A positive forget bias starts every F_t near σ(forget_bias) (0.73 for 1.0), so
    the cell state is kept by default until training learns what to forget
    (Gers et al. 2000; Jozefowicz et al. 2015). forget_bias=0 starts F_t near 0.5.
    """
    check_choice("recurrent_init", recurrent_init, ("orthogonal", "xavier"))
    if not np.isfinite(forget_bias):
        raise ValueError(f"forget_bias must be a finite number; got {forget_bias!r}")
    params = {}
    for g in GATES:
        params[f"W_x{g}"] = xavier_uniform(input_size, hidden_size, rng, dtype)
        params[f"W_h{g}"] = (orthogonal(hidden_size, rng, dtype=dtype) if recurrent_init == "orthogonal"
                             else xavier_uniform(hidden_size, hidden_size, rng, dtype))
        params[f"b_{g}"] = np.full(hidden_size, forget_bias if g == "f" else 0.0, dtype=dtype)
    return params


def fuse(params):
    """Per-gate params -> (W_x (D, 4H), W_h (H, 4H), b (4H,)), blocks in the order i, f, o, c."""
    return tuple(stack_blocks(params, GATES, prefix) for prefix in ("W_x", "W_h", "b_"))


def unfuse(dW_x, dW_h, db):
    """The inverse of ``fuse`` for gradients: column block k -> the per-gate names."""
    return split_blocks(GATES, W_x=dW_x, W_h=dW_h, b_=db)


def activate_gates_(A):
    """[A_i | A_f | A_o | A_c] (..., 4H) -> [σ(A_i) | σ(A_f) | σ(A_o) | tanh(A_c)], in place,
    with one tanh call (activations.sigmoid_tanh_): this runs at every time step."""
    return sigmoid_tanh_(A, 3 * (A.shape[-1] // 4))


# --- the recurrence shared by the step and the sequence functions -----------

def _step(XWb_t, H_prev, C_prev, W_h, G_t, H_t, C_t, tanh_C_t):
    """One step given the input's share XWb_t = X_t W_x + b (N, 4H).

    Writes the gate values [I_t | F_t | O_t | C̃_t] into G_t (N, 4H), and H_t,
    C_t, tanh(C_t) (each (N, H)) into the arrays passed (no copies in the loop).
    """
    H = H_prev.shape[1]
    np.matmul(H_prev, W_h, out=G_t)
    G_t += XWb_t                                 # the four pre-activations side by side
    activate_gates_(G_t)                         # I_t, F_t, O_t = σ(...), C̃_t = tanh(...)
    I_t, F_t, O_t, Cc_t = G_t[:, :H], G_t[:, H:2 * H], G_t[:, 2 * H:3 * H], G_t[:, 3 * H:]
    np.multiply(F_t, C_prev, out=C_t)            # C_t = F_t ⊙ C_{t-1} + I_t ⊙ C̃_t
    C_t += I_t * Cc_t
    np.tanh(C_t, out=tanh_C_t)
    np.multiply(O_t, tanh_C_t, out=H_t)          # H_t = O_t ⊙ tanh(C_t)


def _local_derivatives(G, tanh_C):
    """The derivatives that depend only on the forward pass, for one step or all
    steps at once (leading axes ..., then N):

    dH_dC = ∂H_t/∂C_t = O_t ⊙ (1 - tanh²(C_t))                         (..., N, H)
    dG_dA = ∂G/∂A, the gates' slopes [σ'(I) | σ'(F) | σ'(O) | tanh'(C̃)] written
            in terms of the gate values: σ' = s - s², tanh' = 1 - C̃²   (..., N, 4H)
    """
    H = tanh_C.shape[-1]
    dH_dC = np.square(tanh_C)                   # in place from here on: these arrays are (T, N, ·)
    np.subtract(1, dH_dC, out=dH_dC)
    dH_dC *= G[..., 2 * H:3 * H]                # O
    dG_dA = np.square(G)
    np.subtract(G[..., :3 * H], dG_dA[..., :3 * H], out=dG_dA[..., :3 * H])
    np.subtract(1, dG_dA[..., 3 * H:], out=dG_dA[..., 3 * H:])
    return dH_dC, dG_dA


def _step_backward(dH_t, dC_t, G_t, C_prev, tanh_C_t, dH_dC_t, dG_dA_t, W_h, dA_t):
    """One step of BPTT.

    dH_t, dC_t (N, H): the total gradients reaching H_t and C_t (from the output
    and from step t+1). dH_dC_t, dG_dA_t: from ``_local_derivatives``. Writes the
    pre-activation gradients [dA_i | dA_f | dA_o | dA_c] into dA_t (N, 4H) and
    returns (dH_prev, dC_prev).
    """
    H = dH_t.shape[1]
    I_t, F_t, Cc_t = G_t[:, :H], G_t[:, H:2 * H], G_t[:, 3 * H:]       # O_t is inside dH_dC_t
    dI_t, dF_t, dO_t, dCc_t = dA_t[:, :H], dA_t[:, H:2 * H], dA_t[:, 2 * H:3 * H], dA_t[:, 3 * H:]
    np.multiply(dH_t, tanh_C_t, out=dO_t)     # H_t = O_t ⊙ tanh(C_t)
    dC_t = dC_t + dH_t * dH_dC_t              # C_t reaches the loss through C_{t+1} and through H_t
    np.multiply(dC_t, Cc_t, out=dI_t)         # C_t = F_t ⊙ C_{t-1} + I_t ⊙ C̃_t
    np.multiply(dC_t, C_prev, out=dF_t)
    np.multiply(dC_t, I_t, out=dCc_t)
    dC_prev = dC_t * F_t
    dA_t *= dG_dA_t                           # through σ (I, F, O) and tanh (C̃)
    dH_prev = dA_t @ W_h.T                    # the pre-activations were X_t W_x + H_{t-1} W_h + b
    return dH_prev, dC_prev


# --- validation ---------------------------------------------------------------

def check_lstm_params(params):
    """Validate an LSTM parameter dict (the twelve keys, shapes, one float dtype); return (D, H)."""
    if not isinstance(params, dict) or "W_xi" not in params:
        got = sorted(params) if isinstance(params, dict) else type(params).__name__
        raise ValueError(f"params must be a dict with keys {list(KEYS)}; got {got}")
    check_float("params['W_xi']", params["W_xi"])
    sizes = check_shape("params['W_xi']", params["W_xi"], "DH")
    check_params(params, param_shapes(sizes["D"], sizes["H"]))
    check_one_dtype(params)
    return sizes["D"], sizes["H"]


# --- one step -----------------------------------------------------------------

class LSTMStepCache(NamedTuple):
    X_t: np.ndarray       # (N, D)
    H_prev: np.ndarray    # (N, H)
    C_prev: np.ndarray    # (N, H)
    G_t: np.ndarray       # (N, 4H) gate values [I_t | F_t | O_t | C̃_t]
    C_t: np.ndarray       # (N, H)
    tanh_C_t: np.ndarray  # (N, H)
    params: dict


def lstm_step_forward(X_t, state_prev, params):
    """One LSTM step (the six equations of the module docstring).

    X_t (N, D); state_prev = (H_prev, C_prev), each (N, H), or None for zeros
    (either part may also be None); params: the twelve arrays W_x* (D, H),
    W_h* (H, H), b_* (H,) for * in i, f, o, c.
    Returns ((H_t, C_t), cache), H_t and C_t (N, H).
    """
    D, H = check_lstm_params(params)
    dtype = params["W_xi"].dtype
    N = check_array("X_t", X_t, "ND", dtype, {"D": D})["N"]
    H_prev, C_prev = check_state_pair("state_prev", state_prev, ("H_prev", "C_prev"), N, H, dtype)
    W_x, W_h, b = fuse(params)
    G_t, H_t, C_t, tanh_C_t = (np.empty((N, width), dtype=dtype) for width in (4 * H, H, H, H))
    _step(X_t @ W_x + b, H_prev, C_prev, W_h, G_t, H_t, C_t, tanh_C_t)
    return (H_t, C_t), LSTMStepCache(X_t, H_prev, C_prev, G_t, C_t, tanh_C_t, params)


def lstm_step_backward(dstate_t, cache):
    """Backward of one step.

    dstate_t = (dH_t, dC_t), each (N, H); dC_t may be None (zero), e.g. at the
    last step when only H_t feeds the loss.
    Returns (dX_t (N, D), (dH_prev, dC_prev) each (N, H), grads with the keys of params).
    """
    check_cache(cache, LSTMStepCache, "lstm_step_forward")
    N, H = cache.C_t.shape
    dH_t, dC_t = check_state_pair("dstate_t", dstate_t, ("dH_t", "dC_t"), N, H, cache.C_t.dtype)
    W_x, W_h, _ = fuse(cache.params)
    dA_t = np.empty_like(cache.G_t)
    dH_dC_t, dG_dA_t = _local_derivatives(cache.G_t, cache.tanh_C_t)
    dH_prev, dC_prev = _step_backward(dH_t, dC_t, cache.G_t, cache.C_prev, cache.tanh_C_t, dH_dC_t, dG_dA_t, W_h, dA_t)
    grads = unfuse(cache.X_t.T @ dA_t, cache.H_prev.T @ dA_t, dA_t.sum(axis=0))
    return dA_t @ W_x.T, (dH_prev, dC_prev), grads


# --- a whole sequence ---------------------------------------------------------

class LSTMCache(NamedTuple):
    X: np.ndarray        # (T, N, D) time-major copy of the input
    H: np.ndarray        # (T + 1, N, H): H_0 .. H_T (H[t] is H_{t-1} of step t, counting from 0)
    C: np.ndarray        # (T + 1, N, H): C_0 .. C_T
    G: np.ndarray        # (T, N, 4H) gate values [I | F | O | C̃] at every step
    tanh_C: np.ndarray   # (T, N, H)
    W_x: np.ndarray      # (D, 4H) fused weights
    W_h: np.ndarray      # (H, 4H)
    params: dict


def lstm_forward(X, state0, params):
    """Run the cell over a sequence.

    X (N, T, D); state0 = (H0, C0), each (N, H), or None for zeros (either part
    may also be None).
    Returns (H (N, T, H) every hidden output, (H_T, C_T) the last state, cache).
    """
    D, H_size = check_lstm_params(params)
    dtype = params["W_xi"].dtype
    sizes = check_array("X", X, "NTD", dtype, {"D": D})
    N, T = sizes["N"], sizes["T"]
    H0, C0 = check_state_pair("state0", state0, ("H0", "C0"), N, H_size, dtype)
    W_x, W_h, b = fuse(params)
    X_tm = np.ascontiguousarray(X.transpose(1, 0, 2))              # (T, N, D)
    XWb = (X_tm.reshape(T * N, D) @ W_x).reshape(T, N, 4 * H_size)  # all steps' input share at once
    XWb += b   # in place: a second (T, N, 4H) temporary costs more than the addition itself
    Hs = np.empty((T + 1, N, H_size), dtype=dtype)
    Cs = np.empty((T + 1, N, H_size), dtype=dtype)
    tanh_C = np.empty((T, N, H_size), dtype=dtype)
    G = np.empty((T, N, 4 * H_size), dtype=dtype)
    Hs[0], Cs[0] = H0, C0
    for t in range(T):
        _step(XWb[t], Hs[t], Cs[t], W_h, G[t], Hs[t + 1], Cs[t + 1], tanh_C[t])
    H_out = np.ascontiguousarray(Hs[1:].transpose(1, 0, 2))   # a copy: editing it cannot corrupt the cache
    return H_out, (Hs[T].copy(), Cs[T].copy()), LSTMCache(X_tm, Hs, Cs, G, tanh_C, W_x, W_h, params)


def _bptt(dH, cache, dstate_T, record=False):
    """The backward recursion over t shared by lstm_backward and lstm_state_gradients.

    Returns (dA (T, N, 4H) the pre-activation gradients, (dH0, dC0), states) where
    states is (dH_states, dC_states), each (T, N, H), when ``record`` and None otherwise.
    """
    check_cache(cache, LSTMCache, "lstm_forward")
    T, N, D = cache.X.shape
    H_size = cache.W_h.shape[0]
    dtype = cache.G.dtype
    check_array("dH", dH, (N, T, H_size), dtype)
    dH_next, dC_next = check_state_pair("dstate_T", dstate_T, ("dH_T", "dC_T"), N, H_size, dtype)
    dA = np.empty((T, N, 4 * H_size), dtype=dtype)
    dH_dC, dG_dA = _local_derivatives(cache.G, cache.tanh_C)   # no recurrence in these: all steps at once
    dH_tm = dH.transpose(1, 0, 2).copy()                       # (T, N, H): contiguous steps
    states = (np.empty((T, N, H_size), dtype=dtype), np.empty((T, N, H_size), dtype=dtype)) if record else None
    for t in reversed(range(T)):
        dH_t = dH_tm[t] + dH_next                              # from the output at t and from step t+1
        if record:
            states[0][t] = dH_t
            states[1][t] = dC_next + dH_t * dH_dC[t]           # C_t reaches the loss via C_{t+1} and via H_t
        dH_next, dC_next = _step_backward(dH_t, dC_next, cache.G[t], cache.C[t],
                                          cache.tanh_C[t], dH_dC[t], dG_dA[t], cache.W_h, dA[t])
    return dA, (dH_next, dC_next), states


def lstm_backward(dH, cache, dstate_T=None):
    """Backpropagation through time.

    dH (N, T, H): gradient of the loss with respect to every hidden output H_t
    through the outputs (zeros where a step has no output).
    dstate_T = (dH_T, dC_T), each (N, H), or None: extra gradient on the last
    state (e.g. from a decoder that starts from it); either part may be None (zero).
    Returns (dX (N, T, D), (dH0, dC0) each (N, H), grads with the keys of params).

    Going backwards, the gradient reaching H_t is dH[:, t] plus what comes back
    from step t+1 through W_h*; the gradient reaching C_t is what comes back from
    C_{t+1} = F_{t+1} ⊙ C_t + ..., i.e. dC_{t+1} ⊙ F_{t+1}, plus the path through H_t.
    """
    dA, dstate0, _ = _bptt(dH, cache, dstate_T)
    T, N, D = cache.X.shape
    H_size = cache.W_h.shape[0]
    # the weights are shared, so their gradients are sums over t: one product each
    dA2 = dA.reshape(T * N, 4 * H_size)
    grads = unfuse(cache.X.reshape(T * N, D).T @ dA2,
                   cache.H[:-1].reshape(T * N, H_size).T @ dA2,
                   dA2.sum(axis=0))
    dX = (dA2 @ cache.W_x.T).reshape(T, N, D).transpose(1, 0, 2)
    return np.ascontiguousarray(dX), dstate0, grads


def lstm_state_gradients(dH, cache, dstate_T=None):
    """The total gradient reaching every state during lstm_backward: ∂L/∂H_t and ∂L/∂C_t.

    Same inputs as lstm_backward. Returns (dH_states, dC_states), each (N, T, H):
    for H_t, dH[:, t] plus what flows back from step t+1; for C_t, the cell path
    dC_{t+1} ⊙ F_{t+1} plus the path through H_t, dH_t ⊙ O_t ⊙ (1 − tanh²(C_t)).
    Chapter 04 plots their norms against t to show the cell path keeping gradients alive.
    """
    _, _, (dH_states, dC_states) = _bptt(dH, cache, dstate_T, record=True)
    return dH_states.transpose(1, 0, 2), dC_states.transpose(1, 0, 2)


def gate_values(cache):
    """The gates and states a forward pass computed, batch first, for plotting.

    Returns a dict with "I", "F", "O", "C~" (candidate), "C" and "H", each (N, T, H).
    """
    H = cache.W_h.shape[0]
    out = {name: cache.G[:, :, k * H:(k + 1) * H].transpose(1, 0, 2).copy()
           for k, name in enumerate(("I", "F", "O", "C~"))}
    out["C"] = cache.C[1:].transpose(1, 0, 2).copy()
    out["H"] = cache.H[1:].transpose(1, 0, 2).copy()
    return out
