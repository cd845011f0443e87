"""course_utils.checks.gru: every mutant rejected (most by name), correct variants pass, the reference is right."""

from functools import partial

import numpy as np
import pytest
from checks_contract import (assert_correct_variants_pass, assert_each_mutant_differs_from_the_reference,
                             assert_every_mutant_rejected_and_80_percent_named, assert_reference_passes)

import test_checks as rnn_alternatives
from course_utils import checks, gru
from course_utils.checks import core
from course_utils.checks import gru as gru_checks
from course_utils.gradcheck import check_gradients

SPECS = gru_checks.SPECS


def _grads(out, keys):
    return {k: out["d" + k] for k in keys}


# Each adapter turns an "inputs -> outputs dict" function (the reference or a mutant) into the
# learner-facing function(s) the workbook asks for, so that run_check sees it as a learner would.
def _step_backward_adapter(f):
    def forward(X_t, H_prev, p, reset_after=False):
        return None, (X_t, H_prev, p, reset_after)

    def backward(dH_t, c):
        o = f(X_t=c[0], H_prev=c[1], params=c[2], reset_after=c[3], dH_t=dH_t)
        return o["dX_t"], o["dH_prev"], _grads(o, c[2])
    return forward, backward


def _backward_adapter(f):
    def forward(X, state0, p, reset_after=False):
        return None, None, (X, state0, p, reset_after)

    def backward(dH, c, dstate_T=None):
        o = f(X=c[0], H0=c[1], params=c[2], reset_after=c[3], dH=dH, dstate_T=dstate_T)
        return o["dX"], o["dH0"], _grads(o, c[2])
    return forward, backward


ADAPTERS = {
    "gru_step_forward": lambda f: (
        lambda X_t, H_prev, p, reset_after=False: (f(X_t=X_t, H_prev=H_prev, params=p, reset_after=reset_after)["H_t"],
                                                   None),),
    "gru_step_backward": _step_backward_adapter,
    "gru_forward": lambda f: (
        lambda X, state0, p, reset_after=False: (lambda o: (o["H"], o["H_T"], None))(
            f(X=X, H0=state0, params=p, reset_after=reset_after)),),
    "gru_backward": _backward_adapter,
}


def test_every_gru_checker_has_an_adapter_here():
    assert set(ADAPTERS) == set(SPECS)
    exported = {name[len("check_"):] for name in checks.__all__
                if name.startswith("check_") and getattr(checks, name).__module__ == gru_checks.__name__}
    assert exported == set(SPECS)


def test_cases_cover_both_forms_both_dtypes_and_sizes_that_all_differ():
    for spec in SPECS.values():
        cases = spec.make_cases(np.random.default_rng(0))
        forms = {(c.inputs["reset_after"], core.case_dtype(c)) for c in cases}
        assert forms == {(ra, np.dtype(d)) for ra in (False, True) for d in (np.float64, np.float32)}
        for case in cases:
            assert ("b_hh" in case.inputs["params"]) == case.inputs["reset_after"]
            assert f"reset_after={case.inputs['reset_after']} " in case.label
            N, D = (case.inputs.get("X_t") if "X_t" in case.inputs else case.inputs["X"][:, 0]).shape
            H = case.inputs["params"]["W_hh"].shape[0]
            assert len({N, D, H}) == 3


# --- the reference: equal to course_utils.gru, and to finite differences -----------------------------

def _course_outputs(name, i):
    if name == "gru_step_forward":
        return {"H_t": gru.gru_step_forward(i["X_t"], i["H_prev"], i["params"], reset_after=i["reset_after"])[0]}
    if name == "gru_step_backward":
        _, cache = gru.gru_step_forward(i["X_t"], i["H_prev"], i["params"], reset_after=i["reset_after"])
        dX_t, dH_prev, grads = gru.gru_step_backward(i["dH_t"], cache)
        return {"dX_t": dX_t, "dH_prev": dH_prev, **{"d" + k: v for k, v in grads.items()}}
    if name == "gru_forward":
        H, H_T, _ = gru.gru_forward(i["X"], i["H0"], i["params"], reset_after=i["reset_after"])
        return {"H": H, "H_T": H_T}
    _, _, cache = gru.gru_forward(i["X"], i["H0"], i["params"], reset_after=i["reset_after"])
    dX, dH0, grads = gru.gru_backward(i["dH"], cache, i["dstate_T"])
    return {"dX": dX, "dH0": dH0, **{"d" + k: v for k, v in grads.items()}}


@pytest.mark.parametrize("name", sorted(SPECS))
def test_reference_equals_course_utils_gru_in_value_and_dtype(name):
    spec = SPECS[name]
    for case in spec.make_cases(np.random.default_rng(0)):
        ref, lib = spec.reference(**case.inputs), _course_outputs(name, case.inputs)
        assert set(ref) == set(lib)
        for k in ref:
            assert ref[k].dtype == lib[k].dtype == core.case_dtype(case), (case.label, k)
            assert core.first_difference(ref[k], lib[k], core.case_dtype(case)) is None, (case.label, k)


def _tiny(reset_after, seed=4):
    r = np.random.default_rng(seed)
    N, T, D, H = 2, 3, 3, 4
    p = gru_checks._params(r, D, H, np.float64, reset_after)
    return p, r.normal(size=(N, T, D)), r.normal(size=(N, H)) * 0.5, r.normal(size=(N, T, H)), r.normal(size=(N, H))


@pytest.mark.parametrize("reset_after", [False, True])
@pytest.mark.parametrize("bug", [None, "z swapped (forward and backward)"])
def test_reference_backward_and_the_consistent_swapped_mutant_match_finite_differences(reset_after, bug):
    """The sequence reference's gradients (every parameter, X, H_0; with dstate_T) are those of its forward."""
    p, X, H0, W_out, W_last = _tiny(reset_after)
    forward_bug = "z swapped" if bug else None

    def loss():
        H, H_T, _ = gru_checks._run_forward(X, H0, p, reset_after, forward_bug)
        return np.sum(W_out * H) + np.sum(W_last * H_T)

    out = gru_checks._backward_outputs(X, H0, p, reset_after, W_out, W_last, bug=bug)
    errors = check_gradients(loss, {**p, "X": X, "H0": H0}, {**_grads(out, p), "X": out["dX"], "H0": out["dH0"]})
    assert max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("reset_after", [False, True])
def test_step_reference_backward_matches_finite_differences(reset_after):
    p, X, H0, W_out, _ = _tiny(reset_after, seed=5)
    X_t, dH_t = X[:, 0], W_out[:, 0]

    def loss():
        return np.sum(dH_t * gru_checks._step(X_t, H0, p, reset_after)["H_t"])

    out = gru_checks._step_backward_outputs(X_t, H0, p, reset_after, dH_t)
    errors = check_gradients(loss, {**p, "X_t": X_t, "H_prev": H0},
                             {**_grads(out, p), "X_t": out["dX_t"], "H_prev": out["dH_prev"]})
    assert max(errors.values()) < 1e-7, errors


# --- the mutant library --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(SPECS))
def test_reference_passes_its_own_check_on_both_forms(name):
    assert_reference_passes(SPECS[name], ADAPTERS[name])
    result = core.run_check(SPECS[name], *ADAPTERS[name](SPECS[name].reference))
    assert result.text.startswith(f"✔ {name}: correct on 4 inputs (reset_after=False ")


@pytest.mark.parametrize("name", sorted(SPECS))
def test_each_mutant_differs_from_the_reference_and_the_issue_s_mistakes_are_there(name):
    spec = SPECS[name]
    assert_each_mutant_differs_from_the_reference(spec)
    assert len(spec.mutants) >= 10
    names = {m.name for m in spec.mutants}
    if "forward" in name:
        assert {"z swapped", "seed formula", "reset after product", "reset before product", "b_hh missing",
                "b_hh outside"} <= names
    else:
        assert {"z swapped (forward and backward)", "dZ sign", "no reset path", "dR without b_hh"} <= names


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_mutant_is_rejected_and_at_least_80_percent_are_named(name):
    unnamed = assert_every_mutant_rejected_and_80_percent_named(SPECS[name], ADAPTERS[name])
    assert unnamed == []           # all of them, in fact: no two mutants agree on every case


def test_the_swapped_convention_is_named_with_its_users_and_how_to_convert():
    for name in ("gru_step_forward", "gru_forward"):
        result = core.run_check(SPECS[name], *ADAPTERS[name](
            next(m.fn for m in SPECS[name].mutants if m.name == "z swapped")))
        assert result.diagnosis == "z swapped"
        for phrase in ("H_t = (1 − Z_t) ⊙ H_{t-1} + Z_t ⊙ H̃_t", "Karpathy", "PyTorch", "exchange Z_t and 1 − Z_t",
                       "negating W_xz, W_hz and b_z"):
            assert phrase in result.text, phrase
    seed = core.run_check(SPECS["gru_step_forward"], *ADAPTERS["gru_step_forward"](
        next(m.fn for m in SPECS["gru_step_forward"].mutants if m.name == "seed formula")))
    assert "h_t = h_{t-1} * r_t + (1 − z_t) * h̃_t" in seed.text and "wrong" in seed.text


def test_a_mistake_in_one_form_only_is_reported_with_that_form():
    def cho_only_right(X_t, H_prev, p, reset_after=False):
        H_t, cache = gru.gru_step_forward(X_t, H_prev, p, reset_after=reset_after)
        return (H_t + 0.01 if reset_after else H_t), cache
    result = checks.check_gru_step_forward(cho_only_right, verbose=False)
    assert result.status == "wrong" and result.diagnosis is None
    assert "H_t differs (case reset_after=True N=2 D=3 H=4 float64" in result.text


# --- correct implementations written differently must all pass -----------------------------------------

def _sigmoid(A):
    return 1 / (1 + np.exp(-A))


def _fused_step(X_t, H_prev, p, reset_after=False):
    """All three input products as one, the gates' recurrent products as one; H̃ + Z ⊙ (H_{t-1} − H̃)."""
    H = H_prev.shape[1]
    W_x = np.concatenate([p["W_xr"], p["W_xz"], p["W_xh"]], axis=1)
    W_rz = np.concatenate([p["W_hr"], p["W_hz"]], axis=1)
    XA = X_t @ W_x + np.concatenate([p["b_r"], p["b_z"], p["b_h"]])
    RZ = _sigmoid(XA[:, :2 * H] + H_prev @ W_rz)
    R, Z = RZ[:, :H], RZ[:, H:]
    M = H_prev @ p["W_hh"] + p["b_hh"] if reset_after else R * H_prev
    H_tilde = np.tanh(XA[:, 2 * H:] + (R * M if reset_after else M @ p["W_hh"]))
    H_t = H_tilde + Z * (H_prev - H_tilde)
    return H_t, {"X_t": X_t, "H_prev": H_prev, "R": R, "Z": Z, "M": M, "H_tilde": H_tilde, "W_x": W_x,
                 "W_rz": W_rz, "W_hh": p["W_hh"], "reset_after": reset_after}


def _fused_step_back(dH_t, c):
    H = dH_t.shape[1]
    R, Z, M, Ht, H_prev = c["R"], c["Z"], c["M"], c["H_tilde"], c["H_prev"]
    dA_z = dH_t * (H_prev - Ht) * Z * (1 - Z)
    dA_h = dH_t * (1 - Z) * (1 - Ht) * (1 + Ht)
    dH_prev = dH_t * Z
    g = {}
    if c["reset_after"]:
        dM = dA_h * R
        dR = dA_h * M
        dH_prev = dH_prev + dM @ c["W_hh"].T
        g["W_hh"], g["b_hh"] = H_prev.T @ dM, dM.sum(axis=0)
    else:
        dM = dA_h @ c["W_hh"].T
        dR = dM * H_prev
        dH_prev = dH_prev + dM * R
        g["W_hh"] = M.T @ dA_h
    dA = np.concatenate([dR * R * (1 - R), dA_z, dA_h], axis=1)
    dW_x, db, dW_rz = c["X_t"].T @ dA, dA.sum(axis=0), H_prev.T @ dA[:, :2 * H]
    for k, gate in enumerate("rzh"):
        g[f"W_x{gate}"], g[f"b_{gate}"] = dW_x[:, k * H:(k + 1) * H], db[k * H:(k + 1) * H]
    g["W_hr"], g["W_hz"] = dW_rz[:, :H], dW_rz[:, H:]
    return dA @ c["W_x"].T, dH_prev + dA[:, :2 * H] @ c["W_rz"].T, g


FLIP = ("W_xz", "W_hz", "b_z")


def _flipped_step(X_t, H_prev, p, reset_after=False):
    """The swapped convention done right: U = σ(−A_z) = 1 − Z_t, H_t = (1 − U) ⊙ H_{t-1} + U ⊙ H̃_t (einsum)."""
    q = {k: -v if k in FLIP else v for k, v in p.items()}
    A = {g: np.einsum("nd,dh->nh", X_t, q[f"W_x{g}"]) + q[f"b_{g}"] for g in "rzh"}
    R = _sigmoid(A["r"] + np.einsum("nk,kh->nh", H_prev, q["W_hr"]))
    U = _sigmoid(A["z"] + np.einsum("nk,kh->nh", H_prev, q["W_hz"]))
    if reset_after:
        G = np.einsum("nk,kh->nh", H_prev, q["W_hh"]) + q["b_hh"]
        H_tilde = np.tanh(A["h"] + R * G)
    else:
        G = None
        H_tilde = np.tanh(A["h"] + np.einsum("nk,kh->nh", R * H_prev, q["W_hh"]))
    return (1 - U) * H_prev + U * H_tilde, (X_t, H_prev, q, R, U, G, H_tilde, reset_after)


def _flipped_step_back(dH_t, c):
    X_t, H_prev, q, R, U, G, H_tilde, reset_after = c
    dA = {"z": dH_t * (H_tilde - H_prev) * U * (1 - U), "h": dH_t * U * (1 - H_tilde**2)}
    dH_prev = dH_t * (1 - U)
    g = {}
    if reset_after:
        dG = dA["h"] * R
        dA["r"] = dA["h"] * G * R * (1 - R)
        dH_prev = dH_prev + np.einsum("nh,kh->nk", dG, q["W_hh"])
        g["W_hh"], g["b_hh"] = np.einsum("nk,nh->kh", H_prev, dG), np.einsum("nh->h", dG)
    else:
        dRH = np.einsum("nh,kh->nk", dA["h"], q["W_hh"])
        dA["r"] = dRH * H_prev * R * (1 - R)
        dH_prev = dH_prev + dRH * R
        g["W_hh"] = np.einsum("nk,nh->kh", R * H_prev, dA["h"])
    dX_t = sum(np.einsum("nh,dh->nd", dA[k], q[f"W_x{k}"]) for k in "rzh")
    for k in "rzh":
        g[f"W_x{k}"], g[f"b_{k}"] = np.einsum("nd,nh->dh", X_t, dA[k]), np.einsum("nh->h", dA[k])
    for k in "rz":
        g[f"W_h{k}"] = np.einsum("nk,nh->kh", H_prev, dA[k])
        dH_prev = dH_prev + np.einsum("nh,kh->nk", dA[k], q[f"W_h{k}"])
    return dX_t, dH_prev, {k: -v if k in FLIP else v for k, v in g.items()}   # d/dp = −d/dq on the flipped keys


def _per_example_step(X_t, H_prev, p, reset_after=False):
    """One example at a time (a Python loop over the batch), in the swapped convention with flipped weights."""
    columns = [_flipped_step(x[None], h[None], p, reset_after)[0][0] for x, h in zip(X_t, H_prev)]
    return np.stack(columns), None


def _seq_forward(step):
    """chapter 02's loop over time (tests/test_checks.py) around a step that takes reset_after."""
    def forward(X, state0, p, reset_after=False):
        return rnn_alternatives._seq_forward(partial(step, reset_after=reset_after))(X, state0, p)
    return forward


_seq_backward = rnn_alternatives._seq_backward


ALTERNATIVES = {
    "gru_step_forward": [(_fused_step,), (_flipped_step,), (_per_example_step,), (gru.gru_step_forward,)],
    "gru_step_backward": [(_fused_step, _fused_step_back), (_flipped_step, _flipped_step_back),
                          (gru.gru_step_forward, gru.gru_step_backward)],
    "gru_forward": [(_seq_forward(_fused_step),), (_seq_forward(_flipped_step),), (gru.gru_forward,)],
    "gru_backward": [(_seq_forward(_fused_step), _seq_backward(_fused_step_back)),
                     (_seq_forward(_flipped_step), _seq_backward(_flipped_step_back)),
                     (gru.gru_forward, gru.gru_backward)],
}


@pytest.mark.parametrize("name", sorted(SPECS))
def test_three_differently_written_correct_implementations_pass(name):
    assert_correct_variants_pass(SPECS[name], ALTERNATIVES[name])


# --- what the learner sees ------------------------------------------------------------------------------

def test_stub_reports_not_implemented_and_crashes_are_reported_not_raised(capsys):
    def stub(*args, **kwargs):
        raise NotImplementedError()
    result = checks.check_gru_backward(gru.gru_forward, stub)
    assert not result and result.status == "not implemented"
    assert capsys.readouterr().out == "gru_backward: not implemented yet — write the function above\n"

    def forgets_b_hh_key(X_t, H_prev, p, reset_after=False):
        return gru.gru_step_forward(X_t, H_prev, {k: v for k, v in p.items() if k != "b_hh"}, reset_after=reset_after)
    result = checks.check_gru_step_forward(forgets_b_hh_key, verbose=False)
    assert result.status == "crashed" and "raised ValueError" in result.text
    assert "reset_after=True" in result.text and "b_hh: (4,)" in result.text


def test_wrong_structure_is_named():
    def no_b_hh_gradient(dH_t, cache):
        dX_t, dH_prev, grads = gru.gru_step_backward(dH_t, cache)
        return dX_t, dH_prev, {k: v for k, v in grads.items() if k != "b_hh"}
    result = checks.check_gru_step_backward(gru.gru_step_forward, no_b_hh_gradient, verbose=False)
    assert result.status == "structure" and "grads must be a dict with the keys of params" in result.text
    assert "'b_hh'" in result.text
    result = checks.check_gru_forward(lambda X, s, p, reset_after=False: gru.gru_forward(X, s, p, reset_after)[:2],
                                      verbose=False)
    assert "must return a tuple of 3 (H, H_T, cache); got a tuple of length 2" in result.text
