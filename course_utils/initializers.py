"""Weight initialisers. Every one takes a ``np.random.Generator`` so runs are reproducible."""

import numpy as np

from ._validate import check_positive_int, check_rng


def xavier_uniform(fan_in, fan_out, rng, dtype=np.float64):
    """Glorot/Xavier uniform: U(-a, a) with a = sqrt(6 / (fan_in + fan_out)).

    Keeps the variance of activations roughly constant through a tanh layer.
    Returns a (fan_in, fan_out) array (row-vector convention: X @ W).
    """
    check_positive_int("fan_in", fan_in)
    check_positive_int("fan_out", fan_out)
    check_rng(rng)
    a = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=(fan_in, fan_out)).astype(dtype)


def he_normal(fan_in, fan_out, rng, dtype=np.float64):
    """He/Kaiming normal: N(0, 2 / fan_in), the ReLU counterpart of Xavier."""
    check_positive_int("fan_in", fan_in)
    check_positive_int("fan_out", fan_out)
    check_rng(rng)
    return (rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)).astype(dtype)


def orthogonal(size, rng, gain=1.0, dtype=np.float64):
    """A random (size, size) orthogonal matrix times ``gain``.

    All its singular values equal ``gain``, so multiplying a hidden state by it
    repeatedly neither shrinks nor grows the state's norm: the usual choice for
    recurrent matrices W_hh. Built from the QR decomposition of a Gaussian
    matrix, with the signs fixed so the distribution is uniform (Haar).
    """
    check_positive_int("size", size)
    check_rng(rng)
    A = rng.standard_normal((size, size))
    Q, R = np.linalg.qr(A)
    Q *= np.sign(np.diag(R))
    return (gain * Q).astype(dtype)
