"""Figures used across the chapters: labelled axes, a title that says what to notice,
and the colour-blind-safe Okabe–Ito palette. Every function returns the Figure,
so a notebook shows it and a test can inspect it."""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap

# A fixed title height: matplotlib otherwise measures every tick label to place
# each title, which costs a third of a widget figure's drawing time.
plt.rcParams["axes.titley"] = 1.01

# Okabe & Ito (2008), distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]

# One colour per cell type in every chapter's figures (RNN blue, LSTM orange, GRU green),
# so that a reader who learned "orange is the LSTM" in chapter 04 can trust it in chapter 05.
CELL_COLOURS = {"rnn": PALETTE[0], "lstm": PALETTE[1], "gru": PALETTE[2]}


def loss_curve(histories, title="Training loss", ylabel="cross-entropy loss (nats)", logy=False, ax=None):
    """Plot one or more loss curves. ``histories`` is a list of losses or a dict label -> list."""
    if not isinstance(histories, dict):
        histories = {"loss": histories}
    fig, ax = _fig_ax(ax, (6, 3.5))
    for (label, losses), colour in zip(histories.items(), PALETTE):
        ax.plot(np.arange(1, len(losses) + 1), losses, label=label, color=colour)
    ax.set_xlabel("optimisation step")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    if logy:
        ax.set_yscale("log")
    if len(histories) > 1:
        ax.legend()
    ax.locator_params(nbins=4)
    ax.grid(alpha=0.3)
    return fig


def decision_boundary(predict, X, y, title="Decision regions", resolution=150, ax=None, ticks=True):
    """Colour the plane by ``predict(points) -> class index`` and overlay the data.

    ``X`` (N, 2) points, ``y`` (N,) labels. ``predict`` takes an (M, 2) array.
    ``ticks=False`` drops the tick labels (the coordinates of a toy dataset carry
    no meaning, and each label costs drawing time in a widget).
    """
    fig, ax = _fig_ax(ax, (4.5, 4.5))
    pad = 0.2
    (x0, y0), (x1, y1) = X.min(axis=0) - pad, X.max(axis=0) + pad
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    grid = np.stack([gx.ravel(), gy.ravel()], axis=1)
    n_classes = int(max(y.max() + 1, 2))
    cmap = ListedColormap(PALETTE[:n_classes])
    regions = predict(grid).reshape(gx.shape)
    # an image is much faster to draw than filled contours, which keeps widgets responsive
    ax.imshow(regions, origin="lower", extent=(x0, x1, y0, y1), cmap=cmap, alpha=0.25,
              vmin=-0.5, vmax=n_classes - 0.5, interpolation="nearest", aspect="auto")
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap=cmap, s=12, edgecolors="white", linewidths=0.4,
               vmin=-0.5, vmax=n_classes - 0.5)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if ticks:
        ax.locator_params(nbins=4)
    else:
        ax.set_xticks([])
        ax.set_yticks([])
    ax.set_title(title)
    return fig


def heatmap(values, title, xlabel, ylabel, xticklabels=None, yticklabels=None,
            cmap="RdBu_r", center=True, colorbar_label="value", ax=None):
    """Show a 2-D array as an image (rows = y axis, columns = x axis) with labelled axes.

    ``center=True`` puts 0 at the middle of a diverging palette, for signed
    values such as hidden states in (-1, 1).
    """
    values = np.asarray(values)
    if values.ndim != 2:
        raise ValueError(f"values must be a 2-D array; got shape {values.shape}")
    fig, ax = _fig_ax(ax, (max(4, 0.35 * values.shape[1] + 2), max(2.5, 0.3 * values.shape[0] + 1.5)))
    if center:
        lim = float(np.max(np.abs(values))) or 1.0
        image = ax.imshow(values, cmap=cmap, vmin=-lim, vmax=lim, aspect="auto")
    else:
        image = ax.imshow(values, cmap=cmap, aspect="auto")
    if xticklabels is not None:
        ax.set_xticks(np.arange(len(xticklabels)), labels=list(xticklabels))
    if yticklabels is not None:
        ax.set_yticks(np.arange(len(yticklabels)), labels=list(yticklabels))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    fig.colorbar(image, ax=ax, label=colorbar_label)
    return fig


def _fig_ax(ax, size):
    if ax is not None:
        return ax.figure, ax
    fig, ax = plt.subplots(figsize=size, layout="constrained")
    return fig, ax


def plain_log_ticks(ax):
    """At most ~6 major ticks labelled like 1e-40 and no minor ticks: a log axis spanning 100
    decades otherwise gets dozens of typeset labels, which makes each redraw several times slower."""
    from matplotlib.ticker import LogLocator, NullLocator

    ax.yaxis.set_major_locator(LogLocator(base=10, numticks=6))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_major_formatter(_decade_label)


def _decade_label(y, _pos=None):
    """1e-40, 1e-3, 1, 1e12 (plain text: no mathtext typesetting on every redraw)."""
    exponent = int(round(np.log10(y))) if y > 0 else 0
    return "1" if exponent == 0 else f"1e{exponent}"
