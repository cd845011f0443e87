"""Optimisers and gradient clipping. Parameters and gradients are dicts with the same keys.

Optimisers update ``params`` in place (the arrays the model holds) and return it,
so ``params = opt.step(params, grads)`` and ``opt.step(params, grads)`` both work.
Their only state is the per-key buffers they need (velocity, moments).
"""

import numpy as np


def _check_same_keys(params, grads):
    if set(params) != set(grads):
        raise ValueError(
            f"grads must have the same keys as params; params has {sorted(params)}, grads has {sorted(grads)}"
        )
    for k in params:
        if params[k].shape != grads[k].shape:
            raise ValueError(f"grads['{k}'] must have shape {params[k].shape}; got {grads[k].shape}")


def _check_lr(lr):
    if not np.isfinite(lr) or lr <= 0:
        raise ValueError(f"lr must be a positive finite number; got {lr!r}")


def global_norm(grads):
    """sqrt(Σ_k ‖g_k‖²) over every array of the dict."""
    return float(np.sqrt(sum(float(np.sum(np.square(g, dtype=np.float64))) for g in grads.values())))


def clip_by_global_norm(grads, max_norm):
    """Rescale all gradients together so their global norm is at most ``max_norm``.

    The direction of the full gradient is kept (unlike clipping each value),
    only its length is capped. Returns (clipped grads as a new dict, norm before clipping).
    """
    if not np.isfinite(max_norm) or max_norm <= 0:
        raise ValueError(f"max_norm must be a positive finite number; got {max_norm!r}")
    norm = global_norm(grads)
    scale = min(1.0, max_norm / (norm + 1e-12))
    return {k: g * g.dtype.type(scale) for k, g in grads.items()}, norm


def clip_by_value(grads, limit):
    """Clip every gradient entry to [-limit, limit] (changes the direction; shown for comparison)."""
    if not np.isfinite(limit) or limit <= 0:
        raise ValueError(f"limit must be a positive finite number; got {limit!r}")
    return {k: np.clip(g, -limit, limit) for k, g in grads.items()}


class SGD:
    """Stochastic gradient descent with (optional) momentum.

    v ← μ v - lr · g ;  θ ← θ + v      (μ = 0 gives plain SGD: θ ← θ - lr · g)
    """

    def __init__(self, lr=0.1, momentum=0.0):
        _check_lr(lr)
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum must be in [0, 1); got {momentum!r}")
        self.lr, self.momentum = lr, momentum
        self.velocity = {}

    def step(self, params, grads):
        _check_same_keys(params, grads)
        for k, g in grads.items():
            v = self.velocity.get(k)
            v = -self.lr * g if v is None else self.momentum * v - self.lr * g
            self.velocity[k] = v
            params[k] += v.astype(params[k].dtype, copy=False)
        return params


class Adam:
    """Adam (Kingma & Ba, 2015) with bias correction.

    m ← β1 m + (1 - β1) g ;  v ← β2 v + (1 - β2) g²
    θ ← θ - lr · m̂ / (sqrt(v̂) + ε),  m̂ = m / (1 - β1^t),  v̂ = v / (1 - β2^t)
    """

    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        _check_lr(lr)
        for name, b in (("beta1", beta1), ("beta2", beta2)):
            if not 0 <= b < 1:
                raise ValueError(f"{name} must be in [0, 1); got {b!r}")
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.m, self.v, self.t = {}, {}, 0

    def step(self, params, grads):
        _check_same_keys(params, grads)
        self.t += 1
        c1 = 1 - self.beta1**self.t
        c2 = 1 - self.beta2**self.t
        for k, g in grads.items():
            m = self.m.get(k, 0) * self.beta1 + (1 - self.beta1) * g
            v = self.v.get(k, 0) * self.beta2 + (1 - self.beta2) * g * g
            self.m[k], self.v[k] = m, v
            params[k] -= (self.lr * (m / c1) / (np.sqrt(v / c2) + self.eps)).astype(params[k].dtype, copy=False)
        return params
