import json
import warnings

import numpy as np
import pytest

from course_utils.labs import lstm_lab
from course_utils.lstm import init_lstm_params, lstm_backward, lstm_forward
from course_utils.labs.lstm_lab import (DEFAULT_SEQUENCE, LIVE_LAG, LIVE_SETTINGS, chance_lags, flow_norms,
                                   gate_heatmap_experiment, gradient_flow_experiment, lag_figure,
                                   live_memory_run, memory_unit, parse_memory_sequence, state_gradients,
                                   train_char_lm)


def test_state_gradients_match_a_sequence_split_in_two(rng):
    """Run steps 0..k-1, then k..T-1 from the state reached: the second half's dstate0 is what reaches
    (H_{k-1}, C_{k-1}) from the future, computed by lstm_backward independently of state_gradients."""
    N, T, D, H, k = 3, 7, 2, 4, 3
    params = init_lstm_params(D, H, rng)
    params["b_o"] += 0.3
    X = rng.normal(size=(N, T, D))
    u = rng.normal(size=(N, H))
    _, _, cache = lstm_forward(X, None, params)
    dH, dC = state_gradients(cache, u)
    _, state_k, _ = lstm_forward(X[:, :k], None, params)
    _, _, cache2 = lstm_forward(X[:, k:], state_k, params)
    _, (dH_k, dC_k), _ = lstm_backward(np.zeros((N, T - k, H)), cache2, (u, None))
    np.testing.assert_allclose(dH[:, k - 1], dH_k, rtol=1e-12, atol=1e-14)
    # the total gradient on C_{k-1} also flows through H_{k-1} = O ⊙ tanh(C_{k-1})
    O = lstm_lab.gate_values(cache)["O"][:, k - 1]
    C = lstm_lab.gate_values(cache)["C"][:, k - 1]
    np.testing.assert_allclose(dC[:, k - 1], dC_k + dH_k * O * (1 - np.tanh(C) ** 2), rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(dH[:, -1], u)


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


def test_train_char_lm_is_deterministic_and_records_validation():
    p1, h1, v1 = train_char_lm("lstm", 8, steps=6, seq_len=8, batch_size=4, eval_every=3)
    p2, h2, v2 = train_char_lm("lstm", 8, steps=6, seq_len=8, batch_size=4, eval_every=3)
    assert h1.losses == h2.losses and len(h1.losses) == 6
    np.testing.assert_array_equal(v1, v2)
    np.testing.assert_array_equal(v1[:, 0], [0, 3, 6])
    assert np.all(np.isfinite(v1[:, 1])) and p1["W_xi"].dtype == np.float32


def record(lags, accuracy, chance=0.25, n_test=1000):
    runs = [{"lag": lag, "seed": s, "accuracy": accuracy[lag]} for lag in lags for s in (0, 1)]
    return {"chance": chance, "settings": {"n_test": n_test}, "lags": lags, "runs": runs, "seeds": [0, 1],
            "mean_accuracy": {str(lag): accuracy[lag] for lag in lags}}


def test_chance_lags_uses_three_standard_errors():
    # 3 standard errors at p = 0.25, n = 1000: 0.041
    rec = record([5, 40, 50], {5: 1.0, 40: 0.30, 50: 0.28})
    assert chance_lags(rec) == [50]


def test_lag_figure_and_load_sweep(tmp_path, monkeypatch):
    rec = record([5, 50], {5: 1.0, 50: 0.25})
    fig = lag_figure({"rnn": rec, "lstm": record([5, 50], {5: 1.0, 50: 1.0})})
    assert len(fig.axes[0].lines) == 3 and fig.axes[0].get_ylabel() == "test accuracy"
    monkeypatch.setattr(lstm_lab, "RESULTS", tmp_path)
    with pytest.raises(FileNotFoundError, match="results_lag_sweep.py --cell gru"):
        lstm_lab.load_sweep("gru")
    (tmp_path / "lag_sweep_gru.json").write_text(json.dumps(rec))
    assert lstm_lab.load_sweep("gru") == rec


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
