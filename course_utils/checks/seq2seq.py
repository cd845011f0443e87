"""Checkers for the chapter 06 workbook's decoding and loss: greedy, beam search, teacher-forced loss.

    greedy        ŷ_t = argmax_v log p(v | ŷ_<t, x), ŷ_0 = <bos>, until <eos> (included) or max_len
    beam search   keep the k best prefixes by log P = Σ_t log p(y_t | y_<t, x); rank the finished
                  ones by score = log P / L^λ, L = number of tokens with the <eos>
    loss          L = −(1/M) Σ_{n,t} m_{n,t} log p(y_{n,t} | y_{n,<t}, x),  M = Σ m, inputs <bos>, y_1, y_2, ...

Decoders return discrete outputs, so the inputs are made to tell the known mistakes apart:
``step_fn``s of tiny hand-built decoders (a Markov table with the chapter's greedy-vs-beam trap,
and small random RNNs whose next-token log-probabilities depend on the state, the fed token and
a per-row "source"), with the interface of ``seq2seq.decoder_stepper``:
``step_fn(y_prev (B,), state) -> (log_probs (B, V), state, extra)``. Their state is a tuple of
arrays like the real decoder's, so a beam must reorder it with ``seq2seq.take_rows``. The
references are course_utils.seq2seq's ``greedy_search`` and ``beam_search``; the loss's is the
equation above, which tests/test_checks_seq2seq.py checks against ``seq2seq.loss_and_grads``.
"""

import numpy as np

from ..activations import log_softmax
from ..seq2seq import beam_search as _course_beam
from ..seq2seq import greedy_search as _course_greedy
from ..seq2seq import take_rows
from .core import Case, Mismatch, Spec, mutants, pair, report, scalar

BOS, EOS = 1, 2   # the course's Vocab ids (<pad> is 0)


class State(tuple):
    """A decoder state (a tuple of arrays, batch first) that prints as its shapes in a report."""

    def __repr__(self):
        return "(" + ", ".join(f"{type(s).__name__} {np.shape(s)}" for s in self) + ")"


class TinyDecoder:
    """step_fn of a tiny RNN decoder with known log-probabilities:

        h_t = tanh(h_{t-1} W + E[y_{t-1}]),  log p_t = log softmax(h_t W_o + src W_s + b + eos_slope (t − eos_at) e_eos)

    The state is (h (B, S), src (B, R), t (B, 1)): ``src`` stands for the encoder's output (one row
    per source), t counts the steps, so <eos> grows likelier with the length and outputs end at
    different steps. <pad> and <bos> are never likely (logit −30).
    """

    def __init__(self, seed, V, S=4, R=3, eos_at=3.0, eos_slope=1.5):
        rng = np.random.default_rng(seed)
        self.V, self.seed, self.eos_at, self.eos_slope = V, seed, eos_at, eos_slope
        self.E, self.W = rng.normal(size=(V, S)), 0.8 * rng.normal(size=(S, S))
        self.W_o, self.W_s = 1.5 * rng.normal(size=(S, V)), rng.normal(size=(R, V))
        self.b = 0.5 * rng.normal(size=V)
        self.b[[0, BOS]] = -30.0
        self.h0 = rng.normal(size=(1, S))
        self.rng = rng

    def state(self, n):
        return State((np.repeat(self.h0, n, axis=0), self.rng.normal(size=(n, self.W_s.shape[0])), np.zeros((n, 1))))

    def __call__(self, y_prev, state):
        h, src, t = state
        h = np.tanh(h @ self.W + self.E[y_prev])
        t = t + 1
        logits = h @ self.W_o + src @ self.W_s + self.b
        logits[:, EOS] += self.eos_slope * (t[:, 0] - self.eos_at)
        return log_softmax(logits), (h, src, t), None

    def __repr__(self):
        return f"<tiny RNN decoder V={self.V} seed={self.seed}>"


class MarkovDecoder:
    """step_fn whose next-token probabilities depend only on the fed token: P[y_prev]. State: (steps (B, 1),)."""

    def __init__(self, P, label):
        self.logP, self.label = np.log(P), label

    def __call__(self, y_prev, state):
        return self.logP[y_prev], (state[0] + 1,), None

    def __repr__(self):
        return f"<{self.label}>"


def _trap():
    """The chapter's hand-built decoder (tokens <pad>, <bos>, <eos>, a, b), without its ties:
    greedy takes a (0.55) and ends with P = 0.22; b <eos> has P = 0.405."""
    rows = {0: [0, 0, 1, 0, 0], BOS: [0, 0, 0, 0.55, 0.45], EOS: [0, 0, 1, 0, 0],
            3: [0, 0, 0.4, 0.35, 0.25], 4: [0, 0, 0.9, 0.06, 0.04]}
    P = np.array([rows[v] for v in range(5)]) + 1e-6
    return MarkovDecoder(P / P.sum(axis=1, keepdims=True), "the chapter's greedy-vs-beam decoder, V=5")


# --- greedy decoding ------------------------------------------------------------------------------

GREEDY_CASES = [(3, 6, 7, 3.0, 1), (4, 7, 6, 2.0, 0), (5, 5, 8, 4.0, 3)]   # n, V, max_len, eos_at, seed


def _greedy_cases(rng):
    cases = []
    for n, V, max_len, eos_at, seed in GREEDY_CASES:
        dec = TinyDecoder(seed, V, eos_at=eos_at)
        cases.append(Case(f"tiny RNN decoder n={n} V={V} max_len={max_len}",
                          {"step_fn": dec, "state": dec.state(n), "n": n, "max_len": max_len}))
    return cases


def _padded(sequences, rows, max_len, what):
    """A list of token sequences -> (rows, max_len) float array, -1 after each sequence's end."""
    if not isinstance(sequences, (list, tuple)) or len(sequences) != rows:
        raise Mismatch(f"{what} must be a list of {rows} token sequences; got "
                       f"{type(sequences).__name__}{f' of length {len(sequences)}' if hasattr(sequences, '__len__') else ''}")
    out = np.full((rows, max_len), -1.0)
    for r, seq in enumerate(sequences):
        seq = np.asarray(seq)
        if seq.ndim != 1 or (seq.size and seq.dtype.kind not in "iu"):
            raise Mismatch(f"{what}[{r}] must be a flat list of int token ids; got {seq.dtype} of shape {seq.shape}")
        if len(seq) > max_len:
            raise Mismatch(f"{what}[{r}] has {len(seq)} tokens; at most max_len = {max_len}")
        out[r, :len(seq)] = seq
    return out


def _greedy_outputs(sequences, log_probs, n, max_len):
    return {"sequences": _padded(sequences, n, max_len, "sequences"), "log_prob": np.asarray(log_probs, np.float64)}


def _reference_greedy(step_fn, state, n, max_len):
    g = _course_greedy(step_fn, state, n, BOS, EOS, max_len)
    return _greedy_outputs([row[:L].tolist() for row, L in zip(g.tokens, g.lengths)], g.log_prob(), n, max_len)


def _greedy(step_fn, state, n, max_len, bug=None):
    state0, y = state, np.full(n, BOS)
    sequences, log_prob, done = [[] for _ in range(n)], np.zeros(n), np.zeros(n, dtype=bool)
    for _ in range(max_len):
        logp, state, _ = step_fn(y, state0 if bug == "state not carried" else state)
        y_new = logp.argmax(axis=1)
        for r in range(n):
            if done[r]:
                log_prob[r] += logp[r, y_new[r]] if bug == "log P after eos" else 0
            elif not (bug == "eos dropped" and y_new[r] == EOS):
                log_prob[r] += logp[r, y_new[r]]
                sequences[r].append(int(y_new[r]))
        if bug != "eos not ending":
            done |= y_new == EOS
        y = np.full(n, BOS) if bug == "not fed back" else y_new
        if done.all() or (bug == "stops at first eos" and done.any()):
            break
    return _greedy_outputs(sequences, log_prob, n, max_len)


def _call_greedy(fns, i):
    sequences, log_probs = pair(fns[0](i["step_fn"], i["state"], i["n"], BOS, EOS, i["max_len"]),
                                "sequences, log_probs")
    if np.shape(log_probs) != (i["n"],):
        raise Mismatch(f"log_probs must have shape (n,) = ({i['n']},); got {np.shape(log_probs)}")
    return _greedy_outputs(sequences, log_probs, i["n"], i["max_len"])


GREEDY = "ŷ_t = argmax_v log p(v | ŷ_<t, x), ŷ_0 = <bos>; a sequence ends with its first <eos> (included)"

GREEDY_SPEC = Spec("greedy_decode", _reference_greedy, _greedy_cases, _call_greedy, mutants(
    _greedy,
    ("eos not ending", "<eos> does not end a sequence: everything after a row's first <eos> must be cut.", GREEDY),
    ("eos dropped", "the <eos> is left out; it is part of the output (the model chose to stop), and its "
     "log-probability counts in log P.", "log P = Σ_{t ≤ L} log p(ŷ_t | ŷ_<t, x), L includes the <eos>"),
    ("log P after eos", "log P keeps adding the log-probabilities of steps after a row's <eos> (while other rows "
     "are still running); a finished sequence's log P is frozen.", "log P = Σ_{t ≤ L} log p(ŷ_t | ŷ_<t, x)"),
    ("stops at first eos", "the loop stops when the first row emits <eos>; it must go on until every row has "
     "ended (or max_len).", GREEDY),
    ("not fed back", "the decoder is fed <bos> at every step; feed each step's chosen token to the next step.",
     GREEDY),
    ("state not carried", "every step starts again from the initial state; pass on the state that step_fn "
     "returned.", "log p_t, state_t = step_fn(ŷ_{t-1}, state_{t-1})"),
), exact_dtype=False)


# --- beam search ----------------------------------------------------------------------------------

BEAM_CASES = [(3, 7, 7, 0.7, 3.0, 2), (3, 6, 6, 1.0, 3.0, 4), (4, 6, 5, 0.5, 3.0, 35), (3, 8, 8, 1.0, 4.0, 31)]   # k, V, max_len, λ, eos_at, seed


def _beam_cases(rng):
    trap = _trap()
    cases = [Case("the chapter's greedy-vs-beam decoder, k=2 λ=1 max_len=5",
                  {"step_fn": trap, "state": State((np.zeros((1, 1)),)), "k": 2, "max_len": 5, "length_norm": 1.0})]
    for k, V, max_len, lam, eos_at, seed in BEAM_CASES:
        dec = TinyDecoder(seed, V, eos_at=eos_at)
        cases.append(Case(f"tiny RNN decoder V={V} k={k} λ={lam} max_len={max_len}",
                          {"step_fn": dec, "state": dec.state(1), "k": k, "max_len": max_len, "length_norm": lam}))
    return cases


def _beam_outputs(hypotheses, k, max_len):
    """Up to k (tokens, log_prob, score) -> {tokens (k, max_len), log_prob (k,), score (k,)}, padded with -1 / nan."""
    if not isinstance(hypotheses, (list, tuple)) or len(hypotheses) > k:
        raise Mismatch(f"must return a list of at most k = {k} hypotheses (tokens, log_prob, score), best first; got "
                       f"{type(hypotheses).__name__}{f' of length {len(hypotheses)}' if hasattr(hypotheses, '__len__') else ''}")
    log_prob, score = np.full(k, np.nan), np.full(k, np.nan)
    for j, h in enumerate(hypotheses):
        if not isinstance(h, (list, tuple)) or len(h) < 3 or np.ndim(h[1]) or np.ndim(h[2]):
            raise Mismatch(f"hypothesis {j} must be a tuple (tokens, log_prob, score) of a token list and two "
                           f"numbers; got {h!r:.80}")
        log_prob[j], score[j] = float(h[1]), float(h[2])
    tokens = _padded([h[0] for h in hypotheses] + [[]] * (k - len(hypotheses)), k, max_len, "tokens")
    return {"tokens": tokens, "log_prob": log_prob, "score": score}


def _reference_beam(step_fn, state, k, max_len, length_norm):
    return _beam_outputs(_course_beam(step_fn, state, k, BOS, EOS, max_len, length_norm), k, max_len)


def _length(tokens, finished, bug):
    return len(tokens) + {"length without eos": -int(finished), "length with bos": 1}.get(bug, 0)


def _beam(step_fn, state, k, max_len, length_norm, bug=None):
    def hyp(tokens, lp, finished):
        with np.errstate(divide="ignore"):
            return tokens, float(lp), float(np.float64(lp) / np.float64(_length(tokens, finished, bug)) ** length_norm)

    live, live_lp, finished = [()], np.array([1.0 if bug == "multiplied from 1" else 0.0]), []
    for t in range(max_len):
        logp, new_state, _ = step_fn(np.array([s[-1] if s else BOS for s in live]), state)
        total = live_lp[:, None] * logp if bug in ("multiplied", "multiplied from 1") else live_lp[:, None] + logp
        order = np.argsort(-total, axis=None, kind="stable")
        if bug == "best per prefix" and t > 0:   # each prefix offers only its own best token
            order = np.array(sorted((b * total.shape[1] + int(total[b].argmax()) for b in range(len(live))),
                                    key=lambda f: -total.flat[f]))
        new, new_lp, parents = [], [], []
        for rank, flat in enumerate(order[:k] if bug == "beam shrinks" else order[:2 * k]):
            b, v = divmod(int(flat), total.shape[1])
            if v == EOS and bug != "eos not ending":
                ends = len(new) < k if bug == "eos below rank k" else rank < k
                if ends and bug != "finished dropped":
                    finished.append(hyp(live[b] + (v,), total[b, v], True))
            elif len(new) < k:
                new.append(live[b] + (v,))
                new_lp.append(total[b, v])
                parents.append(b)
        if len(finished) >= (1 if bug == "stops at first finished" else k) or not new:
            break
        live, live_lp = new, np.array(new_lp)
        state = new_state if bug == "state not reordered" else take_rows(new_state, np.array(parents))
    else:
        finished += [hyp(s, lp, False) for s, lp in zip(live, live_lp)]
    key = (lambda h: -h[1]) if bug == "ranked by log P" else (lambda h: -h[2])
    return _beam_outputs(sorted(finished, key=key)[:k], k, max_len)


def _call_beam(fns, i):
    hypotheses = fns[0](i["step_fn"], i["state"], i["k"], BOS, EOS, i["max_len"], i["length_norm"])
    return _beam_outputs(list(hypotheses) if isinstance(hypotheses, tuple) else hypotheses, i["k"], i["max_len"])


EXTEND = "log P(y_1..y_t) = log P(y_1..y_{t-1}) + log p(y_t | y_<t, x)"
SCORE = "score = log P / L^λ, L = number of tokens including the <eos>"
STEP2 = "an extension ending in <eos> among the k best finishes; the others refill the beam to k"

BEAM_SPEC = Spec("beam_search", _reference_beam, _beam_cases, _call_beam, mutants(
    _beam,
    ("multiplied", "the log-probabilities are multiplied, so every log P stays 0 · log p = 0 (and the beam "
     "keeps the first tokens by index); probabilities multiply, so their logs add.", EXTEND),
    ("multiplied from 1", "the log-probabilities are multiplied (starting from 1); probabilities multiply, "
     "so their logs add, starting from log 1 = 0.", EXTEND),
    ("length without eos", "the length normalisation divides by the length without the <eos>; L counts "
     "every generated token, the <eos> included.", SCORE),
    ("length with bos", "the length normalisation counts the <bos> too; L counts the generated tokens only "
     "(the <eos> included, the <bos> not).", SCORE),
    ("ranked by log P", "the final ranking uses log P; rank the hypotheses by the length-normalised score.",
     SCORE),
    ("finished dropped", "finished hypotheses are dropped: an extension ending in <eos> among the k best "
     "must be kept as a finished hypothesis.", STEP2),
    ("eos not ending", "<eos> does not end a hypothesis: it stays in the beam and is extended further.", STEP2),
    ("state not reordered", "the decoder state is not reordered: each survivor must continue from its "
     "parent's state, take_rows(state, parents).", "state_t = take_rows(state_t, parents)"),
    ("best per prefix", "each prefix is extended only by its own best token (k greedy searches); compare the "
     "extensions of all prefixes together and keep the k best overall.", "keep the k best of all B·V extensions"),
    ("beam shrinks", "the beam shrinks when hypotheses finish: go further down the sorted extensions and "
     "refill it with the next-best live prefixes, up to k.", STEP2),
    ("eos below rank k", "an <eos> ranked below the k best also finished a hypothesis; only an <eos> among "
     "the k best extensions finishes one (one further down is dropped).", STEP2),
    ("stops at first finished", "the search stops when the first hypothesis finishes; it goes on until k "
     "have finished (or max_len), since a longer one may score better.", "stop when k hypotheses have finished"),
), exact_dtype=False)


# --- teacher-forced loss with a target mask ------------------------------------------------------------

def _loss_cases(rng):
    cases = []
    for N, T, V in [(3, 5, 6), (4, 4, 7), (2, 6, 5)]:
        dec = TinyDecoder(int(rng.integers(1000)), V)
        lengths = rng.integers(1, T + 1, N)
        lengths[0], lengths[1] = T, max(1, T - 2)
        tgt = rng.integers(3, V, (N, T))
        tgt[np.arange(N), lengths - 1] = EOS
        mask = (np.arange(T) < lengths[:, None]).astype(np.float64)
        tgt[mask == 0] = 0
        cases.append(Case(f"tiny RNN decoder N={N} T={T} V={V}, target lengths {lengths.tolist()}",
                          {"step_fn": dec, "state": dec.state(N), "tgt": tgt, "tgt_mask": mask}))
    return cases


def _loss(step_fn, state, tgt, tgt_mask, bug=None):
    N, T = tgt.shape
    state0, y_prev, logps = state, np.full(N, BOS), []
    for t in range(T):
        if bug == "off by one":
            y_prev = tgt[:, t]
        log_p, state, _ = step_fn(y_prev, state0 if bug == "state not carried" else state)
        logps.append(log_p[np.arange(N), tgt[:, t]])
        y_prev = {"own predictions": log_p.argmax(axis=1), "bos every step": np.full(N, BOS)}.get(bug, tgt[:, t])
    logp = np.stack(logps, axis=1)
    picked = logp if bug in ("mask ignored", "mask ignored in the sum") else logp * tgt_mask
    M = {"mask ignored": N * T, "mask ignored in the normaliser": N * T, "divide by N": N}.get(bug, tgt_mask.sum())
    return {"loss": np.array(float((1 if bug == "sign" else -1) * picked.sum() / M)), "logp": logp}


def _call_loss(fns, i):
    loss, logp = pair(fns[0](i["step_fn"], i["state"], i["tgt"], i["tgt_mask"], BOS), "loss, logp")
    return {"loss": scalar(loss, "loss"), "logp": logp}


LOSS = "L = −(1/M) Σ_{n,t} m_{n,t} log p(y_{n,t} | y_{n,<t}, x),  M = Σ_{n,t} m_{n,t}"
FORCING = "decoder inputs: <bos>, y_1, ..., y_{T-1} (the true previous token), targets y_1, ..., y_T"

LOSS_SPEC = Spec("teacher_forced_loss", _loss, _loss_cases, _call_loss, mutants(
    _loss,
    ("mask ignored", "the mask is ignored: padded positions add to the loss and to the count.", LOSS),
    ("mask ignored in the sum", "the padded positions' log-probabilities are summed (the mask is used only in M); "
     "multiply by m before summing.", LOSS),
    ("mask ignored in the normaliser", "the sum is masked but divided by N·T, which counts the padding; "
     "divide by M = Σ m, the number of real target tokens.", LOSS),
    ("divide by N", "the loss is divided by N (a sum per sequence); the course averages over the M = Σ m "
     "real tokens.", LOSS),
    ("off by one", "step t is fed y_t itself, the token it must predict (off by one): feed <bos> first, "
     "then the previous true token y_{t-1}.", FORCING),
    ("own predictions", "the decoder is fed its own argmax (free running); teacher forcing feeds the true "
     "previous token.", FORCING),
    ("bos every step", "the decoder is fed <bos> at every step; after the first step feed the true previous "
     "token.", FORCING),
    ("state not carried", "every step starts again from the initial state; pass on the state that step_fn "
     "returned.", "log p_t, state_t = step_fn(y_{t-1}, state_{t-1})"),
    ("sign", "the loss has the wrong sign: it is the negative mean log-probability (a cross-entropy ≥ 0).", LOSS),
), exact_dtype=False)


def check_greedy_decode(greedy_decode, verbose=True):
    """greedy_decode(step_fn, state, n, bos, eos, max_len) -> (sequences: n lists of ids, log_probs (n,))."""
    return report(GREEDY_SPEC, greedy_decode, verbose=verbose)


def check_beam_search(beam_search, verbose=True):
    """beam_search(step_fn, state, k, bos, eos, max_len, length_norm) -> [(tokens, log_prob, score), ...] best first."""
    return report(BEAM_SPEC, beam_search, verbose=verbose)


def check_teacher_forced_loss(teacher_forced_loss, verbose=True):
    """teacher_forced_loss(step_fn, state, tgt (N, T) int, tgt_mask (N, T) of 0/1, bos) -> (loss, logp (N, T))."""
    return report(LOSS_SPEC, teacher_forced_loss, verbose=verbose)


SPECS = {spec.name: spec for spec in (GREEDY_SPEC, BEAM_SPEC, LOSS_SPEC)}
