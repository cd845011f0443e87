import numpy as np
import pytest

from course_utils.data import make_dataset
from course_utils.mlp_lab import accuracy_of, boundary_experiment, train_classifier


def test_mlp_beats_linear_on_spirals():
    X, y = make_dataset("spirals", 60, np.random.default_rng(0))
    lin, _ = train_classifier(X, y, 0, np.random.default_rng(0), steps=300)
    mlp, hist = train_classifier(X, y, 16, np.random.default_rng(0), steps=300)
    assert accuracy_of(lin, X, y) < 0.7 < 0.95 < accuracy_of(mlp, X, y)
    assert hist.losses[-1] < 0.5 * hist.losses[0]


def test_experiment_reports_accuracies_and_draws_both_panels():
    result = boundary_experiment(hidden_units=8, epochs=100, dataset="moons")
    assert result.ok
    assert set(result.values) == {"train_acc", "test_acc", "final_loss"}
    assert 0.8 < result.values["train_acc"] <= 1.0
    assert len(result.fig.axes) == 2
    assert f"test accuracy {result.values['test_acc']:.1%}" in result.text


def test_experiment_is_deterministic():
    a = boundary_experiment(hidden_units=4, epochs=50)
    b = boundary_experiment(hidden_units=4, epochs=50)
    assert a.values == b.values


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_huge_learning_rate_gives_a_diverged_message(activation):
    result = boundary_experiment(learning_rate=100.0, activation=activation)
    assert not result.ok and result.fig is None
    assert result.text.startswith(f"Training diverged at step {result.values['diverged_at']}")
    assert "learning rate 100 is too large" in result.text


def test_tiny_learning_rate_still_gives_a_plot():
    result = boundary_experiment(learning_rate=1e-6, epochs=10)
    assert result.ok and result.values["final_loss"] > 0.9


@pytest.mark.parametrize("kwargs, message", [
    ({"hidden_units": -1}, "hidden units must be a whole number from 0 to 128; got -1."),
    ({"hidden_units": 1000}, "hidden units must be a whole number from 0 to 128; got 1000."),
    ({"learning_rate": 0.0}, "learning rate must be a positive number; got 0.0."),
    ({"learning_rate": float("nan")}, "learning rate must be a positive number; got nan."),
    ({"epochs": 0}, "epochs must be a whole number from 1 to 5000; got 0."),
    ({"dataset": "circles"}, "dataset must be one of ['spirals', 'moons', 'xor']; got 'circles'."),
    ({"activation": "swish"}, "activation must be one of ['tanh', 'relu', 'sigmoid']; got 'swish'."),
])
def test_out_of_range_controls_give_readable_messages(kwargs, message):
    result = boundary_experiment(**kwargs)
    assert not result.ok and result.text == message
