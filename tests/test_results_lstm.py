"""Chapter 04's claim about the stored LSTM lag sweep (course_utils/results/lag_sweep_lstm.json).

The LSTM must reach >= 95 % on the memory task at a lag where the vanilla RNN, trained on
the same data with the same settings, is at chance. The checks on the stored numbers are
fast; re-training is marked slow (CI runs it with `make test-slow`). The shared
tests/test_results_lag_sweep.py re-trains the shortest and the longest lag with seed 0;
here we re-train the decisive comparison, both cells at the longest lag where the RNN
is at chance but the LSTM works, with another seed.

On another CPU the re-trained LSTM is a slightly different network: with OpenBLAS's
Haswell kernels, seed 1 at lag 100 reaches 74.6 % instead of the stored 100 % (the RNN
stays at chance). So the re-run checks the lesson that holds on every machine (the RNN
at chance, the LSTM far above it, by FAR_ABOVE_CHANCE) and the stored number itself
only on the machine that made the sweep (tests/machine.py).
"""

import numpy as np
import pytest

from machine import same_machine
from result_claims import assert_same_claim

from course_utils.results import load_sweep
from course_utils.tasks import CELL_OPTIONS, MemorySettings, train_memory_task



FAR_ABOVE_CHANCE = 0.25   # the LSTM's re-run elsewhere: at least 50 % where the RNN guesses (25 %)


def load(cell):
    return load_sweep(cell)  # a missing file raises FileNotFoundError naming the script to run


def accuracies(record, lag):
    return [r["accuracy"] for r in record["runs"] if r["lag"] == lag]


def rnn_chance_lags(rnn):
    """Lags where every RNN run is within 3 binomial standard errors of chance (written out
    here rather than imported from lstm_lab, so the notebook's helper is checked too)."""
    p, n = rnn["chance"], rnn["settings"]["n_test"]
    noise = 3 * np.sqrt(p * (1 - p) / n)
    return [lag for lag in rnn["lags"] if all(abs(a - p) <= noise for a in accuracies(rnn, lag))]


def test_the_lstm_sweep_is_complete_and_made_like_the_rnn_one():
    lstm, rnn = load("lstm"), load("rnn")
    assert lstm["cell"] == "lstm" and lstm["cell_options"] == CELL_OPTIONS["lstm"]
    assert lstm["settings"] == rnn["settings"] and MemorySettings.from_dict(lstm["settings"]) == MemorySettings()
    assert lstm["chance"] == rnn["chance"] == pytest.approx(1 / lstm["settings"]["task"]["n_classes"])
    assert len(lstm["runs"]) == len(lstm["lags"]) * len(lstm["seeds"])
    assert set(rnn["lags"]) <= set(lstm["lags"])
    for lag in lstm["lags"]:
        assert lstm["mean_accuracy"][str(lag)] == pytest.approx(np.mean(accuracies(lstm, lag)), abs=1e-4)
        assert all(r["diverged_at"] is None for r in lstm["runs"] if r["lag"] == lag)


def test_lstm_reaches_95_percent_where_the_rnn_is_at_chance():
    lstm, rnn = load("lstm"), load("rnn")
    at_chance = rnn_chance_lags(rnn)
    assert at_chance, "the stored RNN sweep is above chance at every lag"
    for lag in at_chance:
        assert min(accuracies(lstm, lag)) >= 0.95, (lag, accuracies(lstm, lag))


def test_the_notebook_helper_finds_the_same_lags():
    from course_utils.results import chance_lags

    rnn = load("rnn")
    assert chance_lags(rnn) == rnn_chance_lags(rnn)


@pytest.mark.slow
def test_the_decisive_comparison_is_reproduced():
    """Both cells at the longest lag where the RNN is at chance, the second seed, stored settings."""
    lstm, rnn = load("lstm"), load("rnn")
    lag = max(rnn_chance_lags(rnn))
    seed = lstm["seeds"][1]
    settings = MemorySettings.from_dict(lstm["settings"])
    for record in (lstm, rnn):
        stored = next(r for r in record["runs"] if r["lag"] == lag and r["seed"] == seed)
        run = train_memory_task(record["cell"], lag, seed=seed, settings=settings,
                                cell_options=record["cell_options"])
        if record["cell"] == "rnn" or same_machine():
            assert_same_claim(run.accuracy, stored["accuracy"], record["chance"], settings.n_test, record["cell"])
        else:
            assert run.accuracy >= record["chance"] + FAR_ABOVE_CHANCE, (record["cell"], lag, run.accuracy, stored)
        if same_machine():   # bit for bit only on the machine that made the sweep (tests/machine.py)
            assert run.accuracy == pytest.approx(stored["accuracy"], abs=1e-4), (record["cell"], run.accuracy, stored)
