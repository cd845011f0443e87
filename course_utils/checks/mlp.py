"""Checkers for the chapter 01 workbook: affine layer, ReLU/tanh backward, softmax cross-entropy, a 2-layer MLP.

Each ``check_<name>(fn)`` prints its report and returns a ``Result`` (truthy iff correct).
The references are course_utils' own functions; every mutant is one known mistake.
"""

import numpy as np

from ..activations import log_softmax, softmax
from ..losses import softmax_cross_entropy as _reference_ce
from .core import Case, Mismatch, Spec, mutants, pair, randn, report, scalar


# --- affine layer: Y = X W + b ---------------------------------------------------------------

def _affine_cases(rng):
    fixed = {"X": np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]]),
             "W": np.array([[0.5, -1.0, 2.0, 0.0], [1.0, 0.5, -0.5, 1.5], [-2.0, 0.0, 1.0, 0.5]]),
             "b": np.array([0.1, -0.2, 0.3, 0.4])}
    cases = [Case("fixed N=2 D=3 H=4", fixed)]
    for N, D, H, dtype in [(5, 3, 7, np.float64), (4, 6, 2, np.float64), (6, 5, 4, np.float32)]:
        cases.append(Case(f"random N={N} D={D} H={H} {np.dtype(dtype).name}",
                          {"X": randn(rng, (N, D), dtype), "W": randn(rng, (D, H), dtype),
                           "b": randn(rng, (H,), dtype)}))
    return cases


def _affine_forward(X, W, b, bug=None):
    A = X @ W
    if bug != "no bias":
        A = A + b
    return {"Y": {"relu inside": np.maximum(A, 0), "tanh inside": np.tanh(A)}.get(bug, A)}


def _call_affine_forward(fns, inputs):
    Y, _ = pair(fns[0](inputs["X"], inputs["W"], inputs["b"]), "Y, cache")
    return {"Y": Y}


AFFINE_FORWARD = Spec(
    "affine_forward", _affine_forward, _affine_cases, _call_affine_forward, mutants(
        _affine_forward,
        ("no bias", "the bias b is missing.", "Y = X W + b"),
        ("relu inside", "a ReLU is applied inside the affine layer; the activation is a separate layer.",
               "Y = X W + b (no activation here)"),
        ("tanh inside", "tanh is applied inside the affine layer; the activation is a separate layer.",
               "Y = X W + b (no activation here)"),
    ))


def _affine_backward_cases(rng):
    cases = []
    for case in _affine_cases(rng):
        N, H = case.inputs["X"].shape[0], case.inputs["W"].shape[1]
        cases.append(Case(case.label, {**case.inputs, "dY": randn(rng, (N, H), case.inputs["X"].dtype)}))
    return cases


def _affine_backward(X, W, b, dY, bug=None):
    N = X.shape[0]
    dX = dY @ W.T
    dW = X.T @ dY / (N if bug == "dW mean" else 1)
    db = {"db mean": dY.mean(axis=0), "db first": dY[0]}.get(bug, dY.sum(axis=0))
    if bug == "dW last":
        dW = X[-1:].T @ dY[-1:]
    return {"dX": dX, "dW": dW, "db": db}


def _call_affine_backward(fns, inputs):
    forward, backward = fns
    _, cache = pair(forward(inputs["X"], inputs["W"], inputs["b"]), "Y, cache")
    dX, dW, db = pair(backward(inputs["dY"], cache), "dX, dW, db", 3)
    return {"dX": dX, "dW": dW, "db": db}


AFFINE_BACKWARD = Spec(
    "affine_backward", _affine_backward, _affine_backward_cases, _call_affine_backward, mutants(
        _affine_backward,
        ("db mean", "db is averaged over the batch; b is used by every example, so its gradient is the sum.",
               "db = Σ_n dY[n]"),
        ("db first", "db holds only the first example's gradient; sum over all N rows.",
               "db = Σ_n dY[n]"),
        ("dW mean", "dW is divided by N; the 1/N of a mean loss is already inside dY.",
               "dW = Xᵀ dY"),
        ("dW last", "dW holds only the last example (a loop over n that overwrites instead of adding).",
               "dW = Xᵀ dY = Σ_n X[n]ᵀ dY[n]"),
    ))


# --- activations: dA = dH ⊙ f'(A) -------------------------------------------------------------

def _activation_cases(rng):
    fixed = {"A": np.array([[-1.5, 0.0, 0.5], [2.0, -0.25, 0.0]]), "dH": np.array([[0.3, -1.0, 2.0], [-0.5, 1.5, 0.7]])}
    cases = [Case("fixed N=2 H=3 (with A = 0 entries)", fixed)]
    for N, H, dtype in [(5, 4, np.float64), (3, 7, np.float32)]:
        A = randn(rng, (N, H), dtype)
        A[0, 1] = 0  # ReLU's derivative at exactly 0 is a convention: the course uses 0
        cases.append(Case(f"random N={N} H={H} {np.dtype(dtype).name}", {"A": A, "dH": randn(rng, (N, H), dtype)}))
    return cases


def _relu_backward(A, dH, bug=None):
    if bug == ">=":
        return {"dA": dH * (A >= 0)}
    if bug == "mask only":
        return {"dA": (A > 0).astype(A.dtype)}
    if bug == "times A":
        return {"dA": dH * A}
    if bug == "relu of dH":
        return {"dA": np.maximum(dH, 0)}
    return {"dA": dH * (A > 0)}


RELU_BACKWARD = Spec(
    "relu_backward", _relu_backward, _activation_cases,
    lambda fns, i: {"dA": fns[0](i["dH"], i["A"])}, mutants(
        _relu_backward,
        (">=", "the gradient passes where A = 0; the course takes ReLU'(0) = 0, so use A > 0.",
               "dA = dH ⊙ [A > 0]"),
        ("mask only", "dA is the mask [A > 0] alone; multiply it by the upstream gradient dH.",
               "dA = dH ⊙ [A > 0]"),
        ("times A", "dH is multiplied by A; ReLU's derivative is 1 where A > 0 and 0 elsewhere, not A.",
               "dA = dH ⊙ [A > 0]"),
        ("relu of dH", "ReLU is applied to the gradient; the mask comes from the forward input A, not from dH.",
               "dA = dH ⊙ [A > 0]"),
    ))


def _tanh_cases(rng):
    return [Case(c.label.replace(" (with A = 0 entries)", ""), {"H": np.tanh(c.inputs["A"]), "dH": c.inputs["dH"]})
            for c in _activation_cases(rng)]


def _tanh_backward(H, dH, bug=None):
    derivative = {"1-H": 1 - H, "tanh twice": 1 - np.tanh(H) ** 2, "sigmoid'": H * (1 - H)}.get(bug, 1 - H**2)
    return {"dA": derivative if bug == "no dH" else dH * derivative}


TANH_BACKWARD = Spec(
    "tanh_backward", _tanh_backward, _tanh_cases,
    lambda fns, i: {"dA": fns[0](i["dH"], i["H"])}, mutants(
        _tanh_backward,
        ("1-H", "tanh' is written as 1 − tanh; it is 1 − tanh², i.e. 1 − H² from the forward output.",
               "dA = dH ⊙ (1 − H²)"),
        ("tanh twice", "tanh is applied to H again; H is already tanh(A), so tanh'(A) = 1 − H².",
               "dA = dH ⊙ (1 − H²)"),
        ("sigmoid'", "this is the sigmoid's derivative H(1 − H); tanh's is 1 − H².",
               "dA = dH ⊙ (1 − H²)"),
        ("no dH", "dA is tanh' alone; multiply it by the upstream gradient dH (chain rule).",
               "dA = dH ⊙ (1 − H²)"),
    ))


# --- softmax cross-entropy: L = -(1/N) Σ log softmax(Z)[y],  dZ = (P - Y) / N -----------------

def _ce_cases(rng):
    cases = [Case("fixed N=2 V=3", {"Z": np.array([[2.0, -1.0, 0.5], [0.0, 1.0, 3.0]]), "y": np.array([0, 1])})]
    for N, V, dtype in [(5, 4, np.float64), (3, 6, np.float32)]:
        cases.append(Case(f"random N={N} V={V} {np.dtype(dtype).name}",
                          {"Z": randn(rng, (N, V), dtype, 2.0), "y": rng.integers(0, V, N)}))
    Z = 1000 + randn(rng, (3, 4), scale=1.0)
    cases.append(Case("large logits ≈ 1000 N=3 V=4", {"Z": Z, "y": Z.argmax(axis=1)}))
    return cases


def _softmax_ce(Z, y, bug=None):
    N = Z.shape[0]
    if bug == "no max":
        P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
        logp = np.log(P)
    elif bug == "batch axis":
        P, logp = softmax(Z, axis=0), log_softmax(Z, axis=0)
    else:
        logp = log_softmax(Z)
        P = np.exp(logp)
    picked = logp[np.arange(N), y]
    Y = np.zeros_like(P)
    Y[np.arange(N), y] = 1
    loss = -picked.sum() if bug == "loss sum" else -picked.mean()
    dZ = {"no 1/N": P - Y, "no -Y": P / N, "sign": (Y - P) / N}.get(bug, (P - Y) / N)
    return {"loss": np.array(float(loss)), "dZ": dZ.astype(Z.dtype)}


def _reference_softmax_ce(Z, y):
    loss, dZ = _reference_ce(Z, y)
    return {"loss": np.array(loss), "dZ": dZ}


def _call_softmax_ce(fns, inputs):
    loss, dZ = pair(fns[0](inputs["Z"], inputs["y"]), "loss, dZ")
    return {"loss": scalar(loss, "loss"), "dZ": dZ}


SOFTMAX_CE = Spec(
    "softmax_cross_entropy", _reference_softmax_ce, _ce_cases, _call_softmax_ce, mutants(
        _softmax_ce,
        ("no 1/N", "dZ is P − Y without dividing by N; the loss is a mean, so its gradient is (P − Y) / N.",
               "dZ = (P − Y) / N"),
        ("no max", "softmax overflows for large logits (e^1000 = inf, inf/inf = nan): subtract each row's "
               "max before exp.", "P = exp(Z − max Z) / Σ exp(Z − max Z)"),
        ("loss sum", "the loss is summed over the batch; the course's loss is the mean over the N examples.",
               "L = −(1/N) Σ_n log P[n, y_n]"),
        ("no -Y", "the one-hot targets are not subtracted: dZ = P / N misses the −1 at each true class.",
               "dZ = (P − Y) / N"),
        ("sign", "the gradient has the wrong sign: (Y − P) / N points uphill.",
               "dZ = (P − Y) / N"),
        ("batch axis", "softmax is taken over the batch (axis 0); each row (example) must sum to 1 over "
               "the classes (axis 1).", "P[n] = softmax(Z[n]) over the V classes"),
    ))


# --- a two-layer MLP: Z = tanh(X W1 + b1) W2 + b2, loss = softmax cross-entropy -----------------

def _mlp_cases(rng):
    cases = []
    for N, D, H, V, dtype in [(4, 3, 5, 2, np.float64), (6, 2, 7, 3, np.float64), (5, 4, 3, 6, np.float32)]:
        params = {"W1": randn(rng, (D, H), dtype), "b1": randn(rng, (H,), dtype, 0.5),
                  "W2": randn(rng, (H, V), dtype), "b2": randn(rng, (V,), dtype, 0.5)}
        cases.append(Case(f"random N={N} D={D} H={H} V={V} {np.dtype(dtype).name}",
                          {"X": randn(rng, (N, D), dtype), "y": rng.integers(0, V, N), "params": params}))
    return cases


def _two_layer(X, y, params, bug=None):
    W1, b1, W2, b2 = (params[k] for k in ("W1", "b1", "W2", "b2"))
    A1 = X @ W1 + b1
    H1 = np.tanh(A1)
    out = _softmax_ce(H1 @ W2 + b2, y, bug="no 1/N" if bug == "no 1/N" else None)
    dZ = out["dZ"]
    dH1 = dZ @ W2.T
    dA1 = dH1 * {"1-H": 1 - H1, "no tanh'": 1, "1-A²": 1 - A1**2}.get(bug, 1 - H1**2)
    return {"loss": out["loss"], "dW1": X.T @ dA1, "db1": dA1.mean(axis=0) if bug == "db1 mean" else dA1.sum(axis=0),
            "dW2": (A1 if bug == "dW2 from A1" else H1).T @ dZ, "db2": dZ.sum(axis=0)}


def _call_two_layer(fns, inputs):
    loss, grads = pair(fns[0](inputs["X"], inputs["y"], inputs["params"]), "loss, grads")
    if not isinstance(grads, dict) or set(grads) != {"W1", "b1", "W2", "b2"}:
        raise Mismatch(f"grads must be a dict with the keys of params ['W1', 'b1', 'W2', 'b2']; got "
                       f"{sorted(grads) if isinstance(grads, dict) else type(grads).__name__}")
    return {"loss": scalar(loss, "loss"), **{"d" + k: v for k, v in grads.items()}}


TWO_LAYER = Spec(
    "two_layer_loss", _two_layer, _mlp_cases, _call_two_layer, mutants(
        _two_layer,
        ("1-H", "tanh' is written as 1 − H; it is 1 − H² (H = tanh(A1)).",
               "dA1 = dH1 ⊙ (1 − H1²)"),
        ("no tanh'", "the gradient skips tanh': dA1 = dH1 ⊙ (1 − H1²), not dH1.",
               "dA1 = dH1 ⊙ (1 − H1²)"),
        ("1-A²", "tanh' uses the pre-activation A1: it is 1 − tanh(A1)² = 1 − H1², not 1 − A1².",
               "dA1 = dH1 ⊙ (1 − H1²)"),
        ("no 1/N", "dZ is P − Y without dividing by N, so every gradient is N times too large.",
               "dZ = (P − Y) / N"),
        ("db1 mean", "db1 is averaged over the batch; it is the sum Σ_n dA1[n].",
               "db1 = Σ_n dA1[n]"),
        ("dW2 from A1", "dW2 uses the pre-activation A1; the second layer's input is H1 = tanh(A1).",
               "dW2 = H1ᵀ dZ"),
    ))


SPECS = {spec.name: spec for spec in (AFFINE_FORWARD, AFFINE_BACKWARD, RELU_BACKWARD, TANH_BACKWARD,
                                      SOFTMAX_CE, TWO_LAYER)}


def check_affine_forward(affine_forward, verbose=True):
    """affine_forward(X (N, D), W (D, H), b (H,)) -> (Y (N, H), cache)."""
    return report(AFFINE_FORWARD, affine_forward, verbose=verbose)


def check_affine_backward(affine_forward, affine_backward, verbose=True):
    """affine_backward(dY (N, H), cache) -> (dX, dW, db), with the cache from the learner's affine_forward."""
    return report(AFFINE_BACKWARD, affine_forward, affine_backward, verbose=verbose)


def check_relu_backward(relu_backward, verbose=True):
    """relu_backward(dH (N, H), A (N, H)) -> dA (N, H)."""
    return report(RELU_BACKWARD, relu_backward, verbose=verbose)


def check_tanh_backward(tanh_backward, verbose=True):
    """tanh_backward(dH (N, H), H (N, H) = tanh(A)) -> dA (N, H)."""
    return report(TANH_BACKWARD, tanh_backward, verbose=verbose)


def check_softmax_cross_entropy(softmax_cross_entropy, verbose=True):
    """softmax_cross_entropy(Z (N, V), y (N,) int) -> (loss float, dZ (N, V))."""
    return report(SOFTMAX_CE, softmax_cross_entropy, verbose=verbose)


def check_two_layer_loss(two_layer_loss, verbose=True):
    """two_layer_loss(X (N, D), y (N,), params {W1, b1, W2, b2}) -> (loss, grads with the keys of params)."""
    return report(TWO_LAYER, two_layer_loss, verbose=verbose)
