"""Seeded 2-D toy datasets for the MLP chapter.

Each returns ``X`` (N, 2) float64 and ``y`` (N,) int64 class labels, drawn from
the Generator you pass, so the same seed always gives the same points.
"""

import numpy as np

from ._validate import check_positive_int


def _check(n_per_class, noise, rng):
    check_positive_int("n_per_class", n_per_class)
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a finite number >= 0; got {noise!r}")
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator; got {type(rng).__name__}")


def spirals(n_per_class, rng, n_classes=3, noise=0.25):
    """Interleaved spiral arms, one per class: no straight line separates them."""
    _check(n_per_class, noise, rng)
    check_positive_int("n_classes", n_classes)
    r = np.tile(np.linspace(0.05, 1.0, n_per_class), n_classes)
    k = np.repeat(np.arange(n_classes), n_per_class)
    theta = 5.0 * r + 2 * np.pi * k / n_classes + rng.normal(0, noise, r.size)
    X = np.stack([r * np.sin(theta), r * np.cos(theta)], axis=1)
    return X, k.astype(np.int64)


def moons(n_per_class, rng, noise=0.1):
    """Two interleaving half circles."""
    _check(n_per_class, noise, rng)
    t = np.linspace(0, np.pi, n_per_class)
    upper = np.stack([np.cos(t), np.sin(t)], axis=1)
    lower = np.stack([1 - np.cos(t), 0.5 - np.sin(t)], axis=1)
    X = np.concatenate([upper, lower]) + rng.normal(0, noise, (2 * n_per_class, 2))
    # centre and scale to roughly [-1, 1] so the same learning rates work on every dataset
    X = (X - [0.5, 0.25]) / 1.2
    y = np.repeat([0, 1], n_per_class)
    return X, y.astype(np.int64)


def xor(n_per_class, rng, noise=0.1):
    """Four clusters at (±0.5, ±0.5); the label is 1 where the signs differ."""
    _check(n_per_class, noise, rng)
    corners = np.array([[-0.5, -0.5], [0.5, 0.5], [-0.5, 0.5], [0.5, -0.5]])
    labels = np.array([0, 0, 1, 1])
    per_corner = np.repeat(np.arange(4), n_per_class // 2 + n_per_class % 2)[: 2 * n_per_class]
    X = corners[per_corner] + rng.normal(0, noise, (per_corner.size, 2))
    return X, labels[per_corner].astype(np.int64)


DATASETS = {"spirals": spirals, "moons": moons, "xor": xor}


def make_dataset(name, n_per_class, rng, noise=None):
    """Dispatch by name: 'spirals', 'moons' or 'xor' (noise defaults to each one's own)."""
    if name not in DATASETS:
        raise ValueError(f"name must be one of {list(DATASETS)}; got {name!r}")
    kwargs = {} if noise is None else {"noise": noise}
    return DATASETS[name](n_per_class, rng, **kwargs)


def train_test_split(X, y, rng, test_fraction=0.25):
    """Shuffle with ``rng`` and split into (X_train, y_train, X_test, y_test)."""
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be in (0, 1); got {test_fraction!r}")
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same length; got {len(X)} and {len(y)}")
    order = rng.permutation(len(X))
    n_test = max(1, int(round(len(X) * test_fraction)))
    test, train = order[:n_test], order[n_test:]
    return X[train], y[train], X[test], y[test]
