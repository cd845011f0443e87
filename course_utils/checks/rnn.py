"""Checkers for the chapter 02 workbook: the RNN step and BPTT.

    forward   A_t = X_t W_xh + H_{t-1} W_hh + b_h,   H_t = tanh(A_t)
    backward  dA_t = dH_t ⊙ (1 − H_t²),  dX_t = dA_t W_xhᵀ,  dH_{t-1} = dA_t W_hhᵀ,
              dW_xh = Σ_t X_tᵀ dA_t,  dW_hh = Σ_t H_{t-1}ᵀ dA_t,  db_h = Σ_t Σ_n dA_t

Shapes always have N ≠ D ≠ H ≠ T, so a transposed W_xh fails on its shape and a swapped axis
cannot pass by symmetry; W_hh is square, so its transposition is caught by value (and named).
The backward checkers call the learner's own forward function for the cache: only the public
return values are compared. The bugs of the mutants are switches of one reference implementation.
"""

import numpy as np

from .core import Case, Mismatch, Spec, mutants, pair, randn, report

KEYS = ("W_xh", "W_hh", "b_h")
SIZES = [(3, 4, 5, 6, np.float64), (2, 5, 3, 4, np.float64), (4, 3, 6, 5, np.float32)]  # N, T, D, H, dtype


def _params(rng, D, H, dtype):
    return {"W_xh": randn(rng, (D, H), dtype, 0.6), "W_hh": randn(rng, (H, H), dtype, 0.4),
            "b_h": randn(rng, (H,), dtype, 0.3)}


def _label(N, T, D, H, dtype, t=True):
    return f"random N={N}{f' T={T}' if t else ''} D={D} H={H} {np.dtype(dtype).name}"


def _step_cases(rng):
    return [Case(_label(N, T, D, H, dtype, t=False),
                 {"X_t": randn(rng, (N, D), dtype), "H_prev": randn(rng, (N, H), dtype, 0.5),
                  "params": _params(rng, D, H, dtype), "dH_t": randn(rng, (N, H), dtype)})
            for N, T, D, H, dtype in SIZES]


def _activation(A, bug):
    return {"sigmoid": 1 / (1 + np.exp(-A)), "relu": np.maximum(A, 0)}.get(bug, np.tanh(A))


def _step_forward(X_t, H_prev, params, dH_t=None, bug=None):
    W_hh = params["W_hh"].T if bug == "W_hh.T" else params["W_hh"]
    A_t = X_t @ params["W_xh"] + (0 if bug == "no H_prev" else H_prev @ W_hh)
    if bug != "no bias":
        A_t = A_t + params["b_h"]
    return _activation(A_t, bug)


def _step_backward(dH_t, X_t, H_prev, H_t, params, bug=None):
    """(dX_t, dH_prev, grads) of one step, with the named bug switched on."""
    derivative = {"1-H": 1 - H_t, "tanh twice": 1 - np.tanh(H_t) ** 2, "no tanh'": 1}.get(bug, 1 - H_t**2)
    dA_t = dH_t * derivative
    W_hh = params["W_hh"] if bug == "W_hh not transposed" else params["W_hh"].T
    dH_prev = (dH_t if bug == "dH_prev skips tanh'" else dA_t) @ W_hh
    grads = {"W_xh": X_t.T @ dA_t,
             "W_hh": (H_t if bug == "H_t for H_prev" else H_prev).T @ dA_t,
             "b_h": dA_t.mean(axis=0) if bug == "db mean" else dA_t.sum(axis=0)}
    return dA_t @ params["W_xh"].T, dH_prev, grads


def _grads_of(fns_result, names):
    dX, dstate, grads = pair(fns_result, ", ".join(names) + ", grads", 3)
    if not isinstance(grads, dict) or set(grads) != set(KEYS):
        raise Mismatch(f"grads must be a dict with the keys of params {list(KEYS)}; got "
                       f"{sorted(grads) if isinstance(grads, dict) else type(grads).__name__}")
    return {names[0]: dX, names[1]: dstate, **{"d" + k: grads[k] for k in KEYS}}


# --- rnn_step_forward ---------------------------------------------------------------------------

def _step_forward_outputs(X_t, H_prev, params, dH_t=None, bug=None):
    return {"H_t": _step_forward(X_t, H_prev, params, bug=bug)}


def _call_step_forward(fns, i):
    H_t, _ = pair(fns[0](i["X_t"], i["H_prev"], i["params"]), "H_t, cache")
    return {"H_t": H_t}


STEP_FORWARD = Spec("rnn_step_forward", _step_forward_outputs, _step_cases, _call_step_forward, mutants(
    _step_forward_outputs,
    ("W_hh.T", "W_hh is transposed: the state is a row vector, so it is H_{t-1} W_hh (rows of W_hh "
     "are indexed by the previous state's units).", "A_t = X_t W_xh + H_{t-1} W_hh + b_h"),
    ("no bias", "the bias b_h is missing.", "A_t = X_t W_xh + H_{t-1} W_hh + b_h"),
    ("sigmoid", "the activation is the sigmoid; the vanilla RNN uses tanh.", "H_t = tanh(A_t)"),
    ("relu", "the activation is ReLU; the vanilla RNN of the course uses tanh.", "H_t = tanh(A_t)"),
    ("no H_prev", "the previous state is ignored: without H_{t-1} W_hh there is no recurrence.",
     "A_t = X_t W_xh + H_{t-1} W_hh + b_h"),
))


# --- rnn_step_backward ----------------------------------------------------------------------------

def _step_backward_outputs(X_t, H_prev, params, dH_t, bug=None):
    H_t = _step_forward(X_t, H_prev, params)
    dX_t, dH_prev, grads = _step_backward(dH_t, X_t, H_prev, H_t, params, bug)
    return {"dX_t": dX_t, "dH_prev": dH_prev, **{"d" + k: grads[k] for k in KEYS}}


def _call_step_backward(fns, i):
    forward, backward = fns
    _, cache = pair(forward(i["X_t"], i["H_prev"], i["params"]), "H_t, cache")
    return _grads_of(backward(i["dH_t"], cache), ("dX_t", "dH_prev"))


STEP_BACKWARD_MUTANTS = (
    ("1-H", "tanh' is written as 1 − tanh; it is 1 − tanh², i.e. 1 − H_t².", "dA_t = dH_t ⊙ (1 − H_t²)"),
    ("tanh twice", "tanh is applied to H_t again; H_t is already tanh(A_t), so tanh'(A_t) = 1 − H_t².",
     "dA_t = dH_t ⊙ (1 − H_t²)"),
    ("no tanh'", "the gradient skips tanh': multiply dH_t by 1 − H_t² before the matrix products.",
     "dA_t = dH_t ⊙ (1 − H_t²)"),
    ("H_t for H_prev", "dW_hh uses H_t where H_{t-1} belongs: W_hh multiplied the previous state.",
     "dW_hh = H_{t-1}ᵀ dA_t"),
    ("W_hh not transposed", "dH_prev multiplies by W_hh; the backward of H_{t-1} W_hh multiplies by W_hhᵀ.",
     "dH_{t-1} = dA_t W_hhᵀ"),
    ("dH_prev skips tanh'", "dH_prev is computed from dH_t; it must go through tanh' first (use dA_t).",
     "dH_{t-1} = dA_t W_hhᵀ"),
    ("db mean", "db_h is averaged over the batch; b_h is added to every example, so its gradient is the sum.",
     "db_h = Σ_n dA_t[n]"),
)

STEP_BACKWARD = Spec("rnn_step_backward", _step_backward_outputs, _step_cases, _call_step_backward,
                     mutants(_step_backward_outputs, *STEP_BACKWARD_MUTANTS))


# --- rnn_forward and rnn_backward -------------------------------------------------------------------

def _seq_cases(rng):
    cases = []
    for k, (N, T, D, H, dtype) in enumerate(SIZES):
        inputs = {"X": randn(rng, (N, T, D), dtype), "H0": randn(rng, (N, H), dtype, 0.5),
                  "params": _params(rng, D, H, dtype), "dH": randn(rng, (N, T, H), dtype),
                  "dstate_T": randn(rng, (N, H), dtype)}
        label = _label(N, T, D, H, dtype)
        if k == 1:  # the API's defaults: state0=None means zeros, dstate_T=None means no extra gradient
            inputs.update(H0=None, dstate_T=None)
            label += " state0=None dstate_T=None"
        cases.append(Case(label, inputs))
    return cases


def _forward(X, H0, params, bug=None):
    N, T, _ = X.shape
    H0 = np.zeros((N, params["W_hh"].shape[0]), X.dtype) if H0 is None or bug == "H0 ignored" else H0
    H, H_prevs, H_t = np.empty((N, T, H0.shape[1]), X.dtype), [], H0
    order = range(T - 1, -1, -1) if bug == "reversed" else range(T)
    for t in order:
        H_prev = H0 if bug == "not carried" else H_t
        H_t = _step_forward(X[:, t], H_prev, params, bug="W_hh.T" if bug == "W_hh.T" else None)
        H[:, t] = H_prev if bug == "stores H_prev" else H_t
        H_prevs.append(H_prev)
    return H, (H[:, 0] if bug == "returns H_1" else H_t), H_prevs


def _forward_outputs(X, H0, params, dH=None, dstate_T=None, bug=None):
    H, H_T, _ = _forward(X, H0, params, bug)
    return {"H": H, "H_T": H_T}


def _call_forward(fns, i):
    H, H_T, _ = pair(fns[0](i["X"], i["H0"], i["params"]), "H, H_T, cache", 3)
    return {"H": H, "H_T": H_T}


FORWARD = Spec("rnn_forward", _forward_outputs, _seq_cases, _call_forward, mutants(
    _forward_outputs,
    ("H0 ignored", "the initial state is ignored (the loop starts from zeros); start from state0.",
     "H_0 = state0, H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h)"),
    ("not carried", "the state is not carried: every step starts again from H_0 instead of H_{t-1}.",
     "H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h)"),
    ("reversed", "the loop reads the sequence backwards (t = T..1); the RNN reads X_1 first.",
     "for t = 1..T: H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h)"),
    ("stores H_prev", "H[:, t] stores the state before the step (off by one): it must hold H_t, "
     "computed from X_t.", "H[:, t-1] = H_t for t = 1..T (0-based index t-1)"),
    ("returns H_1", "the returned last state is H_1 (H[:, 0]); it must be H_T (H[:, -1]).",
     "state_T = H_T"),
    ("W_hh.T", "W_hh is transposed: the state is a row vector, so it is H_{t-1} W_hh.",
     "H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h)"),
))


def _backward_outputs(X, H0, params, dH, dstate_T, bug=None):
    H, _, H_prevs = _forward(X, H0, params)
    N, T, _ = X.shape
    dX = np.zeros_like(X)
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dnext = np.zeros_like(H[:, 0]) if dstate_T is None or bug == "dstate_T ignored" else dstate_T
    order = range(T) if bug == "forward loop" else range(T - 1, 0 if bug == "stops at t=2" else -1, -1)
    step_bug = bug if bug in {m[0] for m in STEP_BACKWARD_MUTANTS} else None
    for t in order:
        d_total = dH[:, t] if bug == "no carry" else dH[:, t] + dnext
        dX[:, t], dnext, step = _step_backward(d_total, X[:, t], H_prevs[t], H[:, t], params, step_bug)
        for k in grads:
            grads[k] = step[k] if bug == "grads overwritten" else grads[k] + step[k]
    return {"dX": dX, "dH0": dnext, **{"d" + k: grads[k] for k in KEYS}}


def _call_backward(fns, i):
    forward, backward = fns
    _, _, cache = pair(forward(i["X"], i["H0"], i["params"]), "H, H_T, cache", 3)
    return _grads_of(backward(i["dH"], cache, i["dstate_T"]), ("dX", "dH0"))


# the mistakes of a BPTT loop that do not depend on the cell (chapter 05's checks use them too)
BPTT_LOOP_MUTANTS = (
    ("forward loop", "the loop runs forwards (t = 1..T); BPTT must go from t = T down to 1, because "
     "dH_t needs the gradient coming back from step t+1.", "for t = T..1"),
    ("stops at t=2", "the loop stops one step early (off by one): step t = 1 (index 0) is never "
     "backpropagated; use range(T-1, -1, -1).", "for t = T..1 (0-based indices T-1..0)"),
    ("dstate_T ignored", "dstate_T is ignored: the gradient on the last state starts the carried "
     "gradient (zeros only when dstate_T is None).", "dH_T = dH[:, T] + dstate_T"),
)

BACKWARD = Spec("rnn_backward", _backward_outputs, _seq_cases, _call_backward, mutants(
    _backward_outputs,
    ("no carry", "the gradient coming back from step t+1 is not added: H_t feeds both O_t and "
     "H_{t+1}, so the gradient reaching it is dH[:, t] plus dA_{t+1} W_hhᵀ.", "dH_t = dO_t W_hqᵀ + dA_{t+1} W_hhᵀ"),
    *BPTT_LOOP_MUTANTS,
    ("grads overwritten", "the weight gradients are not summed over time (each step overwrites "
     "them): W_xh, W_hh, b_h are shared by every step.", "dW_xh = Σ_t X_tᵀ dA_t (and likewise dW_hh, db_h)"),
    *STEP_BACKWARD_MUTANTS,
))


def check_rnn_step_forward(rnn_step_forward, verbose=True):
    """rnn_step_forward(X_t (N, D), H_prev (N, H), params) -> (H_t (N, H), cache)."""
    return report(STEP_FORWARD, rnn_step_forward, verbose=verbose)


def check_rnn_step_backward(rnn_step_forward, rnn_step_backward, verbose=True):
    """rnn_step_backward(dH_t, cache) -> (dX_t, dH_prev, grads); the cache is from the learner's forward."""
    return report(STEP_BACKWARD, rnn_step_forward, rnn_step_backward, verbose=verbose)


def check_rnn_forward(rnn_forward, verbose=True):
    """rnn_forward(X (N, T, D), state0 (N, H) or None, params) -> (H (N, T, H), H_T (N, H), cache)."""
    return report(FORWARD, rnn_forward, verbose=verbose)


def check_rnn_backward(rnn_forward, rnn_backward, verbose=True):
    """rnn_backward(dH (N, T, H), cache, dstate_T (N, H) or None) -> (dX, dH0, grads)."""
    return report(BACKWARD, rnn_forward, rnn_backward, verbose=verbose)


SPECS = {spec.name: spec for spec in (STEP_FORWARD, STEP_BACKWARD, FORWARD, BACKWARD)}
