import warnings

import numpy as np
import pytest

from course_utils.labs import lstm_lab
from course_utils.labs.lstm_lab import (DEFAULT_SEQUENCE, LIVE_LAG, LIVE_SETTINGS, flow_norms,
                                        gate_heatmap_experiment, gradient_flow_experiment, lag_figure,
                                        live_memory_run, memory_unit, parse_memory_sequence)
from course_utils.results import load_sweep


def test_flow_norms_follow_the_forget_gate():
    low, mid, high = (flow_norms(b, 60) for b in (0.0, 1.0, 6.0))
    assert low["F_mean"] < mid["F_mean"] < high["F_mean"] and high["F_mean"] > 0.99
    survive = lambda v, k: v[k][0] / v[k][-1]  # noqa: E731
    assert survive(low, "C") < survive(mid, "C") < survive(high, "C")
    assert survive(low, "cell_only") < survive(mid, "cell_only") < survive(high, "cell_only") <= 1
    np.testing.assert_array_equal(low["rnn"], high["rnn"])       # the RNN has no forget bias
    np.testing.assert_allclose(mid["cell_only"][-1], mid["C"][-1])  # both start from ∂L/∂C_T
    assert survive(mid, "C") > 1e3 * survive(mid, "rnn")


@pytest.mark.parametrize("kwargs, message", [
    ({"forget_bias": float("nan")}, "forget-gate bias between -10 and 10"),
    ({"forget_bias": 11.0}, "forget-gate bias between -10 and 10"),
    ({"T": 1}, "sequence length T between 2 and 200"),
    ({"T": 201}, "sequence length T between 2 and 200"),
    ({"T": 2.5}, "sequence length T between 2 and 200"),
    ({"forget_bias": "3"}, "forget-gate bias between -10 and 10; got '3'"),
    ({"forget_bias": None}, "forget-gate bias between -10 and 10; got None"),
])
def test_gradient_flow_experiment_reports_bad_controls(kwargs, message):
    result = gradient_flow_experiment(**kwargs)
    assert not result.ok and result.fig is None and message in result.text


def test_gradient_flow_experiment_draws_and_extremes_stay_finite():
    for b in (-10.0, 10.0):
        result = gradient_flow_experiment(forget_bias=b, T=200)
        assert result.ok and result.fig is not None
        assert all(np.all(np.isfinite(result.values[k])) for k in ("C", "H", "rnn"))
    assert "RNN hidden gradient" in result.text


def test_parse_memory_sequence():
    task = LIVE_SETTINGS.task
    ids = parse_memory_sequence("B ca d?", task)
    np.testing.assert_array_equal(ids, [1, 6, 4, 7, task.query_id])
    assert task.describe(ids) == "Bcad?"
    with pytest.raises(ValueError, match="only the symbols A B C D a b c d \\?; got e x"):
        parse_memory_sequence("Axe?", task)
    with pytest.raises(ValueError, match="got an empty sequence"):
        parse_memory_sequence("  ", task)


@pytest.fixture(scope="module")
def live_lstm():
    return live_memory_run("lstm", LIVE_LAG)


def test_live_lstm_learns_the_task_and_has_a_memory_unit(live_lstm):
    assert live_lstm.accuracy >= 0.95
    unit, group, gap = memory_unit(LIVE_LAG)
    assert 0 <= unit < LIVE_SETTINGS.hidden_size and 1 <= len(group) <= 2 and gap > 0
    # check the claim independently on fresh sequences: the group's mean cell value stays on one side
    task = LIVE_SETTINGS.task
    fresh = task.batch(400, LIVE_LAG, np.random.default_rng(123))
    C = lstm_lab.lstm_states(live_lstm.params, fresh["ids"], task)[0]["C"][:, 1:, unit]
    inside = np.isin(fresh["y"], group)
    gap_in_out = C[inside].mean(axis=0) - C[~inside].mean(axis=0)   # (T,)
    assert np.all(gap_in_out > 0) or np.all(gap_in_out < 0)


def test_gate_heatmap_experiment(live_lstm):
    result = gate_heatmap_experiment(DEFAULT_SEQUENCE)
    assert result.ok and result.fig is not None
    T, H = LIVE_LAG + 1, LIVE_SETTINGS.hidden_size
    for key in ("I", "F", "O"):
        assert result.values[key].shape == (T, H)
        assert result.values[key].min() > 0 and result.values[key].max() < 1
    assert result.values["unit_tracks"].shape == (LIVE_SETTINGS.task.n_classes, T)
    assert result.values["prediction"] == 1 and "The model answers B" in result.text   # it starts with B
    short = gate_heatmap_experiment("C ab?")
    assert short.ok and "trained on sequences of exactly 51 symbols" in short.text
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # no "mean of empty slice" on a one-symbol input
        one = gate_heatmap_experiment("D")
    assert one.ok and "one-symbol input its forget gate is" in one.text
    assert np.isclose(float(one.text.split("forget gate is ")[1][:4]), one.values["F"][0, one.values["unit"]], atol=0.005)


@pytest.mark.parametrize("sequence, message", [
    ("", "empty sequence"), ("Axz?", "got x z"), ("abc?", "Start with a signal A B C D"),
    ("A" + "a" * 80, "at most 80 symbols"), (None, "Type a sequence of symbols"), (123, "got int"),
])
def test_gate_heatmap_experiment_reports_bad_sequences(sequence, message):
    result = gate_heatmap_experiment(sequence)
    assert not result.ok and result.fig is None and message in result.text


def test_lag_figure():
    fig = lag_figure({"rnn": load_sweep("rnn"), "lstm": load_sweep("lstm")})
    assert len(fig.axes[0].lines) == 3 and fig.axes[0].get_ylabel() == "test accuracy"


def test_bracket_states_a_bound_that_tiny_changes_cannot_move():
    from course_utils.labs.lstm_lab import _bracket
    assert _bracket(3.42, (0.0, 1.0, 2.0)) == _bracket(2.78, (0.0, 1.0, 2.0)) == "more than 2"
    assert _bracket(0.9999, (0.5, 0.9, 0.99), ">") == "> 0.99"
    assert _bracket(0.3, (0.5, 0.9), ">") == "< 0.5"
    assert _bracket(-1.0, (0.0, 1.0)) == "less than 0"


def test_gate_heatmap_text_names_no_machine_dependent_unit(live_lstm):
    # which unit holds the symbol depends on the last bit of training (DESIGN §6): the figure names it, the text does not
    result = gate_heatmap_experiment(DEFAULT_SEQUENCE)
    assert f"unit {result.values['unit']}" not in result.text and "Memory unit ◀" in result.text


def test_cell_figures_use_one_colour_per_cell_type():
    """The same cell has the same colour in every chapter (issue: RNN/LSTM swapped between 04 and 05)."""
    from matplotlib.colors import to_hex

    from course_utils.plotting import CELL_COLOURS

    record = {"lags": [5, 50], "seeds": [0], "chance": 0.25, "mean_accuracy": {"5": 1.0, "50": 0.3},
              "runs": [{"lag": 5, "accuracy": 1.0}, {"lag": 50, "accuracy": 0.3}]}
    for order in (("lstm", "rnn"), ("rnn", "gru", "lstm")):    # the order of the dict must not matter
        fig = lag_figure({cell: record for cell in order})
        colours = {line.get_label().split()[0].lower(): to_hex(line.get_color()) for line in fig.axes[0].lines
                   if "seeds" in line.get_label()}
        assert colours == {cell: to_hex(CELL_COLOURS[cell]) for cell in order}
    flow = gradient_flow_experiment(forget_bias=1.0, T=20)
    by_label = {line.get_label(): to_hex(line.get_color()) for line in flow.fig.axes[0].lines}
    assert by_label["LSTM cell ‖∂L/∂C_t‖"] == by_label["LSTM hidden ‖∂L/∂H_t‖"] == to_hex(CELL_COLOURS["lstm"])
    assert by_label["RNN hidden ‖∂L/∂H_t‖"] == to_hex(CELL_COLOURS["rnn"])
    assert len(set(CELL_COLOURS.values())) == 3
