"""course_utils.checks.attention and .seq2seq (the chapter 06 workbook): every mutant rejected (most by
name), three differently written correct implementations accepted, crashes reported, never raised."""

import heapq

import numpy as np
import pytest

import checks_contract as contract
from course_utils import attention as att
from course_utils import checks
from course_utils import seq2seq as s2s
from course_utils.activations import softmax
from course_utils.checks import attention as att_checks
from course_utils.checks import core
from course_utils.checks import seq2seq as s2s_checks
from course_utils.gradcheck import check_gradients

SPECS = {**att_checks.SPECS, **s2s_checks.SPECS}
KEYS = att_checks.KEYS
BOS, EOS = s2s_checks.BOS, s2s_checks.EOS


def _triple(o):
    return o["dS_prev"], o["dH_enc"], {k: o["d" + k] for k in KEYS}


def _ids(row):
    return [int(v) for v in row if v >= 0]


# Each adapter turns an "inputs -> outputs dict" function (the reference or a mutant) into the
# learner-facing function(s) the workbook asks for, so that run_check sees it as a learner would.
ADAPTERS = {
    "attention_forward": lambda f: (lambda S, H, m, p: (lambda o: (o["C"], o["alpha"], None))(
        f(S_prev=S, H_enc=H, mask=m, params=p)),),
    "attention_backward": lambda f: (
        lambda S, H, m, p: (None, None, (S, H, m, p)),
        lambda dC, c, dalpha=None: _triple(f(S_prev=c[0], H_enc=c[1], mask=c[2], params=c[3], dC=dC, dalpha=dalpha))),
    "greedy_decode": lambda f: (lambda step_fn, state, n, bos, eos, max_len: (lambda o: (
        [_ids(row) for row in o["sequences"]], o["log_prob"]))(f(step_fn=step_fn, state=state, n=n, max_len=max_len)),),
    "beam_search": lambda f: (lambda step_fn, state, k, bos, eos, max_len, length_norm: (lambda o: [
        (_ids(o["tokens"][j]), o["log_prob"][j], o["score"][j]) for j in range(k) if not np.isnan(o["log_prob"][j])])(
        f(step_fn=step_fn, state=state, k=k, max_len=max_len, length_norm=length_norm)),),
    "teacher_forced_loss": lambda f: (lambda step_fn, state, tgt, tgt_mask, bos: (lambda o: (float(o["loss"]), o["logp"]))(
        f(step_fn=step_fn, state=state, tgt=tgt, tgt_mask=tgt_mask)),),
}


def test_every_chapter_06_checker_has_an_adapter_here():
    assert set(ADAPTERS) == set(SPECS)
    ours = {name[len("check_"):] for name in checks.__all__ if name.startswith("check_")
            and getattr(checks, name).__module__ in (att_checks.__name__, s2s_checks.__name__)}
    assert set(SPECS) == ours


@pytest.mark.parametrize("name", sorted(SPECS))
def test_reference_passes_its_own_check(name):
    contract.assert_reference_passes(SPECS[name], ADAPTERS[name])


# the implementations the mutants switch bugs on: with no bug they must equal the reference
UNBUGGED = {"attention_forward": att_checks._mutant_forward, "attention_backward": att_checks._backward,
            "greedy_decode": s2s_checks._greedy, "beam_search": s2s_checks._beam}


@pytest.mark.parametrize("name", sorted(UNBUGGED))
def test_the_mutants_implementation_without_a_bug_passes(name):
    result = core.run_check(SPECS[name], *ADAPTERS[name](UNBUGGED[name]))
    assert result.passed, result.text


@pytest.mark.parametrize("name", sorted(SPECS))
def test_mutant_library_is_nonempty_and_each_mutant_differs_from_the_reference(name):
    contract.assert_each_mutant_differs_from_the_reference(SPECS[name])


REQUIRED = {  # the mistakes issue 15 names, which each checker must know
    "attention_forward": {"mask ignored", "mask after softmax", "mask added", "padding score 0",
                          "projections swapped", "W_sa transposed", "W_ha transposed"},
    "attention_backward": {"no softmax Jacobian"},
    "beam_search": {"multiplied", "multiplied from 1", "length without eos", "length with bos", "finished dropped", "eos not ending"},
    "teacher_forced_loss": {"mask ignored in the sum", "mask ignored in the normaliser", "off by one"},
    "greedy_decode": {"eos not ending"},
}


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_mutant_is_rejected_and_at_least_80_percent_are_named(name):
    assert REQUIRED[name] <= {m.name for m in SPECS[name].mutants}
    contract.assert_every_mutant_rejected_and_80_percent_named(SPECS[name], ADAPTERS[name])


# --- the attention checker's references are right: finite differences -------------------------------

@pytest.mark.parametrize("case", [c for c in att_checks._cases(np.random.default_rng(0))
                                  if c.inputs["S_prev"].dtype == np.float64], ids=lambda c: c.label[:40])
def test_attention_backward_reference_and_mutant_base_agree_with_finite_differences(case):
    i = case.inputs
    arrays = {**{k: v.copy() for k, v in i["params"].items()}, "S_prev": i["S_prev"].copy(), "H_enc": i["H_enc"].copy()}
    dalpha = np.random.default_rng(1).normal(size=i["mask"].shape) if i["dalpha"] is None else i["dalpha"]

    def loss():
        params = {k: arrays[k] for k in KEYS}
        C, alpha, _ = att.attention_forward(arrays["S_prev"], arrays["H_enc"], i["mask"], params)
        return np.sum(i["dC"] * C) + np.sum(dalpha * alpha)

    for backward in (att_checks._reference_backward, att_checks._backward):
        out = backward(S_prev=i["S_prev"], H_enc=i["H_enc"], mask=i["mask"], params=i["params"], dC=i["dC"],
                       dalpha=dalpha)
        grads = {**{k: out["d" + k] for k in KEYS}, "S_prev": out["dS_prev"], "H_enc": out["dH_enc"]}
        errors = check_gradients(loss, arrays, grads)
        assert max(errors.values()) < 1e-7, errors
        assert np.all(out["dH_enc"][~i["mask"]] == 0)        # padded positions get no gradient


def test_teacher_forced_loss_reference_equals_the_course_seq2seq_loss():
    rng = np.random.default_rng(4)
    params = s2s.init_seq2seq("gru", 7, 6, 3, 4, rng, attention=True, attention_size=5)
    batch = {"src": np.array([[4, 5, 6, 0], [5, 6, 4, 6]]), "src_lengths": np.array([3, 4]),
             "tgt": np.array([[4, 5, EOS], [5, EOS, 0]]), "tgt_lengths": np.array([3, 2])}
    step_fn, state = s2s.decoder_stepper(params, batch["src"], batch["src_lengths"])
    ours = s2s_checks._loss(step_fn, state, batch["tgt"], s2s.target_mask(batch))
    assert np.isclose(float(ours["loss"]), s2s.loss_and_grads(params, batch)[0], rtol=1e-12)


# --- correct implementations written differently must all pass ------------------------------------------

def _att_loop(S_prev, H_enc, mask, params):
    """One sequence and one position at a time; the softmax over the real positions only."""
    N, T, _ = H_enc.shape
    C, alpha = np.zeros((N, H_enc.shape[2]), H_enc.dtype), np.zeros((N, T), H_enc.dtype)
    for n in range(N):
        real = np.flatnonzero(mask[n])
        e = np.array([np.tanh(S_prev[n] @ params["W_sa"] + H_enc[n, s] @ params["W_ha"] + params["b_a"]) @ params["v_a"]
                      for s in real])
        alpha[n, real] = softmax(e)
        C[n] = alpha[n, real] @ H_enc[n, real]
    return C, alpha, (S_prev, H_enc, mask, params, alpha)


def _att_concat(S_prev, H_enc, mask, params):
    """[S_{t-1}, H_s] [W_sa; W_ha]: one matrix for both projections; masked by multiplying exp."""
    N, T, _ = H_enc.shape
    SH = np.concatenate([np.repeat(S_prev[:, None, :], T, axis=1), H_enc], axis=2)
    U = np.tanh(SH @ np.concatenate([params["W_sa"], params["W_ha"]]) + params["b_a"])
    e = np.einsum("nta,a->nt", U, params["v_a"])
    w = np.exp(e - np.where(mask, e, -np.inf).max(axis=1, keepdims=True)) * mask
    alpha = w / w.sum(axis=1, keepdims=True)
    return np.einsum("nt,nth->nh", alpha, H_enc), alpha, {"U": U, "alpha": alpha, "S": S_prev, "H": H_enc, "p": params}


def _att_back_jacobian(dC, cache, dalpha=None):
    """The softmax's Jacobian as a matrix per sequence: diag(α) − α αᵀ."""
    S_prev, H_enc, mask, p, alpha = cache
    U = np.tanh((S_prev @ p["W_sa"])[:, None, :] + H_enc @ p["W_ha"] + p["b_a"])
    da = np.einsum("nh,nth->nt", dC, H_enc) + (0 if dalpha is None else dalpha)
    de = np.stack([(np.diag(a) - np.outer(a, a)) @ g for a, g in zip(alpha, da)])
    dpre = de[:, :, None] * p["v_a"] * (1 - U * U)
    dH = alpha[:, :, None] * dC[:, None, :] + np.einsum("nta,ha->nth", dpre, p["W_ha"])
    grads = {"W_sa": np.einsum("nh,nta->ha", S_prev, dpre), "W_ha": np.einsum("nth,nta->ha", H_enc, dpre),
             "b_a": dpre.sum(axis=(0, 1)), "v_a": np.einsum("nt,nta->a", de, U)}
    return np.einsum("nta,ha->nh", dpre, p["W_sa"]), dH, grads


def _att_back_concat(dC, c, dalpha=None):
    alpha, U, p = c["alpha"], c["U"], c["p"]
    da = np.einsum("nh,nth->nt", dC, c["H"])
    if dalpha is not None:
        da += dalpha
    de = alpha * da - alpha * np.sum(alpha * da, axis=1, keepdims=True)
    dpre = np.einsum("nt,a->nta", de, p["v_a"]) * (1 - U**2)
    H_d = p["W_sa"].shape[0]
    W = np.concatenate([p["W_sa"], p["W_ha"]])
    dSH = dpre @ W.T
    T = U.shape[1]
    SH = np.concatenate([np.repeat(c["S"][:, None, :], T, axis=1), c["H"]], axis=2)
    dW = np.einsum("ntk,nta->ka", SH, dpre)
    grads = {"W_sa": dW[:H_d], "W_ha": dW[H_d:], "b_a": np.einsum("nta->a", dpre), "v_a": np.einsum("nt,nta->a", de, U)}
    return dSH[:, :, :H_d].sum(axis=1), dSH[:, :, H_d:] + alpha[:, :, None] * dC[:, None, :], grads


def _greedy_rows(step_fn, state, n, bos, eos, max_len):
    """Each row on its own (its own slice of the state), stopping at its <eos>."""
    sequences, log_probs = [], []
    for r in range(n):
        row_state, y, seq, total = s2s.take_rows(state, np.array([r])), np.array([bos]), [], 0.0
        while len(seq) < max_len:
            logp, row_state, _ = step_fn(y, row_state)
            y = np.array([int(np.argmax(logp[0]))])
            seq.append(int(y[0]))
            total += logp[0, y[0]]
            if y[0] == eos:
                break
        sequences.append(seq)
        log_probs.append(total)
    return sequences, np.array(log_probs)


def _greedy_masked(step_fn, state, n, bos, eos, max_len):
    """All max_len steps for every row, then cut at the first <eos> with a running 'alive' mask."""
    y, alive, total, tokens = np.full(n, bos), np.ones(n, bool), np.zeros(n), []
    for _ in range(max_len):
        logp, state, _ = step_fn(y, state)
        y = logp.argmax(axis=1)
        total += np.where(alive, logp[np.arange(n), y], 0.0)
        tokens.append(np.where(alive, y, -1))
        alive &= y != eos
    tokens = np.stack(tokens, axis=1)
    return [[int(v) for v in row if v >= 0] for row in tokens], total


def _greedy_course(step_fn, state, n, bos, eos, max_len):
    g = s2s.greedy_search(step_fn, state, n, bos, eos, max_len)
    return [row[:length].tolist() for row, length in zip(g.tokens, g.lengths)], g.log_prob()


def _beam_heap(step_fn, state, k, bos, eos, max_len, length_norm):
    """Candidates in a heap keyed by (−log P, order of appearance): the same order as a stable sort."""
    beams, finished = [((), 0.0)], []
    for _ in range(max_len):
        logp, state, _ = step_fn(np.array([b[-1] if b else bos for b, _ in beams]), state)
        heap = [(-(lp + logp[i, v]), i * logp.shape[1] + v, i, v) for i, (_, lp) in enumerate(beams)
                for v in range(logp.shape[1])]
        heapq.heapify(heap)
        survivors, parents = [], []
        for rank in range(min(2 * k, len(heap))):
            neg, _, i, v = heapq.heappop(heap)
            tokens = beams[i][0] + (v,)
            if v == eos:
                if rank < k:
                    finished.append((tokens, -neg, -neg / len(tokens) ** length_norm))
            elif len(survivors) < k:
                survivors.append((tokens, -neg))
                parents.append(i)
        if len(finished) >= k or not survivors:
            break
        beams, state = survivors, s2s.take_rows(state, np.array(parents))
    else:
        finished += [(b, lp, lp / len(b) ** length_norm) for b, lp in beams]
    return sorted(finished, key=lambda h: h[2], reverse=True)[:k]


def _beam_arrays(step_fn, state, k, bos, eos, max_len, length_norm):
    """Prefixes as a 2-D array; the ranking by np.lexsort; the final sort by score with a stable argsort."""
    prefixes, scores, hyps = np.zeros((1, 0), int), np.zeros(1), []
    for _ in range(max_len):
        last = prefixes[:, -1] if prefixes.shape[1] else np.full(1, bos)
        logp, state, _ = step_fn(last, state)
        total = (scores[:, None] + logp).ravel()
        order = np.lexsort((np.arange(total.size), -total))[:2 * k]
        parent, token = np.divmod(order, logp.shape[1])
        is_eos = token == eos
        for j in np.flatnonzero(is_eos[:k]):
            seq = tuple(prefixes[parent[j]].tolist()) + (eos,)
            hyps.append((seq, total[order[j]], total[order[j]] / len(seq) ** length_norm))
        keep = np.flatnonzero(~is_eos)[:k]
        if len(hyps) >= k or keep.size == 0:
            break
        prefixes = np.concatenate([prefixes[parent[keep]], token[keep, None]], axis=1)
        scores, state = total[order[keep]], s2s.take_rows(state, parent[keep])
    else:
        hyps += [(tuple(p.tolist()), s, s / prefixes.shape[1] ** length_norm) for p, s in zip(prefixes, scores)]
    ranked = np.argsort([-h[2] for h in hyps], kind="stable")[:k]
    return [hyps[j] for j in ranked]


def _loss_loop(step_fn, state, tgt, tgt_mask, bos):
    N, T = tgt.shape
    logp, y_prev = np.zeros((N, T)), np.full(N, bos)
    for t in range(T):
        log_p, state, _ = step_fn(y_prev, state)
        for n in range(N):
            logp[n, t] = log_p[n, tgt[n, t]]
        y_prev = tgt[:, t]
    return -(logp * tgt_mask).sum() / tgt_mask.sum(), logp


def _loss_average(step_fn, state, tgt, tgt_mask, bos):
    """Decoder inputs built first (<bos> then the targets shifted right); np.average with the mask as weights."""
    Y_in = np.concatenate([np.full((len(tgt), 1), bos), tgt[:, :-1]], axis=1)
    columns = []
    for t in range(tgt.shape[1]):
        log_p, state, _ = step_fn(Y_in[:, t], state)
        columns.append(np.take_along_axis(log_p, tgt[:, t:t + 1], axis=1))
    logp = np.concatenate(columns, axis=1)
    return -np.average(logp, weights=tgt_mask), logp


def _loss_boolean(step_fn, state, tgt, tgt_mask, bos):
    logp, y_prev = [], np.full(len(tgt), bos)
    for t in range(tgt.shape[1]):
        log_p, state, _ = step_fn(y_prev, state)
        logp.append(log_p[np.arange(len(tgt)), tgt[:, t]])
        y_prev = tgt[:, t]
    logp = np.stack(logp, axis=1)
    return -logp[tgt_mask.astype(bool)].mean(), logp


ALTERNATIVES = {
    "attention_forward": [(att.attention_forward,), (_att_loop,), (_att_concat,)],
    "attention_backward": [(att.attention_forward, att.attention_backward), (_att_loop, _att_back_jacobian),
                           (_att_concat, _att_back_concat)],
    "greedy_decode": [(_greedy_course,), (_greedy_rows,), (_greedy_masked,)],
    "beam_search": [(s2s.beam_search,), (_beam_heap,), (_beam_arrays,)],
    "teacher_forced_loss": [(_loss_loop,), (_loss_average,), (_loss_boolean,)],
}


@pytest.mark.parametrize("name", sorted(SPECS))
def test_three_differently_written_correct_implementations_pass(name):
    contract.assert_correct_variants_pass(SPECS[name], ALTERNATIVES[name])


# --- what the learner sees ---------------------------------------------------------------------------

def _stub(*args, **kwargs):
    raise NotImplementedError()


@pytest.mark.parametrize("name", sorted(SPECS))
def test_stub_reports_not_implemented_and_a_crash_is_reported_not_raised(name):
    fns = (att.attention_forward, _stub) if name == "attention_backward" else (_stub,)
    result = core.run_check(SPECS[name], *fns)
    assert result.status == "not implemented" and result.text == f"{name}: {core.NOT_IMPLEMENTED}"

    def crashes(*args, **kwargs):
        return args[0][None] @ np.ones((9, 9, 9))
    fns = (att.attention_forward, crashes) if name == "attention_backward" else (crashes,)
    result = core.run_check(SPECS[name], *fns)
    assert result.status == "crashed" and "raised" in result.text, result.text


def test_beam_search_indexing_a_tuple_state_is_reported_with_the_line():
    def indexes_state(step_fn, state, k, bos, eos, max_len, length_norm):
        return [(state[np.array([0])], 0.0, 0.0)]     # state is a tuple: take_rows(state, rows) is the way
    result = checks.check_beam_search(indexes_state, verbose=False)
    assert result.status == "crashed" and "TypeError" in result.text
    assert "state[np.array([0])]" in result.text and "(1, 1)" in result.text.split("state")[-1]


def test_padding_weight_that_is_small_but_not_zero_is_caught():
    def finite_mask(S_prev, H_enc, mask, params):
        C, alpha, cache = att.attention_forward(S_prev, H_enc, None, params)
        e = np.log(alpha) - 30 * ~mask                     # a "−30" mask: exp(−30) ≈ 1e-13, not 0
        alpha = softmax(e, axis=1).astype(H_enc.dtype)
        return np.einsum("nt,nth->nh", alpha, H_enc), alpha, cache
    result = checks.check_attention_forward(finite_mask, verbose=False)
    assert result.status == "wrong" and result.diagnosis is None
    assert "alpha on padding differs" in result.text and "expected 0" in result.text


def test_wrong_structure_is_named():
    result = checks.check_greedy_decode(lambda f, s, n, b, e, m: ([[2]] * (n - 1), np.zeros(n - 1)), verbose=False)
    assert result.status == "structure" and "log_probs must have shape (n,)" in result.text
    result = checks.check_beam_search(lambda f, s, k, b, e, m, l: [((2,), 0.0, 0.0)] * (k + 1), verbose=False)
    assert result.status == "structure" and "at most k = 2 hypotheses" in result.text
    result = checks.check_teacher_forced_loss(lambda f, s, y, m, b: (np.ones(2), np.zeros(y.shape)), verbose=False)
    assert result.status == "structure" and "loss must be one number" in result.text
    result = checks.check_attention_forward(lambda S, H, m, p: (H.sum(axis=1), m.T, None), verbose=False)
    assert result.status == "structure" and "alpha must be an array of shape (N, T)" in result.text


def test_the_learner_api_matches_course_utils_on_the_chapter_toy():
    """The hand-built decoder of chapter 06 section 8: greedy misses what a beam of 2 finds."""
    trap = s2s_checks._trap()
    state = s2s_checks.State((np.zeros((1, 1)),))
    g = s2s.greedy_search(trap, state, 1, BOS, EOS, 5)
    best = s2s.beam_search(trap, state, 2, BOS, EOS, 5)[0]
    assert g.tokens[0].tolist() == [3, EOS] and best.tokens == (4, EOS)
    assert np.exp(best.log_prob) > np.exp(g.log_prob()[0]) + 0.1
