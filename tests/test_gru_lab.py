"""course_utils.labs.gru_lab: chapter 05's cost widget and GRU gate heatmaps."""

import re

import numpy as np
import pytest

from course_utils import compare
from course_utils.labs import gru_lab


def test_cost_table_and_experiment():
    text = compare.cost_table(4, 8)
    assert "D = 4, H = 8" in text
    assert "LSTM" in text and "GRU (reset-after)" in text
    assert "  4.00 " in text  # the LSTM's ratio to the RNN
    result = gru_lab.cost_experiment(D=4, H=8)
    assert result.ok and result.text == text
    assert result.values["gru"] == {"params": 3 * (32 + 64 + 8), "macs": 3 * (32 + 64), "sequential": 2}
    (ax,) = result.fig.axes
    assert ax.get_ylabel() and ax.get_title()
    heights = [p.get_height() for p in ax.patches]       # parameters of the 4 cells, then multiply-adds
    assert heights == [104, 416, 312, 320, 96, 384, 288, 288]


@pytest.mark.parametrize("D,H", [(0, 8), (4, -1), (4, 2.5), (True, 4), (float("nan"), 4), ("", 4), (None, 4)])
def test_experiment_reports_bad_sizes(D, H):
    result = gru_lab.cost_experiment(D=D, H=H)
    assert not result.ok and result.fig is None
    assert "must be a whole number of at least 1" in result.text


def _gru_lm(rng, reset_after=False):
    from course_utils.sequence import build_vocab
    from course_utils.seqmodels import init_model

    vocab = build_vocab(["the river ran past the mill."])
    return init_model("gru", len(vocab), 6, len(vocab), rng, reset_after=reset_after), vocab


@pytest.mark.parametrize("reset_after", [False, True])
def test_gru_gate_experiment_shows_the_model_gates(rng, reset_after):
    from course_utils.gru import gate_values, gru_forward
    from course_utils.sequence import one_hot

    params, vocab = _gru_lm(rng, reset_after)
    text = "the mill ran."
    result = gru_lab.gru_gate_experiment(text, params, vocab)
    assert result.ok
    Z, R = result.values["Z"], result.values["R"]
    assert Z.shape == R.shape == (len(text), 6)
    # the same numbers as running the cell directly on the one-hot inputs
    cell = {k: v for k, v in params.items() if k not in ("W_hq", "b_q")}
    _, _, cache = gru_forward(one_hot(vocab.encode(text)[None], len(vocab)), None, cell, reset_after=reset_after)
    np.testing.assert_allclose(Z, gate_values(cache)["Z"][0])
    np.testing.assert_allclose(R, gate_values(cache)["R"][0])
    tau = result.values["tau"]
    np.testing.assert_allclose(tau, -1 / np.log(Z.astype(np.float64)).mean(axis=0))
    assert np.all(np.diff(tau[result.values["order"]]) <= 0)   # default order: slowest unit (largest τ) first
    slow = result.values["order"][0]
    assert f"top unit {slow}: {tau[slow]:.2f} steps" in result.text
    assert len(result.fig.axes) == 2              # Z and R
    assert "13 characters, 6 units" in result.text


def test_gru_gate_experiment_keeps_a_given_unit_order(rng):
    params, vocab = _gru_lm(rng)
    order = np.array([5, 4, 3, 2, 1, 0])
    result = gru_lab.gru_gate_experiment("the river", params, vocab, unit_order=order)
    image = result.fig.axes[0].images[0].get_array()
    np.testing.assert_allclose(image[0], result.values["Z"][:, 5])


@pytest.mark.parametrize("text,message", [
    ("", "Type some text first"),
    (None, "Type some text first"),
    (float("nan"), "Type some text first"),
    ("x" * 61, "Keep the text to 60 characters or fewer; got 61"),
    ("the river Q€", r"The model's corpus has no \['Q', '€'\]"),
])
def test_gru_gate_experiment_reports_bad_text(rng, text, message):
    params, vocab = _gru_lm(rng)
    result = gru_lab.gru_gate_experiment(text, params, vocab)
    assert not result.ok and result.fig is None
    assert re.search(message, result.text)
