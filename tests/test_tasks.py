import numpy as np
import pytest

from course_utils import seqmodels
from course_utils.tasks import CELL_OPTIONS, MemorySettings, MemoryTask, evaluate_memory, train_memory_task


@pytest.mark.parametrize("K,M,lag", [(4, 4, 1), (4, 4, 7), (3, 5, 20), (2, 1, 2)])
def test_sequences_have_the_documented_layout_and_labels(rng, K, M, lag):
    task = MemoryTask(K, M)
    batch = task.batch(50, lag, rng)
    ids, y = batch["ids"], batch["y"]
    assert ids.shape == (50, lag + 1) and ids.dtype == np.int64 and y.shape == (50,) and y.dtype == np.int64
    np.testing.assert_array_equal(ids[:, 0], y)                    # the label is the first symbol
    assert np.all((y >= 0) & (y < K))
    middle = ids[:, 1:lag]
    assert np.all((middle >= K) & (middle < K + M))               # distractors are never signal symbols
    np.testing.assert_array_equal(ids[:, lag], K + M)              # the query ends every sequence
    assert task.vocab_size == K + M + 1 and task.query_id == K + M
    assert task.chance == pytest.approx(1 / K)


@pytest.mark.parametrize("n", [4, 7, 64, 1001])
def test_labels_are_balanced(rng, n):
    y = MemoryTask(4, 4).batch(n, 5, rng)["y"]
    counts = np.bincount(y, minlength=4)
    assert counts.max() - counts.min() <= (0 if n % 4 == 0 else 1)
    assert counts.sum() == n


def test_labels_are_shuffled_and_distractors_carry_no_information(rng):
    task = MemoryTask(4, 4)
    batch = task.batch(20000, 12, rng)
    ids, y = batch["ids"], batch["y"]
    assert not np.array_equal(y[:8], np.arange(8) % 4)  # not in a fixed order
    # frequency of each distractor token, per class: all ≈ 1/M whatever the label
    for k in range(4):
        middle = ids[y == k, 1:12]
        freq = np.bincount(middle.ravel() - 4, minlength=4) / middle.size
        np.testing.assert_allclose(freq, 0.25, atol=0.01)
    # so a classifier that sees everything but the first token can do no better than chance:
    # the best guess from the distractor counts agrees with the label about 1/K of the time
    counts = np.stack([np.bincount(row - 4, minlength=4) for row in ids[:, 1:12]])
    guess = counts.argmax(axis=1)
    assert abs(np.mean(guess == y) - 0.25) < 0.02


def test_batches_are_seeded_the_same_for_every_caller_and_test_set_is_separate():
    task = MemoryTask()
    a = task.train_batch(10, step=3, batch_size=16, seed=5)
    b = task.train_batch(10, step=3, batch_size=16, seed=5)
    np.testing.assert_array_equal(a["ids"], b["ids"])
    assert not np.array_equal(a["ids"], task.train_batch(10, step=4, batch_size=16, seed=5)["ids"])
    assert not np.array_equal(a["ids"], task.train_batch(10, step=3, batch_size=16, seed=6)["ids"])
    test = task.test_set(10, n=16, seed=5)
    np.testing.assert_array_equal(test["ids"], task.test_set(10, n=16, seed=5)["ids"])
    assert not any(np.array_equal(test["ids"], task.train_batch(10, s, 16, 5)["ids"]) for s in range(50))


def test_every_cell_sees_exactly_the_same_training_batches(monkeypatch):
    seen = []
    original = MemoryTask.train_batch

    def spy(self, lag, step, batch_size, seed=0):
        batch = original(self, lag, step, batch_size, seed)
        seen.append(batch["ids"].copy())
        return batch

    monkeypatch.setattr(MemoryTask, "train_batch", spy)
    settings = MemorySettings(n_steps=3, batch_size=8, n_test=8, hidden_size=4)
    per_cell = {}
    for cell in ("rnn", "lstm", "gru"):
        seen.clear()
        train_memory_task(cell, 6, seed=1, settings=settings)
        per_cell[cell] = list(seen)
    assert len(per_cell["rnn"]) == 3
    for cell in ("lstm", "gru"):
        for a, b in zip(per_cell["rnn"], per_cell[cell]):
            np.testing.assert_array_equal(a, b)


def test_a_short_lag_is_learned_and_the_result_is_reproducible():
    settings = MemorySettings(n_steps=120, batch_size=32, n_test=200, hidden_size=16, lr=1e-2)
    run = train_memory_task("rnn", 3, seed=0, settings=settings)
    assert run.accuracy > 0.95 and run.history.losses[-1] < 0.2
    again = train_memory_task("rnn", 3, seed=0, settings=settings)
    assert again.accuracy == run.accuracy
    np.testing.assert_array_equal(again.params["W_hh"], run.params["W_hh"])
    assert run.params["W_hh"].dtype == np.float32
    loss, acc = evaluate_memory(run.params, "rnn", 3, settings, seed=0)
    assert acc == run.accuracy and loss == pytest.approx(run.test_loss)


def test_untrained_model_is_near_chance():
    settings = MemorySettings(n_test=2000, hidden_size=16)
    params = seqmodels.init_model("rnn", settings.task.vocab_size, 16, 4, np.random.default_rng(3),
                                  dtype=np.float32)
    _, acc = evaluate_memory(params, "rnn", 5, settings)
    assert abs(acc - settings.task.chance) < 0.1


def test_cell_options_default_per_cell_and_can_be_overridden():
    settings = MemorySettings(n_steps=1, batch_size=4, n_test=4, hidden_size=3)
    run = train_memory_task("lstm", 4, settings=settings)
    assert run.cell_options == CELL_OPTIONS["lstm"] == {"forget_bias": 3.0}
    # the bias has moved by at most one Adam step of lr 3e-3 from its initial value
    np.testing.assert_allclose(run.params["b_f"], 3.0, atol=4e-3)
    run = train_memory_task("lstm", 4, settings=settings, cell_options={"forget_bias": 0.0})
    np.testing.assert_allclose(run.params["b_f"], 0.0, atol=4e-3)


def test_settings_round_trip_through_a_dict():
    s = MemorySettings(n_steps=7, task=MemoryTask(3, 2))
    d = s.as_dict()
    assert d["task"] == {"n_classes": 3, "n_distractors": 2}
    assert MemorySettings.from_dict(d) == s


def test_describe_shows_signals_distractors_and_query():
    task = MemoryTask(4, 4)
    assert task.describe(np.array([2, 4, 7, 5, 8])) == "Cadb?"
    with pytest.raises(ValueError, match=r"ids must be a 1-D integer sequence with values in \[0, 8\]"):
        task.describe(np.array([9]))


def test_messages(rng):
    task = MemoryTask()
    with pytest.raises(ValueError, match="lag must be a positive integer; got 0"):
        task.batch(4, 0, rng)
    with pytest.raises(ValueError, match="n must be a positive integer; got 0"):
        task.batch(0, 3, rng)
    with pytest.raises(ValueError, match="rng must be a numpy.random.Generator; got int"):
        task.batch(4, 3, 0)
    with pytest.raises(ValueError, match="n_classes must be at least 2; got 1"):
        MemoryTask(1, 4)
    with pytest.raises(ValueError, match=r"cell must be one of \['rnn', 'lstm', 'gru'\]; got 'transformer'"):
        train_memory_task("transformer", 5)
