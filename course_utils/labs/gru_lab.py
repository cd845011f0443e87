"""Chapter 05's widgets: what each cell costs (bars over the formulas of ``course_utils.compare``),
and the update and reset gates of a trained GRU language model on a text the learner types.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter

from .. import seqmodels
from .._validate import is_whole
from ..compare import costs, cost_table
from ..gru import gate_values, time_constants
from ..plotting import PALETTE
from .widgets import Result, problem


def cost_experiment(D=32, H=64):
    """Widget function: table and bar chart of parameters and multiply-adds per step for D, H."""
    for name, value in (("D", D), ("H", H)):
        if not is_whole(value, low=1):
            return problem(f"{name} must be a whole number of at least 1; got {value!r}.")
    rows = costs(D, H)
    # one axes with grouped bars: every axis and label costs drawing time in a widget
    fig, ax = plt.subplots(figsize=(6.5, 2.9), dpi=80)
    fig.subplots_adjust(left=0.19, right=0.98, bottom=0.1, top=0.9)  # room for 4,000,000 and the label
    x = np.arange(len(rows))
    ax.bar(x - 0.2, [r.params for r in rows], width=0.4, color=PALETTE[0], label="parameters")
    ax.bar(x + 0.2, [r.macs for r in rows], width=0.4, color=PALETTE[1], label="multiply-adds per step")
    ax.set_xticks(x, labels=["RNN", "LSTM", "GRU (Cho)", "GRU (reset-after)"])
    ax.set_ylabel("count (per example)")
    ax.set_title(f"D = {D}, H = {H}: the LSTM costs 4×, the GRU about 3× the RNN", fontsize=10)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.locator_params(axis="y", nbins=4)
    ax.legend(loc="upper right", fontsize=8, frameon=False)
    return Result(text=cost_table(D, H), fig=fig,
                  values={r.cell: {"params": r.params, "macs": r.macs, "sequential": r.sequential} for r in rows})


# --- the gates of a trained GRU on a typed text -------------------------------------

MAX_GATE_CHARS = 60


MONO_ADVANCE = 0.602   # width of one DejaVu Sans Mono character, in units of the font size


def _label_columns(axes, text, y=-0.03, max_advance=8):
    """Write ``text`` under the last of ``axes`` (images with one column per character),
    each character centred on its column, as ONE monospace Text: tick labels cost about
    a millisecond each to draw, too slow for a widget.

    Agg draws each character an integer number of pixels wide (``advance``), so the
    axes are narrowed until a column is exactly (gap + 1) characters wide, with ``gap``
    spaces between two characters.
    """
    fig = axes[-1].figure
    box = axes[-1].get_position()
    pitch = box.width * fig.get_figwidth() * fig.dpi / len(text)     # pixels per column, at most
    gap = max(0, int(np.ceil(pitch / max_advance)) - 1)
    advance = int(pitch // (gap + 1))
    width = len(text) * (gap + 1) * advance / (fig.get_figwidth() * fig.dpi)
    for ax in axes:
        b = ax.get_position()
        ax.set_position([b.x0, b.y0, width, b.height])
    fontsize = (advance + 0.25) * 72 / (MONO_ADVANCE * fig.dpi)      # Agg rounds the advance down to `advance`
    shown = (" " * gap).join({" ": "_", "\n": "¶"}.get(c, c) for c in text)
    axes[-1].text(-0.5 + gap / (2 * (gap + 1)), y, shown, transform=axes[-1].get_xaxis_transform(),
                  ha="left", va="top", family="DejaVu Sans Mono", fontsize=fontsize)


def gru_gate_experiment(text, params, vocab, unit_order=None):
    """Widget function: heatmaps of Z_t and R_t (units × characters) of a GRU language model.

    text : what the model reads, at most MAX_GATE_CHARS characters of its vocabulary.
    params : a course_utils.seqmodels "gru" model (one-hot or embedding input, either form).
    vocab : the model's character Vocab.
    unit_order : (H,) unit indices, top row first; default: by decreasing time constant on ``text``
    (``course_utils.gru.time_constants``: τ = −1/mean ln Z).
    values: "Z", "R" (T, H), "tau" (H,) and "order".
    """
    if not isinstance(text, str) or not text:
        return problem("Type some text first, e.g. 'The river ran past the mill.'")
    if len(text) > MAX_GATE_CHARS:
        return problem(f"Keep the text to {MAX_GATE_CHARS} characters or fewer; got {len(text)}.")
    unknown = sorted({c for c in text if c not in vocab})
    if unknown:
        return problem(f"The model's corpus has no {unknown}: use letters, digits and common punctuation.")
    _, cache = seqmodels.forward(params, {"ids": vocab.encode(text)[None]}, "gru", "tag")
    gates = gate_values(cache.cell_cache)
    Z, R = gates["Z"][0], gates["R"][0]                                   # (T, H)
    tau = time_constants(Z)                                               # (H,) steps
    order = np.argsort(-tau, kind="stable") if unit_order is None else np.asarray(unit_order)
    # kept lean for speed (every text costs drawing time): no colour bar, the titles say the scale
    fig, axes = plt.subplots(2, 1, figsize=(7, 4.4), dpi=80)
    fig.subplots_adjust(left=0.06, right=0.98, bottom=0.13, top=0.93, hspace=0.3)
    for ax, values, name in ((axes[0], Z, "update gate Z_t (yellow 1 = keep the old state, dark 0 = overwrite)"),
                             (axes[1], R, "reset gate R_t (yellow 1 = the candidate uses the old state, dark 0 = ignores it)")):
        ax.imshow(values[:, order].T, cmap="viridis", vmin=0, vmax=1, aspect="auto", interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(name, fontsize=9)
    fig.text(0.02, 0.53, "hidden unit (slowest at the top)", rotation=90, va="center", ha="center")
    _label_columns(axes, text)
    axes[1].set_xlabel("character read at step t (_ is a space)", labelpad=16)
    slow, fast = order[0], order[-1]
    summary = (f"{len(text)} characters, {Z.shape[1]} units. Time constant τ = −1/mean(ln Z) of the top unit "
               f"{slow}: {tau[slow]:.2f} steps (mean Z {Z[:, slow].mean():.2f}); of the bottom unit {fast}: "
               f"{tau[fast]:.2f} steps (mean Z {Z[:, fast].mean():.2f}).\nUnits with Z > 0.9 at every step "
               f"of this text: {int(np.sum(Z.min(axis=0) > 0.9))} of {Z.shape[1]}.")
    return Result(text=summary, fig=fig, values={"Z": Z, "R": R, "tau": tau, "order": order})
