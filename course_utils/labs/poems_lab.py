"""The Tang-poem widget (chapters 02, 04, 05): sample a poem from a shipped language model.

    result = poem_experiment(cell="gru", prompt="春", temperature=0.8, seed=0)

The models are the ones ``tools/results_poems.py`` trained and shipped (``results.load_poem_model``);
their vocabulary is rebuilt from the corpus with the settings recorded in ``poems.json``, so
nothing is trained here and a control change costs one sample (~100 cell steps) and a figure.

The figure is a grid with one row per line (句) of the sample and one square per character
(punctuation included), coloured by the probability the model gave that character after the
text before it (at temperature 1: what the model expected, whatever the temperature drew).
Next to each row: the line's length and a check (✓ when it has the poem's length and that
length is 5 or 7). The figure shows positions, not glyphs (matplotlib's default fonts have no
Chinese characters); the text under it prints the lines with the same numbering.
"""

from functools import lru_cache

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.transforms import offset_copy

from .. import poems
from .. import seqmodels as sm
from .._validate import is_whole
from ..results import POEM_CELLS, load_poem_model, load_poems
from .rnn_lab import check_sampling_controls
from .widgets import Result, problem

MAX_PROMPT = 14       # two 7-character lines
MAX_CHARS = 100       # characters sampled after the prompt (at most)
P_FLOOR = 1e-3        # the colour scale's lower end


@lru_cache(maxsize=1)
def lm_data():
    """The vocabulary and split the shipped models were trained with (settings read from poems.json)."""
    s = load_poems()["settings"]
    return poems.poem_lm_data(heldout_fraction=s["heldout_fraction"], seed=s["split_seed"], min_count=s["min_count"])


def check_prompt(prompt, vocab):
    """None if the models can read ``prompt``, else the message that says what to change."""
    if len(prompt) > MAX_PROMPT:
        return f"Keep the prompt to at most {MAX_PROMPT} characters (two 7-character lines); got {len(prompt)}."
    unknown = sorted({ch for ch in prompt if ch not in vocab or ch in ("<", ">")})
    if unknown:
        common = " ".join(vocab.itos[4:24])
        return (f"The poems' vocabulary has no {unknown}: the models know the {len(vocab) - 4} characters "
                f"seen at least {load_poems()['settings']['min_count']} times in their training poems, "
                f"e.g. {common}. 模型的字表里没有这些字，请换常见字。")
    return None


def text_probabilities(params, vocab, text, cell):
    """P (len(text),): the probability the model gives each character of ``text`` read from <bos>."""
    ids = vocab.encode(text, add_bos=True)
    _, P, _ = sm.run_ids(params, ids[:-1], cell)
    return P[np.arange(len(ids) - 1), ids[1:]]


def _rows(text):
    """The text cut after each punctuation mark: [(start index, segment)], the last may be unfinished."""
    rows, start = [], 0
    for i, ch in enumerate(text):
        if ch in poems.LINE_END:
            rows.append((start, text[start:i + 1]))
            start = i + 1
    if start < len(text):
        rows.append((start, text[start:]))
    return rows


def _line_checks(rows):
    """Per row: (length without the mark, finished?, ✓?) and the poem's length (None if no finished line)."""
    finished = [seg[-1] in poems.LINE_END for _, seg in rows]
    lengths = [len([c for c in seg if c not in poems.LINE_END + poems.QUOTES]) for _, seg in rows]
    done = [n for n, f in zip(lengths, finished) if f]
    L = poems.poem_length(done) if done else None
    ok = [f and n == L and n in (5, 7) for n, f in zip(lengths, finished)]
    return lengths, finished, ok, L


_MARGINS_IN = (0.55, 1.75, 0.62, 0.36)   # left, right, bottom, top (inches)
_BAR_IN = (0.95, 0.16)                    # colour bar: its left edge from the figure's right edge, its width


def _figure(rows, probs, n_prompt, lengths, finished, ok, title):
    width = max(len(seg) for _, seg in rows)
    grid = np.full((len(rows), width), np.nan)
    for r, (start, seg) in enumerate(rows):
        grid[r, :len(seg)] = np.maximum(probs[start:start + len(seg)], P_FLOOR)
    # Margins fixed in inches (room for the tick labels, axis labels, title, the line checks and the
    # colour bar), so a two-line sample and a thirteen-line one both keep every label inside the image.
    # Not constrained layout: it measured every text again on each draw, 60% of a slider move.
    size = (6.4, max(2.6, 1.5 + 0.32 * len(rows)))
    fig = plt.figure(figsize=size, dpi=100)
    left, right, bottom, top = (m / s for m, s in zip(_MARGINS_IN, (size[0], size[0], size[1], size[1])))
    ax = fig.add_axes((left, bottom, 1 - left - right, 1 - bottom - top))
    cax = fig.add_axes((1 - (_BAR_IN[0] + _BAR_IN[1]) / size[0], bottom, _BAR_IN[1] / size[0], 1 - bottom - top))
    image = ax.imshow(grid, cmap="viridis", norm=LogNorm(P_FLOOR, 1), aspect="auto")
    for r, (start, seg) in enumerate(rows):
        for c in range(min(len(seg), max(0, n_prompt - start))):   # the prompt: framed, not sampled
            ax.add_patch(plt.Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, ec="#D55E00", lw=2))
        mark = "✓" if ok[r] else ("✗" if finished[r] else "…")
        ax.text(width - 0.2, r, f" {lengths[r]} {mark}", va="center", fontsize=10,
                color="#000000" if ok[r] else "#D55E00")
    # positions and line numbers as plain texts 3 pt outside the axes, not Ticks: a Tick per square
    # cost more than the rest of the figure (the fixed margins leave them room)
    ax.set_xticks([])
    ax.set_yticks([])
    below = offset_copy(ax.get_xaxis_transform(), fig=fig, y=-3, units="points")
    before = offset_copy(ax.get_yaxis_transform(), fig=fig, x=-3, units="points")
    for c in range(width):
        ax.text(c, 0, str(c + 1), ha="center", va="top", fontsize=8, transform=below)
    for r in range(len(rows)):
        ax.text(0, r, str(r + 1), ha="right", va="center", fontsize=8, transform=before)
    ax.set_xlabel("position in the line (its punctuation mark is the last square)", labelpad=14)
    ax.set_ylabel("line", labelpad=16)
    ax.set_title(title, fontsize=10)
    bar = fig.colorbar(image, cax=cax, label="P(character | text before)")
    bar.ax.minorticks_off()
    return fig


def poem_experiment(cell="gru", prompt="", temperature=1.0, seed=0, max_chars=MAX_CHARS):
    """Widget: a poem sampled from the shipped ``cell`` model after ``prompt`` (may be empty),
    with each character's probability and each line's length check. Problems come back as messages."""
    if cell not in POEM_CELLS:
        return problem(f"cell must be one of {list(POEM_CELLS)}; got {cell!r}.")
    if not isinstance(prompt, str):
        return problem(f"prompt must be text; got {type(prompt).__name__}.")
    prompt = "".join(prompt.split())
    vocab = lm_data()["vocab"]
    message = check_prompt(prompt, vocab)
    if message:
        return problem(message)
    message = check_sampling_controls(temperature, seed)
    if message:
        return problem(message)
    if not is_whole(max_chars, 1, 400):
        return problem(f"max_chars must be a whole number from 1 to 400; got {max_chars!r}.")
    params = load_poem_model(cell)
    text, _ = poems.sample_poem(params, vocab, cell, np.random.default_rng(seed), temperature, prompt, max_chars)
    if not text:
        return problem(f"The {cell.upper()} ended the poem at once (it drew <eos> first): try another seed "
                       "or give it a first character.", text="", ended_by_eos=True)
    probs = text_probabilities(params, vocab, text, cell)
    rows = _rows(text)
    lengths, finished, ok, L = _line_checks(rows)
    n_done = sum(finished)
    ended = len(text) - len(prompt) < max_chars
    title = (f"{cell.upper()}, τ = {temperature:g}, seed {seed}: "
             f"{sum(ok)} of {n_done} finished lines have the poem's length" + (f" ({L})" if L else ""))
    fig = _figure(rows, probs, len(prompt), lengths, finished, ok, title)
    lines = [f"{r + 1:>2}. {seg}  {lengths[r]} {'✓' if ok[r] else ('✗' if finished[r] else '… unfinished')}"
             for r, (_, seg) in enumerate(rows)]
    worst = int(np.argmin(probs[len(prompt):])) + len(prompt) if len(text) > len(prompt) else None
    if worst is not None:
        lines.append(f"least expected character: {text[worst]} (P = {probs[worst]:.2g})")
    lines.append("the model ended the poem (<eos>)" if ended else f"stopped after {max_chars} characters")
    if prompt:
        lines.append("orange frames in the figure: your prompt (given, not sampled)")
    return Result(text="\n".join(lines), fig=fig,
                  values={"text": text, "probs": probs, "line_lengths": lengths, "finished": finished,
                          "line_ok": ok, "poem_length": L, "ended_by_eos": ended})


__all__ = ["MAX_PROMPT", "MAX_CHARS", "lm_data", "check_prompt", "text_probabilities", "poem_experiment"]
