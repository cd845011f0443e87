"""The GRU's stored lag sweeps and chapter 05's claims about them.

* course_utils/results/lag_sweep_gru.json, the fair sweep: the GRU starts with its "keep" bias,
  update-gate bias b_z = 3, as the LSTM starts with forget-gate bias 3 (tasks.CELL_OPTIONS).
  Chapter 05 claims it reaches >= 95 % at the longest lag, where the vanilla RNN, trained on the
  same data with the same budget, is at chance.
* course_utils/results/lag_sweep_gru_bz0.json, the ablation: the same sweep with b_z = 0.
  Chapter 05 claims it is at chance from L = 40 on: the initialisation, not the architecture.

tests/test_results_lag_sweep.py re-trains the shortest and the longest lag (first seed) of
every stored file, both of these included; here a middle lag with the last seed is re-trained
for both. The re-training checks are marked slow (CI runs them with `make test-slow`).
"""

import numpy as np
import pytest

from machine import same_machine
from result_claims import assert_same_claim

from course_utils.results import load_sweep
from course_utils.tasks import CELL_OPTIONS, MemorySettings, train_memory_task

FROM_LAG = 40     # chapter 05: "with b_z = 0 the GRU is at chance from L = 40 on"


def load(name):
    return load_sweep(name)


@pytest.fixture(scope="module")
def fair():
    return load("gru")


@pytest.fixture(scope="module")
def bz0():
    return load("gru_bz0")


@pytest.fixture(scope="module")
def rnn():
    return load("rnn")


def accuracies(record, lag):
    return [r["accuracy"] for r in record["runs"] if r["lag"] == lag]


def noise_at_chance(record):
    p = record["chance"]
    return 3 * np.sqrt(p * (1 - p) / record["settings"]["n_test"])   # ≈ 0.041 for 1000 sequences, 4 classes


def at_chance(record, lag):
    return all(abs(a - record["chance"]) <= noise_at_chance(record) for a in accuracies(record, lag))


@pytest.mark.parametrize("name, update_bias", [("gru", 3.0), ("gru_bz0", 0.0)])
def test_both_gru_records_are_complete_and_differ_only_in_b_z(name, update_bias, rnn):
    record = load(name)
    assert record["cell"] == "gru" and record["cell_options"] == {"update_bias": update_bias}
    assert record["settings"] == rnn["settings"] and MemorySettings.from_dict(record["settings"]) == MemorySettings()
    assert (record["lags"], record["seeds"], record["chance"]) == (rnn["lags"], rnn["seeds"], rnn["chance"])
    assert len(record["runs"]) == len(record["lags"]) * len(record["seeds"])
    assert all(r["diverged_at"] is None for r in record["runs"])
    for lag in record["lags"]:
        assert record["mean_accuracy"][str(lag)] == pytest.approx(np.mean(accuracies(record, lag)), abs=1e-4)


def test_the_fair_sweep_gives_the_gru_the_counterpart_of_the_lstm_forget_bias(fair):
    assert CELL_OPTIONS["gru"] == {"update_bias": CELL_OPTIONS["lstm"]["forget_bias"]} == fair["cell_options"]


def test_fair_gru_reaches_95_percent_at_the_longest_lag_where_the_rnn_is_at_chance(fair, rnn):
    longest = max(fair["lags"])
    assert at_chance(rnn, longest), accuracies(rnn, longest)
    assert min(accuracies(fair, longest)) >= 0.95, accuracies(fair, longest)
    for lag in (lag for lag in rnn["lags"] if at_chance(rnn, lag)):   # and at every other such lag
        assert min(accuracies(fair, lag)) >= 0.95, (lag, accuracies(fair, lag))


def test_the_b_z_0_ablation_learns_short_lags_and_is_at_chance_from_lag_40(bz0):
    lags = sorted(bz0["lags"])
    assert FROM_LAG in lags
    assert min(accuracies(bz0, lags[0])) >= 0.95
    assert [lag for lag in lags if at_chance(bz0, lag)] == [lag for lag in lags if lag >= FROM_LAG]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["gru", "gru_bz0"])
def test_a_middle_lag_is_reproduced(name):
    record = load(name)
    lag = sorted(record["lags"])[len(record["lags"]) // 2]
    seed = record["seeds"][-1]
    stored = next(r for r in record["runs"] if r["lag"] == lag and r["seed"] == seed)
    run = train_memory_task("gru", lag, seed=seed, settings=MemorySettings.from_dict(record["settings"]),
                            cell_options=record["cell_options"])
    assert_same_claim(run.accuracy, stored["accuracy"], record["chance"], record["settings"]["n_test"], f"{name} lag {lag}")
    if same_machine():   # bit for bit only on the machine that made the sweep (tests/machine.py)
        assert run.accuracy == pytest.approx(stored["accuracy"], abs=1e-4), (lag, run.accuracy, stored)
