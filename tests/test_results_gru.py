"""The GRU's stored lag sweep (course_utils/results/lag_sweep_gru.json) and chapter 05's claims about it.

tests/test_results_lag_sweep.py re-trains the shortest and the longest lag of every sweep;
this file checks the GRU record itself, re-trains a middle lag, and checks the claim chapter 05
adds: with the update-gate bias b_z = 3 (the counterpart of the LSTM's forget-gate bias of 3
used by the sweep) the GRU solves the longest lag where the default-initialised GRU guesses.
The re-training checks are marked slow (CI runs them with `make test-slow`).
"""

import json
from pathlib import Path

import numpy as np
import pytest

from course_utils.tasks import CELL_OPTIONS, MemorySettings, train_memory_task

PATH = Path(__file__).resolve().parents[1] / "course_utils" / "results" / "lag_sweep_gru.json"
TOLERANCE = 0.02  # as in test_results_lag_sweep.py: 20 answers of 1000, room for another BLAS's rounding


@pytest.fixture(scope="module")
def record():
    return json.loads(PATH.read_text())


def accuracies(record, lag):
    return [r["accuracy"] for r in record["runs"] if r["lag"] == lag]


def noise_at_chance(record):
    p = record["chance"]
    return 3 * np.sqrt(p * (1 - p) / record["settings"]["n_test"])   # ≈ 0.041 for 1000 sequences, 4 classes


def test_the_gru_record_is_complete_and_made_with_the_shared_settings(record):
    assert record["cell"] == "gru"
    assert record["cell_options"] == CELL_OPTIONS["gru"]
    assert MemorySettings.from_dict(record["settings"]) == MemorySettings()
    assert len(record["runs"]) == len(record["lags"]) * len(record["seeds"])
    assert all(r["diverged_at"] is None for r in record["runs"])
    for lag in record["lags"]:
        assert record["mean_accuracy"][str(lag)] == pytest.approx(np.mean(accuracies(record, lag)), abs=1e-4)


def test_the_stored_gru_curve_matches_what_chapter_05_says(record):
    """Learns the short lags; with the default update-gate bias it is at chance at the longest ones."""
    lags = sorted(record["lags"])
    assert min(accuracies(record, lags[0])) >= 0.95
    if record["cell_options"].get("update_bias", 0.0) == 0.0:
        for lag in lags[-2:]:
            assert all(abs(a - record["chance"]) <= noise_at_chance(record) for a in accuracies(record, lag)), lag
    else:  # if the sweep ever uses a memory-friendly b_z, chapter 05's text must change with it
        assert min(accuracies(record, lags[-1])) >= 0.95


@pytest.mark.slow
def test_a_middle_lag_is_reproduced(record):
    lag = sorted(record["lags"])[len(record["lags"]) // 2]
    seed = record["seeds"][-1]
    stored = next(r for r in record["runs"] if r["lag"] == lag and r["seed"] == seed)
    run = train_memory_task("gru", lag, seed=seed, settings=MemorySettings.from_dict(record["settings"]),
                            cell_options=record["cell_options"])
    assert abs(run.accuracy - stored["accuracy"]) <= TOLERANCE, (lag, run.accuracy, stored)


@pytest.mark.slow
def test_update_bias_3_solves_the_longest_lag(record):
    lag = max(record["lags"])
    settings = MemorySettings.from_dict(record["settings"])
    run = train_memory_task("gru", lag, seed=record["seeds"][0], settings=settings, cell_options={"update_bias": 3.0})
    assert run.accuracy >= 0.95, run.accuracy
    default = next(r for r in record["runs"] if r["lag"] == lag and r["seed"] == record["seeds"][0])
    if record["cell_options"].get("update_bias", 0.0) == 0.0:
        assert abs(default["accuracy"] - record["chance"]) <= noise_at_chance(record)
