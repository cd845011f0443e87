"""Checkers for the chapter 04 workbook: the LSTM step and backpropagation through time.

    forward   I_t = σ(A_i), F_t = σ(A_f), O_t = σ(A_o), C̃_t = tanh(A_c),  A_g = X_t W_xg + H_{t-1} W_hg + b_g
              C_t = F_t ⊙ C_{t-1} + I_t ⊙ C̃_t,   H_t = O_t ⊙ tanh(C_t)
    backward  dO_t = dH_t ⊙ tanh(C_t),   dC_t = dC_next + dH_t ⊙ O_t ⊙ (1 − tanh²(C_t))
              dF_t = dC_t ⊙ C_{t-1},  dI_t = dC_t ⊙ C̃_t,  dC̃_t = dC_t ⊙ I_t,  dC_{t-1} = dC_t ⊙ F_t
              dA_g = dG_t ⊙ G_t (1 − G_t) for the gates i, f, o;  dA_c = dC̃_t ⊙ (1 − C̃_t²)
              dW_xg = X_tᵀ dA_g, dW_hg = H_{t-1}ᵀ dA_g, db_g = Σ_n dA_g;
              dX_t = Σ_g dA_g W_xgᵀ,  dH_{t-1} = Σ_g dA_g W_hgᵀ

The parameters are the course's twelve per-gate arrays (course_utils.lstm, DESIGN §3); the state is
the pair (H, C). Shapes always have N ≠ D ≠ H ≠ T, biases and states are non-zero, and one case is
float32. The backward checkers call the learner's own forward function for the cache: only public
return values are compared. Every mutant is a switch (``bug=``) of the one reference below, which
tests/test_checks_lstm.py compares with course_utils.lstm and with finite differences.
"""

import numpy as np

from ..activations import sigmoid
from .core import Case, Mismatch, Spec, mutants, pair, randn, report

GATES = "ifoc"
KEYS = tuple(f"{prefix}{g}" for g in GATES for prefix in ("W_x", "W_h", "b_"))
SIZES = [(3, 4, 5, 6, np.float64), (2, 5, 3, 4, np.float64), (4, 3, 6, 5, np.float32)]  # N, T, D, H, dtype
# which gate's parameters compute I_t, F_t, O_t, C̃_t when a learner mixes two gates up
SWAPPED = {"i<->f": "fioc", "f<->o": "iofc", "i<->o": "ofic"}
GATE_EQUATION = "I_t = σ(X_t W_xi + H_{t-1} W_hi + b_i), F_t = σ(X_t W_xf + ...), O_t = σ(X_t W_xo + ...)"


def _params(rng, D, H, dtype):
    params = {}
    for g in GATES:
        params.update({f"W_x{g}": randn(rng, (D, H), dtype, 0.5), f"W_h{g}": randn(rng, (H, H), dtype, 0.4),
                       f"b_{g}": randn(rng, (H,), dtype, 0.5)})
    return params


def _label(N, T, D, H, dtype, t=True):
    return f"random N={N}{f' T={T}' if t else ''} D={D} H={H} {np.dtype(dtype).name}"


def _step_cases(rng):
    return [Case(_label(N, T, D, H, dtype, t=False),
                 {"X_t": randn(rng, (N, D), dtype), "H_prev": randn(rng, (N, H), dtype, 0.5),
                  "C_prev": randn(rng, (N, H), dtype), "params": _params(rng, D, H, dtype),
                  "dH_t": randn(rng, (N, H), dtype), "dC_t": randn(rng, (N, H), dtype)})
            for N, T, D, H, dtype in SIZES]


def _step_forward(X_t, H_prev, C_prev, params, bug=None):
    """(H_t, C_t, G) of one step, G = {"i": I_t, "f": F_t, "o": O_t, "c": C̃_t}, with the named bug."""
    def pre(g):
        W_h = params[f"W_h{g}"].T if bug == "W_h.T" else params[f"W_h{g}"]
        A = X_t @ params[f"W_x{g}"] + H_prev @ W_h
        return A if bug == "no b_f" and g == "f" else A + params[f"b_{g}"]

    A = {slot: pre(g) for slot, g in zip(GATES, SWAPPED.get(bug, GATES))}
    gate, candidate = (np.tanh, sigmoid) if bug == "σ and tanh swapped" else (sigmoid, np.tanh)
    G = {g: gate(A[g]) for g in "ifo"}
    G["c"] = sigmoid(A["c"]) if bug == "candidate σ" else candidate(A["c"])
    I_t, F_t, O_t, Cc_t = G["i"], G["f"], G["o"], G["c"]
    C_t = {"no forget gate": C_prev + I_t * Cc_t,
           "H_prev in forget product": F_t * H_prev + I_t * Cc_t}.get(bug, F_t * C_prev + I_t * Cc_t)
    H_t = O_t * C_t if bug == "no tanh(C_t)" else O_t * np.tanh(C_t)
    return H_t, C_t, G


def _step_backward(dH_t, dC_next, X_t, H_prev, C_prev, params, bug=None):
    """(dX_t, dH_prev, dC_prev, grads) of one step, with the named bug switched on."""
    H_t, C_t, G = _step_forward(X_t, H_prev, C_prev, params)
    I_t, F_t, O_t, Cc_t = G["i"], G["f"], G["o"], G["c"]
    tanh_C_t = np.tanh(C_t)
    dO_t = dH_t * (C_t if bug == "dO uses C_t" else tanh_C_t)
    slope = {"no tanh' in dC": 1, "1 − C_t² in dC": 1 - C_t**2}.get(bug, 1 - tanh_C_t**2)
    dC_t = (0 if bug == "dC_next not added" else dC_next) + dH_t * (1 if bug == "no O_t in dC" else O_t) * slope
    dF_t = dC_t * (C_t if bug == "dF uses C_t" else C_prev)
    dI_t, dCc_t = (dC_t * I_t, dC_t * Cc_t) if bug == "dI and dC̃ swapped" else (dC_t * Cc_t, dC_t * I_t)
    dC_prev = dC_t if bug == "dC_prev skips F" else dC_t * F_t
    dG = {"i": dI_t, "f": dF_t, "o": dO_t}
    dA = {g: dG[g] * (1 - G[g] ** 2 if bug == "tanh' for gates" else G[g] * (1 - G[g])) for g in "ifo"}
    dA["c"] = dCc_t * (Cc_t * (1 - Cc_t) if bug == "σ' for C̃" else 1 - Cc_t**2)
    grads = {}
    for g in GATES:
        grads[f"W_x{g}"] = X_t.T @ dA[g]
        grads[f"W_h{g}"] = (H_t if bug == "H_t for H_prev" else H_prev).T @ dA[g]
        grads[f"b_{g}"] = dA[g].mean(axis=0) if bug == "db mean" else dA[g].sum(axis=0)
    dX_t = sum(dA[g] @ params[f"W_x{g}"].T for g in GATES)
    dH_prev = sum(dA[g] @ (params[f"W_h{g}"] if bug == "W_h not transposed" else params[f"W_h{g}"].T) for g in GATES)
    return dX_t, dH_prev, dC_prev, grads


def _named_grads(dX, dstate, grads, names):
    """The learner's (dX, (dH, dC), grads) as one dict of arrays, or Mismatch naming what is wrong."""
    dH, dC = pair(dstate, f"({names[1]}, {names[2]}) as the second return value")
    if not isinstance(grads, dict) or set(grads) != set(KEYS):
        raise Mismatch(f"grads must be a dict with the twelve keys of params {list(KEYS)}; got "
                       f"{sorted(grads) if isinstance(grads, dict) else type(grads).__name__}")
    return {names[0]: dX, names[1]: dH, names[2]: dC, **{"d" + k: grads[k] for k in KEYS}}


def _state(value, what, names):
    return pair(value, f"{what} ({names})")


# --- lstm_step_forward ---------------------------------------------------------------------------

def _step_forward_outputs(X_t, H_prev, C_prev, params, dH_t=None, dC_t=None, bug=None):
    H_t, C_t, _ = _step_forward(X_t, H_prev, C_prev, params, bug)
    return {"H_t": C_t, "C_t": H_t} if bug == "(C_t, H_t) returned" else {"H_t": H_t, "C_t": C_t}


def _call_step_forward(fns, i):
    state, _ = pair(fns[0](i["X_t"], (i["H_prev"], i["C_prev"]), i["params"]), "(H_t, C_t), cache")
    H_t, C_t = _state(state, "the state", "H_t, C_t")
    return {"H_t": H_t, "C_t": C_t}


STEP_FORWARD_MUTANTS = (
    ("i<->f", "the input and forget gates are swapped: the gate computed with W_xi, W_hi, b_i multiplies "
     "C_{t-1} and the one with W_xf, W_hf, b_f the candidate (either the two gates use each other's "
     "parameters, or C_{t-1} and C̃_t are swapped in the cell update: both give these numbers).",
     "C_t = F_t ⊙ C_{t-1} + I_t ⊙ C̃_t with F_t = σ(X_t W_xf + H_{t-1} W_hf + b_f), I_t = σ(X_t W_xi + ...)"),
    ("f<->o", "the forget and output gates are swapped: F_t is computed with W_xo, W_ho, b_o and O_t "
     "with W_xf, W_hf, b_f.", GATE_EQUATION),
    ("i<->o", "the input and output gates are swapped: I_t is computed with W_xo, W_ho, b_o and O_t "
     "with W_xi, W_hi, b_i.", GATE_EQUATION),
    ("candidate σ", "the candidate uses σ; it uses tanh, so that it can add negative as well as positive "
     "content (the gates use σ: they are fractions between 0 and 1).", "C̃_t = tanh(X_t W_xc + H_{t-1} W_hc + b_c)"),
    ("σ and tanh swapped", "σ and tanh are swapped: the three gates use σ (values in (0, 1)), the "
     "candidate uses tanh.", "I_t, F_t, O_t = σ(...),  C̃_t = tanh(X_t W_xc + H_{t-1} W_hc + b_c)"),
    ("no b_f", "the forget-gate bias b_f is missing (it is what sets F_t near 1 at the start).",
     "F_t = σ(X_t W_xf + H_{t-1} W_hf + b_f)"),
    ("W_h.T", "the recurrent matrices are transposed: the state is a row vector, so it is H_{t-1} W_h*.",
     "A_g = X_t W_xg + H_{t-1} W_hg + b_g"),
    ("no forget gate", "the forget gate is not applied: C_t = C_{t-1} + I_t ⊙ C̃_t is the LSTM of 1997, "
     "before the forget gate (Gers et al. 2000).", "C_t = F_t ⊙ C_{t-1} + I_t ⊙ C̃_t"),
    ("H_prev in forget product", "the forget gate multiplies H_{t-1}; it scales the previous CELL state C_{t-1}.",
     "C_t = F_t ⊙ C_{t-1} + I_t ⊙ C̃_t"),
    ("no tanh(C_t)", "H_t = O_t ⊙ C_t: the cell state goes through tanh before the output gate.",
     "H_t = O_t ⊙ tanh(C_t)"),
    ("(C_t, H_t) returned", "the state comes back as (C_t, H_t); the course's order is (H_t, C_t).",
     "state_t = (H_t, C_t)"),
)

STEP_FORWARD = Spec("lstm_step_forward", _step_forward_outputs, _step_cases, _call_step_forward,
                    mutants(_step_forward_outputs, *STEP_FORWARD_MUTANTS))


# --- lstm_step_backward -------------------------------------------------------------------------------

def _step_backward_outputs(X_t, H_prev, C_prev, params, dH_t, dC_t, bug=None):
    dX_t, dH_prev, dC_prev, grads = _step_backward(dH_t, dC_t, X_t, H_prev, C_prev, params, bug)
    if bug == "(dC_prev, dH_prev) returned":
        dH_prev, dC_prev = dC_prev, dH_prev
    return {"dX_t": dX_t, "dH_prev": dH_prev, "dC_prev": dC_prev, **{"d" + k: grads[k] for k in KEYS}}


def _call_step_backward(fns, i):
    forward, backward = fns
    _, cache = pair(forward(i["X_t"], (i["H_prev"], i["C_prev"]), i["params"]), "(H_t, C_t), cache")
    dX_t, dstate, grads = pair(backward((i["dH_t"], i["dC_t"]), cache), "dX_t, (dH_prev, dC_prev), grads", 3)
    return _named_grads(dX_t, dstate, grads, ("dX_t", "dH_prev", "dC_prev"))


STEP_BACKWARD_MUTANTS = (
    ("no tanh' in dC", "dC_t forgets the derivative of tanh(C_t): the path through H_t = O_t ⊙ tanh(C_t) "
     "contributes dH_t ⊙ O_t ⊙ (1 − tanh²(C_t)).", "dC_t = dC_next + dH_t ⊙ O_t ⊙ (1 − tanh²(C_t))"),
    ("1 − C_t² in dC", "tanh' is applied to C_t itself: the slope of tanh at C_t is 1 − tanh²(C_t), "
     "not 1 − C_t² (C_t is not a tanh output; tanh(C_t) is).", "dC_t = dC_next + dH_t ⊙ O_t ⊙ (1 − tanh²(C_t))"),
    ("no O_t in dC", "the path from H_t to C_t forgets the output gate: H_t = O_t ⊙ tanh(C_t), so it "
     "carries dH_t ⊙ O_t ⊙ (1 − tanh²(C_t)).", "dC_t = dC_next + dH_t ⊙ O_t ⊙ (1 − tanh²(C_t))"),
    ("dC_next not added", "the gradient arriving along the cell from step t+1 (dC_t in dstate_t) is not "
     "added: C_t feeds both H_t and C_{t+1}.", "dC_t = dC_next + dH_t ⊙ O_t ⊙ (1 − tanh²(C_t))"),
    ("dO uses C_t", "the output gate's gradient uses C_t; H_t = O_t ⊙ tanh(C_t), so it is dH_t ⊙ tanh(C_t).",
     "dO_t = dH_t ⊙ tanh(C_t)"),
    ("dF uses C_t", "the forget gate's gradient uses C_t; the forget gate multiplied C_{t-1} (the "
     "previous cell state, C_prev).", "dF_t = dC_t ⊙ C_{t-1}"),
    ("dC_prev skips F", "dC_prev is dC_t itself; C_{t-1} was multiplied by F_t, so its gradient is dC_t ⊙ F_t.",
     "dC_{t-1} = dC_t ⊙ F_t"),
    ("dI and dC̃ swapped", "dI_t and dC̃_t are swapped: each factor of I_t ⊙ C̃_t gets the OTHER one "
     "times dC_t.", "dI_t = dC_t ⊙ C̃_t,  dC̃_t = dC_t ⊙ I_t"),
    ("tanh' for gates", "the gates' slope is written as 1 − s² (tanh'); they are sigmoids: σ' = s(1 − s).",
     "dA_g = dG_t ⊙ G_t (1 − G_t) for g = i, f, o"),
    ("σ' for C̃", "the candidate's slope is written as σ' = s(1 − s); the candidate is a tanh: 1 − C̃_t².",
     "dA_c = dC̃_t ⊙ (1 − C̃_t²)"),
    ("W_h not transposed", "dH_prev multiplies by W_h*; the backward of H_{t-1} W_h* multiplies by W_h*ᵀ.",
     "dH_{t-1} = Σ_g dA_g W_hgᵀ"),
    ("H_t for H_prev", "dW_h* uses H_t where H_{t-1} belongs: the recurrent matrices multiplied the "
     "previous state.", "dW_hg = H_{t-1}ᵀ dA_g"),
    ("db mean", "the biases' gradients are averaged over the batch; a bias is added to every example, "
     "so its gradient is the sum.", "db_g = Σ_n dA_g[n]"),
    ("(dC_prev, dH_prev) returned", "the state gradient comes back as (dC_prev, dH_prev); the course's "
     "order is (dH_prev, dC_prev), like the state (H, C).", "dstate_{t-1} = (dH_{t-1}, dC_{t-1})"),
)

STEP_BACKWARD = Spec("lstm_step_backward", _step_backward_outputs, _step_cases, _call_step_backward,
                     mutants(_step_backward_outputs, *STEP_BACKWARD_MUTANTS))


# --- lstm_forward and lstm_backward -----------------------------------------------------------------

def _seq_cases(rng):
    cases = []
    for k, (N, T, D, H, dtype) in enumerate(SIZES):
        inputs = {"X": randn(rng, (N, T, D), dtype),
                  "state0": (randn(rng, (N, H), dtype, 0.5), randn(rng, (N, H), dtype)),
                  "params": _params(rng, D, H, dtype), "dH": randn(rng, (N, T, H), dtype),
                  "dstate_T": (randn(rng, (N, H), dtype), randn(rng, (N, H), dtype))}
        label = _label(N, T, D, H, dtype)
        if k == 1:  # the API's defaults: state0=None means zeros, dstate_T=None means no extra gradient
            inputs.update(state0=None, dstate_T=None)
            label += " state0=None dstate_T=None"
        cases.append(Case(label, inputs))
    return cases


STEP_FORWARD_BUGS = {m[0] for m in STEP_FORWARD_MUTANTS} - {"(C_t, H_t) returned"}
STEP_BACKWARD_BUGS = {m[0] for m in STEP_BACKWARD_MUTANTS} - {"(dC_prev, dH_prev) returned"}


def _forward(X, state0, params, bug=None):
    """(H (N, T, H), H_T, C_T, [(H_{t-1}, C_{t-1}) per step]) with the named bug."""
    N, T, _ = X.shape
    zeros = np.zeros((N, params["W_hi"].shape[0]), X.dtype)
    H0, C0 = (zeros, zeros) if state0 is None or bug == "state0 ignored" else state0
    H, prevs, H_t, C_t = np.empty((N, T, H0.shape[1]), X.dtype), [], H0, C0
    step_bug = bug if bug in STEP_FORWARD_BUGS else None
    for t in (range(T - 1, -1, -1) if bug == "reversed" else range(T)):
        H_prev = H0 if bug == "H not carried" else H_t
        C_prev = C0 if bug == "C not carried" else C_t
        H_t, C_t, _ = _step_forward(X[:, t], H_prev, C_prev, params, step_bug)
        H[:, t] = {"stores C_t": C_t, "stores H_prev": H_prev}.get(bug, H_t)
        prevs.append((H_prev, C_prev))
    return H, H_t, C_t, prevs


def _forward_outputs(X, state0, params, dH=None, dstate_T=None, bug=None):
    H, H_T, C_T, _ = _forward(X, state0, params, bug)
    return {"H": H, "H_T": C_T, "C_T": H_T} if bug == "(C_T, H_T) returned" else {"H": H, "H_T": H_T, "C_T": C_T}


def _call_forward(fns, i):
    H, state_T, _ = pair(fns[0](i["X"], i["state0"], i["params"]), "H, (H_T, C_T), cache", 3)
    H_T, C_T = _state(state_T, "the last state", "H_T, C_T")
    return {"H": H, "H_T": H_T, "C_T": C_T}


FORWARD = Spec("lstm_forward", _forward_outputs, _seq_cases, _call_forward, mutants(
    _forward_outputs,
    ("state0 ignored", "the initial state is ignored (the loop starts from zeros); start from "
     "state0 = (H_0, C_0), zeros only when state0 is None.", "(H_0, C_0) = state0"),
    ("C not carried", "the cell state is not carried: every step starts again from C_0 instead of C_{t-1}.",
     "C_t = F_t ⊙ C_{t-1} + I_t ⊙ C̃_t"),
    ("H not carried", "the hidden state is not carried: every step starts again from H_0 instead of H_{t-1}.",
     "A_g = X_t W_xg + H_{t-1} W_hg + b_g"),
    ("reversed", "the loop reads the sequence backwards (t = T..1); the LSTM reads X_1 first.",
     "for t = 1..T: (H_t, C_t) = step(X_t, (H_{t-1}, C_{t-1}))"),
    ("stores C_t", "H[:, t] stores the cell state C_t; the outputs are the hidden states H_t.",
     "H[:, t-1] = H_t for t = 1..T (0-based index t-1)"),
    ("stores H_prev", "H[:, t] stores the state before the step (off by one): it must hold H_t, computed from X_t.",
     "H[:, t-1] = H_t for t = 1..T (0-based index t-1)"),
    ("(C_T, H_T) returned", "the last state comes back as (C_T, H_T); the course's order is (H_T, C_T).",
     "state_T = (H_T, C_T)"),
    *STEP_FORWARD_MUTANTS[:-1],
))


def _backward_outputs(X, state0, params, dH, dstate_T, bug=None):
    H, _, _, prevs = _forward(X, state0, params)
    N, T, _ = X.shape
    dX = np.zeros_like(X)
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    zeros = np.zeros_like(H[:, 0])
    dH_next, dC_next = (zeros, zeros) if dstate_T is None or bug == "dstate_T ignored" else dstate_T
    if bug == "dC_T ignored":
        dC_next = zeros
    order = range(T) if bug == "forward loop" else range(T - 1, 0 if bug == "stops at t=2" else -1, -1)
    step_bug = bug if bug in STEP_BACKWARD_BUGS else None
    for t in order:
        dH_t = dH[:, t] if bug == "dH not carried" else dH[:, t] + dH_next
        dC_t = zeros if bug == "dC not carried" and t < T - 1 else dC_next
        dX[:, t], dH_next, dC_next, step = _step_backward(dH_t, dC_t, X[:, t], *prevs[t], params, step_bug)
        for k in grads:
            grads[k] = step[k] if bug == "grads overwritten" else grads[k] + step[k]
    return {"dX": dX, "dH0": dH_next, "dC0": dC_next, **{"d" + k: grads[k] for k in KEYS}}


def _call_backward(fns, i):
    forward, backward = fns
    _, _, cache = pair(forward(i["X"], i["state0"], i["params"]), "H, (H_T, C_T), cache", 3)
    dX, dstate0, grads = pair(backward(i["dH"], cache, i["dstate_T"]), "dX, (dH0, dC0), grads", 3)
    return _named_grads(dX, dstate0, grads, ("dX", "dH0", "dC0"))


BACKWARD = Spec("lstm_backward", _backward_outputs, _seq_cases, _call_backward, mutants(
    _backward_outputs,
    ("dC not carried", "the cell gradient is not carried from step t+1 to step t: pass the dC_prev of "
     "step t+1 on as the dC_next of step t, as you do with dH_prev.", "dC_t = dC_{t+1} ⊙ F_{t+1} + dH_t ⊙ O_t ⊙ (1 − tanh²(C_t))"),
    ("dH not carried", "the hidden-state gradient coming back from step t+1 is not added: H_t feeds its "
     "output and the four gates of step t+1.", "dH_t = dH[:, t] + Σ_g dA_g,t+1 W_hgᵀ"),
    ("forward loop", "the loop runs forwards (t = 1..T); BPTT goes from t = T down to 1, because step t "
     "needs the gradients coming back from step t+1.", "for t = T..1"),
    ("stops at t=2", "the loop stops one step early (off by one): step t = 1 (index 0) is never "
     "backpropagated; use range(T-1, -1, -1).", "for t = T..1 (0-based indices T-1..0)"),
    ("dstate_T ignored", "dstate_T is ignored: (dH_T, dC_T) start the carried gradients (zeros only when "
     "dstate_T is None).", "dH_T += dstate_T[0],  dC_T = dstate_T[1]"),
    ("dC_T ignored", "the cell part of dstate_T is ignored: dC_T starts the carried cell gradient.",
     "dC_T = dstate_T[1]"),
    ("grads overwritten", "the weight gradients are not summed over time (each step overwrites them): "
     "the twelve arrays are shared by every step.", "dW_xg = Σ_t X_tᵀ dA_g,t (and likewise dW_hg, db_g)"),
    *STEP_BACKWARD_MUTANTS[:-1],
))


def check_lstm_step_forward(lstm_step_forward, verbose=True):
    """lstm_step_forward(X_t (N, D), (H_prev, C_prev) each (N, H), params) -> ((H_t, C_t), cache)."""
    return report(STEP_FORWARD, lstm_step_forward, verbose=verbose)


def check_lstm_step_backward(lstm_step_forward, lstm_step_backward, verbose=True):
    """lstm_step_backward((dH_t, dC_t), cache) -> (dX_t, (dH_prev, dC_prev), grads); the cache is the learner's."""
    return report(STEP_BACKWARD, lstm_step_forward, lstm_step_backward, verbose=verbose)


def check_lstm_forward(lstm_forward, verbose=True):
    """lstm_forward(X (N, T, D), state0 (H0, C0) or None, params) -> (H (N, T, H), (H_T, C_T), cache)."""
    return report(FORWARD, lstm_forward, verbose=verbose)


def check_lstm_backward(lstm_forward, lstm_backward, verbose=True):
    """lstm_backward(dH (N, T, H), cache, dstate_T (dH_T, dC_T) or None) -> (dX, (dH0, dC0), grads)."""
    return report(BACKWARD, lstm_forward, lstm_backward, verbose=verbose)


SPECS = {spec.name: spec for spec in (STEP_FORWARD, STEP_BACKWARD, FORWARD, BACKWARD)}
