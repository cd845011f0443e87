import numpy as np
import pytest

from course_utils.data import make_dataset
from course_utils.labs import mlp_lab
from course_utils.labs.mlp_lab import accuracy_of, boundary_experiment, train_classifier


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
    a = _fresh(hidden_units=4, epochs=50)
    b = _fresh(hidden_units=4, epochs=50)
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


@pytest.mark.parametrize("kwargs, message", [
    ({"hidden_units": True}, "hidden units must be a whole number from 0 to 128; got True."),
    ({"hidden_units": 2.5}, "hidden units must be a whole number from 0 to 128; got 2.5."),
    ({"learning_rate": ""}, "learning rate must be a positive number; got ''."),
    ({"learning_rate": None}, "learning rate must be a positive number; got None."),
    ({"learning_rate": float("inf")}, "learning rate must be a positive number; got inf."),
    ({"epochs": float("nan")}, "epochs must be a whole number from 1 to 5000; got nan."),
    ({"dataset": ""}, "dataset must be one of ['spirals', 'moons', 'xor']; got ''."),
])
def test_absurd_controls_give_readable_messages(kwargs, message):
    result = boundary_experiment(**kwargs)
    assert not result.ok and result.fig is None and result.text == message


def _fresh(**kwargs):
    mlp_lab._RUNS.clear()
    return boundary_experiment(**kwargs)


def test_moving_the_epochs_slider_gives_the_uninterrupted_run():
    # the widget keeps its run and reads snapshots or resumes training; the result must be
    # exactly that of train_classifier run once for that many steps
    X_tr, y_tr, X_te, y_te = mlp_lab._split("moons", 0)
    params, history = train_classifier(X_tr, y_tr, 8, np.random.default_rng(0), steps=120)
    expected = {"train_acc": accuracy_of(params, X_tr, y_tr), "test_acc": accuracy_of(params, X_te, y_te),
                "final_loss": history.losses[-1]}
    for path in ([120], [40, 120], [300, 120], [300, 40, 120]):
        mlp_lab._RUNS.clear()
        for epochs in path:
            result = boundary_experiment(hidden_units=8, epochs=epochs, dataset="moons")
        assert result.values == expected, path
        assert result.fig.axes[1].lines[0].get_ydata().tolist() == history.losses


def test_a_diverged_run_still_answers_for_fewer_steps():
    first = _fresh(learning_rate=100.0, epochs=300)
    assert not first.ok and first.values["diverged_at"] == 1
    one_step = boundary_experiment(learning_rate=100.0, epochs=1)    # from the stored run
    assert one_step.ok and one_step.values == _fresh(learning_rate=100.0, epochs=1).values
    assert one_step.text.endswith("after 1 step")


def test_the_run_cache_stays_small():
    mlp_lab._RUNS.clear()
    for h in range(12):
        boundary_experiment(hidden_units=h, epochs=5)
    assert len(mlp_lab._RUNS) == mlp_lab._MAX_RUNS
