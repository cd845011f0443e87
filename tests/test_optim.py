import numpy as np
import pytest

from course_utils.optim import SGD, Adam, clip_by_global_norm, clip_by_value, global_norm


def quadratic(params):
    """f = ½ Σ a_i x_i² with gradient a ⊙ x."""
    a = np.array([1.0, 10.0])
    x = params["x"]
    return 0.5 * np.sum(a * x**2), {"x": a * x}


@pytest.mark.parametrize("opt", [SGD(lr=0.05), SGD(lr=0.05, momentum=0.9), Adam(lr=0.1)])
def test_optimisers_decrease_a_quadratic(opt):
    params = {"x": np.array([1.0, -1.0])}
    start, _ = quadratic(params)
    for _ in range(50):
        loss, grads = quadratic(params)
        opt.step(params, grads)
    assert quadratic(params)[0] < 0.05 * start


def test_sgd_step_is_exactly_lr_times_gradient():
    params = {"w": np.array([1.0, 2.0])}
    SGD(lr=0.5).step(params, {"w": np.array([2.0, -2.0])})
    np.testing.assert_allclose(params["w"], [0.0, 3.0])


def test_adam_first_step_moves_each_coordinate_by_lr():
    # with bias correction the first step is lr · g/|g| (up to eps)
    params = {"w": np.array([0.0, 0.0])}
    Adam(lr=0.01).step(params, {"w": np.array([5.0, -0.001])})
    np.testing.assert_allclose(params["w"], [-0.01, 0.01], rtol=1e-4)


def test_clip_by_global_norm_bounds_the_norm_and_keeps_direction(rng):
    grads = {"a": rng.normal(size=(3, 4)) * 10, "b": rng.normal(size=5) * 10}
    clipped, before = clip_by_global_norm(grads, 1.0)
    assert before == pytest.approx(global_norm(grads))
    assert global_norm(clipped) == pytest.approx(1.0)
    np.testing.assert_allclose(clipped["a"] / grads["a"], clipped["b"][0] / grads["b"][0])
    small, _ = clip_by_global_norm({"a": np.array([0.1])}, 1.0)
    assert small["a"][0] == pytest.approx(0.1)


def test_clip_by_value_changes_direction():
    clipped = clip_by_value({"g": np.array([10.0, 0.5])}, 1.0)
    np.testing.assert_array_equal(clipped["g"], [1.0, 0.5])


def test_dtype_kept_float32():
    params = {"w": np.ones(3, dtype=np.float32)}
    grads = {"w": np.ones(3, dtype=np.float32)}
    Adam().step(params, grads)
    SGD(momentum=0.5).step(params, grads)
    clipped, _ = clip_by_global_norm(grads, 0.1)
    assert params["w"].dtype == np.float32 and clipped["w"].dtype == np.float32


def test_messages():
    with pytest.raises(ValueError, match="lr must be a positive finite number; got -1"):
        SGD(lr=-1)
    with pytest.raises(ValueError, match=r"grads must have the same keys as params; params has \['w'\], grads has \['v'\]"):
        SGD().step({"w": np.zeros(2)}, {"v": np.zeros(2)})
    with pytest.raises(ValueError, match=r"grads\['w'\] must have shape \(2,\); got \(3,\)"):
        Adam().step({"w": np.zeros(2)}, {"w": np.zeros(3)})
    with pytest.raises(ValueError, match="max_norm must be a positive finite number; got 0"):
        clip_by_global_norm({"w": np.zeros(2)}, 0)
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\); got 1.5"):
        SGD(momentum=1.5)
