"""course_utils._perturb (COURSE_UTILS_PERTURB, used by `make test-portable`) and the claim categories of the slow tests."""

import numpy as np
import pytest

from course_utils import _perturb, initializers
from result_claims import assert_same_claim, outcome


@pytest.fixture
def perturbed(monkeypatch):
    monkeypatch.setattr(np.random, "default_rng", np.random.default_rng)   # restored after the test
    for name in ("xavier_uniform", "he_normal", "orthogonal"):
        monkeypatch.setattr(initializers, name, getattr(initializers, name))
    _perturb.install(1e-12)
    return np.random.default_rng


def test_float32_weights_move_by_a_few_float32_ulps_float64_by_eps(perturbed):
    W32 = initializers.xavier_uniform.__wrapped__(8, 6, np.random.Generator(np.random.PCG64(1)), dtype=np.float32)
    W32_nudged = initializers.xavier_uniform(8, 6, np.random.Generator(np.random.PCG64(1)), dtype=np.float32)
    rel = np.abs(W32_nudged.astype(np.float64) / W32 - 1)
    assert W32_nudged.dtype == np.float32 and np.all(rel > 1e-7) and np.all(rel < 1e-6)
    W64 = initializers.orthogonal(5, np.random.Generator(np.random.PCG64(1)))
    assert np.array_equal(W64, initializers.orthogonal.__wrapped__(5, np.random.Generator(np.random.PCG64(1))))


def test_every_float_draw_moves_by_about_eps_and_nothing_else_changes(perturbed):
    plain, nudged = np.random.Generator(np.random.PCG64(3)), perturbed(3)
    assert isinstance(nudged, np.random.Generator)
    for method, args in [("standard_normal", ((50,),)), ("normal", (1.0, 2.0, (50,))),
                         ("uniform", (-1.0, 1.0, (50,))), ("random", ((50,),))]:
        a, b = getattr(plain, method)(*args), getattr(nudged, method)(*args)
        rel = np.abs(b - a) / np.abs(a)
        assert np.all(rel > 0.5e-12) and np.all(rel < 2e-12), method
    assert np.array_equal(plain.integers(0, 100, 20), nudged.integers(0, 100, 20))
    assert np.array_equal(plain.permutation(10), nudged.permutation(10))
    assert isinstance(nudged.normal(), float) and nudged.normal() != plain.normal()


def test_float32_draws_move_by_at_least_a_few_ulps(perturbed):
    a = np.random.Generator(np.random.PCG64(0)).standard_normal(100, dtype=np.float32)
    b = perturbed(0).standard_normal(100, dtype=np.float32)
    assert b.dtype == np.float32 and np.all(a != b)


def test_install_rejects_a_large_perturbation(monkeypatch):
    monkeypatch.setattr(np.random, "default_rng", np.random.default_rng)
    with pytest.raises(ValueError, match="COURSE_UTILS_PERTURB must be a small positive number"):
        _perturb.install("0.1")


@pytest.mark.parametrize("accuracy, expected", [(1.0, "learned"), (0.95, "learned"), (0.26, "at chance"),
                                                (0.29, "at chance"), (0.30, "partial"), (0.834, "partial")])
def test_outcome_categories(accuracy, expected):
    assert outcome(accuracy, 0.25, 1000) == expected


def test_same_claim_accepts_another_machines_rerun_and_rejects_a_changed_lesson():
    assert_same_claim(0.248, 0.259, 0.25, 1000)        # at chance on both machines
    assert_same_claim(0.97, 1.0, 0.25, 1000)
    with pytest.raises(AssertionError, match="at chance"):
        assert_same_claim(0.51, 0.259, 0.25, 1000)     # a run that learned half the task is another lesson
    with pytest.raises(AssertionError):
        assert_same_claim(0.55, 0.834, 0.25, 1000)
