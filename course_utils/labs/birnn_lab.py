"""Chapter 06b's widgets: a typed sentence tagged by a left-to-right and a bidirectional tagger,
and the attention weights of the four scores as the vector size d grows.
"""

import matplotlib.pyplot as plt
import numpy as np

from .. import tagging
from ..activations import softmax
from ..plotting import PALETTE
from .widgets import Result, problem

MAX_TAG_CHARS = 40


def tag_text(params, vocab, text, cell="rnn", decode="argmax"):
    """BMES tags (T,) of ``text`` (a string of known characters) under a trained tagger."""
    ids = vocab.encode(text)
    batch = {"ids": ids[None], "lengths": np.array([len(ids)])}
    O, _ = tagging.tagger_forward(params, batch, cell)
    if decode == "viterbi":
        logp = O[0] - O[0].max(-1, keepdims=True)
        return tagging.viterbi(logp - np.log(np.exp(logp).sum(-1, keepdims=True)))
    return O[0].argmax(-1)


def tagging_experiment(text, models, vocab, cell="rnn"):
    """Widget function: ``text`` tagged by each model in ``models`` {label: params}, as BMES and as words."""
    if not isinstance(text, str) or not text.strip():
        return problem("Type a sentence in Chinese characters, e.g. 大学生喜欢学习。")
    text = text.strip()
    if len(text) > MAX_TAG_CHARS:
        return problem(f"Type at most {MAX_TAG_CHARS} characters; got {len(text)}.")
    unknown = sorted({ch for ch in text if ch not in vocab})
    if unknown:
        return problem(f"The taggers never saw {''.join(unknown)}: use characters of the training sentences "
                       f"(e.g. 我们 大学生 喜欢 学习 神经网络 今天 天气 很 好 。).")
    lines, values = [f"text      {'  '.join(text)}"], {}
    for label, params in models.items():
        tags = tag_text(params, vocab, text, cell)
        values[label] = "".join(tagging.TAGS[t] for t in tags)
        lines.append(f"{label:<9} {'  '.join(values[label][i] for i in range(len(text)))}   "
                     f"{' / '.join(tagging.words_from_bmes(text, tags))}")
    return Result(text="\n".join(lines), values=values)


def score_experiment(d=64, scaled=True, seed=0, T=8):
    """Widget function: softmax weights of dot-product scores between random unit-variance vectors of size d."""
    if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or not 1 <= d <= 4096:
        return problem(f"d must be a whole number from 1 to 4096; got {d!r}.")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        return problem(f"seed must be a whole number of at least 0; got {seed!r}.")
    rng = np.random.default_rng(seed)
    S, H = rng.standard_normal(d), rng.standard_normal((T, d))
    E = H @ S
    alpha = softmax(E / np.sqrt(d) if scaled else E)
    fig, ax = plt.subplots(figsize=(6.5, 2.6), dpi=80)
    fig.subplots_adjust(left=0.1, right=0.98, bottom=0.18, top=0.86)
    ax.bar(np.arange(1, T + 1), alpha, color=PALETTE[0 if scaled else 5])
    ax.set_ylim(0, 1)
    ax.set_xlabel("source position s")
    ax.set_ylabel("weight α_s")
    ax.set_title(f"d = {d}, {'scaled by 1/√d' if scaled else 'unscaled'}: largest weight {alpha.max():.2f}",
                 fontsize=10)
    text = (f"scores S·H_s: std {E.std():.1f} (√d = {np.sqrt(d):.1f}); weights {', '.join(f'{a:.2f}' for a in alpha)}")
    return Result(text=text, fig=fig, values={"alpha": alpha, "E": E})
