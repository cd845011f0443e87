"""course_utils.labs.gradflow_lab: chapter 03's gradient-flow widget."""

import numpy as np
import pytest

from course_utils.gradflow import ACTIVATIONS
from course_utils.labs.gradflow_lab import gradient_flow_experiment


def test_widget_shows_vanishing_below_one_and_explosion_above():
    small = gradient_flow_experiment(spectral_radius=0.5, activation="tanh", T=60, input_scale=1.0)
    big = gradient_flow_experiment(spectral_radius=1.5, activation="linear", T=60, input_scale=1.0)
    assert small.ok and big.ok
    # 59 steps back: 0.5^59 ≈ 2e-18 and 1.5^59 ≈ 2e10 in the linearised picture; demand a wide margin only
    assert small.values["ratio"] < 1e-6 and big.values["ratio"] > 1e6
    assert small.values["norms"].shape == (60,)
    np.testing.assert_allclose(small.values["norms"][-1], 1.0)  # L = H_T·u with ‖u‖ = 1
    assert small.values["t"][0] == 1 and small.values["t"][-1] == 60  # steps 1..T, as in the equations
    assert "‖∂L/∂H_1‖ / ‖∂L/∂H_60‖" in small.text and "after 59 steps back" in small.text
    # linear RNN: the decay rate per step approaches ρ (the eigenvalue picture)
    lin = gradient_flow_experiment(spectral_radius=0.8, activation="linear", T=200, input_scale=1.0)
    rate = (lin.values["norms"][0] / lin.values["norms"][100]) ** (1 / 100)
    assert abs(rate - 0.8) < 0.02
    # larger inputs saturate tanh (1 - H² -> 0): less gradient survives at the same ρ
    calm = gradient_flow_experiment(spectral_radius=1.2, activation="tanh", T=60, input_scale=0.1)
    loud = gradient_flow_experiment(spectral_radius=1.2, activation="tanh", T=60, input_scale=3.0)
    assert loud.values["ratio"] < calm.values["ratio"]


@pytest.mark.parametrize("kwargs,message", [
    ({"spectral_radius": 0.0}, "spectral radius"),
    ({"T": 1}, "sequence length"),
    ({"T": 500}, "sequence length"),
    ({"activation": "sigmoid"}, "activation must be one of"),
    ({"input_scale": -1.0}, "input scale"),
    ({"spectral_radius": float("nan")}, "spectral radius"),
    ({"spectral_radius": float("inf")}, "spectral radius"),
    ({"input_scale": float("nan")}, "input scale"),
    ({"T": 50.0}, "sequence length"),
    ({"T": True}, "sequence length"),
    ({"activation": ""}, "activation must be one of"),
])
def test_widget_reports_bad_controls(kwargs, message):
    result = gradient_flow_experiment(**{"spectral_radius": 1.0, "activation": "tanh", "T": 50,
                                         "input_scale": 1.0, **kwargs})
    assert not result.ok and message in result.text and result.fig is None


def test_widget_extremes_stay_finite_or_explain():
    for activation in ACTIVATIONS:
        result = gradient_flow_experiment(spectral_radius=2.0, activation=activation, T=200, input_scale=10.0)
        assert result.ok, result.text
        assert np.all(np.isfinite(result.values["norms"]))
    dead = gradient_flow_experiment(spectral_radius=0.5, activation="relu", T=200, input_scale=0.0)
    assert dead.ok and "exactly 0" in dead.text  # no input, no bias: every ReLU is off


@pytest.mark.parametrize("kwargs,corner", [
    # the gradient shrinks going back and so does ρ^(T−t): both curves are high only on the right
    ({"spectral_radius": 0.9, "activation": "linear"}, "upper left"),
    # both grow going back: high on the left
    ({"spectral_radius": 2.0, "activation": "linear"}, "upper right"),
])
def test_widget_legend_sits_in_a_corner_the_curves_leave_empty(kwargs, corner):
    result = gradient_flow_experiment(**{"T": 100, "input_scale": 1.0, **kwargs})
    legend = result.fig.axes[0].get_legend()
    codes = {"upper right": 1, "upper left": 2, "lower left": 3, "lower right": 4}
    assert legend._loc == codes[corner]


def test_widget_prints_the_mean_tanh_slope_that_saturation_lowers():
    calm = gradient_flow_experiment(spectral_radius=1.5, activation="tanh", T=100, input_scale=0.1)
    loud = gradient_flow_experiment(spectral_radius=1.5, activation="tanh", T=100, input_scale=3.0)
    for result in (calm, loud):
        assert f"Mean tanh slope 1 − H_t² over all units and steps: {result.values['mean_slope']:.2f}." in result.text
    # even small inputs do not keep the units near 0 at ρ = 1.5: the recurrence saturates them by itself
    assert 0.5 < calm.values["mean_slope"] < 0.9 and loud.values["mean_slope"] < calm.values["mean_slope"]
    assert calm.values["fewest_active"] is None


def test_relu_widget_ignores_the_input_scale_and_says_why():
    """b_h = 0 and H_0 = 0 make the ReLU RNN positively homogeneous: H(cX) = c H(X), slopes unchanged."""
    runs = [gradient_flow_experiment(spectral_radius=0.7, activation="relu", T=200, input_scale=c)
            for c in (0.1, 1.0, 10.0)]
    for r in runs[1:]:
        np.testing.assert_allclose(r.values["norms"], runs[0].values["norms"], rtol=1e-12)
        assert r.values["fewest_active"] == runs[0].values["fewest_active"]
    # some units stay on at every step, so the gradient shrinks but never becomes exactly 0
    assert runs[0].values["fewest_active"] > 0 and np.all(runs[0].values["norms"] > 0)
    assert "the input scale changes nothing here" in runs[0].text
    assert f"fewest on at any step: {runs[0].values['fewest_active']} of 32" in runs[0].text
