"""course_utils.checks.gradflow (workbook 03): references equal course_utils and finite differences,
every mutant is rejected (most by name), correct variants pass, crashes and wrong structures never raise."""

import math

import numpy as np
import pytest
from checks_contract import (assert_correct_variants_pass, assert_each_mutant_differs_from_the_reference,
                             assert_every_mutant_rejected_and_80_percent_named, assert_reference_passes)

from course_utils import checks, gradflow, optim
from course_utils.checks import core
from course_utils.checks import gradflow as gf_checks
from course_utils.gradcheck import relative_error

SPECS = gf_checks.SPECS


def _clipped(out):
    return {k[len('clipped["'):-2]: v for k, v in out.items() if k.startswith("clipped[")}


def _clip_adapter(f):
    def clip(grads, max_norm):
        out = f(grads={k: g.copy() for k, g in grads.items()}, max_norm=max_norm)
        for k, g in grads.items():      # what the mutant did to the caller's arrays, done to the learner's caller's
            g[...] = out[f'grads["{k}"] after the call']
        return _clipped(out), float(out["norm"])
    return (clip,)


ADAPTERS = {
    "step_jacobian": lambda f: (lambda X_t, H_prev, p: f(X_t=X_t, H_prev=H_prev, params=p)["J_t"],),
    "jacobian_product": lambda f: (lambda X, H0, p: f(X=X, H0=H0, params=p)["P"],),
    "global_norm": lambda f: (lambda grads: float(f(grads=grads)["norm"]),),
    "clip_by_global_norm": _clip_adapter,
}


def test_every_checker_of_the_module_is_exported_and_has_an_adapter():
    assert set(ADAPTERS) == set(SPECS)
    exported = {name[len("check_"):] for name in checks.__all__
                if name.startswith("check_") and getattr(checks, name).__module__ == gf_checks.__name__}
    assert exported == set(SPECS)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_reference_passes_and_every_mutant_differs_from_it_and_is_rejected_at_least_80_percent_by_name(name):
    assert_reference_passes(SPECS[name], ADAPTERS[name])
    assert_each_mutant_differs_from_the_reference(SPECS[name])
    assert assert_every_mutant_rejected_and_80_percent_named(SPECS[name], ADAPTERS[name]) == []   # all named


def test_the_mutant_libraries_cover_the_typical_mistakes():
    names = {spec: {m.name for m in SPECS[spec].mutants} for spec in SPECS}
    assert {"column convention", "W_hh.T", "no tanh'", "pre-activation", "H_prev"} <= names["step_jacobian"]
    assert {"reversed", "transposed", "elementwise", "not carried"} <= names["jacobian_product"]
    assert {"no sqrt", "sum of norms", "spectral norm"} <= names["global_norm"]
    assert {"per array", "always", "condition backwards", "no sqrt", "in place", "by value"} <= names["clip_by_global_norm"]


# --- the references are course_utils', and the Jacobian is the derivative -------------------------------

def _cases(name):
    return SPECS[name].make_cases(np.random.default_rng(0))


def test_step_jacobian_reference_is_gradflow_step_jacobians_and_matches_finite_differences():
    for case in _cases("step_jacobian"):
        X_t, H_prev, p = case.inputs["X_t"], case.inputs["H_prev"], case.inputs["params"]
        J = gf_checks.STEP_JACOBIAN.reference(**case.inputs)["J_t"]
        H_t = gradflow.forward_states(X_t[:, None], H_prev, p)
        np.testing.assert_allclose(J, gradflow.step_jacobians(H_t, p["W_hh"])[:, 0], rtol=1e-6)
        assert J.dtype == X_t.dtype
    case = _cases("step_jacobian")[0]                                     # float64: finite differences
    X_t, H_prev, p = case.inputs["X_t"], case.inputs["H_prev"], case.inputs["params"]
    step = lambda h: np.tanh(X_t @ p["W_xh"] + h @ p["W_hh"] + p["b_h"])  # noqa: E731
    eps, H = 1e-6, H_prev.shape[1]
    J_num = np.stack([(step(H_prev + eps * e) - step(H_prev - eps * e)) / (2 * eps) for e in np.eye(H)], axis=1)
    assert relative_error(gf_checks.STEP_JACOBIAN.reference(**case.inputs)["J_t"], J_num) < 1e-7


def test_jacobian_product_reference_is_gradflow_jacobian_product_and_matches_finite_differences():
    for case in _cases("jacobian_product"):
        X, H0, p = case.inputs["X"], case.inputs["H0"], case.inputs["params"]
        J = gradflow.step_jacobians(gradflow.forward_states(X, H0, p), p["W_hh"])
        P = gf_checks.PRODUCT_SPEC.reference(**case.inputs)["P"]
        np.testing.assert_allclose(P, gradflow.jacobian_product(J, -1, X.shape[1] - 1), rtol=1e-5, atol=1e-7)
    case = _cases("jacobian_product")[1]                                   # float64, T = 5
    X, H0, p = case.inputs["X"], case.inputs["H0"], case.inputs["params"]
    last = lambda h0: gradflow.forward_states(X, h0, p)[:, -1]             # noqa: E731
    eps, H = 1e-6, H0.shape[1]
    P_num = np.stack([(last(H0 + eps * e) - last(H0 - eps * e)) / (2 * eps) for e in np.eye(H)], axis=1)
    assert relative_error(gf_checks.PRODUCT_SPEC.reference(**case.inputs)["P"], P_num) < 1e-7


def test_norm_and_clipping_references_are_course_utils_optim():
    for case in _cases("global_norm"):
        assert float(gf_checks.GLOBAL_NORM.reference(**case.inputs)["norm"]) == pytest.approx(
            optim.global_norm(case.inputs["grads"]), rel=1e-12)
    for case in _cases("clip_by_global_norm"):
        out = gf_checks.CLIP_SPEC.reference(**case.inputs)
        clipped, norm = optim.clip_by_global_norm(case.inputs["grads"], case.inputs["max_norm"])
        assert float(out["norm"]) == pytest.approx(norm, rel=1e-12)
        for k, g in clipped.items():
            np.testing.assert_array_equal(_clipped(out)[k], g)
            np.testing.assert_array_equal(out[f'grads["{k}"] after the call'], case.inputs["grads"][k])


def test_clipping_cases_exercise_both_sides_of_the_threshold_and_per_array_clipping():
    sides = set()
    for case in _cases("clip_by_global_norm"):
        grads, c = case.inputs["grads"], case.inputs["max_norm"]
        assert c != 1.0                                   # with c = 1, forgetting "× c" would pass
        sides.add(optim.global_norm(grads) > c)
        if optim.global_norm(grads) > c and all(optim.global_norm({k: g}) < c for k, g in grads.items()):
            sides.add("each array below c")               # per-array clipping leaves it unchanged: caught
    assert sides == {True, False, "each array below c"}


# --- correct implementations written differently must all pass --------------------------------------------

def _jac_broadcast(X_t, H_prev, p):
    H_t = np.tanh(X_t @ p["W_xh"] + H_prev @ p["W_hh"] + p["b_h"])
    return p["W_hh"] * (1 - H_t**2)[:, None, :]


def _jac_einsum(X_t, H_prev, p):
    H_t = np.tanh(np.einsum("nd,dh->nh", X_t, p["W_xh"]) + np.einsum("nk,kh->nh", H_prev, p["W_hh"]) + p["b_h"])
    return np.einsum("ij,nj->nij", p["W_hh"], (1 - H_t) * (1 + H_t))


def _jac_diag_loop(X_t, H_prev, p):
    A_t = np.concatenate([X_t, H_prev], axis=1) @ np.concatenate([p["W_xh"], p["W_hh"]]) + p["b_h"]
    return np.stack([p["W_hh"] @ np.diag(1 / np.cosh(a) ** 2) for a in A_t])


def _jac_from_column_form(X_t, H_prev, p):
    H_t = np.tanh(X_t @ p["W_xh"] + H_prev @ p["W_hh"] + p["b_h"])
    return np.stack([(np.diag(1 - h**2) @ p["W_hh"].T).T for h in H_t])   # (∂h_t/∂h_{t-1} column form)ᵀ


def _product_with(step_jacobian):
    def product(X, H0, p):
        P, H_prev = np.eye(H0.shape[1], dtype=X.dtype), H0
        for t in range(X.shape[1]):
            P = P @ step_jacobian(X[:, t], H_prev, p)                  # broadcasts (H, H) @ (N, H, H)
            H_prev = np.tanh(X[:, t] @ p["W_xh"] + H_prev @ p["W_hh"] + p["b_h"])
        return P
    return product


def _product_backwards(X, H0, p):
    """All states first, then the product built from the right end: P = J_t (J_{t+1} ⋯ J_T)."""
    Hs = gradflow.forward_states(X, H0, p)
    H_prevs = np.concatenate([H0[:, None], Hs[:, :-1]], axis=1)
    P = None
    for t in reversed(range(X.shape[1])):
        J_t = _jac_einsum(X[:, t], H_prevs[:, t], p)
        P = J_t if P is None else np.einsum("nij,njk->nik", J_t, P)
    return P


def _product_course(X, H0, p):
    J = gradflow.step_jacobians(gradflow.forward_states(X, H0, p), p["W_hh"])
    return gradflow.jacobian_product(J, -1, X.shape[1] - 1)


def _norm_concat(grads):
    return np.linalg.norm(np.concatenate([g.ravel() for g in grads.values()]))


def _norm_loop(grads):
    total = 0.0
    for g in grads.values():
        total += float(np.vdot(g, g))
    return math.sqrt(total)


def _norm_of_norms(grads):
    return np.sqrt(sum(np.linalg.norm(g) ** 2 for g in grads.values()))


def _clip_with(norm):
    def clip(grads, max_norm):
        n = norm(grads)
        if n > max_norm:
            return {k: g * (max_norm / n) for k, g in grads.items()}, n
        return dict(grads), n
    return clip


def _clip_flat(grads, max_norm):
    flat = np.concatenate([g.ravel() for g in grads.values()])
    n = float(np.sqrt(flat @ flat))
    scale = min(1.0, max_norm / n)
    return {k: scale * g for k, g in grads.items()}, n


ALTERNATIVES = {
    "step_jacobian": [(_jac_broadcast,), (_jac_einsum,), (_jac_diag_loop,), (_jac_from_column_form,)],
    "jacobian_product": [(_product_with(_jac_broadcast),), (_product_with(_jac_diag_loop),), (_product_backwards,),
                         (_product_course,)],
    "global_norm": [(_norm_concat,), (_norm_loop,), (_norm_of_norms,), (optim.global_norm,)],
    "clip_by_global_norm": [(_clip_with(_norm_loop),), (_clip_with(_norm_concat),), (_clip_flat,),
                            (lambda grads, max_norm: optim.clip_by_global_norm(grads, max_norm),)],
}


@pytest.mark.parametrize("name", sorted(SPECS))
def test_three_or_more_differently_written_correct_implementations_pass_each_check(name):
    assert len(ALTERNATIVES[name]) >= 3    # the contract's bar; here there are four each
    assert_correct_variants_pass(SPECS[name], ALTERNATIVES[name])


# --- what the learner sees ---------------------------------------------------------------------------------

def test_stub_reports_not_implemented_without_raising(capsys):
    def stub(*args):
        raise NotImplementedError()
    for check in (checks.check_step_jacobian, checks.check_jacobian_product, checks.check_global_norm,
                  checks.check_clip_by_global_norm):
        result = check(stub)
        assert not result and result.status == "not implemented"
    assert capsys.readouterr().out.splitlines() == [f"{name}: not implemented yet — write the function above"
                                                    for name in SPECS]


def test_crash_is_reported_with_the_line_and_input_shapes():
    def crashes(X_t, H_prev, params):
        return X_t @ params["W_hh"]            # (N, D) @ (H, H) with D != H
    result = checks.check_step_jacobian(crashes, verbose=False)
    assert result.status == "crashed" and "raised ValueError" in result.text
    assert 'return X_t @ params["W_hh"]' in result.text and "X_t (3, 5) float64" in result.text


def test_wrong_structures_are_named():
    result = checks.check_step_jacobian(lambda X_t, H_prev, p: _jac_broadcast(X_t, H_prev, p).mean(axis=0),
                                        verbose=False)
    assert result.status == "structure" and "J_t must have shape (3, 6, 6); got (6, 6)" in result.text
    result = checks.check_step_jacobian(lambda X_t, H_prev, p: (_jac_broadcast(X_t, H_prev, p), None), verbose=False)
    assert result.status == "structure" and "must return J_t, a NumPy array of shape (3, 6, 6); got tuple" in result.text
    result = checks.check_global_norm(lambda grads: {k: np.linalg.norm(g) for k, g in grads.items()}, verbose=False)
    assert result.status == "structure" and "the global norm must be one number; got dict" in result.text

    def forgets_to_return(grads, max_norm):
        _clip_flat(grads, max_norm)
    result = checks.check_clip_by_global_norm(forgets_to_return, verbose=False)
    assert "must return a tuple of 2 (clipped grads, norm before clipping); got NoneType" in result.text
    result = checks.check_clip_by_global_norm(lambda g, c: _clip_flat(g, c)[0], verbose=False)
    assert result.status == "structure" and "must return a tuple of 2" in result.text
    result = checks.check_clip_by_global_norm(lambda g, c: ({"W": 0}, 1.0), verbose=False)
    assert "the clipped gradients must be a dict with the keys of grads ['W_xh', 'W_hh', 'b_h']; got ['W']" in result.text


def test_clipping_in_place_is_named_even_though_the_returned_values_are_right():
    def in_place(grads, max_norm):
        n = optim.global_norm(grads)
        for g in grads.values():
            g *= min(1.0, max_norm / n)
        return grads, n
    result = checks.check_clip_by_global_norm(in_place, verbose=False)
    assert result.diagnosis == "in place" and "The line to fix: return a new dict; grads unchanged" in result.text

    def reassigns(grads, max_norm):
        n = optim.global_norm(grads)
        for k in grads:
            grads[k] = grads[k] * min(1.0, max_norm / n)
        return grads, n
    assert checks.check_clip_by_global_norm(reassigns, verbose=False).diagnosis == "in place"


def test_unknown_mistake_reports_the_first_differing_array():
    def wrong(X_t, H_prev, p):
        J = _jac_broadcast(X_t, H_prev, p)
        J[1, 2, 3] += 0.5
        return J
    result = checks.check_step_jacobian(wrong, verbose=False)
    assert result.status == "wrong" and result.diagnosis is None
    assert "largest difference at J_t[1, 2, 3]" in result.text and "(difference 0.5)" in result.text


def test_float32_clipping_that_upcasts_passes_within_float32_tolerance():
    def upcasts(grads, max_norm):                  # NumPy 2: float32 array * np.float64 scalar -> float64
        n = np.sqrt(sum(np.sum(g.astype(np.float64) ** 2) for g in grads.values()))
        return {k: g * np.float64(min(1.0, max_norm / n)) for k, g in grads.items()}, n
    assert checks.check_clip_by_global_norm(upcasts, verbose=False)
    assert core.run_check(SPECS["clip_by_global_norm"], upcasts).passed


# --- mistakes as a learner writes them (not switches of the reference) are named -----------------------------

def _slope_from_pre_activation(X_t, H_prev, p):
    A_t = X_t @ p["W_xh"] + H_prev @ p["W_hh"] + p["b_h"]
    return p["W_hh"] * (1 - A_t**2)[:, None, :]


def _product_prepending(X, H0, p):
    P, H_prev = np.eye(H0.shape[1]), H0
    for t in range(X.shape[1]):
        P = _jac_broadcast(X[:, t], H_prev, p) @ P
        H_prev = np.tanh(X[:, t] @ p["W_xh"] + H_prev @ p["W_hh"] + p["b_h"])
    return P


def _clip_with_max(grads, max_norm):
    n = _norm_loop(grads)
    return {k: g * max(1.0, max_norm / n) for k, g in grads.items()}, n


@pytest.mark.parametrize("check, fn, name", [
    (checks.check_step_jacobian, lambda X_t, H_prev, p: np.transpose(_jac_broadcast(X_t, H_prev, p), (0, 2, 1)),
     "column convention"),
    (checks.check_step_jacobian, _slope_from_pre_activation, "pre-activation"),
    (checks.check_jacobian_product, _product_prepending, "reversed"),
    (checks.check_global_norm, lambda grads: sum(np.linalg.norm(g) for g in grads.values()), "sum of norms"),
    (checks.check_global_norm, lambda grads: np.sqrt(sum(np.linalg.norm(g, 2) ** 2 for g in grads.values())),
     "spectral norm"),
    (checks.check_clip_by_global_norm, _clip_with_max, "condition backwards"),
    (checks.check_clip_by_global_norm, lambda grads, c: ({k: optim.clip_by_global_norm({k: g}, c)[0][k]
                                                          for k, g in grads.items()}, optim.global_norm(grads)),
     "per array"),
])
def test_handwritten_mistakes_are_named(check, fn, name):
    result = check(fn, verbose=False)
    assert not result and result.diagnosis == name, result.text
