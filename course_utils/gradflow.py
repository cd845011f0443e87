"""How gradients flow back through time in a vanilla RNN, measured (chapter 03).

The recurrence, with the activation φ = tanh, relu or linear (identity):

    A_t = X_t W_xh + H_{t-1} W_hh + b_h          (N, H)
    H_t = φ(A_t)

Row convention (DESIGN §3). Write the one-step Jacobian of one example's row
vector h_t (1, H) with respect to h_{t-1} as the (H, H) matrix that acts on the RIGHT:

    J_t = W_hh diag(φ'(a_t)),        (J_t)[i, j] = ∂h_t[j] / ∂h_{t-1}[i]

so a small change δ of h_{t-1} changes h_t by δ J_t. (The textbook column-vector
Jacobian ∂h_t/∂h_{t-1} = diag(φ'(a_t)) W_hhᵀ is its transpose.) Backpropagation
multiplies by the transpose, which is exactly one step of BPTT in course_utils.rnn:

    dH_{t-1} = dH_t J_tᵀ = (dH_t ⊙ φ'(A_t)) W_hhᵀ          (tanh: φ'(A_t) = 1 − H_t²)

Over many steps the Jacobians multiply, for k < t:  δh_t = δh_k J_{k+1} J_{k+2} ⋯ J_t,
and  ‖J_{k+1} ⋯ J_t‖ ≤ (σ_max(W_hh) · max φ')^{t-k}: with tanh (max slope 1) and a
largest singular value below 1, the gradient vanishes geometrically. For a linear RNN
every J_t = W_hh, the product is W_hh^{t-k}, and its size follows |λ_max(W_hh)|^{t-k}.

Indices: the arrays count from 0, the notebooks' equations from 1. H[:, t] (t = 0..T-1)
is the state after input X[:, t], i.e. H_{t+1} in the equations, where H_0 is the state
before the first input (the argument H0). J[:, t] is the Jacobian of H[:, t] with respect
to the state before it: J_{t+1} in the equations. The widget speaks the equations' language
(steps t = 1..T, loss on H_T), as chapter 04's widget does.
"""

import numpy as np

from ._validate import check_choice, check_float, check_shape
from .plotting import PALETTE, plain_log_ticks
from .rnn import _check_params as _check_rnn_params
from .rnn import init_rnn_params
from .widgets import Result, problem

ACTIVATIONS = ("tanh", "relu", "linear")
MAX_SLOPE = {"tanh": 1.0, "relu": 1.0, "linear": 1.0}  # sup of φ' (sigmoid would be 1/4)


def _phi(A, activation):
    if activation == "tanh":
        return np.tanh(A)
    if activation == "relu":
        return np.maximum(A, 0)
    return A


def slope(H, activation):
    """φ'(A_t) written with the output H_t = φ(A_t) (the cache every backward pass keeps).

    tanh: 1 − H²;  relu: 1 where H > 0 (i.e. A > 0), else 0;  linear: 1.
    """
    check_choice("activation", activation, ACTIVATIONS)
    if activation == "tanh":
        return 1 - H**2
    if activation == "relu":
        return (H > 0).astype(H.dtype)
    return np.ones_like(H)


# --- the spectral radius -------------------------------------------------------

def spectral_radius(W):
    """ρ(W) = max |λ_i(W)| for a square (H, H) matrix."""
    check_float("W", W)
    check_shape("W", W, ("H", "H"))
    return float(np.max(np.abs(np.linalg.eigvals(W))))


def scale_to_spectral_radius(W, rho):
    """W · rho / ρ(W): the same matrix direction, with spectral radius ``rho`` (> 0).

    Scaling a matrix scales all its eigenvalues by the same factor, so the
    eigenvectors (and which directions grow fastest) are unchanged.
    """
    if not np.isfinite(rho) or rho <= 0:
        raise ValueError(f"rho must be a positive finite number; got {rho!r}")
    current = spectral_radius(W)
    if current == 0:
        raise ValueError("W must have a non-zero eigenvalue to be rescaled (it is nilpotent or zero)")
    return (W * (rho / current)).astype(W.dtype)


def singular_value_bound(W_hh, n_steps, activation="tanh"):
    """Upper bound on ‖J_{k+1} ⋯ J_{k+n}‖₂ for n = 0..n_steps: (σ_max(W_hh) · max φ')^n.

    Each factor J = W_hh diag(φ') has ‖J‖₂ ≤ ‖W_hh‖₂ · max|φ'| (a diagonal matrix's
    norm is its largest entry), and the norm of a product is at most the product of norms.
    Returns an (n_steps + 1,) float64 array.
    """
    check_choice("activation", activation, ACTIVATIONS)
    check_shape("W_hh", W_hh, ("H", "H"))
    sigma = float(np.linalg.norm(W_hh, 2))
    with np.errstate(over="ignore"):
        return (sigma * MAX_SLOPE[activation]) ** np.arange(n_steps + 1, dtype=np.float64)


# --- forward, Jacobians, products --------------------------------------------

def _check_run(X, H0, params, activation):
    check_choice("activation", activation, ACTIVATIONS)
    D, H_size = _check_rnn_params(params)
    check_float("X", X)
    sizes = check_shape("X", X, "NTD", {"D": D})
    if H0 is None:
        H0 = np.zeros((sizes["N"], H_size), dtype=X.dtype)
    check_shape("H0", H0, "NH", {"N": sizes["N"], "H": H_size})
    return H0


def forward_states(X, H0, params, activation="tanh"):
    """H_t = φ(X_t W_xh + H_{t-1} W_hh + b_h) for every t.

    X (N, T, D), H0 (N, H) or None (zeros), params {W_xh (D, H), W_hh (H, H), b_h (H,)}.
    Returns H (N, T, H). With activation="tanh" this is course_utils.rnn.rnn_forward;
    relu and linear are here for the experiments (no cache: the backward needs only H).
    """
    H0 = _check_run(X, H0, params, activation)
    N, T, _ = X.shape
    XW = X @ params["W_xh"] + params["b_h"]  # the input part of A_t, for all t at once
    H = np.empty((N, T, H0.shape[1]), dtype=np.result_type(X, H0, params["W_hh"]))
    H_t = H0
    with np.errstate(over="ignore", invalid="ignore"):  # exploding linear/relu runs may overflow: the caller checks
        for t in range(T):
            H_t = _phi(XW[:, t] + H_t @ params["W_hh"], activation)
            H[:, t] = H_t
    return H


def step_jacobians(H, W_hh, activation="tanh"):
    """J[:, t] = W_hh diag(φ'(A_t)) for every t: (N, T, H, H), row convention (module docstring).

    H (N, T, H) the states from the forward pass, W_hh (H, H).
    (J[n, t])[i, j] = ∂H[n, t, j] / ∂H[n, t-1, i].
    """
    check_float("H", H)
    sizes = check_shape("H", H, "NTH")
    check_shape("W_hh", W_hh, ("H", "H"), sizes)
    return W_hh[None, None] * slope(H, activation)[:, :, None, :]  # scales column j by φ'_j


def jacobian_product(J, k, t):
    """∂H_t/∂H_k in the row convention: J[:, k+1] @ J[:, k+2] @ ... @ J[:, t], shape (N, H, H).

    J (N, T, H, H) from ``step_jacobians``; -1 <= k <= t < T (k = -1 means H0).
    k = t gives the identity: δH_t = δH_k (J_{k+1} ⋯ J_t).
    """
    sizes = check_shape("J", J, "NTHH")
    N, T, H_size = sizes["N"], sizes["T"], J.shape[2]
    if not (isinstance(k, (int, np.integer)) and isinstance(t, (int, np.integer)) and -1 <= k <= t < T):
        raise ValueError(f"k and t must be integers with -1 <= k <= t < T={T}; got k={k!r}, t={t!r}")
    P = np.broadcast_to(np.eye(H_size, dtype=J.dtype), (N, H_size, H_size)).copy()
    for s in range(k + 1, t + 1):
        P = P @ J[:, s]
    return P


def hidden_gradients(H, W_hh, dH_T, activation="tanh", dH=None):
    """∂L/∂H_t for every t, by backpropagation through time.

    H (N, T, H) states of the forward pass; W_hh (H, H);
    dH_T (N, H): ∂L/∂H_T from a loss read at the last state H[:, -1];
    dH (N, T, H) or None: extra per-step gradients (from outputs at every step).
    Returns (G (N, T, H) with G[:, t] = total ∂L/∂H[:, t], dH0 (N, H) = ∂L/∂H0 for the initial state).

    The recursion is BPTT's:  G_{t-1} = dH_{t-1} + (G_t ⊙ φ'(A_t)) W_hhᵀ = dH_{t-1} + G_t J_tᵀ.
    """
    check_float("H", H)
    sizes = check_shape("H", H, "NTH")
    check_shape("W_hh", W_hh, ("H", "H"), sizes)
    check_shape("dH_T", dH_T, ("N", "H"), sizes)
    if dH is not None:
        check_shape("dH", dH, "NTH", sizes)
    T = sizes["T"]
    dphi = slope(H, activation)
    G = np.empty_like(H)
    g = dH_T.astype(H.dtype, copy=True)
    with np.errstate(over="ignore", invalid="ignore"):
        for t in reversed(range(T)):
            if dH is not None:
                g = g + dH[:, t]
            G[:, t] = g
            g = (g * dphi[:, t]) @ W_hh.T
    return G, g


def gradient_norms(H, W_hh, dH_T, activation="tanh"):
    """‖∂L/∂H[:, t]‖₂ for t = 0..T-1, averaged over the batch: (T,) float64 (loss read at the last step)."""
    G, _ = hidden_gradients(H, W_hh, dH_T, activation)
    with np.errstate(over="ignore", invalid="ignore"):
        return np.linalg.norm(G.astype(np.float64), axis=-1).mean(axis=0)


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
    {"t" (1..T), "norms", "ratio"} (ratio = ‖∂L/∂H_1‖ / ‖∂L/∂H_T‖, over T − 1 steps back).
    """
    import matplotlib.pyplot as plt

    s = _setup()
    if activation not in ACTIVATIONS:
        return problem(f"activation must be one of {list(ACTIVATIONS)}; got {activation!r}")
    if not (_is_number(spectral_radius) and 0 < spectral_radius <= 10):
        return problem(f"Choose a spectral radius in (0, 10]; got {spectral_radius!r}.")
    if not (isinstance(T, (int, np.integer)) and not isinstance(T, bool) and 2 <= T <= s.max_T):
        return problem(f"Choose a sequence length T between 2 and {s.max_T}; got {T!r}.")
    if not (_is_number(input_scale) and 0 <= input_scale <= 100):
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
    text = (f"‖∂L/∂H_1‖ / ‖∂L/∂H_{T}‖ = {ratio:.2e} after {T - 1} steps back "
            f"(ρ^{T - 1} = {spectral_radius ** (T - 1):.2e}).{note}")
    return Result(text=text, fig=fig, values={"t": t, "norms": norms, "ratio": ratio})


def _is_number(x):
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool) and np.isfinite(x)


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
