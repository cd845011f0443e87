"""Softmax cross-entropy, for one prediction per example or one per time step.

L = -(1/N) Σ_n log softmax(Z_n)[y_n], and its gradient dZ = (softmax(Z) - onehot(y)) / N.
"""

import numpy as np

from ._validate import check_float, check_shape
from .activations import log_softmax


def _check_labels(name, y, n_classes):
    if not isinstance(y, np.ndarray) or y.dtype.kind not in "iu":
        raise ValueError(f"{name} must be an integer array of class indices; got {getattr(y, 'dtype', type(y).__name__)}")
    if y.size and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(f"{name} must hold class indices in [0, {n_classes - 1}]; got values in [{y.min()}, {y.max()}]")


def softmax_cross_entropy(Z, y, check=True):
    """Mean cross-entropy of logits against integer labels.

    check=False skips the input checks: for a training loop that checked its
    arrays once and then runs the same shapes every step.

    Parameters
    ----------
    Z : (N, V) float array of logits.
    y : (N,) int array of class indices in [0, V).

    Returns
    -------
    loss : float
    dZ : (N, V) gradient of the mean loss with respect to Z (same dtype as Z).
    """
    if check:
        check_float("Z", Z)
        sizes = check_shape("Z", Z, "NV")
        check_shape("y", y, "N", sizes)
        _check_labels("y", y, sizes["V"])
    N = Z.shape[0]
    logp = log_softmax(Z)
    loss = -logp[np.arange(N), y].mean()
    dZ = np.exp(logp)
    dZ[np.arange(N), y] -= 1
    dZ /= N
    return float(loss), dZ


def sequence_cross_entropy(Z, y, mask=None):
    """Cross-entropy summed over the valid time steps, averaged per valid step.

    With padded batches, ``mask[n, t] = 1`` marks a real token and 0 padding;
    padding contributes neither loss nor gradient, and the loss is divided by
    the number of real tokens (so it does not depend on how much padding there is).

    Parameters
    ----------
    Z : (N, T, V) logits.
    y : (N, T) int labels (values at padded positions are ignored, but must be valid indices).
    mask : (N, T) array of 0/1 (bool or numeric), optional; default all ones.

    Returns
    -------
    loss : float, mean over real tokens.
    dZ : (N, T, V) gradient of that loss.
    """
    check_float("Z", Z)
    sizes = check_shape("Z", Z, "NTV")
    check_shape("y", y, "NT", sizes)
    _check_labels("y", y, sizes["V"])
    if mask is None:
        mask = np.ones(y.shape, dtype=Z.dtype)
    else:
        check_shape("mask", mask, "NT", sizes)
        mask = mask.astype(Z.dtype)
    count = mask.sum()
    if count == 0:
        raise ValueError("mask must mark at least one real time step; got all zeros")
    logp = log_softmax(Z)
    picked = np.take_along_axis(logp, y[..., None], axis=-1)[..., 0]
    loss = -(picked * mask).sum() / count
    dZ = np.exp(logp)
    np.put_along_axis(dZ, y[..., None], np.take_along_axis(dZ, y[..., None], axis=-1) - 1, axis=-1)
    dZ *= (mask / count)[..., None]
    return float(loss), dZ


def accuracy(Z, y, mask=None):
    """Fraction of argmax predictions equal to y (over unmasked positions)."""
    correct = Z.argmax(axis=-1) == y
    if mask is None:
        return float(correct.mean())
    mask = mask.astype(bool)
    return float(correct[mask].mean())
