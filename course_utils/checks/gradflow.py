"""Checkers for the chapter 03 workbook: Jacobians through time and global-norm clipping.

    one step    A_t = X_t W_xh + H_{t-1} W_hh + b_h,  H_t = tanh(A_t)
    Jacobian    J_t = W_hh diag(1 − H_t²)            (row convention: δH_t = δH_{t-1} J_t)
    product     ∂H_T/∂H_0 = J_1 J_2 ⋯ J_T
    global norm ‖g‖ = sqrt(Σ_k ‖g_k‖²)  over every array g_k of the gradient dict
    clipping    g ← g · min(1, c / ‖g‖), returned as a new dict with the norm before clipping

The references are switches of one implementation each (``bug=``), equal to
``course_utils.gradflow.step_jacobians`` / ``jacobian_product`` and ``course_utils.optim.global_norm`` /
``clip_by_global_norm`` (tests/test_checks_gradflow.py checks both, and the Jacobian against
finite differences). Shapes have N ≠ D ≠ H ≠ T; W_hh is square, so a transposition is caught by
value (and named). Clipping cases use thresholds c ≠ 1 and include a gradient below c and one whose
arrays are each below c while their global norm is above it, so that a missing condition, a
condition backwards and per-array clipping all show.

Dtypes: J_t must keep the inputs' dtype (W_hh * slopes does). The product and the clipped arrays
are held to the float32 tolerance on float32 inputs but may come back as float64: ``np.eye(H)`` is
float64, and under NumPy 2 a float32 array times a NumPy float64 scale is float64 (NEP 50); neither
is the mistake these workbook tasks are about.
"""

from functools import partial

import numpy as np

from .core import Case, Mismatch, Spec, mutants, pair, randn, report

SIZES = [(3, 4, 5, 6, np.float64), (2, 5, 3, 4, np.float64), (4, 3, 6, 5, np.float32)]  # N, T, D, H, dtype
JACOBIAN = "J_t = W_hh diag(1 − H_t²)"
PRODUCT = "∂H_T/∂H_0 = J_1 J_2 ⋯ J_T"
NORM = "‖g‖ = sqrt(Σ_k ‖g_k‖²)"
CLIP = "g ← g · min(1, c / ‖g‖)"


def _params(rng, D, H, dtype):
    return {"W_xh": randn(rng, (D, H), dtype, 0.6), "W_hh": randn(rng, (H, H), dtype, 0.5),
            "b_h": randn(rng, (H,), dtype, 0.3)}


def _label(N, T, D, H, dtype, t=True):
    return f"random N={N}{f' T={T}' if t else ''} D={D} H={H} {np.dtype(dtype).name}"


def _cases(rng, sequence):
    """One step (X_t (N, D), H_prev) or a sequence (X (N, T, D), H0), with params, for each of SIZES."""
    names = ("X", "H0") if sequence else ("X_t", "H_prev")
    return [Case(_label(N, T, D, H, dtype, t=sequence),
                 {names[0]: randn(rng, (N, T, D) if sequence else (N, D), dtype),
                  names[1]: randn(rng, (N, H), dtype, 0.5), "params": _params(rng, D, H, dtype)})
            for N, T, D, H, dtype in SIZES]


def _matrix(value, name, shape):
    if not isinstance(value, (np.ndarray, np.generic)):
        raise Mismatch(f"must return {name}, a NumPy array of shape {shape}; got {type(value).__name__}")
    return value


# --- step_jacobian ------------------------------------------------------------------------------

def _slope(A_t, H_t, H_prev, bug):
    """φ'(A_t) for every unit, (N, H): 1 − H_t², or the mistaken version the bug names."""
    return {"1-H": lambda: 1 - H_t, "tanh twice": lambda: 1 - np.tanh(H_t) ** 2, "no tanh'": lambda: np.ones_like(H_t),
            "pre-activation": lambda: 1 - A_t**2, "H_prev": lambda: 1 - H_prev**2,
            "sigmoid slope": lambda: H_t * (1 - H_t)}.get(bug, lambda: 1 - H_t**2)()


def _jacobian(X_t, H_prev, params, bug=None):
    """J_t (N, H, H) = W_hh diag(φ'(A_t)) per example, with the named bug switched on."""
    W_hh = params["W_hh"]
    A_t = X_t @ params["W_xh"] + H_prev @ W_hh + (0 if bug == "no bias" else params["b_h"])
    H_t = np.tanh(A_t)
    s = _slope(A_t, H_t, H_prev, bug)[:, None, :]              # scales column j of W_hh by φ'_j
    if bug == "column convention":                             # diag(φ') W_hhᵀ: the column-vector Jacobian
        return np.swapaxes(W_hh[None] * s, 1, 2)
    if bug == "W_hh.T":
        return W_hh.T[None] * s
    if bug == "slope on rows":                                 # diag(φ') W_hh
        return W_hh[None] * np.swapaxes(s, 1, 2)
    return W_hh[None] * s


def _step_jacobian_outputs(X_t, H_prev, params, bug=None):
    return {"J_t": _jacobian(X_t, H_prev, params, bug)}


def _call_step_jacobian(fns, i):
    N, H = i["H_prev"].shape
    return {"J_t": _matrix(fns[0](i["X_t"], i["H_prev"], i["params"]), "J_t", (N, H, H))}


STEP_JACOBIAN_MUTANTS = (
    ("column convention", "J_t is transposed: you wrote the column-vector Jacobian diag(1 − H_t²) W_hhᵀ. In the "
     "course's row convention δH_t = δH_{t-1} J_t, so (J_t)[i, j] = ∂H_t[j]/∂H_{t-1}[i] and J_t = W_hh diag(1 − H_t²).",
     JACOBIAN),
    ("W_hh.T", "W_hh is transposed: with row vectors the step multiplies H_{t-1} W_hh, so its Jacobian starts with "
     "W_hh, not W_hhᵀ.", JACOBIAN),
    ("slope on rows", "the tanh slopes scale the rows of W_hh (diag(1 − H_t²) W_hh); they belong to the output "
     "units j, the columns: W_hh diag(1 − H_t²), e.g. W_hh * (1 - H_t**2)[:, None, :].", JACOBIAN),
    ("no tanh'", "the derivative of tanh is missing: J_t = W_hh would be the Jacobian of a linear RNN.", JACOBIAN),
    ("pre-activation", "the slope is computed from the pre-activation A_t (1 − A_t²); tanh'(A_t) = 1 − tanh(A_t)² "
     "= 1 − H_t², written with the output H_t.", JACOBIAN),
    ("H_prev", "the slope uses the previous state H_{t-1}; it belongs to this step's output: 1 − H_t².", JACOBIAN),
    ("1-H", "tanh' is written as 1 − tanh; it is 1 − tanh², i.e. 1 − H_t².", JACOBIAN),
    ("tanh twice", "tanh is applied to H_t again; H_t is already tanh(A_t), so tanh'(A_t) = 1 − H_t².", JACOBIAN),
    ("sigmoid slope", "the slope is the sigmoid's, H_t(1 − H_t); the RNN uses tanh, whose slope is 1 − H_t².",
     JACOBIAN),
    ("no bias", "H_t is computed without the bias b_h, so the slopes 1 − H_t² are taken at the wrong point.",
     "A_t = X_t W_xh + H_{t-1} W_hh + b_h"),
)

STEP_JACOBIAN = Spec("step_jacobian", _step_jacobian_outputs, partial(_cases, sequence=False), _call_step_jacobian,
                     mutants(_step_jacobian_outputs, *STEP_JACOBIAN_MUTANTS))


# --- jacobian_product ------------------------------------------------------------------------------

def _product(X, H0, params, bug=None):
    """∂H_T/∂H_0 = J_1 ⋯ J_T (N, H, H), with the named bug switched on."""
    N, T, _ = X.shape
    H_size = params["W_hh"].shape[0]
    H_prev = np.zeros_like(H0) if bug == "H0 ignored" else H0
    P = np.zeros((N, H_size, H_size), X.dtype) if bug in ("zeros", "sum") else np.broadcast_to(
        np.eye(H_size, dtype=X.dtype), (N, H_size, H_size)).copy()
    steps = range(1, T) if bug == "first step missing" else range(T - 1) if bug == "last step missing" else range(T)
    for t in range(T):
        H_t = np.tanh(X[:, t] @ params["W_xh"] + H_prev @ params["W_hh"] + params["b_h"])
        J_t = _jacobian(X[:, t], H_prev, params, "H_prev" if bug == "slope of H_{t-1}" else None)
        if t in steps:
            if bug == "column Jacobians":
                J_t = np.swapaxes(J_t, 1, 2)
            P = {"reversed": lambda: J_t @ P, "elementwise": lambda: P * J_t,
                 "sum": lambda: P + J_t}.get(bug, lambda: P @ J_t)()
        H_prev = H0 if bug == "not carried" else H_t
    return np.swapaxes(P, 1, 2) if bug == "transposed" else P


def _product_outputs(X, H0, params, bug=None):
    return {"P": _product(X, H0, params, bug)}


def _call_product(fns, i):
    N, H = i["H0"].shape
    return {"P": _matrix(fns[0](i["X"], i["H0"], i["params"]), "P = ∂H_T/∂H_0", (N, H, H))}


PRODUCT_SPEC = Spec("jacobian_product", _product_outputs, partial(_cases, sequence=True), _call_product, mutants(
    _product_outputs,
    ("reversed", "the factors are multiplied in the wrong order (J_T ⋯ J_1): with row vectors "
     "δH_T = δH_0 J_1 J_2 ⋯ J_T, so each new J_t goes on the right: P = P @ J_t.", PRODUCT),
    ("transposed", "the product is transposed: (J_1 ⋯ J_T)ᵀ = J_Tᵀ ⋯ J_1ᵀ is the column-vector Jacobian. "
     "In the course's row convention P[i, j] = ∂H_T[j]/∂H_0[i].", PRODUCT),
    ("column Jacobians", "each factor is the column-vector Jacobian J_tᵀ, multiplied in the row order; use the row "
     "form J_t = W_hh diag(1 − H_t²) (your step_jacobian).", PRODUCT),
    ("elementwise", "the Jacobians are multiplied entry by entry (P * J_t); the chain rule multiplies matrices: "
     "P @ J_t.", PRODUCT),
    ("sum", "the Jacobians are added; the chain rule multiplies them, starting from the identity.", PRODUCT),
    ("zeros", "the product starts from zeros, so it stays zero; start from the identity (∂H_0/∂H_0 = I).", PRODUCT),
    ("first step missing", "J_1 is missing (off by one): the product runs over every step t = 1..T.", PRODUCT),
    ("last step missing", "J_T is missing (off by one): the product runs over every step t = 1..T.", PRODUCT),
    ("not carried", "the state is not carried: every J_t is taken at a step from H_0 instead of from H_{t-1}, so "
     "the slopes are wrong after the first step.", "H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h), J_t = W_hh diag(1 − H_t²)"),
    ("H0 ignored", "the initial state H0 is ignored (the run starts from zeros); the slopes depend on it.",
     "H_1 = tanh(X_1 W_xh + H_0 W_hh + b_h)"),
    ("slope of H_{t-1}", "each J_t uses the slope of the state before the step (off by one): J_t = W_hh "
     "diag(1 − H_t²) needs the state after it.", JACOBIAN),
), exact_dtype=False)   # np.eye(H) is float64: a float32 product computed in float64 is held to float32's tolerance


# --- global_norm -----------------------------------------------------------------------------------------

def _global_norm(grads, bug=None):
    arrays = [np.asarray(g, np.float64) for g in grads.values()]
    squares = [float(np.sum(g**2)) for g in arrays]
    norms = [np.linalg.norm(g, 2) if g.ndim == 2 and bug == "spectral norm" else np.sqrt(s)
             for g, s in zip(arrays, squares)]
    return {"no sqrt": lambda: sum(squares), "sum of norms": lambda: sum(norms), "largest array": lambda: max(norms),
            "last array only": lambda: norms[-1], "spectral norm": lambda: np.sqrt(sum(n**2 for n in norms)),
            "L1": lambda: sum(float(np.abs(g).sum()) for g in arrays),
            "RMS": lambda: np.sqrt(sum(squares) / sum(g.size for g in arrays))}.get(bug, lambda: np.sqrt(sum(squares)))()


def _grads(rng, dtype, scales):
    shapes = {"W_xh": (5, 6), "W_hh": (6, 6), "b_h": (6,), "W_hq": (6, 4), "b_q": (4,)}
    return {k: randn(rng, shape, dtype, scale) for (k, shape), scale in zip(shapes.items(), scales)}


def _norm_cases(rng):
    return [Case("RNN gradients W_xh, W_hh, b_h float64", {"grads": _grads(rng, np.float64, (1.0, 0.5, 2.0))}),
            Case("RNN + output layer, 5 arrays float64", {"grads": _grads(rng, np.float64, (0.3, 3.0, 0.2, 1.0, 0.1))}),
            Case("RNN + output layer, 5 arrays float32", {"grads": _grads(rng, np.float32, (2.0, 0.4, 1.0, 0.5, 0.3))})]


def _norm_outputs(grads, bug=None):
    return {"norm": np.array(float(_global_norm(grads, bug)))}


def _number(value, name):
    if (not isinstance(value, (int, float, np.number, np.ndarray)) or isinstance(value, bool)
            or np.ndim(value) != 0 or not np.isrealobj(value)):
        raise Mismatch(f"{name} must be one number; got {type(value).__name__} of shape {np.shape(value)}")
    return np.array(float(value))


def _call_norm(fns, i):
    return {"norm": _number(fns[0](i["grads"]), "the global norm")}


GLOBAL_NORM = Spec("global_norm", _norm_outputs, _norm_cases, _call_norm, mutants(
    _norm_outputs,
    ("no sqrt", "the square root is missing: Σ_k ‖g_k‖² is the squared norm.", NORM),
    ("sum of norms", "the arrays' norms are added (Σ_k ‖g_k‖); the global norm adds their squares, then takes "
     "one square root, as if all arrays were one long vector.", NORM),
    ("largest array", "this is the largest array's norm (max_k ‖g_k‖); the global norm takes every array into "
     "account.", NORM),
    ("last array only", "only the last array counts: the loop overwrites the running total instead of adding to "
     "it (total += ...).", NORM),
    ("spectral norm", "matrices are measured by their spectral norm (np.linalg.norm(g, 2) is the largest singular "
     "value for a 2-D array); the global norm uses all entries: np.linalg.norm(g) or np.sqrt(np.sum(g**2)).", NORM),
    ("L1", "this is the sum of absolute values (an L1 norm); the global norm is the Euclidean one.", NORM),
    ("RMS", "the squares are averaged (a root mean square); the global norm sums them.", NORM),
))


# --- clip_by_global_norm ------------------------------------------------------------------------------------

def _clip(grads, max_norm, bug=None):
    """(clipped copy, norm before clipping, the caller's arrays after the call) with the named bug switched on."""
    norm = _global_norm(grads, {"no sqrt": "no sqrt", "sum of norms": "sum of norms"}.get(bug))
    c = max_norm
    if bug == "per array":
        clipped = {k: g * min(1.0, c / _global_norm({k: g})) for k, g in grads.items()}
    elif bug == "by value":
        clipped = {k: np.clip(g, -c, c) for k, g in grads.items()}
    else:
        scale = {"always": c / norm, "condition backwards": c / norm if norm < c else 1.0,
                 "ratio upside down": norm / c if norm > c else 1.0,
                 "forgot c": 1 / norm if norm > c else 1.0}.get(bug, min(1.0, c / (norm + 1e-12)))
        clipped = {k: g * g.dtype.type(scale) for k, g in grads.items()}
    after = clipped if bug == "in place" else grads
    return clipped, (min(norm, c) if bug == "norm after" else norm), after


def _clip_cases(rng):
    four = {k: v / np.linalg.norm(v) * 1.5 for k, v in _grads(rng, np.float64, (1, 1, 1, 1)).items()}
    return [Case("‖g‖ ≈ 8.6 above c = 2.5, float64", {"grads": _grads(rng, np.float64, (1.0, 0.7, 2.0)),
                                                      "max_norm": 2.5}),
            Case("‖g‖ ≈ 0.3 below c = 2.5, float64", {"grads": _grads(rng, np.float64, (0.05, 0.02, 0.1)),
                                                      "max_norm": 2.5}),
            Case("4 arrays of norm 1.5 each (each below c = 2, ‖g‖ = 3 above), float64",
                 {"grads": four, "max_norm": 2.0}),
            Case("‖g‖ ≈ 11 above c = 0.7, 5 arrays float32",
                 {"grads": _grads(rng, np.float32, (1.0, 2.0, 0.5, 1.5, 0.3)), "max_norm": 0.7})]


def _clip_outputs(grads, max_norm, bug=None):
    clipped, norm, after = _clip(grads, max_norm, bug)
    return {**{f'clipped["{k}"]': v for k, v in clipped.items()}, "norm": np.array(float(norm)),
            **{f'grads["{k}"] after the call': v for k, v in after.items()}}


def _call_clip(fns, i):
    grads = i["grads"]
    clipped, norm = pair(fns[0](grads, i["max_norm"]), "clipped grads, norm before clipping")
    if not isinstance(clipped, dict) or set(clipped) != set(grads):
        raise Mismatch(f"the clipped gradients must be a dict with the keys of grads {list(grads)}; got "
                       f"{sorted(clipped) if isinstance(clipped, dict) else type(clipped).__name__}")
    return {**{f'clipped["{k}"]': v for k, v in clipped.items()}, "norm": _number(norm, "the norm before clipping"),
            **{f'grads["{k}"] after the call': grads[k] for k in i["grads"]}}


CLIP_SPEC = Spec("clip_by_global_norm", _clip_outputs, _clip_cases, _call_clip, mutants(
    _clip_outputs,
    ("per array", "each array is clipped by its own norm; global-norm clipping rescales all of them by one "
     "factor computed from the global norm, which keeps the gradient's direction.", CLIP),
    ("by value", "every entry is clamped to [−c, c] (clipping by value); that changes the gradient's direction. "
     "Rescale every array by min(1, c/‖g‖) instead.", CLIP),
    ("always", "the gradient is rescaled even when its norm is below c, which enlarges small gradients: "
     "the factor is min(1, c/‖g‖), so nothing changes when ‖g‖ ≤ c.", CLIP),
    ("condition backwards", "the condition is backwards: the gradient is rescaled when ‖g‖ < c (and left alone when "
     "it is too large). Rescale only when ‖g‖ > c; max(1, c/‖g‖) instead of min gives the same mistake.", CLIP),
    ("ratio upside down", "the factor is upside down (‖g‖/c): it makes a large gradient larger; it is c/‖g‖.", CLIP),
    ("forgot c", "the gradient is divided by ‖g‖ but not multiplied by c: its norm becomes 1, not c.", CLIP),
    ("no sqrt", "the norm's square root is missing (Σ_k ‖g_k‖² is the squared norm), so both the factor and the "
     "returned norm are wrong.", NORM),
    ("sum of norms", "the norm adds the arrays' norms (Σ_k ‖g_k‖); the global norm is sqrt(Σ_k ‖g_k‖²).", NORM),
    ("norm after", "the returned norm is measured after clipping; return the norm before clipping (what fit "
     "records, so that you can see how often clipping acted).", "return (clipped grads, ‖g‖ before clipping)"),
    ("in place", "the caller's gradients were changed (arrays clipped in place with *=, or grads[k] reassigned). "
     "Return a new dict, e.g. {k: g * scale for k, g in grads.items()}, and leave grads as it was.",
     "return a new dict; grads unchanged"),
), exact_dtype=False)


# --- the check functions ----------------------------------------------------------------------------------

def check_step_jacobian(step_jacobian, verbose=True):
    """step_jacobian(X_t (N, D), H_prev (N, H), params) -> J_t (N, H, H), J_t[n] = W_hh diag(1 − H_t[n]²)."""
    return report(STEP_JACOBIAN, step_jacobian, verbose=verbose)


def check_jacobian_product(jacobian_product, verbose=True):
    """jacobian_product(X (N, T, D), H0 (N, H), params) -> P (N, H, H), P[n] = J_1 ⋯ J_T = ∂H_T/∂H_0."""
    return report(PRODUCT_SPEC, jacobian_product, verbose=verbose)


def check_global_norm(global_norm, verbose=True):
    """global_norm(grads dict of arrays) -> sqrt(Σ_k ‖g_k‖²), one number."""
    return report(GLOBAL_NORM, global_norm, verbose=verbose)


def check_clip_by_global_norm(clip_by_global_norm, verbose=True):
    """clip_by_global_norm(grads, max_norm) -> (new dict g · min(1, c/‖g‖), ‖g‖ before clipping)."""
    return report(CLIP_SPEC, clip_by_global_norm, verbose=verbose)


SPECS = {spec.name: spec for spec in (STEP_JACOBIAN, PRODUCT_SPEC, GLOBAL_NORM, CLIP_SPEC)}
