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
