import re

import numpy as np
import pytest

from course_utils import compare
from course_utils.gru import fuse, init_gru_params
from course_utils.lstm import init_lstm_params
from course_utils.rnn import init_rnn_params

INITS = {
    "rnn": lambda D, H, rng: init_rnn_params(D, H, rng),
    "lstm": lambda D, H, rng: init_lstm_params(D, H, rng),
    "gru": lambda D, H, rng: init_gru_params(D, H, rng),
    "gru_reset_after": lambda D, H, rng: init_gru_params(D, H, rng, reset_after=True),
}
SIZES = [(1, 1), (2, 3), (7, 5), (30, 64)]


@pytest.mark.parametrize("cell", compare.CELLS)
@pytest.mark.parametrize("D,H", SIZES)
def test_param_count_equals_the_real_parameter_dicts(rng, cell, D, H):
    params = INITS[cell](D, H, rng)
    assert compare.param_count(cell, D, H) == sum(v.size for v in params.values())


@pytest.mark.parametrize("cell", compare.CELLS)
@pytest.mark.parametrize("D,H", SIZES)
def test_macs_are_one_row_times_each_weight_matrix(rng, cell, D, H):
    # every weight matrix (a, b) of a cell is used once per step on a (1, a) row: a·b multiply-adds
    params = INITS[cell](D, H, rng)
    assert compare.macs_per_step(cell, D, H) == sum(v.size for v in params.values() if v.ndim == 2)


def test_ratios_to_the_rnn():
    D, H = 10, 20
    rnn = compare.param_count("rnn", D, H)
    assert compare.param_count("lstm", D, H) == 4 * rnn
    assert compare.param_count("gru", D, H) == 3 * rnn
    assert compare.param_count("gru_reset_after", D, H) == 3 * rnn + H
    assert compare.macs_per_step("lstm", D, H) == 4 * compare.macs_per_step("rnn", D, H)
    assert compare.macs_per_step("gru", D, H) == compare.macs_per_step("gru_reset_after", D, H)


def test_sequential_products_follow_the_gru_fusion(rng):
    # Cho form: only [W_hr | W_hz] can be fused, W_hh waits for R_t; reset-after: all three
    D, H = 2, 3
    assert fuse(init_gru_params(D, H, rng), False).W_h.shape == (H, 2 * H)
    assert fuse(init_gru_params(D, H, rng, reset_after=True), True).W_h.shape == (H, 3 * H)
    seq = {c.cell: c.sequential for c in compare.costs(D, H)}
    assert seq == {"rnn": 1, "lstm": 1, "gru": 2, "gru_reset_after": 1}


def test_formulas_evaluate_to_the_counts():
    D, H = 6, 11
    for c in compare.costs(D, H):
        for formula, value in ((c.formula_params, c.params), (c.formula_macs, c.macs)):
            python = formula.replace("H²", "H*H").replace("DH", "D*H").replace("4(", "4*(").replace("3(", "3*(")
            assert eval(python, {"D": D, "H": H}) == value, formula


def test_cost_table_and_experiment():
    text = compare.cost_table(4, 8)
    assert "D = 4, H = 8" in text
    assert "LSTM" in text and "GRU (reset-after)" in text
    assert "  4.00 " in text  # the LSTM's ratio to the RNN
    result = compare.cost_experiment(D=4, H=8)
    assert result.ok and result.text == text
    assert result.values["gru"] == {"params": 3 * (32 + 64 + 8), "macs": 3 * (32 + 64), "sequential": 2}
    (ax,) = result.fig.axes
    assert ax.get_ylabel() and ax.get_title()
    heights = [p.get_height() for p in ax.patches]       # parameters of the 4 cells, then multiply-adds
    assert heights == [104, 416, 312, 320, 96, 384, 288, 288]


@pytest.mark.parametrize("D,H", [(0, 8), (4, -1), (4, 2.5), (True, 4), (float("nan"), 4), ("", 4), (None, 4)])
def test_experiment_reports_bad_sizes(D, H):
    result = compare.cost_experiment(D=D, H=H)
    assert not result.ok and result.fig is None
    assert "must be a whole number of at least 1" in result.text


def test_messages():
    with pytest.raises(ValueError, match=r"cell must be one of \['rnn', 'lstm', 'gru', 'gru_reset_after'\]; got 'tcn'"):
        compare.param_count("tcn", 2, 3)
    with pytest.raises(ValueError, match="H must be a positive integer; got 0"):
        compare.macs_per_step("rnn", 2, 0)
    with pytest.raises(ValueError, match="D must be a positive integer; got 2.0"):
        compare.param_count("lstm", 2.0, 3)


def test_large_sizes_stay_exact_integers():
    assert compare.param_count("lstm", 10**4, 10**4) == 4 * (10**8 + 10**8 + 10**4)
    assert isinstance(compare.macs_per_step("gru", 10**4, 10**4), int)


# --- the gate heatmaps of chapter 05 ------------------------------------------------

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
    result = compare.gru_gate_experiment(text, params, vocab)
    assert result.ok
    Z, R = result.values["Z"], result.values["R"]
    assert Z.shape == R.shape == (len(text), 6)
    # the same numbers as running the cell directly on the one-hot inputs
    cell = {k: v for k, v in params.items() if k not in ("W_hq", "b_q")}
    _, _, cache = gru_forward(one_hot(vocab.encode(text)[None], len(vocab)), None, cell, reset_after=reset_after)
    np.testing.assert_allclose(Z, gate_values(cache)["Z"][0])
    np.testing.assert_allclose(R, gate_values(cache)["R"][0])
    means = Z.mean(axis=0)[result.values["order"]]
    assert np.all(np.diff(means) <= 0)            # default order: slowest unit (largest mean Z) first
    assert len(result.fig.axes) == 2              # Z and R
    assert "13 characters, 6 units" in result.text


def test_gru_gate_experiment_keeps_a_given_unit_order(rng):
    params, vocab = _gru_lm(rng)
    order = np.array([5, 4, 3, 2, 1, 0])
    result = compare.gru_gate_experiment("the river", params, vocab, unit_order=order)
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
    result = compare.gru_gate_experiment(text, params, vocab)
    assert not result.ok and result.fig is None
    assert re.search(message, result.text)
