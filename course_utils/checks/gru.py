"""Checkers for the chapter 05 workbook: the GRU step and BPTT, in both forms.

    R_t = σ(X_t W_xr + H_{t-1} W_hr + b_r),   Z_t = σ(X_t W_xz + H_{t-1} W_hz + b_z)
    Cho (reset_after=False):    H̃_t = tanh(X_t W_xh + (R_t ⊙ H_{t-1}) W_hh + b_h)
    reset-after (True):         H̃_t = tanh(X_t W_xh + b_h + R_t ⊙ G_t),   G_t = H_{t-1} W_hh + b_hh
    H_t = Z_t ⊙ H_{t-1} + (1 − Z_t) ⊙ H̃_t

Every check tries both forms (the case labels say which) on shapes with N ≠ D ≠ H ≠ T, in float64
and float32. The mutant library holds the convention mix-ups of chapter 05 (z and 1 − z swapped,
the reset gate on the wrong side of W_hh, b_hh outside the reset product or missing, the seed
notes' h_{t-1} * r_t formula) and the usual backward slips (dZ's sign, a missing path). Bugs are
switches of one reference implementation, ``_step`` and ``_step_back``, which the tests check
against finite differences and course_utils.gru.
"""

import numpy as np

from ..activations import sigmoid
from .core import Case, Mismatch, Spec, mutants, pair, randn, report
from .rnn import BPTT_LOOP_MUTANTS

# N, T, D, H, dtype, reset_after: both forms in both dtypes
SIZES = [(3, 4, 5, 6, np.float64, False), (2, 5, 3, 4, np.float64, True),
         (4, 3, 6, 5, np.float32, False), (3, 4, 5, 6, np.float32, True)]
CHO, AFTER = "reset_after=False", "reset_after=True"


def _keys(reset_after):
    keys = [f"{w}{g}" for g in "rzh" for w in ("W_x", "W_h", "b_")]
    return keys + ["b_hh"] if reset_after else keys


def _params(rng, D, H, dtype, reset_after):
    params = {}
    for g in "rzh":
        params.update({f"W_x{g}": randn(rng, (D, H), dtype, 0.5), f"W_h{g}": randn(rng, (H, H), dtype, 0.4),
                       f"b_{g}": randn(rng, (H,), dtype, 0.4)})
    if reset_after:
        params["b_hh"] = randn(rng, (H,), dtype, 0.4)
    return params


def _label(N, T, D, H, dtype, reset_after, t=True):
    return f"reset_after={reset_after} N={N}{f' T={T}' if t else ''} D={D} H={H} {np.dtype(dtype).name}"


def _step_cases(rng):
    return [Case(_label(N, T, D, H, dtype, ra, t=False),
                 {"X_t": randn(rng, (N, D), dtype), "H_prev": randn(rng, (N, H), dtype, 0.5),
                  "params": _params(rng, D, H, dtype, ra), "reset_after": ra, "dH_t": randn(rng, (N, H), dtype)})
            for N, T, D, H, dtype, ra in SIZES]


# --- the reference, with its bugs --------------------------------------------------------------

def _step(X_t, H_prev, p, reset_after, bug=None):
    """One forward step: a dict of every intermediate the backward pass needs."""
    r, z = ("z", "r") if bug == "r and z swapped" else ("r", "z")
    W = (lambda key: p[key].T) if bug == "W_h transposed" else (lambda key: p[key])
    R = sigmoid(X_t @ p[f"W_x{r}"] + H_prev @ W(f"W_h{r}") + p[f"b_{r}"])
    Z = sigmoid(X_t @ p[f"W_x{z}"] + H_prev @ W(f"W_h{z}") + p[f"b_{z}"])
    R_used = np.ones_like(R) if bug == "no reset" else R
    XW_b = X_t @ p["W_xh"] + p["b_h"]
    G = None
    if reset_after and bug == "reset before product":
        A_h = XW_b + (R_used * H_prev) @ W("W_hh") + p["b_hh"]
    elif reset_after and bug in ("b_hh outside", "b_hh missing"):
        A_h = XW_b + R_used * (H_prev @ W("W_hh")) + (p["b_hh"] if bug == "b_hh outside" else 0)
    elif reset_after or bug == "reset after product":
        G = H_prev @ W("W_hh") + (p["b_hh"] if reset_after else 0)      # G_t = H_{t-1} W_hh + b_hh
        A_h = XW_b + R_used * G
    else:
        A_h = XW_b + (R_used * H_prev) @ W("W_hh")
    H_tilde = sigmoid(A_h) if bug == "sigmoid candidate" else np.tanh(A_h)
    if bug == "z swapped":
        H_t = (1 - Z) * H_prev + Z * H_tilde
    elif bug == "seed formula":
        H_t = H_prev * R + (1 - Z) * H_tilde
    else:
        H_t = Z * H_prev + (1 - Z) * H_tilde
    return {"R": R, "Z": Z, "G": G, "H_tilde": H_tilde, "H_t": H_t}


def _step_back(dH_t, X_t, H_prev, p, reset_after, bug=None):
    """(dX_t, dH_prev, grads) of one step of the correct forward pass (or the swapped convention's)."""
    swapped = bug == "z swapped (forward and backward)"
    f = _step(X_t, H_prev, p, reset_after, "z swapped" if swapped else None)
    R, Z, G, H_tilde = f["R"], f["Z"], f["G"], f["H_tilde"]
    keep, write = (1 - Z, Z) if swapped else (Z, 1 - Z)                  # the weights of H_{t-1} and H̃_t
    dZ = dH_t * (H_tilde - H_prev if bug == "dZ sign" or swapped else H_prev - H_tilde)
    dH_tilde = dH_t if bug == "no (1 − Z) on dH̃" else dH_t * write
    dH_prev = 0 if bug == "no direct path" else dH_t * keep
    dA_h = dH_tilde if bug == "no tanh'" else dH_tilde * (1 - H_tilde**2)
    g = {}
    if reset_after:
        dG = dA_h if bug == "dG without R" else dA_h * R
        dR = dA_h * (G - p["b_hh"] if bug == "dR without b_hh" else G)
        dH_prev = dH_prev + dG @ p["W_hh"].T
        g["W_hh"], g["b_hh"] = H_prev.T @ dG, (dA_h if bug == "db_hh without R" else dG).sum(axis=0)
    else:
        dRH = dA_h @ p["W_hh"].T                                          # at R_t ⊙ H_{t-1}
        dR = dRH * H_prev
        dH_prev = dH_prev + (dRH if bug == "dH_prev misses R" else dRH * R)
        g["W_hh"] = (H_prev if bug == "dW_hh uses H_prev" else R * H_prev).T @ dA_h
    slope = (lambda s: 1 - s**2) if bug == "σ' as tanh'" else (lambda s: s * (1 - s))
    dA = {"r": np.zeros_like(dR) if bug == "no reset path" else dR * slope(R), "z": dZ * slope(Z), "h": dA_h}
    dX_t = sum(dA[k] @ p[f"W_x{k}"].T for k in "rzh")
    dH_prev = dH_prev + dA["r"] @ p["W_hr"].T + dA["z"] @ p["W_hz"].T
    for k in "rzh":
        g[f"W_x{k}"], g[f"b_{k}"] = X_t.T @ dA[k], dA[k].sum(axis=0)
    g["W_hr"], g["W_hz"] = H_prev.T @ dA["r"], H_prev.T @ dA["z"]
    return dX_t, dH_prev, g


def _gradients(names, dX, dstate, grads, keys):
    return {names[0]: dX, names[1]: dstate, **{"d" + k: grads[k] for k in keys}}


def _learner_gradients(value, names, params):
    dX, dstate, grads = pair(value, ", ".join(names) + ", grads", 3)
    keys = list(params)
    if not isinstance(grads, dict) or set(grads) != set(keys):
        raise Mismatch(f"grads must be a dict with the keys of params {keys}; got "
                       f"{sorted(grads) if isinstance(grads, dict) else type(grads).__name__}")
    return _gradients(names, dX, dstate, grads, keys)


# --- gru_step_forward -----------------------------------------------------------------------------

CONVERT = ("This course, Cho et al. (2014), PyTorch and Keras weight the OLD state by Z_t (Z_t = 1 keeps it). "
           "To convert, exchange Z_t and 1 − Z_t in the last line; trained weights of the other convention "
           "carry over by negating W_xz, W_hz and b_z, since σ(−a) = 1 − σ(a).")
LAST_LINE = "H_t = Z_t ⊙ H_{t-1} + (1 − Z_t) ⊙ H̃_t"
CANDIDATE = {CHO: "H̃_t = tanh(X_t W_xh + (R_t ⊙ H_{t-1}) W_hh + b_h)",
             AFTER: "H̃_t = tanh(X_t W_xh + b_h + R_t ⊙ (H_{t-1} W_hh + b_hh))"}
BOTH = f"{CHO}: {CANDIDATE[CHO]};  {AFTER}: {CANDIDATE[AFTER]}"

STEP_FORWARD_MUTANTS = (
    ("z swapped", "you wrote the swapped convention H_t = (1 − Z_t) ⊙ H_{t-1} + Z_t ⊙ H̃_t, where Z_t = 1 "
     "means 'replace' (Chung et al. 2014, Karpathy et al. 2015, Wikipedia). " + CONVERT, LAST_LINE),
    ("seed formula", "you wrote h_t = h_{t-1} * r_t + (1 − z_t) * h̃_t, the formula printed in the revision notes "
     "this course grew from, which is wrong (chapter 05, section 3): the reset gate does not belong in the last "
     "line, and the old state's weight is the update gate Z_t, so that the two weights add up to 1.", LAST_LINE),
    ("reset after product", f"with {CHO} (Cho et al.) the reset gate scales H_{{t-1}} BEFORE the product with W_hh; "
     "you wrote R_t ⊙ (H_{t-1} W_hh), the order of the reset-after form (cuDNN, PyTorch).", CANDIDATE[CHO]),
    ("reset before product", f"with {AFTER} the reset gate scales the recurrent product AFTER it, "
     "R_t ⊙ (H_{t-1} W_hh + b_hh); you wrote (R_t ⊙ H_{t-1}) W_hh, the order of the Cho form.", CANDIDATE[AFTER]),
    ("b_hh outside", f"with {AFTER}, b_hh is added outside the reset product; it belongs inside, "
     "R_t ⊙ (H_{t-1} W_hh + b_hh) (outside it would only add to b_h: that is why this form has a second bias).",
     CANDIDATE[AFTER]),
    ("b_hh missing", f"with {AFTER}, b_hh is missing: the reset gate multiplies H_{{t-1}} W_hh + b_hh, "
     "with the bias inside the product (PyTorch's b_hn).", CANDIDATE[AFTER]),
    ("no reset", "the reset gate is computed but never used: it multiplies the old state's share of the "
     "candidate (H_{t-1} in the Cho form, H_{t-1} W_hh + b_hh in the reset-after form).", BOTH),
    ("r and z swapped", "the reset and update gates are exchanged: R_t uses W_xr, W_hr, b_r and scales the "
     "candidate's old state; Z_t uses W_xz, W_hz, b_z and weights the interpolation.",
     "R_t = σ(X_t W_xr + H_{t-1} W_hr + b_r),  Z_t = σ(X_t W_xz + H_{t-1} W_hz + b_z)"),
    ("sigmoid candidate", "the candidate uses σ; it uses tanh (the gates use σ), so that H̃_t can be negative.",
     "H̃_t = tanh(...)"),
    ("W_h transposed", "the recurrent matrices are transposed: the state is a row vector, so it is "
     "H_{t-1} W_hr, H_{t-1} W_hz and ... W_hh (rows indexed by the previous state's units).",
     "R_t = σ(X_t W_xr + H_{t-1} W_hr + b_r)"),
)


def _step_forward_outputs(X_t, H_prev, params, reset_after, dH_t=None, bug=None):
    return {"H_t": _step(X_t, H_prev, params, reset_after, bug)["H_t"]}


def _call_step_forward(fns, i):
    H_t, _ = pair(fns[0](i["X_t"], i["H_prev"], i["params"], reset_after=i["reset_after"]), "H_t, cache")
    return {"H_t": H_t}


STEP_FORWARD = Spec("gru_step_forward", _step_forward_outputs, _step_cases, _call_step_forward,
                    mutants(_step_forward_outputs, *STEP_FORWARD_MUTANTS))


# --- gru_step_backward ----------------------------------------------------------------------------

STEP_BACKWARD_MUTANTS = (
    ("z swapped (forward and backward)", "your forward and backward passes agree with each other but use the "
     "swapped convention H_t = (1 − Z_t) ⊙ H_{t-1} + Z_t ⊙ H̃_t (Chung et al. 2014, Karpathy et al. 2015). "
     + CONVERT + " In the backward pass: dZ_t = dH_t ⊙ (H_{t-1} − H̃_t), dH̃_t = dH_t ⊙ (1 − Z_t), "
     "and the direct path dH_t ⊙ Z_t.", LAST_LINE),
    ("dZ sign", "dZ_t has the wrong sign: H_t = Z_t ⊙ H_{t-1} + (1 − Z_t) ⊙ H̃_t, so ∂H_t/∂Z_t = H_{t-1} − H̃_t.",
     "dZ_t = dH_t ⊙ (H_{t-1} − H̃_t)"),
    ("no reset path", "the gradient through the reset gate is missing (dR_t, and with it dW_xr, dW_hr, db_r "
     "and R_t's share of dX_t and dH_{t-1}).",
     "Cho: dR_t = (dA_h W_hhᵀ) ⊙ H_{t-1};  reset-after: dR_t = dA_h ⊙ G_t;  then dA_r = dR_t ⊙ R_t(1 − R_t)"),
    ("no direct path", "dH_prev misses the direct path: H_{t-1} enters the interpolation itself, "
     "which sends dH_t ⊙ Z_t straight back (the GRU's gradient highway).", "dH_{t-1} = dH_t ⊙ Z_t + ..."),
    ("no (1 − Z) on dH̃", "the candidate's gradient skips its weight: H̃_t enters H_t multiplied by 1 − Z_t.",
     "dH̃_t = dH_t ⊙ (1 − Z_t)"),
    ("no tanh'", "the gradient skips tanh': multiply dH̃_t by 1 − H̃_t² to get dA_h.",
     "dA_h = dH̃_t ⊙ (1 − H̃_t²)"),
    ("σ' as tanh'", "the gates' slope is written as 1 − σ²; σ'(a) = σ(a)(1 − σ(a)).",
     "dA_r = dR_t ⊙ R_t(1 − R_t),  dA_z = dZ_t ⊙ Z_t(1 − Z_t)"),
    ("dH_prev misses R", f"with {CHO}, the path through R_t ⊙ H_{{t-1}} is not multiplied by R_t.",
     "dH_{t-1} += (dA_h W_hhᵀ) ⊙ R_t"),
    ("dW_hh uses H_prev", f"with {CHO}, dW_hh uses H_{{t-1}}; W_hh multiplied R_t ⊙ H_{{t-1}}.",
     "dW_hh = (R_t ⊙ H_{t-1})ᵀ dA_h"),
    ("dG without R", f"with {AFTER}, the gradient at G_t = H_{{t-1}} W_hh + b_hh is not multiplied by R_t.",
     "dG_t = dA_h ⊙ R_t"),
    ("dR without b_hh", f"with {AFTER}, dR_t leaves out b_hh: R_t multiplies the whole G_t = H_{{t-1}} W_hh + b_hh.",
     "dR_t = dA_h ⊙ (H_{t-1} W_hh + b_hh)"),
    ("db_hh without R", f"with {AFTER}, db_hh sums dA_h; b_hh sits inside the reset product, so it sums dA_h ⊙ R_t.",
     "db_hh = Σ_n dG_t = Σ_n dA_h ⊙ R_t"),
)


def _step_backward_outputs(X_t, H_prev, params, reset_after, dH_t, bug=None):
    return _gradients(("dX_t", "dH_prev"), *_step_back(dH_t, X_t, H_prev, params, reset_after, bug),
                      _keys(reset_after))


def _call_step_backward(fns, i):
    forward, backward = fns
    _, cache = pair(forward(i["X_t"], i["H_prev"], i["params"], reset_after=i["reset_after"]), "H_t, cache")
    return _learner_gradients(backward(i["dH_t"], cache), ("dX_t", "dH_prev"), i["params"])


STEP_BACKWARD = Spec("gru_step_backward", _step_backward_outputs, _step_cases, _call_step_backward,
                     mutants(_step_backward_outputs, *STEP_BACKWARD_MUTANTS))


# --- gru_forward and gru_backward -------------------------------------------------------------------

def _seq_cases(rng):
    cases = []
    for k, (N, T, D, H, dtype, ra) in enumerate(SIZES):
        inputs = {"X": randn(rng, (N, T, D), dtype), "H0": randn(rng, (N, H), dtype, 0.5),
                  "params": _params(rng, D, H, dtype, ra), "reset_after": ra,
                  "dH": randn(rng, (N, T, H), dtype), "dstate_T": randn(rng, (N, H), dtype)}
        label = _label(N, T, D, H, dtype, ra)
        if k == 1:  # the API's defaults: state0=None means zeros, dstate_T=None means no extra gradient
            inputs.update(H0=None, dstate_T=None)
            label += " state0=None dstate_T=None"
        cases.append(Case(label, inputs))
    return cases


STEP_FORWARD_BUGS = {m[0] for m in STEP_FORWARD_MUTANTS}
STEP_BACKWARD_BUGS = {m[0] for m in STEP_BACKWARD_MUTANTS}


def _run_forward(X, H0, params, reset_after, bug=None):
    """(H (N, T, H), H_T, [H_{t-1} per step]) with a sequence-level or step-level bug."""
    N, T, _ = X.shape
    start = np.zeros((N, params["W_hh"].shape[0]), X.dtype) if H0 is None or bug == "H0 ignored" else H0
    step_bug = bug if bug in STEP_FORWARD_BUGS else None
    states, prevs, H_t = [None] * T, [None] * T, start
    for t in (reversed(range(T)) if bug == "reversed" else range(T)):
        prevs[t] = start if bug == "not carried" else H_t
        H_t = _step(X[:, t], prevs[t], params, reset_after, step_bug)["H_t"]
        states[t] = prevs[t] if bug == "stores H_prev" else H_t
    H = np.stack(states, axis=1)
    return H, (H[:, 0] if bug == "returns H_1" else H_t), prevs


def _forward_outputs(X, H0, params, reset_after, dH=None, dstate_T=None, bug=None):
    H, H_T, _ = _run_forward(X, H0, params, reset_after, bug)
    return {"H": H, "H_T": H_T}


def _call_forward(fns, i):
    H, H_T, _ = pair(fns[0](i["X"], i["H0"], i["params"], reset_after=i["reset_after"]), "H, H_T, cache", 3)
    return {"H": H, "H_T": H_T}


SEQUENCE = "for t = 1..T: H_t = gru_step(X_t, H_{t-1}), starting from H_0 = state0"
FORWARD = Spec("gru_forward", _forward_outputs, _seq_cases, _call_forward, mutants(
    _forward_outputs,
    ("H0 ignored", "the initial state is ignored (the loop starts from zeros); start from state0.", SEQUENCE),
    ("not carried", "the state is not carried: every step starts again from H_0 instead of H_{t-1}.", SEQUENCE),
    ("reversed", "the loop reads the sequence backwards (t = T..1); the GRU reads X_1 first.", SEQUENCE),
    ("stores H_prev", "H[:, t] stores the state before the step (off by one): it must hold H_t, computed "
     "from X_t.", "H[:, t-1] = H_t for t = 1..T (0-based index t-1)"),
    ("returns H_1", "the returned last state is H_1 (H[:, 0]); it must be H_T (H[:, -1]).", "state_T = H_T"),
    *STEP_FORWARD_MUTANTS,
))


def _backward_outputs(X, H0, params, reset_after, dH, dstate_T, bug=None):
    swapped = bug == "z swapped (forward and backward)"
    _, _, prevs = _run_forward(X, H0, params, reset_after, "z swapped" if swapped else None)
    T = X.shape[1]
    dX = np.zeros_like(X)
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dnext = np.zeros_like(dH[:, 0]) if dstate_T is None or bug == "dstate_T ignored" else dstate_T
    order = range(T) if bug == "forward loop" else range(T - 1, 0 if bug == "stops at t=2" else -1, -1)
    step_bug = bug if bug in STEP_BACKWARD_BUGS else None
    for t in order:
        d_total = dH[:, t] if bug == "no carry" else dH[:, t] + dnext
        dX[:, t], dnext, step = _step_back(d_total, X[:, t], prevs[t], params, reset_after, step_bug)
        for k in grads:
            grads[k] = step[k] if bug == "grads overwritten" else grads[k] + step[k]
    return _gradients(("dX", "dH0"), dX, dnext, grads, _keys(reset_after))


def _call_backward(fns, i):
    forward, backward = fns
    _, _, cache = pair(forward(i["X"], i["H0"], i["params"], reset_after=i["reset_after"]), "H, H_T, cache", 3)
    return _learner_gradients(backward(i["dH"], cache, i["dstate_T"]), ("dX", "dH0"), i["params"])


BACKWARD = Spec("gru_backward", _backward_outputs, _seq_cases, _call_backward, mutants(
    _backward_outputs,
    ("no carry", "the gradient coming back from step t+1 is not added: H_t feeds both its output and "
     "H_{t+1}, so the gradient reaching it is dH[:, t] plus the dH_prev of step t+1.",
     "dH_t = dH[:, t] + dH_prev(step t+1)"),
    *BPTT_LOOP_MUTANTS,
    ("grads overwritten", "the weight gradients are not summed over time (each step overwrites them): "
     "the GRU's weights are shared by every step.", "dW = Σ_t (the step's dW), for every parameter"),
    *STEP_BACKWARD_MUTANTS,
))


def check_gru_step_forward(gru_step_forward, verbose=True):
    """gru_step_forward(X_t (N, D), H_prev (N, H), params, reset_after=False) -> (H_t (N, H), cache); both forms."""
    return report(STEP_FORWARD, gru_step_forward, verbose=verbose)


def check_gru_step_backward(gru_step_forward, gru_step_backward, verbose=True):
    """gru_step_backward(dH_t, cache) -> (dX_t, dH_prev, grads); the cache is from the learner's forward."""
    return report(STEP_BACKWARD, gru_step_forward, gru_step_backward, verbose=verbose)


def check_gru_forward(gru_forward, verbose=True):
    """gru_forward(X (N, T, D), state0 (N, H) or None, params, reset_after=False) -> (H, H_T, cache)."""
    return report(FORWARD, gru_forward, verbose=verbose)


def check_gru_backward(gru_forward, gru_backward, verbose=True):
    """gru_backward(dH (N, T, H), cache, dstate_T (N, H) or None) -> (dX, dH0, grads)."""
    return report(BACKWARD, gru_forward, gru_backward, verbose=verbose)


SPECS = {spec.name: spec for spec in (STEP_FORWARD, STEP_BACKWARD, FORWARD, BACKWARD)}
