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

from ._validate import check_choice, check_float, check_shape, is_whole
from .rnn import check_rnn_params

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
    D, H_size = check_rnn_params(params)
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
    if not (is_whole(k) and is_whole(t) and -1 <= k <= t < T):
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
