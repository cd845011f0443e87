"""course_utils.checks: every mutant is rejected (most by name), correct variants pass, crashes never raise."""

import numpy as np
import pytest
from checks_contract import (assert_correct_variants_pass, assert_each_mutant_differs_from_the_reference,
                             assert_every_mutant_rejected_and_80_percent_named, assert_reference_passes)

from course_utils import checks, rnn
from course_utils.activations import log_softmax, softmax
from course_utils.checks import core, lm, mlp
from course_utils.checks import rnn as rnn_checks
from course_utils.losses import sequence_cross_entropy, softmax_cross_entropy
from course_utils.mlp import affine_backward, affine_forward, mlp_backward, mlp_forward

SPECS = {**mlp.SPECS, **rnn_checks.SPECS, **lm.SPECS}
GRAD_KEYS = ("W_xh", "W_hh", "b_h")


def _draw(P, rng):
    """Sample one id per row of P (what a learner's sampler does), failing like rng.choice on NaN."""
    if not np.all(np.isfinite(P)):
        raise ValueError("probabilities contain NaN")
    return (rng.random((len(P), 1)) > P.cumsum(axis=1)).sum(axis=1).clip(0, P.shape[1] - 1)


def _grads(out):
    return {k: out["d" + k] for k in GRAD_KEYS}


# Each adapter turns an "inputs -> outputs dict" function (the reference or a mutant) into the
# learner-facing function(s) a workbook asks for, so that run_check sees it as a learner would.
ADAPTERS = {
    "affine_forward": lambda f: (lambda X, W, b: (f(X=X, W=W, b=b)["Y"], None),),
    "affine_backward": lambda f: (
        lambda X, W, b: (X @ W + b, (X, W, b)),
        lambda dY, c: tuple(f(X=c[0], W=c[1], b=c[2], dY=dY)[k] for k in ("dX", "dW", "db"))),
    "relu_backward": lambda f: (lambda dH, A: f(A=A, dH=dH)["dA"],),
    "tanh_backward": lambda f: (lambda dH, H: f(H=H, dH=dH)["dA"],),
    "softmax_cross_entropy": lambda f: (lambda Z, y: (float(f(Z=Z, y=y)["loss"]), f(Z=Z, y=y)["dZ"]),),
    "two_layer_loss": lambda f: (lambda X, y, p: (float(f(X=X, y=y, params=p)["loss"]),
                                                  {k[1:]: v for k, v in f(X=X, y=y, params=p).items() if k != "loss"}),),
    "rnn_step_forward": lambda f: (lambda X_t, H_prev, p: (f(X_t=X_t, H_prev=H_prev, params=p)["H_t"], None),),
    "rnn_step_backward": lambda f: (
        lambda X_t, H_prev, p: (None, (X_t, H_prev, p)),
        lambda dH_t, c: (lambda o: (o["dX_t"], o["dH_prev"], _grads(o)))(f(X_t=c[0], H_prev=c[1], params=c[2], dH_t=dH_t))),
    "rnn_forward": lambda f: (lambda X, H0, p: (lambda o: (o["H"], o["H_T"], None))(f(X=X, H0=H0, params=p)),),
    "rnn_backward": lambda f: (
        lambda X, H0, p: (None, None, (X, H0, p)),
        lambda dH, c, dstate_T=None: (lambda o: (o["dX"], o["dH0"], _grads(o)))(
            f(X=c[0], H0=c[1], params=c[2], dH=dH, dstate_T=dstate_T))),
    "temporal_softmax_loss": lambda f: (lambda O, y, m: (float(f(O=O, y=y, mask=m)["loss"]), f(O=O, y=y, mask=m)["dO"]),),
    "sample_with_temperature": lambda f: (lambda O, tau, rng: _draw(f(O=O, temperature=tau)["frequencies"], rng),),
}


def test_every_checker_has_an_adapter_here():
    assert set(ADAPTERS) == set(SPECS)
    # chapters 03-06 test their checkers in tests/test_checks_<chapter>.py; these are chapters 01-02's
    here = {mlp.__name__, rnn_checks.__name__, lm.__name__}
    assert set(SPECS) == {name[len("check_"):] for name in checks.__all__
                          if name.startswith("check_") and getattr(checks, name).__module__ in here}


@pytest.mark.parametrize("name", sorted(SPECS))
def test_reference_passes_its_own_check(name):
    assert_reference_passes(SPECS[name], ADAPTERS[name])


@pytest.mark.parametrize("name", sorted(SPECS))
def test_mutant_library_is_nonempty_and_each_mutant_differs_from_the_reference(name):
    assert_each_mutant_differs_from_the_reference(SPECS[name])


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_mutant_is_rejected_and_at_least_80_percent_are_named(name):
    assert_every_mutant_rejected_and_80_percent_named(SPECS[name], ADAPTERS[name])


# --- correct implementations written differently must all pass ------------------------------------

def _affine_f_loop(X, W, b):
    return np.stack([x @ W for x in X]) + b, {"X": X, "W": W}


def _affine_f_einsum(X, W, b):
    return np.einsum("nd,dh->nh", X, W) + b[None, :], (X, W)


def _affine_b_einsum(dY, cache):
    X, W = cache
    return np.einsum("nh,dh->nd", dY, W), np.einsum("nd,nh->dh", X, dY), np.einsum("nh->h", dY)


def _affine_b_loop(dY, cache):
    X, W = cache["X"], cache["W"]
    dW, db = np.zeros_like(W), np.zeros_like(dY[0])
    for n in range(len(X)):
        dW += np.outer(X[n], dY[n])
        db += dY[n]
    return dY @ W.T, dW, db


def _ce_logsumexp(Z, y):
    logp = Z - np.logaddexp.reduce(Z, axis=1, keepdims=True)
    P = np.exp(logp)
    P[np.arange(len(y)), y] -= 1
    return -logp[np.arange(len(y)), y].mean(), P / len(y)


def _ce_loop(Z, y):
    N, loss, dZ = len(y), 0.0, np.empty_like(Z)
    for n in range(N):
        p = softmax(Z[n])
        loss -= np.log(p[y[n]]) / N
        dZ[n] = p
        dZ[n, y[n]] -= 1
    return loss, dZ / N


def _two_layer_course(X, y, params):
    Z, caches = mlp_forward(X, params, "tanh")
    loss, dZ = softmax_cross_entropy(Z, y)
    return loss, mlp_backward(dZ, caches)[1]


def _two_layer_own(X, y, params, affine=affine_forward, back=affine_backward):
    A1, c1 = affine(X, params["W1"], params["b1"])
    H1 = np.tanh(A1)
    Z, c2 = affine(H1, params["W2"], params["b2"])
    loss, dZ = _ce_logsumexp(Z, y)
    dH1, dW2, db2 = back(dZ, c2)
    _, dW1, db1 = back(dH1 * (1 - H1) * (1 + H1), c1)
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def _two_layer_loop(X, y, params):
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    loss, N = 0.0, len(X)
    for n in range(N):
        h = np.tanh(X[n] @ params["W1"] + params["b1"])
        p = softmax(h @ params["W2"] + params["b2"])
        loss -= np.log(p[y[n]]) / N
        dz = p.copy()
        dz[y[n]] -= 1
        dz /= N
        da = (dz @ params["W2"].T) * (1 - h**2)
        grads["W2"] += np.outer(h, dz)
        grads["b2"] += dz
        grads["W1"] += np.outer(X[n], da)
        grads["b1"] += da
    return loss, grads


def _step_concat(X_t, H_prev, p):
    W = np.concatenate([p["W_xh"], p["W_hh"]], axis=0)          # [W_xh; W_hh], (D + H, H)
    XH = np.concatenate([X_t, H_prev], axis=1)                   # [X_t, H_{t-1}], (N, D + H)
    H_t = np.tanh(XH @ W + p["b_h"])
    return H_t, {"XH": XH, "W": W, "H_t": H_t, "D": X_t.shape[1]}


def _step_back_concat(dH_t, c):
    dA = dH_t * (1 - c["H_t"] ** 2)
    dXH, dW = dA @ c["W"].T, c["XH"].T @ dA
    D = c["D"]
    return dXH[:, :D], dXH[:, D:], {"W_xh": dW[:D], "W_hh": dW[D:], "b_h": dA.sum(axis=0)}


def _step_einsum(X_t, H_prev, p):
    H_t = np.tanh(np.einsum("nd,dh->nh", X_t, p["W_xh"]) + np.einsum("nk,kh->nh", H_prev, p["W_hh"]) + p["b_h"])
    return H_t, (X_t, H_prev, H_t, p)


def _step_back_einsum(dH_t, c):
    X_t, H_prev, H_t, p = c
    dA = dH_t - dH_t * H_t * H_t
    return (np.einsum("nh,dh->nd", dA, p["W_xh"]), np.einsum("nh,kh->nk", dA, p["W_hh"]),
            {"W_xh": np.einsum("nd,nh->dh", X_t, dA), "W_hh": np.einsum("nk,nh->kh", H_prev, dA),
             "b_h": np.einsum("nh->h", dA)})


def _step_loop(X_t, H_prev, p):
    H_t = np.stack([np.tanh(x @ p["W_xh"] + h @ p["W_hh"] + p["b_h"]) for x, h in zip(X_t, H_prev)])
    return H_t, (X_t, H_prev, H_t, p)


def _seq_forward(step):
    def forward(X, state0, p):
        N, T, _ = X.shape
        H_t = np.zeros((N, p["W_hh"].shape[0]), X.dtype) if state0 is None else state0
        states, caches = [], []
        for t in range(T):
            H_t, cache = step(X[:, t], H_t, p)
            states.append(H_t)
            caches.append(cache)
        return np.stack(states, axis=1), H_t, caches
    return forward


def _seq_backward(step_back):
    def backward(dH, caches, dstate_T=None):
        dnext = np.zeros_like(dH[:, 0]) if dstate_T is None else dstate_T
        dXs, grads = [], None
        for t in range(len(caches) - 1, -1, -1):
            dX_t, dnext, g = step_back(dH[:, t] + dnext, caches[t])
            dXs.append(dX_t)
            grads = g if grads is None else {k: grads[k] + g[k] for k in g}
        return np.stack(dXs[::-1], axis=1), dnext, grads
    return backward


def _bptt_all_at_once(dH, caches, dstate_T=None):
    """Collect every dA_t first, then the weight gradients as one einsum over t (no running sums)."""
    X = np.stack([c[0] for c in caches], axis=1)
    H_prev = np.stack([c[1] for c in caches], axis=1)
    H = np.stack([c[2] for c in caches], axis=1)
    p = caches[0][3]
    dA = np.empty_like(H)
    dnext = np.zeros_like(dH[:, 0]) if dstate_T is None else dstate_T
    for t in reversed(range(H.shape[1])):
        dA[:, t] = (dH[:, t] + dnext) * (1 - H[:, t] ** 2)
        dnext = dA[:, t] @ p["W_hh"].T
    return (dA @ p["W_xh"].T, dnext, {"W_xh": np.einsum("ntd,nth->dh", X, dA),
                                      "W_hh": np.einsum("ntk,nth->kh", H_prev, dA), "b_h": dA.sum(axis=(0, 1))})


def _loss_flat(O, y, mask):
    N, T, V = O.shape
    Z, yy, m = O.reshape(-1, V), y.reshape(-1), mask.reshape(-1)
    logp = log_softmax(Z)
    M = m.sum()
    P = np.exp(logp)
    P[np.arange(len(yy)), yy] -= 1
    return -(logp[np.arange(len(yy)), yy] * m).sum() / M, (P * m[:, None] / M).reshape(O.shape)


def _loss_bool(O, y, mask):
    keep = mask.astype(bool)
    loss, dZ = softmax_cross_entropy(O[keep], y[keep])
    dO = np.zeros_like(O)
    dO[keep] = dZ
    return loss, dO


def _sample_gumbel(O, tau, rng):
    return np.argmax(O / tau - np.log(-np.log(rng.random(O.shape))), axis=1)


def _sample_choice(O, tau, rng):
    return np.array([rng.choice(O.shape[1], p=softmax(o / tau)) for o in O])


def _sample_power(O, tau, rng):
    P = softmax(O) ** (1 / tau)        # p^(1/τ), renormalised: the same distribution as softmax(O/τ)
    return _draw(P / P.sum(axis=1, keepdims=True), rng)


ALTERNATIVES = {
    "affine_forward": [(_affine_f_loop,), (_affine_f_einsum,), (affine_forward,)],
    "affine_backward": [(_affine_f_einsum, _affine_b_einsum), (_affine_f_loop, _affine_b_loop),
                        (affine_forward, affine_backward)],
    "relu_backward": [(lambda dH, A: np.where(A > 0, dH, 0),), (lambda dH, A: np.heaviside(A, 0) * dH,),
                      (lambda dH, A: dH * (np.maximum(A, 0) > 0),)],
    "tanh_backward": [(lambda dH, H: dH - dH * H * H,), (lambda dH, H: dH * (1 - H) * (1 + H),),
                      (lambda dH, H: dH / np.cosh(np.arctanh(H)) ** 2,)],
    "softmax_cross_entropy": [(_ce_logsumexp,), (_ce_loop,), (softmax_cross_entropy,)],
    "two_layer_loss": [(_two_layer_course,), (_two_layer_own,), (_two_layer_loop,)],
    "rnn_step_forward": [(_step_concat,), (_step_einsum,), (_step_loop,), (rnn.rnn_step_forward,)],
    "rnn_step_backward": [(_step_concat, _step_back_concat), (_step_einsum, _step_back_einsum),
                          (rnn.rnn_step_forward, rnn.rnn_step_backward)],
    "rnn_forward": [(_seq_forward(_step_concat),), (_seq_forward(_step_loop),), (rnn.rnn_forward,)],
    "rnn_backward": [(_seq_forward(_step_concat), _seq_backward(_step_back_concat)),
                     (_seq_forward(_step_einsum), _seq_backward(_step_back_einsum)),
                     (_seq_forward(_step_einsum), _bptt_all_at_once), (rnn.rnn_forward, rnn.rnn_backward)],
    "temporal_softmax_loss": [(_loss_flat,), (_loss_bool,), (sequence_cross_entropy,)],
    "sample_with_temperature": [(_sample_gumbel,), (_sample_choice,), (_sample_power,)],
}


@pytest.mark.parametrize("name", sorted(SPECS))
def test_three_differently_written_correct_implementations_pass(name):
    assert_correct_variants_pass(SPECS[name], ALTERNATIVES[name])


# --- what the learner sees ----------------------------------------------------------------------

def test_stub_reports_not_implemented_without_raising(capsys):
    def stub(*args):
        raise NotImplementedError()
    result = checks.check_rnn_step_forward(stub)
    assert not result and result.status == "not implemented"
    assert capsys.readouterr().out == "rnn_step_forward: not implemented yet — write the function above\n"


def test_crash_is_reported_with_exception_line_and_input_shapes():
    def crashes(X, state0, params):
        return X @ params["W_hh"]          # (N, T, D) @ (H, H): D != H, so this cannot broadcast
    result = checks.check_rnn_forward(crashes, verbose=False)
    assert result.status == "crashed"
    assert "raised ValueError" in result.text and 'return X @ params["W_hh"]' in result.text
    assert "X (3, 4, 5) float64" in result.text and "W_hh: (6, 6)" in result.text


def test_wrong_shape_and_dtype_are_named():
    result = checks.check_affine_forward(lambda X, W, b: ((X @ W + b)[:, :1], None), verbose=False)
    assert result.status == "structure" and "Y must have shape (2, 4); got (2, 1)" in result.text
    result = checks.check_affine_forward(lambda X, W, b: ((X @ W + b).astype(np.float64), None), verbose=False)
    assert "Y must keep the inputs' dtype float32; got float64" in result.text
    result = checks.check_rnn_step_backward(rnn.rnn_step_forward, lambda d, c: (1, 2), verbose=False)
    assert "must return a tuple of 3 (dX_t, dH_prev, grads); got a tuple of length 2" in result.text


def test_unknown_mistake_reports_first_differing_array_index_and_size():
    def wrong(X, state0, params):
        H, H_T, cache = rnn.rnn_forward(X, state0, params)
        H = H.copy()
        H[1, 2, 3] += 0.5
        return H, H_T, cache
    result = checks.check_rnn_forward(wrong, verbose=False)
    assert result.status == "wrong" and result.diagnosis is None
    assert "H differs (case random N=3 T=4 D=5 H=6 float64" in result.text
    assert "largest difference at H[1, 2, 3]" in result.text and "(difference 0.5)" in result.text


def test_float32_implementation_within_float32_tolerance_passes():
    def float32_inside(X_t, H_prev, params):       # computes in float32 even for float64 inputs
        p32 = {k: v.astype(np.float32) for k, v in params.items()}
        H_t, cache = rnn.rnn_step_forward(X_t.astype(np.float32), H_prev.astype(np.float32), p32)
        return H_t.astype(X_t.dtype), cache
    result = checks.check_rnn_step_forward(float32_inside, verbose=False)
    assert not result and "differs" in result.text     # float64 inputs are held to float64 tolerance
    assert core.first_difference(np.float32(1.0001), 1.0, np.float32) is None
    assert core.first_difference(np.float32(1.01), 1.0, np.float32) is not None


def test_result_is_truthy_only_when_passed():
    assert checks.check_tanh_backward(lambda dH, H: dH * (1 - H**2), verbose=False)
    assert not checks.check_tanh_backward(lambda dH, H: dH, verbose=False)
