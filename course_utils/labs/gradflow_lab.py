"""Chapter 03's widget: how much of the gradient survives going back in time in a random RNN.

The measurements (Jacobians, BPTT norms, the spectral radius) are in ``course_utils.gradflow``;
this module only draws them for a slider.
"""

import numpy as np

from .._validate import is_number, is_whole
from ..gradflow import ACTIVATIONS, forward_states, gradient_norms, scale_to_spectral_radius, slope
from ..plotting import PALETTE, plain_log_ticks
from ..rnn import init_rnn_params
from .widgets import Result, problem


# --- the widget: ‖∂L/∂H_t‖ against t ---------------------------------------------

class _Setup:
    """Fixed random pieces of the widget, drawn once (so moving a slider changes only what it names)."""

    def __init__(self, hidden_size=32, input_size=4, max_T=200, n=8, seed=0):
        rng = np.random.default_rng(seed)
        base = init_rnn_params(input_size, hidden_size, rng)
        # a Gaussian W_hh has eigenvalues spread over a disc (not all on the unit circle like an
        # orthogonal one), so ρ and σ_max differ, as in a trained network. ρ = 1 here; the
        # widget multiplies W_hh by the spectral radius it is asked for.
        base["W_hh"] = scale_to_spectral_radius(rng.standard_normal((hidden_size, hidden_size)), 1.0)
        self.params = base
        self.X = rng.standard_normal((n, max_T, input_size))
        u = rng.standard_normal(hidden_size)
        self.dH_T = np.tile(u / np.linalg.norm(u), (n, 1))  # L = H_T · u, so ‖∂L/∂H_T‖ = 1
        self.max_T = max_T


_SETUP = {}


def _setup():
    if "default" not in _SETUP:
        _SETUP["default"] = _Setup()
    return _SETUP["default"]


def gradient_flow_experiment(spectral_radius=1.0, activation="tanh", T=100, input_scale=1.0):
    """Widget: ‖∂L/∂H_t‖ against t (log scale) for a fixed random RNN whose W_hh has
    spectral radius ``spectral_radius``, run on T random inputs times ``input_scale``.

    Steps are counted t = 1..T as in the equations (H_0 is the zero initial state).
    L = H_T · u for a fixed unit vector u, so the last step's gradient has norm 1 and the
    curve shows how much of it survives n steps back. Returns a Result with values
    {"t" (1..T), "norms", "ratio", "mean_slope", "fewest_active"}: ratio = ‖∂L/∂H_1‖ / ‖∂L/∂H_T‖
    (over T − 1 steps back); mean_slope = the mean of φ'(A_t) over units, steps and sequences
    (each backward step multiplies by W_hhᵀ and by these slopes, so the slopes decide how far
    the curve falls below ρ^(T−t)); fewest_active = for ReLU, the fewest units on at any step
    of any sequence (None for tanh and linear).
    """
    import matplotlib.pyplot as plt

    s = _setup()
    if activation not in ACTIVATIONS:
        return problem(f"activation must be one of {list(ACTIVATIONS)}; got {activation!r}")
    if not (is_number(spectral_radius) and 0 < spectral_radius <= 10):
        return problem(f"Choose a spectral radius in (0, 10]; got {spectral_radius!r}.")
    if not is_whole(T, 2, s.max_T):
        return problem(f"Choose a sequence length T between 2 and {s.max_T}; got {T!r}.")
    if not is_number(input_scale, 0, 100):
        return problem(f"Choose an input scale between 0 and 100; got {input_scale!r}.")
    params = dict(s.params, W_hh=s.params["W_hh"] * spectral_radius)  # ρ(base) = 1
    H = forward_states(s.X[:, :T] * input_scale, None, params, activation)
    if not np.all(np.isfinite(H)):
        t_bad = int(np.argmax(~np.isfinite(H).all(axis=(0, 2)))) + 1   # steps count from 1
        return problem(f"The hidden state overflowed at step {t_bad}: with {activation} and ρ = "
                       f"{spectral_radius:.2f} the forward pass itself explodes. Use a shorter sequence "
                       "or a smaller spectral radius.")
    norms = gradient_norms(H, params["W_hh"], s.dH_T, activation)
    if not np.all(np.isfinite(norms)):
        return problem("The gradient overflowed to inf: it exploded beyond float64. Use fewer steps.")
    t = np.arange(1, T + 1)                      # steps 1..T; the loss reads H_T
    ratio = float(norms[0] / norms[-1])
    shown = np.where(norms > 0, norms, np.nan)  # exact zeros (every ReLU off) cannot sit on a log axis
    linear = spectral_radius ** (T - t.astype(np.float64))
    fig = plt.figure(figsize=(6, 3.2))
    ax = fig.add_axes((0.15, 0.15, 0.82, 0.74))  # fixed margins (room for 1e-100): one draw per update
    ax.semilogy(t, shown, color=PALETTE[0], label="‖∂L/∂H_t‖ (BPTT, mean of 8 sequences)")
    ax.semilogy(t, linear, color=PALETTE[1], ls="--", label="ρ^(T−t)")
    plain_log_ticks(ax)
    ax.set_xlabel(f"time step t (the loss reads H_T, T = {T})")
    ax.set_ylabel("‖∂L/∂H_t‖ (log scale)")
    verdict = "vanishes" if ratio < 1e-3 else "explodes" if ratio > 1e3 else "survives"
    ax.set_title(f"{activation}, ρ = {spectral_radius:.2f}: the gradient {verdict} going back in time",
                 fontsize=10)
    ax.legend(loc=_empty_corner(t, (shown, linear)), fontsize=8)  # a fixed place: cheaper than loc="best"
    ax.grid(alpha=0.3)
    zero = np.flatnonzero(norms == 0)
    note = (f" It is exactly 0 from step {zero.max() + 1} back: every ReLU unit was off there."
            if zero.size else "")
    slopes = slope(H, activation)                # φ'(A_t) for every sequence, step and unit
    mean_slope = float(slopes.mean())
    fewest_active = int((slopes > 0).sum(axis=2).min()) if activation == "relu" else None
    if activation == "tanh":
        note += f" Mean tanh slope 1 − H_t² over all units and steps: {mean_slope:.2f}."
    elif activation == "relu":
        note += (f" Fraction of ReLU units on (slope 1): {mean_slope:.2f}; fewest on at any step: "
                 f"{fewest_active} of {H.shape[2]}.")
        if input_scale > 0:
            note += (" With b_h = 0 and H_0 = 0 the input scale changes nothing here: ReLU(c·A) = c·ReLU(A) "
                     "for c > 0, so every H_t scales by c and no slope changes.")
    text = (f"‖∂L/∂H_1‖ / ‖∂L/∂H_{T}‖ = {ratio:.2e} after {T - 1} steps back "
            f"(ρ^{T - 1} = {spectral_radius ** (T - 1):.2e}).{note}")
    return Result(text=text, fig=fig, values={"t": t, "norms": norms, "ratio": ratio, "mean_slope": mean_slope,
                                              "fewest_active": fewest_active})


def _empty_corner(x, curves, box=(0.5, 0.22)):
    """The legend location (a corner) that covers the fewest points of ``curves`` on a log-y axis.

    Matplotlib's loc="best" finds the same by drawing; this estimate costs microseconds. The
    legend is taken to fill ``box`` = (width, height) in axes fractions.
    """
    logs = [np.log10(np.where(np.isfinite(c) & (c > 0), c, np.nan)) for c in curves]
    lo = min(np.nanmin(v) for v in logs if np.any(np.isfinite(v)))
    hi = max(np.nanmax(v) for v in logs if np.any(np.isfinite(v)))
    fx = (x - x.min()) / max(x.max() - x.min(), 1)
    fy = [(v - lo) / max(hi - lo, 1e-12) for v in logs]
    corners = {"upper right": (fx > 1 - box[0], 1 - box[1]), "upper left": (fx < box[0], 1 - box[1]),
               "lower left": (fx < box[0], None), "lower right": (fx > 1 - box[0], None)}
    def covered(in_x, y_from):
        return sum(int(np.sum(in_x & ((v > y_from) if y_from is not None else (v < box[1])))) for v in fy)
    return min(corners, key=lambda name: covered(*corners[name]))
