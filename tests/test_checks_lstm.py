"""course_utils.checks.lstm (workbook 04): every mutant is rejected (most by name), correct variants pass,
the reference is course_utils.lstm and its gradients are the finite differences', crashes never raise."""

import numpy as np
import pytest
from checks_contract import (assert_correct_variants_pass, assert_each_mutant_differs_from_the_reference,
                             assert_every_mutant_rejected_and_80_percent_named, assert_reference_passes)

from course_utils import checks, lstm
from course_utils.activations import sigmoid
from course_utils.checks import core
from course_utils.checks import lstm as lstm_checks
from course_utils.gradcheck import check_gradients

SPECS = lstm_checks.SPECS
KEYS = lstm_checks.KEYS
GATES = "ifoc"


def _grads(out):
    return {k: out["d" + k] for k in KEYS}


# Each adapter turns an "inputs -> outputs dict" function (the reference or a mutant) into the
# learner-facing function(s) the workbook asks for, so that run_check sees it as a learner would.
ADAPTERS = {
    "lstm_step_forward": lambda f: (
        lambda X_t, s, p: (lambda o: ((o["H_t"], o["C_t"]), None))(f(X_t=X_t, H_prev=s[0], C_prev=s[1], params=p)),),
    "lstm_step_backward": lambda f: (
        lambda X_t, s, p: (None, (X_t, s[0], s[1], p)),
        lambda d, c: (lambda o: (o["dX_t"], (o["dH_prev"], o["dC_prev"]), _grads(o)))(
            f(X_t=c[0], H_prev=c[1], C_prev=c[2], params=c[3], dH_t=d[0], dC_t=d[1]))),
    "lstm_forward": lambda f: (
        lambda X, s0, p: (lambda o: (o["H"], (o["H_T"], o["C_T"]), None))(f(X=X, state0=s0, params=p)),),
    "lstm_backward": lambda f: (
        lambda X, s0, p: (None, None, (X, s0, p)),
        lambda dH, c, dstate_T=None: (lambda o: (o["dX"], (o["dH0"], o["dC0"]), _grads(o)))(
            f(X=c[0], state0=c[1], params=c[2], dH=dH, dstate_T=dstate_T))),
}


def test_the_four_lstm_checkers_are_public():
    assert set(ADAPTERS) == set(SPECS)
    assert {f"check_{name}" for name in SPECS} <= set(checks.__all__)
    assert all(callable(getattr(checks, f"check_{name}")) for name in SPECS)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_reference_passes_its_own_check(name):
    assert_reference_passes(SPECS[name], ADAPTERS[name])
    assert core.run_check(SPECS[name], *ADAPTERS[name](SPECS[name].reference)).text.startswith(
        f"✔ {name}: correct on 3 inputs")


@pytest.mark.parametrize("name", sorted(SPECS))
def test_each_mutant_differs_from_the_reference_and_from_every_other_mutant(name):
    spec = SPECS[name]
    cases = spec.make_cases(np.random.default_rng(0))
    outputs = {}
    for mutant in (None, *spec.mutants):
        fn = spec.reference if mutant is None else mutant.fn
        with np.errstate(all="ignore"):
            outputs[mutant and mutant.name] = [fn(**case.inputs) for case in cases]
    assert len(outputs) == len(spec.mutants) + 1, "mutant names are unique"

    def same(a, b):
        return all(core.first_difference(x[k], y[k], core.case_dtype(case), spec.tolerance) is None
                   for case, x, y in zip(cases, a, b) for k in x)
    names = list(outputs)
    for i, first in enumerate(names):
        for second in names[i + 1:]:
            assert not same(outputs[first], outputs[second]), f"{name}: {first!r} and {second!r} agree on every case"


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_mutant_is_rejected_and_at_least_80_percent_are_named(name):
    assert len(SPECS[name].mutants) >= 7
    assert_each_mutant_differs_from_the_reference(SPECS[name])
    assert assert_every_mutant_rejected_and_80_percent_named(SPECS[name], ADAPTERS[name]) == []   # all named


def test_the_mistakes_the_issue_asks_for_are_in_the_libraries():
    names = {spec: {m.name for m in SPECS[spec].mutants} for spec in SPECS}
    assert {"i<->f", "candidate σ", "no b_f"} <= names["lstm_step_forward"] & names["lstm_forward"]
    assert {"dF uses C_t", "no tanh' in dC", "dC_next not added", "dO uses C_t"} <= (
        names["lstm_step_backward"] & names["lstm_backward"])
    assert "dC not carried" in names["lstm_backward"]
    for spec in SPECS.values():
        for m in spec.mutants:
            assert m.says.endswith(".") and "=" in m.equation, m.name


# --- the reference is the course's LSTM, and its gradients are right ------------------------------

@pytest.mark.parametrize("k", range(3))
def test_reference_equals_course_utils_lstm_on_every_case(k):
    step = lstm_checks._step_cases(np.random.default_rng(k))[k].inputs
    (H_t, C_t), cache = lstm.lstm_step_forward(step["X_t"], (step["H_prev"], step["C_prev"]), step["params"])
    dX_t, (dH_prev, dC_prev), grads = lstm.lstm_step_backward((step["dH_t"], step["dC_t"]), cache)
    expected = {"H_t": H_t, "C_t": C_t, "dX_t": dX_t, "dH_prev": dH_prev, "dC_prev": dC_prev,
                **{"d" + key: grads[key] for key in KEYS}}
    seq = lstm_checks._seq_cases(np.random.default_rng(k))[k].inputs
    H, (H_T, C_T), cache = lstm.lstm_forward(seq["X"], seq["state0"], seq["params"])
    dX, (dH0, dC0), grads = lstm.lstm_backward(seq["dH"], cache, seq["dstate_T"])
    expected_seq = {"H": H, "H_T": H_T, "C_T": C_T, "dX": dX, "dH0": dH0, "dC0": dC0,
                    **{"d" + key: grads[key] for key in KEYS}}
    got = {**lstm_checks._step_forward_outputs(**step), **lstm_checks._step_backward_outputs(**step)}
    got_seq = {**lstm_checks._forward_outputs(**seq), **lstm_checks._backward_outputs(**seq)}
    dtype = step["X_t"].dtype
    for want, have in ((expected, got), (expected_seq, got_seq)):
        assert set(want) == set(have)
        for key in want:
            assert have[key].dtype == dtype, key
            assert core.first_difference(have[key], want[key], dtype) is None, key


def _float64(tree):
    if isinstance(tree, dict):
        return {k: _float64(v) for k, v in tree.items()}
    if isinstance(tree, tuple):
        return tuple(_float64(v) for v in tree)
    return tree.astype(np.float64) if isinstance(tree, np.ndarray) else tree


def test_reference_step_backward_agrees_with_finite_differences():
    i = _float64(lstm_checks._step_cases(np.random.default_rng(1))[0].inputs)

    def loss():   # L = Σ dH_t ⊙ H_t + Σ dC_t ⊙ C_t: its gradients on H_t and C_t are dH_t and dC_t
        out = lstm_checks._step_forward_outputs(i["X_t"], i["H_prev"], i["C_prev"], i["params"])
        return np.sum(i["dH_t"] * out["H_t"]) + np.sum(i["dC_t"] * out["C_t"])
    out = lstm_checks._step_backward_outputs(**i)
    errors = check_gradients(loss, {**i["params"], "X_t": i["X_t"], "H_prev": i["H_prev"], "C_prev": i["C_prev"]},
                             {**_grads(out), "X_t": out["dX_t"], "H_prev": out["dH_prev"], "C_prev": out["dC_prev"]})
    assert len(errors) == 15 and max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("k", [0, 2])   # case 2 is float32 in the check; here in float64
def test_reference_backward_through_time_agrees_with_finite_differences(k):
    i = _float64(lstm_checks._seq_cases(np.random.default_rng(2))[k].inputs)
    H0, C0 = i["state0"]
    u_H, u_C = i["dstate_T"]

    def loss():   # L = Σ dH ⊙ H + Σ u_H ⊙ H_T + Σ u_C ⊙ C_T
        out = lstm_checks._forward_outputs(i["X"], (H0, C0), i["params"])
        return np.sum(i["dH"] * out["H"]) + np.sum(u_H * out["H_T"]) + np.sum(u_C * out["C_T"])
    out = lstm_checks._backward_outputs(i["X"], (H0, C0), i["params"], i["dH"], (u_H, u_C))
    errors = check_gradients(loss, {**i["params"], "X": i["X"], "H0": H0, "C0": C0},
                             {**_grads(out), "X": out["dX"], "H0": out["dH0"], "C0": out["dC0"]})
    assert len(errors) == 15 and max(errors.values()) < 1e-7, errors


# --- correct implementations written differently must all pass --------------------------------------

def _step_concat(X_t, state, p):
    """[X_t, H_{t-1}] times the stacked [W_xg; W_hg] for each gate, with the gates as a dict."""
    H_prev, C_prev = state
    XH = np.concatenate([X_t, H_prev], axis=1)                                   # (N, D + H)
    A = {g: XH @ np.concatenate([p[f"W_x{g}"], p[f"W_h{g}"]]) + p[f"b_{g}"] for g in GATES}
    G = {g: 1 / (1 + np.exp(-A[g])) for g in "ifo"}
    G["c"] = np.tanh(A["c"])
    C_t = G["f"] * C_prev + G["i"] * G["c"]
    H_t = G["o"] * np.tanh(C_t)
    return (H_t, C_t), {"XH": XH, "G": G, "C_prev": C_prev, "C_t": C_t, "p": p, "D": X_t.shape[1]}


def _step_back_concat(dstate, c):
    dH_t, dC_next = dstate
    G, p, D = c["G"], c["p"], c["D"]
    tc = np.tanh(c["C_t"])
    dC = dC_next + dH_t * G["o"] * (1 - tc) * (1 + tc)
    dG = {"i": dC * G["c"], "f": dC * c["C_prev"], "o": dH_t * tc, "c": dC * G["i"]}
    dA = {g: dG[g] * G[g] * (1 - G[g]) for g in "ifo"}
    dA["c"] = dG["c"] * (1 - G["c"] ** 2)
    grads, dXH = {}, 0
    for g in GATES:
        W = np.concatenate([p[f"W_x{g}"], p[f"W_h{g}"]])
        dW = c["XH"].T @ dA[g]
        grads[f"W_x{g}"], grads[f"W_h{g}"], grads[f"b_{g}"] = dW[:D], dW[D:], dA[g].sum(axis=0)
        dXH = dXH + dA[g] @ W.T
    return dXH[:, :D], (dXH[:, D:], dC * G["f"]), grads


def _step_einsum(X_t, state, p):
    """einsum and sigmoid written as (1 + tanh(a/2)) / 2; the cache is a plain tuple."""
    H_prev, C_prev = state
    A = {g: np.einsum("nd,dh->nh", X_t, p[f"W_x{g}"]) + np.einsum("nk,kh->nh", H_prev, p[f"W_h{g}"]) + p[f"b_{g}"]
         for g in GATES}
    I, F, O = ((1 + np.tanh(A[g] / 2)) / 2 for g in "ifo")
    Cc = np.tanh(A["c"])
    C_t = F * C_prev + I * Cc
    return (O * np.tanh(C_t), C_t), (X_t, H_prev, C_prev, I, F, O, Cc, C_t, p)


def _step_back_einsum(dstate, c):
    X_t, H_prev, C_prev, I, F, O, Cc, C_t, p = c
    dH_t, dC_next = dstate
    tc = np.tanh(C_t)
    dC = dH_t * O * (1 - tc * tc) + dC_next
    dA = {"i": dC * Cc * I * (1 - I), "f": dC * C_prev * F * (1 - F), "o": dH_t * tc * O * (1 - O),
          "c": dC * I * (1 - Cc * Cc)}
    grads = {}
    for g in GATES:
        grads[f"W_x{g}"] = np.einsum("nd,nh->dh", X_t, dA[g])
        grads[f"W_h{g}"] = np.einsum("nk,nh->kh", H_prev, dA[g])
        grads[f"b_{g}"] = np.einsum("nh->h", dA[g])
    dX = sum(np.einsum("nh,dh->nd", dA[g], p[f"W_x{g}"]) for g in GATES)
    dH_prev = sum(np.einsum("nh,kh->nk", dA[g], p[f"W_h{g}"]) for g in GATES)
    return dX, (dH_prev, F * dC), grads


def _step_rows(X_t, state, p):
    """One example at a time, with the course's sigmoid."""
    H_prev, C_prev = state
    rows = []
    for x, h, c in zip(X_t, H_prev, C_prev):
        gate = {g: x @ p[f"W_x{g}"] + h @ p[f"W_h{g}"] + p[f"b_{g}"] for g in GATES}
        c_new = sigmoid(gate["f"]) * c + sigmoid(gate["i"]) * np.tanh(gate["c"])
        rows.append((sigmoid(gate["o"]) * np.tanh(c_new), c_new))
    return (np.stack([r[0] for r in rows]), np.stack([r[1] for r in rows])), None


def _seq_forward(step):
    def forward(X, state0, p):
        N, T, _ = X.shape
        H = p["W_hi"].shape[0]
        state = (np.zeros((N, H), X.dtype), np.zeros((N, H), X.dtype)) if state0 is None else state0
        outputs, caches = [], []
        for t in range(T):
            state, cache = step(X[:, t], state, p)
            outputs.append(state[0])
            caches.append(cache)
        return np.stack(outputs, axis=1), state, caches
    return forward


def _seq_backward(step_back):
    def backward(dH, caches, dstate_T=None):
        dH_next, dC_next = (np.zeros_like(dH[:, 0]),) * 2 if dstate_T is None else dstate_T
        dXs, grads = [], None
        for t in range(len(caches) - 1, -1, -1):
            dX_t, (dH_next, dC_next), g = step_back((dH[:, t] + dH_next, dC_next), caches[t])
            dXs.append(dX_t)
            grads = g if grads is None else {k: grads[k] + g[k] for k in g}
        return np.stack(dXs[::-1], axis=1), (dH_next, dC_next), grads
    return backward


def _bptt_all_at_once(dH, caches, dstate_T=None):
    """Every dA_t first (T, N, H) per gate, then the weight gradients as one einsum over t."""
    T = len(caches)
    X, H_prev = (np.stack([c[k] for c in caches]) for k in (0, 1))            # (T, N, ·)
    p = caches[0][-1]
    dA = {g: np.empty((T,) + dH[:, 0].shape, dH.dtype) for g in GATES}
    dH_next, dC_next = (np.zeros_like(dH[:, 0]),) * 2 if dstate_T is None else dstate_T
    for t in reversed(range(T)):
        _, _, C_prev, I, F, O, Cc, C_t, _ = caches[t]
        dH_t, tc = dH[:, t] + dH_next, np.tanh(C_t)
        dC = dC_next + dH_t * O * (1 - tc**2)
        dA["i"][t], dA["f"][t] = dC * Cc * I * (1 - I), dC * C_prev * F * (1 - F)
        dA["o"][t], dA["c"][t] = dH_t * tc * O * (1 - O), dC * I * (1 - Cc**2)
        dH_next, dC_next = sum(dA[g][t] @ p[f"W_h{g}"].T for g in GATES), dC * F
    grads = {}
    for g in GATES:
        grads.update({f"W_x{g}": np.einsum("tnd,tnh->dh", X, dA[g]), f"W_h{g}": np.einsum("tnk,tnh->kh", H_prev, dA[g]),
                      f"b_{g}": dA[g].sum(axis=(0, 1))})
    dX = sum(np.einsum("tnh,dh->ntd", dA[g], p[f"W_x{g}"]) for g in GATES)
    return dX, (dH_next, dC_next), grads


ALTERNATIVES = {
    "lstm_step_forward": [(_step_concat,), (_step_einsum,), (_step_rows,), (lstm.lstm_step_forward,)],
    "lstm_step_backward": [(_step_concat, _step_back_concat), (_step_einsum, _step_back_einsum),
                           (lstm.lstm_step_forward, lstm.lstm_step_backward)],
    "lstm_forward": [(_seq_forward(_step_concat),), (_seq_forward(_step_rows),), (_seq_forward(_step_einsum),),
                     (lstm.lstm_forward,)],
    "lstm_backward": [(_seq_forward(_step_concat), _seq_backward(_step_back_concat)),
                      (_seq_forward(_step_einsum), _seq_backward(_step_back_einsum)),
                      (_seq_forward(_step_einsum), _bptt_all_at_once), (lstm.lstm_forward, lstm.lstm_backward)],
}


@pytest.mark.parametrize("name", sorted(SPECS))
def test_three_differently_written_correct_implementations_pass(name):
    assert_correct_variants_pass(SPECS[name], ALTERNATIVES[name])


# --- what the learner sees ----------------------------------------------------------------------------

def test_stub_reports_not_implemented_without_raising(capsys):
    def stub(*args):
        raise NotImplementedError()
    for check, fns in [(checks.check_lstm_step_forward, (stub,)), (checks.check_lstm_backward, (stub, stub))]:
        result = check(*fns)
        assert not result and result.status == "not implemented"
    assert capsys.readouterr().out.splitlines() == [
        "lstm_step_forward: not implemented yet — write the function above",
        "lstm_backward: not implemented yet — write the function above"]


def test_crash_is_reported_with_the_line_and_the_shapes_of_the_state_pair():
    def crashes(X, state0, params):
        return X @ params["W_hi"]          # (N, T, D) @ (H, H): D != H, so this cannot broadcast
    result = checks.check_lstm_forward(crashes, verbose=False)
    assert result.status == "crashed" and "raised ValueError" in result.text
    assert 'return X @ params["W_hi"]' in result.text
    assert "state0 ((3, 6) float64, (3, 6) float64)" in result.text and "W_hi: (6, 6)" in result.text


def test_wrong_structure_is_named():
    result = checks.check_lstm_step_forward(lambda X_t, s, p: (lstm.lstm_step_forward(X_t, s, p)[0][0], None),
                                            verbose=False)
    assert result.status == "structure" and "(H_t, C_t)" in result.text
    result = checks.check_lstm_step_backward(
        lstm.lstm_step_forward, lambda d, c: (lambda o: (o[0], o[1], {"W_xi": o[2]["W_xi"]}))(lstm.lstm_step_backward(d, c)),
        verbose=False)
    assert result.status == "structure" and "grads must be a dict with the twelve keys" in result.text
    result = checks.check_lstm_forward(lambda X, s, p: lstm.lstm_forward(X, s, p)[:2], verbose=False)
    assert "must return a tuple of 3 (H, (H_T, C_T), cache); got a tuple of length 2" in result.text


def test_learner_editing_the_state_in_place_does_not_change_the_next_case():
    def edits(X_t, state, params):          # correct output, but it scribbles on the caller's C_prev
        out = lstm.lstm_step_forward(X_t, state, params)
        state[1][...] = 0
        return out
    assert checks.check_lstm_step_forward(edits, verbose=False).passed


def test_unknown_mistake_reports_first_differing_array_index_and_size():
    def wrong(dH, cache, dstate_T=None):
        dX, dstate0, grads = lstm.lstm_backward(dH, cache, dstate_T)
        grads = dict(grads, b_o=grads["b_o"].copy())
        grads["b_o"][2] += 0.5
        return dX, dstate0, grads
    result = checks.check_lstm_backward(lstm.lstm_forward, wrong, verbose=False)
    assert result.status == "wrong" and result.diagnosis is None
    assert "db_o differs (case random N=3 T=4 D=5 H=6 float64" in result.text
    assert "largest difference at db_o[2]" in result.text and "(difference 0.5)" in result.text
