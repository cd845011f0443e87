import numpy as np
import pytest

from course_utils.data import DATASETS, make_dataset, train_test_split


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_datasets_are_seeded_balanced_and_shaped(name):
    X, y = make_dataset(name, 50, np.random.default_rng(3))
    X2, y2 = make_dataset(name, 50, np.random.default_rng(3))
    np.testing.assert_array_equal(X, X2)
    assert X.shape == (len(y), 2) and X.dtype == np.float64 and y.dtype == np.int64
    counts = np.bincount(y)
    assert counts.min() == counts.max()
    assert np.abs(X).max() < 3


def test_xor_labels_follow_the_quadrant_sign():
    X, y = make_dataset("xor", 100, np.random.default_rng(0), noise=0.05)
    np.testing.assert_array_equal(y, (np.sign(X[:, 0]) != np.sign(X[:, 1])).astype(int))


def test_split_is_a_partition():
    X = np.arange(20.0).reshape(10, 2)
    y = np.arange(10)
    Xtr, ytr, Xte, yte = train_test_split(X, y, np.random.default_rng(0), 0.3)
    assert len(yte) == 3 and sorted(np.concatenate([ytr, yte])) == list(range(10))
    np.testing.assert_array_equal(Xtr[:, 0] / 2, ytr)


def test_messages():
    with pytest.raises(ValueError, match="name must be one of .*got 'circles'"):
        make_dataset("circles", 10, np.random.default_rng())
    with pytest.raises(ValueError, match="noise must be a finite number >= 0; got -1"):
        make_dataset("moons", 10, np.random.default_rng(), noise=-1)
    with pytest.raises(ValueError, match="n_per_class must be a positive integer; got 0"):
        make_dataset("spirals", 0, np.random.default_rng())
