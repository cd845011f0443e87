"""A multilayer perceptron as forward/backward pairs (chapter 01).

Row-vector convention: a batch X is (N, D) and a layer computes X @ W + b.
For hidden layers ℓ = 1..L-1 and output layer L:

    A_ℓ = H_{ℓ-1} W_ℓ + b_ℓ        (H_0 = X)
    H_ℓ = f(A_ℓ)
    Z   = H_{L-1} W_L + b_L         logits, (N, V)

Parameters are a dict {"W1": (D, H1), "b1": (H1,), ..., "WL": (H_{L-1}, V), "bL": (V,)}.
"""

from typing import NamedTuple

import numpy as np

from ._validate import check_float, check_shape
from .activations import get_activation
from .initializers import he_normal, xavier_uniform


class AffineCache(NamedTuple):
    X: np.ndarray
    W: np.ndarray


def affine_forward(X, W, b):
    """Y = X W + b.  X (N, D), W (D, H), b (H,) -> Y (N, H)."""
    check_float("X", X)
    sizes = check_shape("X", X, "ND")
    sizes = check_shape("W", W, "DH", sizes)
    check_shape("b", b, "H", sizes)
    return X @ W + b, AffineCache(X, W)


def affine_backward(dY, cache):
    """dX = dY Wᵀ (N, D),  dW = Xᵀ dY (D, H),  db = Σ_n dY (H,)."""
    check_shape("dY", dY, (cache.X.shape[0], cache.W.shape[1]))
    return dY @ cache.W.T, cache.X.T @ dY, dY.sum(axis=0)


class ActivationCache(NamedTuple):
    A: np.ndarray  # input of the activation
    H: np.ndarray  # its output
    name: str


def activation_forward(A, name):
    f, _, _ = get_activation(name)
    H = f(A)
    return H, ActivationCache(A, H, name)


def activation_backward(dH, cache):
    """dA = dH ⊙ f'(A) (the derivative is evaluated from H where that is cheaper)."""
    _, df, takes_output = get_activation(cache.name)
    return dH * df(cache.H if takes_output else cache.A)


def init_mlp_params(sizes, rng, activation="tanh", dtype=np.float64):
    """Weights for layer sizes [D, H1, ..., V]: Xavier for tanh/sigmoid, He for ReLU; zero biases."""
    if len(sizes) < 2 or any(int(s) != s or s < 1 for s in sizes):
        raise ValueError(f"sizes must list at least 2 positive integers [D, ..., V]; got {sizes!r}")
    get_activation(activation)
    init = he_normal if activation == "relu" else xavier_uniform
    params = {}
    for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{layer}"] = init(fan_in, fan_out, rng, dtype)
        params[f"b{layer}"] = np.zeros(fan_out, dtype=dtype)
    return params


def n_layers(params):
    layers = sum(1 for k in params if k.startswith("W"))
    expected = {f"{p}{i}" for i in range(1, layers + 1) for p in "Wb"}
    if set(params) != expected:
        raise ValueError(f"params must have keys {sorted(expected)}; got {sorted(params)}")
    return layers


def mlp_forward(X, params, activation="tanh", check=True):
    """Logits Z (N, V) for a batch X (N, D); returns (Z, caches) for mlp_backward.

    check=False skips the input checks: for a training loop that checked its
    arrays once and then runs the same shapes every step.
    """
    if not check:
        return _mlp_forward(X, params, activation, sum(1 for k in params if k.startswith("W")))
    L = n_layers(params)
    check_float("X", X)
    sizes = check_shape("X", X, "ND", {"D": params["W1"].shape[0]})
    for layer in range(1, L + 1):  # validate once, then run the layers unchecked
        W, b = params[f"W{layer}"], params[f"b{layer}"]
        check_float(f"params['W{layer}']", W)
        sizes = {"D": check_shape(f"params['W{layer}']", W, "DH", {"D": sizes["D"]})["H"]}
        check_shape(f"params['b{layer}']", b, (sizes["D"],))
    return _mlp_forward(X, params, activation, L)


def _mlp_forward(X, params, activation, L):
    """mlp_forward without the checks (L layers)."""
    caches = []
    H = X
    for layer in range(1, L + 1):
        W = params[f"W{layer}"]
        A, affine_cache = H @ W + params[f"b{layer}"], AffineCache(H, W)
        if layer < L:
            H, act_cache = activation_forward(A, activation)
        else:
            act_cache = None
        caches.append((affine_cache, act_cache))
    return A, caches


def mlp_backward(dZ, caches):
    """Backpropagate dZ (N, V) through every layer; returns (dX, grads) with grads keyed like params."""
    grads = {}
    L = len(caches)
    dA = dZ
    for layer in range(L, 0, -1):
        affine_cache, act_cache = caches[layer - 1]
        if act_cache is not None:
            dA = activation_backward(dA, act_cache)
        dH = dA @ affine_cache.W.T
        grads[f"W{layer}"], grads[f"b{layer}"] = affine_cache.X.T @ dA, dA.sum(axis=0)
        dA = dH
    return dA, grads


def predict(X, params, activation="tanh"):
    """Class index (N,) with the highest logit."""
    return mlp_forward(X, params, activation)[0].argmax(axis=1)
