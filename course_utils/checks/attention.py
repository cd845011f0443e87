"""Checkers for the chapter 06 workbook's additive attention, forward and backward, with a source mask.

    K_s = H_s W_ha,   U_s = tanh(S_{t-1} W_sa + K_s + b_a),   e_s = U_s v_a
    α_s = m_s exp(e_s) / Σ_s' m_s' exp(e_s')   (exactly 0 where m_s = 0),   C = Σ_s α_s H_s

The references are course_utils.attention's functions; the mutants are switches of one
implementation below. Shapes have N ≠ T ≠ H_d ≠ H_e ≠ A, except one case where H_d = H_e = A
("square"): there a swapped or transposed projection runs and is named by its values (elsewhere
it fails on its shape, like the mutant). Every case has padded rows. Besides C and α, the check
compares "alpha on padding" (α with the real positions zeroed), whose tolerance is ~0, so a
padding weight of 1e-13 (a finite "−30" mask) is caught although it is invisible in α itself.
"""

import numpy as np

from ..activations import softmax
from ..attention import attention_backward as _course_backward
from ..attention import attention_forward as _course_forward
from ..attention import init_attention_params
from .core import Case, Mismatch, Spec, mutants, pair, randn, report

KEYS = ("W_sa", "W_ha", "b_a", "v_a")
SIZES = [(3, 5, 4, 6, 7, np.float64), (2, 4, 5, 5, 5, np.float64), (4, 6, 3, 5, 2, np.float32)]  # N T H_d H_e A


def _cases(rng):
    cases = []
    for N, T, H_d, H_e, A, dtype in SIZES:
        params = init_attention_params(H_d, H_e, A, rng, dtype)
        params["b_a"] = randn(rng, (A,), dtype, 0.3)
        params["v_a"] = params["v_a"] * dtype(3)            # sharper scores: α far from uniform
        lengths = rng.integers(1, T + 1, N)
        lengths[0], lengths[1] = T, max(1, T - 2)          # one full row, one padded row at least
        mask = np.arange(T) < lengths[:, None]
        square = " square (H_d = H_e = A)" if H_d == H_e == A else ""
        label = f"random N={N} T={T} H_d={H_d} H_e={H_e} A={A} {np.dtype(dtype).name}{square}, lengths {lengths.tolist()}"
        inputs = {"S_prev": randn(rng, (N, H_d), dtype), "H_enc": randn(rng, (N, T, H_e), dtype), "mask": mask,
                  "params": params, "dC": randn(rng, (N, H_e), dtype), "dalpha": randn(rng, (N, T), dtype)}
        if H_d == H_e == A:
            inputs["dalpha"] = None
            label += ", dalpha=None"
        cases.append(Case(label, inputs))
    return cases


def _forward(S_prev, H_enc, mask, params, bug=None):
    """(C, alpha, U): the forward pass with the named bug switched on."""
    W_sa, W_ha = params["W_sa"], params["W_ha"]
    if bug == "projections swapped":
        W_sa, W_ha = W_ha, W_sa
    query = S_prev @ (W_sa.T if bug == "W_sa transposed" else W_sa)
    K = H_enc @ (W_ha.T if bug == "W_ha transposed" else W_ha)
    pre = query[:, None, :] + K + (0 if bug == "no bias" else params["b_a"])
    U = pre if bug == "no tanh" else np.tanh(pre)
    e = U @ params["v_a"]
    if bug == "mask ignored" or bug == "mask after softmax":
        alpha = softmax(e, axis=1)
        alpha = alpha * mask if bug == "mask after softmax" else alpha
    elif bug == "mask added":
        alpha = softmax(e + mask, axis=1)
    elif bug == "padding score 0":
        alpha = softmax(np.where(mask, e, 0), axis=1)
    elif bug == "softmax over the batch":
        alpha = softmax(np.where(mask, e, -np.inf), axis=0)
    else:
        alpha = softmax(np.where(mask, e, -np.inf), axis=1)
    C = np.einsum("nt,nth->nh", alpha, H_enc)
    return C.astype(H_enc.dtype), alpha.astype(H_enc.dtype), U


def _outputs(C, alpha, mask):
    return {"C": C, "alpha": alpha, "alpha on padding": np.where(mask, 0, alpha).astype(alpha.dtype)}


def _reference_forward(S_prev, H_enc, mask, params, dC=None, dalpha=None):
    C, alpha, _ = _course_forward(S_prev, H_enc, mask, params)
    return _outputs(C, alpha, mask)


def _mutant_forward(S_prev, H_enc, mask, params, dC=None, dalpha=None, bug=None):
    C, alpha, _ = _forward(S_prev, H_enc, mask, params, bug)
    return _outputs(C, alpha, mask)


def _call_forward(fns, i):
    C, alpha, _ = pair(fns[0](i["S_prev"], i["H_enc"], i["mask"], i["params"]), "C, alpha, cache", 3)
    if not isinstance(alpha, np.ndarray) or alpha.shape != i["mask"].shape:
        raise Mismatch(f"alpha must be an array of shape (N, T) = {i['mask'].shape}; got "
                       f"{type(alpha).__name__} of shape {np.shape(alpha)}")
    return _outputs(C, alpha, i["mask"])


WEIGHTS = "α_s = m_s exp(e_s) / Σ_s' m_s' exp(e_s')  (in code: e_s = −∞ where m_s = 0, then softmax over s)"
SCORE = "U_s = tanh(S_{t-1} W_sa + H_s W_ha + b_a),  e_s = U_s v_a"

FORWARD = Spec("attention_forward", _reference_forward, _cases, _call_forward, mutants(
    _mutant_forward,
    ("mask ignored", "the mask is ignored: padded positions get attention weight. Set their scores "
     "to −∞ before the softmax, so that exp gives exactly 0.", WEIGHTS),
    ("mask after softmax", "the mask is applied after the softmax without renormalising: the padded weights "
     "are 0 but the real ones no longer sum to 1. Mask the scores (−∞) before the softmax.", WEIGHTS),
    ("mask added", "the 0/1 mask is added to the scores; a padded position must get −∞ (exp(−∞) = 0), "
     "not 0 (and a real one 0, not +1).", WEIGHTS),
    ("padding score 0", "padded scores are set to 0 instead of −∞: exp(0) = 1, so padding still gets weight.",
     WEIGHTS),
    ("softmax over the batch", "the softmax runs over the batch axis (axis 0); the weights of one sequence sum "
     "to 1 over its source positions: axis 1.", WEIGHTS),
    ("projections swapped", "the query is projected with W_ha and the keys with W_sa: W_sa (H_d, A) belongs to "
     "the decoder state S_{t-1}, W_ha (H_e, A) to the encoder states H_s.", SCORE),
    ("W_sa transposed", "W_sa is transposed: in the row convention the query term is S_{t-1} W_sa "
     "(W_sa is (H_d, A); Bahdanau's column form W_a s_{t-1} is the same product transposed).", SCORE),
    ("W_ha transposed", "W_ha is transposed: the keys are H_s W_ha with W_ha of shape (H_e, A).", SCORE),
    ("no tanh", "the tanh of the hidden layer is missing: the score is v_a times tanh(...), not the sum itself.",
     SCORE),
    ("no bias", "the bias b_a is missing inside the tanh.", SCORE),
))


# --- attention_backward -------------------------------------------------------------------------

def _backward(S_prev, H_enc, mask, params, dC, dalpha, bug=None):
    """The local derivatives of _forward, last line first, with the named bug switched on."""
    C, alpha, U = _forward(S_prev, H_enc, mask, params)
    da = np.einsum("nh,nth->nt", dC, H_enc)                               # C = Σ α H
    if dalpha is not None and bug != "dalpha ignored":
        da = da + dalpha
    if bug == "no softmax Jacobian":
        de = alpha * da
    elif bug == "diagonal Jacobian":
        de = alpha * (1 - alpha) * da
    else:
        de = alpha * (da - (alpha * da).sum(axis=1, keepdims=True))      # α = softmax(e)
    dU = de[:, :, None] * params["v_a"]                                    # e = U v_a
    dK = dU if bug == "no tanh'" else dU * (1 - U**2)                      # U = tanh(S W_sa + K + b_a)
    dK_sum = dK.sum(axis=1)
    W_sa = params["W_sa"] if bug == "W_sa not transposed" else params["W_sa"].T
    dH_enc = np.zeros_like(H_enc)
    if bug != "values path missing":
        dH_enc = dH_enc + alpha[:, :, None] * dC[:, None, :]
    if bug != "keys path missing":
        dH_enc = dH_enc + dK @ params["W_ha"].T
    grads = {"W_sa": S_prev.T @ dK_sum, "W_ha": np.einsum("nth,nta->ha", H_enc, dK),
             "b_a": dK_sum.sum(axis=0), "v_a": np.einsum("nt,nta->a", de, U)}
    out = {"dS_prev": dK_sum @ W_sa, "dH_enc": dH_enc, **{"d" + k: grads[k] for k in KEYS}}
    return {k: v.astype(H_enc.dtype) for k, v in out.items()}


def _reference_backward(S_prev, H_enc, mask, params, dC, dalpha):
    _, _, cache = _course_forward(S_prev, H_enc, mask, params)
    dS_prev, dH_enc, grads = _course_backward(dC, cache, dalpha)
    return {"dS_prev": dS_prev, "dH_enc": dH_enc, **{"d" + k: grads[k] for k in KEYS}}


def _call_backward(fns, i):
    forward, backward = fns
    _, _, cache = pair(forward(i["S_prev"], i["H_enc"], i["mask"], i["params"]), "C, alpha, cache", 3)
    dS_prev, dH_enc, grads = pair(backward(i["dC"], cache, i["dalpha"]), "dS_prev, dH_enc, grads", 3)
    if not isinstance(grads, dict) or set(grads) != set(KEYS):
        raise Mismatch(f"grads must be a dict with the keys of params {list(KEYS)}; got "
                       f"{sorted(grads) if isinstance(grads, dict) else type(grads).__name__}")
    return {"dS_prev": dS_prev, "dH_enc": dH_enc, **{"d" + k: grads[k] for k in KEYS}}


SOFTMAX = "de_s = α_s (dα_s − Σ_s' α_s' dα_s')"

BACKWARD = Spec("attention_backward", _reference_backward, _cases, _call_backward, mutants(
    _backward,
    ("no softmax Jacobian", "the softmax's Jacobian term is missing: each weight depends on every score "
     "(they share the denominator), so subtract Σ_s' α_s' dα_s' before multiplying by α_s.", SOFTMAX),
    ("diagonal Jacobian", "the softmax is differentiated like an element-wise function, α(1 − α) dα; each α_s "
     "depends on every score, which gives the sum term.", SOFTMAX),
    ("dalpha ignored", "the gradient dalpha given for the weights themselves is not added to the one coming "
     "from C.", "dα_s = dC · H_s + dalpha_s"),
    ("no tanh'", "the gradient skips tanh': multiply dU by 1 − U².", "dK_s = dU_s ⊙ (1 − U_s²),  dU_s = de_s v_aᵀ"),
    ("values path missing", "H_enc gets gradient only as keys; it is also the values being averaged: "
     "add α_s dC.", "dH_s = α_s dC + dK_s W_haᵀ"),
    ("keys path missing", "H_enc gets gradient only as values; it is also scored as keys: add dK_s W_haᵀ.",
     "dH_s = α_s dC + dK_s W_haᵀ"),
    ("W_sa not transposed", "dS_prev multiplies by W_sa; the backward of S_{t-1} W_sa multiplies by W_saᵀ.",
     "dS_{t-1} = (Σ_s dK_s) W_saᵀ"),
))


def check_attention_forward(attention_forward, verbose=True):
    """attention_forward(S_prev (N, H_d), H_enc (N, T, H_e), mask (N, T) bool, params) -> (C (N, H_e), alpha (N, T), cache)."""
    return report(FORWARD, attention_forward, verbose=verbose)


def check_attention_backward(attention_forward, attention_backward, verbose=True):
    """attention_backward(dC (N, H_e), cache, dalpha (N, T) or None) -> (dS_prev, dH_enc, grads); the cache is the learner's."""
    return report(BACKWARD, attention_forward, attention_backward, verbose=verbose)


SPECS = {spec.name: spec for spec in (FORWARD, BACKWARD)}
