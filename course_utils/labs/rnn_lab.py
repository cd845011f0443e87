"""Chapter 02's pictures and widget functions.

Drawings: ``draw_unrolled`` (the RNN unrolled in time, with what produces one H_t
highlighted) and ``draw_encoder_decoder`` (the asynchronous sequence -> sequence shape).
Experiments (controls in, ``Result`` out; the trained model is passed in, so a slider
move never retrains): ``unrolled_experiment``, ``sentiment_experiment``,
``segmentation_experiment``, ``sample_experiment``, ``hidden_state_experiment``.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import LineCollection

from .. import seqmodels as sm
from .._validate import check_choice, is_whole
from ..plotting import PALETTE
from ..sequence import RESERVED
from ..text_tasks import SENTIMENT_LABELS, STARTS_WORD, segment
from .widgets import Result, problem

GREY = "#BBBBBB"
MAX_CHARS = 60


# --- drawings --------------------------------------------------------------------------

class _Canvas:
    """Collects boxes, arrows and labels, then draws each kind in ONE matplotlib call
    (a scatter, a LineCollection): a slider move redraws in a few milliseconds,
    where one patch per box and per arrow would take ten times longer."""

    WIDE = [(-1, -0.36), (1, -0.36), (1, 0.36), (-1, 0.36)]   # a box for words (up to 6 letters), not symbols

    def __init__(self, ax, marker="s", size=700, gap_x=0.24):
        self.ax, self.marker, self.size, self.gap_x = ax, marker, size, gap_x
        self.boxes, self.segments, self.heads, self.texts = [], [], [], []

    def box(self, x, y, label, colour, filled=True):
        self.boxes.append((x, y, colour if filled else "white", colour))
        self.texts.append((x, y, label, "white" if filled and colour != GREY else "black", 11))

    def arrow(self, start, end, colour, label=None, label_xy=None):
        (x0, y0), (x1, y1) = start, end
        length = np.hypot(x1 - x0, y1 - y0)
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        gap = self.gap_x * abs(ux) + 0.3 * abs(uy)   # stop at the box's edge (a unit is taller than wide)
        a, b = (x0 + gap * ux, y0 + gap * uy), (x1 - gap * ux, y1 - gap * uy)
        self.segments.append((a, b, colour))
        angle = np.degrees(np.arctan2(uy, ux))
        self.heads.append((b[0], b[1], colour, angle))
        if label:
            self.texts.append((*label_xy, label, colour if colour != GREY else "#888888", 9))

    def draw(self):
        ax = self.ax
        if self.segments:
            ax.add_collection(LineCollection([(a, b) for a, b, _ in self.segments],
                                             colors=[c for *_, c in self.segments], linewidths=1.4))
            for angle in sorted({round(h[3]) for h in self.heads}):
                heads = [h for h in self.heads if round(h[3]) == angle]
                ax.scatter([h[0] for h in heads], [h[1] for h in heads], c=[h[2] for h in heads], s=30,
                           marker=(3, 0, angle - 90), zorder=3, linewidths=0)
        if self.boxes:
            x, y, face, edge = zip(*self.boxes)
            ax.scatter(x, y, s=self.size, marker=self.marker, c=face, edgecolors=edge, linewidths=1.5, zorder=4)
        for x, y, label, colour, size in self.texts:
            ax.text(x, y, label, ha="center", va="center", fontsize=size, color=colour, zorder=5)


def _diagram_axes(ax, width, height=3.0):
    if ax is None:
        fig, ax = plt.subplots(figsize=(width, height), dpi=80)
        fig.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.88)
    return ax


_SUB = str.maketrans("0123456789xhq", "₀₁₂₃₄₅₆₇₈₉ₓₕq")


def _sub(name, index):
    """'X', 3 -> 'X₃' in Unicode subscripts: plain text draws ~10x faster than mathtext."""
    return name + str(index).translate(_SUB)


W_XH, W_HH, W_HQ = "Wₓₕ", "Wₕₕ", "W_hq"   # (there is no subscript q in Unicode)


def draw_unrolled(T, t=None, ax=None, output="every step"):
    """The RNN unrolled over T steps: X_s (bottom) -> H_s (middle) -> O_s (top), H_0 at the left.

    With ``t`` (0..T), everything that produces H_t is coloured: the inputs X_1..X_t,
    the states H_0..H_t, and every use of the (same) weights W_xh and W_hh.
    ``output``: "every step" (tagging, language model), "last step" (classification)
    or "none" (only the recurrence).
    """
    check_choice("output", output, ("every step", "last step", "none"))
    width = min(max(1.25 * T + 1.6, 6.0), 10.0)         # room for the title; wider costs PNG pixels
    ax = _diagram_axes(ax, width, 3.0 if output != "none" else 2.2)
    pixels_per_step = width * 80 * 0.98 / (T + 1.1)
    canvas = _Canvas(ax, gap_x=19 / pixels_per_step)    # arrowheads just outside the ~15-pixel half box
    on = PALETTE[0]
    uses = lambda s: t is None or s <= t  # noqa: E731  (does step s feed H_t?)
    canvas.box(0, 1, _sub("H", 0), on if t is not None else PALETTE[2])
    for s in range(1, T + 1):
        colour = on if uses(s) else GREY
        canvas.box(s, 0, _sub("X", s), PALETTE[1] if uses(s) else GREY)
        canvas.box(s, 1, _sub("H", s), colour)
        canvas.arrow((s, 0), (s, 1), colour, W_XH, (s + 0.22, 0.5))
        canvas.arrow((s - 1, 1), (s, 1), colour, W_HH, (s - 0.5, 1.17))
        if output == "every step" or (output == "last step" and s == T):
            canvas.box(s, 2, _sub("O", s), PALETTE[2], filled=False)
            canvas.arrow((s, 1), (s, 2), GREY, W_HQ, (s + 0.22, 1.5))
    canvas.draw()
    ax.set_xlim(-0.5, T + 0.6)
    ax.set_ylim(-0.4, 2.4 if output != "none" else 1.5)
    ax.axis("off")
    return ax.figure


def draw_encoder_decoder(source=("I", "like", "RNNs"), target=("me", "gustan", "las", "RNN"), ax=None,
                         context_every_step=False):
    """Asynchronous sequence -> sequence: an encoder RNN reads the source, its last state
    starts a decoder RNN that emits the target one token at a time from <bos> until <eos>.
    ``context_every_step``: also feed that state C to every decoder step (chapter 06's model)."""
    n_src, n_tgt = len(source), len(target) + 1
    ax = _diagram_axes(ax, 1.05 * (n_src + n_tgt) + 1.2)
    canvas = _Canvas(ax, marker=_Canvas.WIDE, size=2100, gap_x=0.36)
    for i, word in enumerate(source):
        canvas.box(i, 0, word, PALETTE[1])
        canvas.box(i, 1, "enc", PALETTE[0])
        canvas.arrow((i, 0), (i, 1), PALETTE[0])
        if i:
            canvas.arrow((i - 1, 1), (i, 1), PALETTE[0])
    x0 = n_src + 0.4
    canvas.arrow((n_src - 1, 1), (x0, 1), PALETTE[5], "S₀ = start" if context_every_step else "context",
                 (n_src - 0.3, 1.25))
    inputs = ["<bos>", *target]
    outputs = [*target, "<eos>"]
    for j in range(n_tgt):
        x = x0 + j
        canvas.box(x, 0, inputs[j], GREY if j == 0 else PALETTE[1], filled=j > 0)
        canvas.box(x, 1, "dec", PALETTE[3])
        canvas.box(x, 2, outputs[j], PALETTE[2], filled=False)
        canvas.arrow((x, 0), (x, 1), PALETTE[3])
        canvas.arrow((x, 1), (x, 2), PALETTE[3])
        if j:
            canvas.arrow((x - 1, 1), (x, 1), PALETTE[3])
            canvas.arrow((x - 1, 2), (x, 0), GREY)  # the previous output is the next input
    if context_every_step:   # a bus below the decoder row, one branch up into every decoder step
        bus_y, left, right = 0.5, n_src - 1 + 0.3, x0 + n_tgt - 1 + 0.3
        canvas.segments += [((left, 0.7), (left, bus_y), PALETTE[5]), ((left, bus_y), (right, bus_y), PALETTE[5])]
        for j in range(n_tgt):
            canvas.segments.append(((x0 + j + 0.3, bus_y), (x0 + j + 0.3, 0.7), PALETTE[5]))
            canvas.heads.append((x0 + j + 0.3, 0.7, PALETTE[5], 90.0))
        canvas.texts.append((x0 - 0.55, bus_y - 0.14, "C = S₀ at every step", PALETTE[5], 9))
    canvas.draw()
    ax.set_xlim(-0.6, x0 + n_tgt - 0.3)
    ax.set_ylim(-0.4, 2.4)
    ax.axis("off")
    return ax.figure


def unrolled_experiment(t=3, T=6):
    """Widget: which inputs and which weights produce H_t (t = 0..T)."""
    if not (is_whole(T) and 1 <= T <= 12):
        return problem(f"T must be a whole number from 1 to 12; got {T!r}.")
    if not (is_whole(t) and 0 <= t <= T):
        return problem(f"t must be a whole number from 0 to T={T}; got {t!r}.")
    fig = draw_unrolled(T, t, output="none")   # outputs do not feed H_t (and each label costs drawing time)
    inputs = {0: "no input yet", 1: "X₁"}.get(t, f"X₁..{_sub('X', t)}")
    title = (f"H₀ is the initial state: {inputs}, no weight used" if t == 0 else
             f"{_sub('H', t)} is computed from H₀ and {inputs} with the same {W_XH}, {W_HH}, bₕ at every step")
    fig.axes[0].set_title(title, fontsize=10)
    if t == 0:
        text = "H_0 is the initial state (zeros by default): no input has been read yet."
    else:
        inputs = ", ".join(f"X_{s}" for s in range(1, t + 1))
        text = (f"H_{t} depends on H_0 and {inputs}. W_xh is used {t} time(s) and W_hh {t} time(s), "
                f"but they are one matrix each: the parameter count does not depend on t or T.")
    return Result(text=text, fig=fig, values={"inputs": list(range(1, t + 1)), "weight_uses": t})


# --- experiments on trained models --------------------------------------------------------

def _unknown(vocab, tokens):
    """Tokens the model cannot read as typed: not in the vocabulary, or a reserved token (<pad>...)."""
    return sorted({tok for tok in tokens if tok not in vocab or tok in RESERVED})


def _column_labels(ax, labels, rotation=0):
    """One label under each column, as plain texts: a matplotlib Tick (two lines, two labels,
    a grid line) per column would cost more than the rest of the figure."""
    ax.set_xticks([])
    ax.set_xlim(-0.5, len(labels) - 0.5)
    transform = ax.get_xaxis_transform()        # x in data units, y in axes units
    for i, label in enumerate(labels):
        ax.text(i, -0.03, label, transform=transform, fontsize=8, rotation=rotation,
                ha="right" if rotation else "center", va="top", rotation_mode="anchor")


def _bar_figure(values, xlabels, title, ylabel, colours, size=(6.5, 2.6), threshold=0.5, rotation=40):
    fig, ax = plt.subplots(figsize=size, dpi=80)
    fig.subplots_adjust(left=0.1, right=0.98, bottom=0.3, top=0.87)
    ax.bar(np.arange(len(values)), values, color=colours)
    if threshold is not None:
        ax.axhline(threshold, color="black", lw=0.8, ls="--")
    _column_labels(ax, xlabels, rotation)
    ax.set_ylim(0, 1)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    return fig


def sentiment_experiment(review, params, vocab, cell="rnn"):
    """Widget: P(positive) after each word of a typed review, read by a trained classifier.

    The classifier's output layer applied to H_t gives the verdict it would give if the
    review stopped at word t, so the bars show how "not" and "but" change its mind.
    """
    words = review.lower().split()
    if not words:
        return problem("Type a review, e.g. 'the film was not very good'.")
    if len(words) > 30:
        return problem(f"Keep the review under 30 words; got {len(words)}.")
    unknown = _unknown(vocab, words)
    if unknown:
        known = " ".join(vocab.itos[4:])
        return problem(f"Unknown word(s) {unknown}. The model knows only: {known}")
    _, P, _ = sm.run_ids(params, vocab.encode(words), cell)
    p_pos = P[:, 1]
    colours = [PALETTE[2] if p >= 0.5 else PALETTE[5] for p in p_pos]
    verdict = SENTIMENT_LABELS[int(p_pos[-1] >= 0.5)]
    fig = _bar_figure(p_pos, words, f"After the last word: {verdict} (P(positive) = {p_pos[-1]:.2f})",
                      "P(positive)", colours)
    fig.axes[0].set_xlabel("the review so far ends at this word", labelpad=30)
    return Result(text=f"'{review.strip()}' -> {verdict}, P(positive) = {p_pos[-1]:.3f}", fig=fig,
                  values={"p_positive": p_pos})


def segmentation_experiment(text, params, vocab, cell="rnn"):
    """Widget: segment typed Chinese text with a trained start-of-word tagger (分词)."""
    text = "".join(text.split())
    if not text:
        return problem("Type some Chinese text without spaces, e.g. 我们一起学习神经网络。")
    if len(text) > MAX_CHARS:
        return problem(f"Keep the text under {MAX_CHARS} characters; got {len(text)}.")
    _, P, _ = sm.run_ids(params, vocab.encode(text), cell)
    p_start = P[:, STARTS_WORD]
    tags = (p_start >= 0.5).astype(int)
    tags[0] = STARTS_WORD                  # the first character always starts a word
    words = segment(text, tags)
    unknown = _unknown(vocab, text)
    # the figure labels characters by position: the default matplotlib fonts have no Chinese glyphs
    fig = _bar_figure(p_start, [str(i + 1) if (i + 1) % 5 == 0 or i == 0 else "" for i in range(len(text))],
                      f"{len(words)} words: the tagger cuts where P(starts a word) > 0.5",
                      "P(starts a word)", [PALETTE[0] if t else GREY for t in tags], size=(6.5, 2.4), rotation=0)
    fig.axes[0].set_xlabel("character position (see the text below)", labelpad=14)
    lines = [" / ".join(words)]
    lines.append("  ".join(f"{i + 1}:{c}" for i, c in enumerate(text)))
    if unknown:
        lines.append(f"never seen in training (read as <unk>): {' '.join(unknown)}")
    return Result(text="\n".join(lines), fig=fig, values={"words": words, "p_start": p_start})


def _check_text(text, vocab, what):
    if not text:
        return f"Type a {what} first."
    if len(text) > MAX_CHARS:
        return f"Keep the {what} under {MAX_CHARS} characters; got {len(text)}."
    unknown = _unknown(vocab, text)
    if unknown:
        return f"The corpus has no {unknown}: use letters, digits and common punctuation."
    return None


def check_sampling_controls(temperature, seed):
    """None if a sampling widget can use these controls, else the message (also used by poems_lab)."""
    if not (isinstance(temperature, (int, float, np.integer, np.floating)) and np.isfinite(temperature)
            and 0.05 <= temperature <= 10):
        return f"temperature must be between 0.05 and 10; got {temperature!r}."
    if not (is_whole(seed) and seed >= 0):
        return f"seed must be a whole number >= 0; got {seed!r}."
    return None


def sample_experiment(prompt, temperature, params, vocab, cell="rnn", n_chars=200, seed=0):
    """Widget: continue ``prompt`` with sampled characters; the bars show the next-character
    distribution after the prompt at this temperature."""
    message = _check_text(prompt, vocab, "prompt")
    if message:
        return problem(message)
    message = check_sampling_controls(temperature, seed)
    if message:
        return problem(message)
    _, P, _ = sm.run_ids(params, vocab.encode(prompt), cell)
    logp = np.log(np.maximum(P[-1], 1e-300)) / temperature
    logp[[vocab.pad_id, vocab.bos_id, vocab.eos_id, vocab.unk_id]] = -np.inf
    p = np.exp(logp - logp.max())
    p /= p.sum()
    top = np.argsort(-p, kind="stable")[:12]
    labels = [repr(vocab.itos[i])[1:-1] or "?" for i in top]
    labels = ["space" if lab == " " else lab for lab in labels]
    fig = _bar_figure(p[top], labels, f"Next character after the prompt at temperature {temperature:g}",
                      "probability", PALETTE[0], size=(6.5, 2.3), threshold=None, rotation=0)
    fig.axes[0].set_xlabel("the 12 most likely next characters", labelpad=14)
    text = sm.sample(params, vocab, prompt, n_chars, temperature, np.random.default_rng(seed), cell)
    shown = prompt + text
    if len(text) < n_chars:  # sm.sample stops at <eos>: say so, or a short sample looks like a bug
        shown += (f"\n[the model drew <eos>, its end-of-text token, after {len(text)} of {n_chars} "
                  "characters: the sample ends there]")
    return Result(text=shown, fig=fig, values={"sample": text, "p_next": p, "ended_by_eos": len(text) < n_chars})


def hidden_state_experiment(text, step, params, vocab, cell="rnn", n_units=16):
    """Widget: the hidden state H_t (first ``n_units`` units) while the model reads ``text``,
    up to character ``step``, and its guess for the next character."""
    message = _check_text(text, vocab, "text")
    if message:
        return problem(message)
    if not (is_whole(step) and step >= 1):
        return problem(f"step must be a whole number >= 1; got {step!r}.")
    step = min(step, len(text))
    H, P, _ = sm.run_ids(params, vocab.encode(text), cell)
    shown = H[:, :n_units].T                      # (units, T)
    fig, ax = plt.subplots(figsize=(7, 3.2), dpi=80)
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.17, top=0.88)
    visible = np.full_like(shown, np.nan)
    visible[:, :step] = shown[:, :step]
    ax.imshow(visible, cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto", interpolation="nearest")
    ax.axvline(step - 1, color=PALETTE[1], lw=2)
    labels = ["_" if c == " " else ("\\n" if c == "\n" else c) for c in text]
    _column_labels(ax, labels)
    ax.set_xlabel("character read at step t (_ is a space; blue = −1, red = +1)", labelpad=14)
    ax.set_ylabel(f"hidden unit (first {shown.shape[0]})")
    ax.set_title(f"H_t after reading {step} of {len(text)} characters", fontsize=10)
    top = np.argsort(-P[step - 1], kind="stable")[:3]
    guesses = ", ".join(f"{vocab.itos[i]!r} {P[step - 1, i]:.2f}" for i in top)
    text_out = (f"read: {text[:step]!r}\nmost likely next characters: {guesses}\n"
                f"{int(np.sum(np.abs(H[step - 1]) > 0.9))} of {H.shape[1]} units are saturated (|h| > 0.9) at this step")
    # "limits": the step slider ends at the last character typed
    return Result(text=text_out, fig=fig, values={"H": H, "step": step, "limits": {"step": len(text)}})
