import numpy as np
import pytest

from course_utils.initializers import he_normal, orthogonal, xavier_uniform


def test_xavier_bound_and_variance():
    W = xavier_uniform(200, 300, np.random.default_rng(0))
    a = np.sqrt(6 / 500)
    assert W.shape == (200, 300) and np.abs(W).max() <= a
    assert W.var() == pytest.approx(a**2 / 3, rel=0.05)


def test_he_variance():
    W = he_normal(400, 300, np.random.default_rng(1))
    assert W.var() == pytest.approx(2 / 400, rel=0.05)


def test_orthogonal_has_unit_singular_values_times_gain():
    Q = orthogonal(16, np.random.default_rng(2), gain=1.5)
    np.testing.assert_allclose(Q.T @ Q, 2.25 * np.eye(16), atol=1e-12)
    np.testing.assert_allclose(np.linalg.svd(Q, compute_uv=False), 1.5)


def test_same_seed_same_weights_and_dtype():
    a = xavier_uniform(3, 4, np.random.default_rng(5), dtype=np.float32)
    b = xavier_uniform(3, 4, np.random.default_rng(5), dtype=np.float32)
    np.testing.assert_array_equal(a, b)
    assert a.dtype == np.float32


def test_messages():
    with pytest.raises(ValueError, match="fan_in must be a positive integer; got 0"):
        xavier_uniform(0, 3, np.random.default_rng())
    with pytest.raises(ValueError, match="rng must be a numpy.random.Generator"):
        orthogonal(3, 42)
