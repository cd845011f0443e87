"""Chapter 06's trained date models, measurements and widget functions.

Models: ``load_date_model(name)`` reads the weights that tools/results_seq2seq.py
trained (course_utils/results/seq2seq_<name>.npz); ``load_results()`` its JSON record
(both from ``course_utils.results``, re-exported here for the notebook).
Measurements: ``decode_date`` (greedy, with per-step probabilities and attention),
``teacher_forced_accuracy``, ``forced_error_accuracy`` (exposure bias),
``beam_improvements`` (where beam search beats greedy).
Experiments (controls in, ``Result`` out, the model passed in so nothing retrains):
``attention_experiment`` (a typed date -> output, attention heatmap, probabilities)
and ``beam_experiment`` (the beam's candidates and scores for a width k).
"""

from functools import lru_cache

import matplotlib.pyplot as plt
import numpy as np

from .. import dates
from .. import seq2seq as s2s
from .._validate import is_number, is_whole
from ..plotting import PALETTE
from ..results import load_date_model  # noqa: F401  (re-exported: the notebook calls lab.load_date_model)
from ..results import load_seq2seq as load_results  # noqa: F401  (re-exported likewise)
from .widgets import Result, problem

MAX_OUTPUT = 12   # 10 characters + <eos>, and one spare so a model that forgets <eos> is visible

# The plotting font has no CJK glyphs: axis labels show these characters in pinyin.
PINYIN = {"年": "nian", "月": "yue", "日": "ri", "星": "xing", "期": "qi", "一": "yi", "二": "er",
          "三": "san", "四": "si", "五": "wu", "六": "liu"}


@lru_cache(maxsize=None)
def vocabs():
    """(source vocabulary, target vocabulary) of the date task."""
    return dates.source_vocab(), dates.target_vocab()


def _label(char):
    return PINYIN.get(char, char if char != " " else "␣")


# --- measurements ---------------------------------------------------------------------------

def decode_date(text, params, max_len=MAX_OUTPUT):
    """Greedy decoding of one typed date (checked with ``dates.check_source``).

    Returns a dict: output (str), chars (output tokens incl. "<eos>"), p_chosen (L,) the
    probability of each emitted token, alpha (L, T_x) or None, log_prob (float).
    """
    dates.check_source(text)
    src_vocab, tgt_vocab = vocabs()
    src = src_vocab.encode(text)[None, :]
    step_fn, state = s2s.decoder_stepper(params, src, np.array([src.shape[1]]))
    result = s2s.greedy_search(step_fn, state, 1, max_len=max_len)
    L = int(result.lengths[0])
    tokens = result.tokens[0, :L]
    chars = [tgt_vocab.itos[t] for t in tokens]
    alpha = None if result.extras[0] is None else np.stack([a[0] for a in result.extras[:L]])
    return {"output": "".join(c for c in chars if c != "<eos>"), "chars": chars,
            "p_chosen": np.exp(result.log_probs[0, :L]), "alpha": alpha, "log_prob": float(result.log_prob()[0])}


def teacher_forced_accuracy(params, sources, targets):
    """Per-character accuracy when every decoder input is the true previous character."""
    src_vocab, tgt_vocab = vocabs()
    batch = s2s.make_batch(sources, targets, src_vocab, tgt_vocab)
    O, _, _ = s2s.forward(params, batch)
    mask = s2s.target_mask(batch, bool)
    return float((O.argmax(axis=2) == batch["tgt"])[mask].mean())


def _forcing(step_fn, position, forced):
    """A step function that emits ``forced`` (B,) at step ``position`` whatever the model prefers."""
    counter = [0]

    def step(y, state):
        logp, state, extra = step_fn(y, state)
        if counter[0] == position:
            logp = np.where(np.arange(logp.shape[1]) == forced[:, None], 0.0, -np.inf).astype(logp.dtype)
        counter[0] += 1
        return logp, state, extra
    return step


def forced_error_accuracy(params, sources, targets, position):
    """Exposure bias, measured: put one wrong digit at output ``position`` and decode the rest greedily.

    The wrong digit is the true one + 5 (mod 10). Returns the fraction of the characters
    AFTER ``position`` that are still right (``seq2seq.char_matches``: a missing or an extra
    character counts as wrong): a model that only ever saw correct prefixes in training may
    be thrown off by its own mistake.
    """
    if not 0 <= position < dates.TARGET_LEN or position in (4, 7):
        raise ValueError(f"position must index a digit of YYYY-MM-DD (0-3, 5-6, 8-9); got {position!r}")
    src_vocab, tgt_vocab = vocabs()
    batch = s2s.make_batch(sources, targets, src_vocab, tgt_vocab)
    true_digit = np.array([int(t[position]) for t in targets])
    forced = np.array([tgt_vocab.stoi[str(d)] for d in (true_digit + 5) % 10])
    step_fn, state = s2s.decoder_stepper(params, batch["src"], batch["src_lengths"])
    result = s2s.greedy_search(_forcing(step_fn, position, forced), state, len(sources), max_len=MAX_OUTPUT)
    outputs = ["".join(tgt_vocab.decode(np.array(seq, dtype=np.int64))) for seq in result.sequences()]
    right, counted = np.sum([s2s.char_matches(o, t, position + 1) for o, t in zip(outputs, targets)], axis=0)
    return float(right / counted)


def beam_improvements(params, sources, targets, k=3, length_norm=1.0):
    """Examples where beam search's best output is more probable (higher score) than greedy's.

    Returns a list of dicts: source, target, greedy, beam, greedy_score, beam_score.
    """
    src_vocab, tgt_vocab = vocabs()
    found = []
    for source, target in zip(sources, targets):
        src = src_vocab.encode(source)[None, :]
        lengths = np.array([src.shape[1]])
        greedy = s2s.beam_search(*s2s.decoder_stepper(params, src, lengths), k=1, max_len=MAX_OUTPUT,
                                 length_norm=length_norm)[0]
        best = s2s.beam_search(*s2s.decoder_stepper(params, src, lengths), k=k, max_len=MAX_OUTPUT,
                               length_norm=length_norm)[0]
        if best.score > greedy.score + 1e-6 and best.tokens != greedy.tokens:
            text = lambda h: "".join(tgt_vocab.decode(np.array(h.tokens, dtype=np.int64)))  # noqa: E731
            found.append({"source": source, "target": target, "greedy": text(greedy), "beam": text(best),
                          "greedy_score": greedy.score, "beam_score": best.score})
    return found


# --- widget functions ---------------------------------------------------------------------

def attention_experiment(text, params):
    """A typed date -> decoded output, attention heatmap (output x input characters), and the
    probability of each emitted character."""
    try:
        out = decode_date(text, params)
    except ValueError as err:
        return problem(str(err))
    if out["alpha"] is None:
        return problem("This model has no attention to show: load the 'attention' model.")
    alpha, rows, p_chosen = out["alpha"], out["chars"], out["p_chosen"]
    # One axes, no automatic layout: a widget update must stay under 100 ms, and every extra
    # axes or layout pass costs tens of milliseconds. The probabilities go into the row labels.
    width = max(6.4, 0.28 * len(text) + 2.8)
    fig, ax = plt.subplots(figsize=(width, 3.4), dpi=72)
    fig.subplots_adjust(left=1.6 / width, right=0.97, bottom=0.2, top=0.9)
    ax.imshow(alpha, cmap="Blues", vmin=0, vmax=1, aspect="auto")
    pinyin = any(c in PINYIN for c in text)
    ax.set_xticks(np.arange(len(text)), labels=[_label(c) for c in text], rotation=90 if pinyin else 0)
    ax.set_yticks(np.arange(len(rows)), labels=[f"{c:>5}  P={p:.2f}" for c, p in zip(rows, p_chosen)],
                  family="monospace")
    for label, p in zip(ax.get_yticklabels(), p_chosen):
        label.set_color("black" if p >= 0.9 else PALETTE[5])   # orange: the model hesitated
    ax.set_xlabel("input character" + (" (Chinese in pinyin)" if pinyin else ""))
    ax.set_ylabel("output step: character, P(it)")
    # over the whole figure, from its left edge: centred on a short date's narrow axes it was cut
    fig.suptitle("Where each output step looks (attention weight α)", x=0.02, ha="left", fontsize=11)
    valid = dates.is_valid_iso(out["output"])
    verdict = "a real calendar day" if valid else "NOT a valid YYYY-MM-DD date"
    lowest = int(np.argmin(p_chosen))
    text_out = (f"{text!r} -> {out['output']}  ({verdict})\n"
                f"P(whole output) = {_probability(np.exp(out['log_prob']))}; least sure at step {lowest + 1} "
                f"('{rows[lowest]}', P = {_probability(p_chosen[lowest])})")
    return Result(text=text_out, fig=fig, values={"output": out["output"], "alpha": alpha,
                                                  "p_chosen": p_chosen, "valid": valid})


def _probability(p):
    """0.873 as '0.873', but 0.99958 as '1 − 4.2e-04': three decimals would show it as 1.000."""
    return f"{p:.3f}" if p < 0.999 else f"1 − {1 - p:.1e}"


MAX_LENGTH_NORM = 5   # λ beyond a few only flattens every score towards 0


def beam_experiment(text, k, params, length_norm=1.0):
    """Beam search of width k (1..20) on a typed date: every returned candidate with log P and
    score = log P / L^length_norm (length_norm λ from 0 to MAX_LENGTH_NORM)."""
    try:
        dates.check_source(text)
    except ValueError as err:
        return problem(str(err))
    if not is_whole(k, 1, 20):
        return problem(f"Beam width must be a whole number between 1 and 20; got {k!r}.")
    if not is_number(length_norm, 0, MAX_LENGTH_NORM):
        return problem(f"The length-normalisation exponent λ must be between 0 and {MAX_LENGTH_NORM}; "
                       f"got {length_norm!r}.")
    src_vocab, tgt_vocab = vocabs()
    src = src_vocab.encode(text)[None, :]
    stepper = lambda: s2s.decoder_stepper(params, src, np.array([src.shape[1]]))  # noqa: E731
    greedy = s2s.beam_search(*stepper(), k=1, max_len=MAX_OUTPUT, length_norm=length_norm)[0]
    beams = s2s.beam_search(*stepper(), k=k, max_len=MAX_OUTPUT, length_norm=length_norm)
    show = lambda h: "".join(tgt_vocab.decode(np.array(h.tokens, dtype=np.int64))) + ("" if h.finished else "…")  # noqa: E731
    labels = [show(h) for h in beams]
    scores = np.array([h.score for h in beams])
    # narrow enough (5.4 in) for the candidates' table to sit beside it at 1366 px, so the
    # table stays above the fold at 768 px even for k = 10
    height = 0.26 * len(beams) + 1.2
    fig, ax = plt.subplots(figsize=(5.4, height), dpi=72)
    fig.subplots_adjust(left=0.24, right=0.96, bottom=0.55 / height, top=1 - 0.35 / height)
    colours = [PALETTE[2] if h.tokens == greedy.tokens else PALETTE[0] for h in beams]
    ax.barh(np.arange(len(beams)), np.exp(scores), color=colours)
    ax.set_yticks(np.arange(len(beams)), labels=labels, family="monospace")
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel(f"exp(score) = exp(log P / L^λ), λ = {length_norm:g}"
                  + (" (per-token probability)" if length_norm == 1 else ""))
    fig.suptitle(f"Beam width {k}: best first (green = greedy's output)", x=0.02, ha="left", fontsize=10)
    lines = [f"{'rank':>4}  {'output':<12} {'log P':>8} {'score':>8}"]
    for rank, (h, label) in enumerate(zip(beams, labels), 1):
        lines.append(f"{rank:>4}  {label:<12} {h.log_prob:>8.3f} {h.score:>8.3f}")
    lines.append(f"greedy: {show(greedy)} (log P {greedy.log_prob:.3f})"
                 + ("; the beam found a better-scoring output" if beams[0].score > greedy.score + 1e-6 else ""))
    return Result(text="\n".join(lines), fig=fig, values={"outputs": labels, "scores": scores,
                                                          "greedy": show(greedy)})
