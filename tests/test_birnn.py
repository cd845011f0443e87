import numpy as np
import pytest

from course_utils import frameworks
from course_utils.birnn import (bidirectional_backward, bidirectional_forward, final_states,
                                init_bidirectional_params, init_stacked_params, num_layers_of, reverse_index,
                                stacked_backward, stacked_forward)
from course_utils.gradcheck import check_gradients
from course_utils.seqmodels import get_cell

N, T, D, H = 3, 5, 2, 4
LENGTHS = np.array([5, 3, 1])
CELL_CASES = [("rnn", {}), ("lstm", {}), ("gru", {}), ("gru", {"reset_after": True})]


def make(rng, cell, options, lengths=LENGTHS):
    params = init_bidirectional_params(cell, D, H, rng, **options)
    for key in params:
        if key.split(".")[-1].startswith("b_"):
            params[key] += rng.normal(size=params[key].shape) * 0.3
    X = rng.normal(size=(N, T, D))
    return params, X


@pytest.mark.parametrize("cell, options", CELL_CASES)
def test_bidirectional_matches_finite_differences(rng, cell, options):
    params, X = make(rng, cell, options)
    G = rng.normal(size=(N, T, 2 * H))
    real = (np.arange(T) < LENGTHS[:, None])[:, :, None]

    def loss():
        Hs, _ = bidirectional_forward(X, params, cell, LENGTHS)
        return np.sum(G * Hs * real)

    _, cache = bidirectional_forward(X, params, cell, LENGTHS)
    dX, grads = bidirectional_backward(G * real, cache)
    errors = check_gradients(loss, {**params, "X": X}, {**grads, "X": dX})
    assert max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("cell, options", CELL_CASES)
def test_each_direction_is_the_plain_cell_on_its_own_reading_order(rng, cell, options):
    params, X = make(rng, cell, options)
    Hs, _ = bidirectional_forward(X, params, cell, LENGTHS)
    c = get_cell(cell)
    for n, length in enumerate(LENGTHS):
        fwd = {k[4:]: v for k, v in params.items() if k.startswith("fwd.")}
        bwd = {k[4:]: v for k, v in params.items() if k.startswith("bwd.")}
        H_f, _, _ = c.forward(X[n:n + 1, :length], None, fwd, **options)
        H_b, _, _ = c.forward(X[n:n + 1, :length][:, ::-1].copy(), None, bwd, **options)
        np.testing.assert_allclose(Hs[n, :length, :H], H_f[0], atol=1e-12)
        np.testing.assert_allclose(Hs[n, :length, H:], H_b[0, ::-1], atol=1e-12)


def test_padding_never_reaches_a_real_output(rng):
    params, X = make(rng, "gru", {})
    Hs, _ = bidirectional_forward(X, params, "gru", LENGTHS)
    noisy = X.copy()
    pad = np.arange(T) >= LENGTHS[:, None]
    noisy[pad] = rng.normal(size=(int(pad.sum()), D)) * 100
    Hs2, _ = bidirectional_forward(noisy, params, "gru", LENGTHS)
    np.testing.assert_allclose(Hs2[~pad], Hs[~pad])


def test_reverse_index_reverses_within_length_and_undoes_itself():
    index = reverse_index(np.array([3, 5]), 5)
    np.testing.assert_array_equal(index, [[2, 1, 0, 3, 4], [4, 3, 2, 1, 0]])
    np.testing.assert_array_equal(np.take_along_axis(index, index, axis=1), np.tile(np.arange(5), (2, 1)))


def test_a_bidirectional_layer_has_twice_the_parameters(rng):
    one = get_cell("lstm").init(D, H, rng)
    two = init_bidirectional_params("lstm", D, H, rng)
    assert sum(v.size for v in two.values()) == 2 * sum(v.size for v in one.values())


def test_final_states_are_last_real_forward_and_first_backward(rng):
    params, X = make(rng, "rnn", {})
    Hs, _ = bidirectional_forward(X, params, "rnn", LENGTHS)
    h_n = final_states(Hs, LENGTHS)
    assert h_n.shape == (2, N, H)
    np.testing.assert_array_equal(h_n[0, 1], Hs[1, 2, :H])
    np.testing.assert_array_equal(h_n[1, 1], Hs[1, 0, H:])


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_stacked_matches_finite_differences(rng, cell, bidirectional):
    params = init_stacked_params(cell, D, H, 2, rng, bidirectional=bidirectional)
    for key in params:
        if key.split(".")[-1].startswith("b_"):
            params[key] += rng.normal(size=params[key].shape) * 0.3
    X = rng.normal(size=(N, T, D))
    dirs = 2 if bidirectional else 1
    G = rng.normal(size=(N, T, dirs * H))

    def loss():
        return np.sum(G * stacked_forward(X, params, cell, bidirectional)[0])

    _, _, cache = stacked_forward(X, params, cell, bidirectional)
    dX, grads = stacked_backward(G, cache)
    assert set(grads) == set(params)
    errors = check_gradients(loss, {**params, "X": X}, {**grads, "X": dX})
    assert max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("layers", [1, 3])
def test_stacked_shapes_are_pytorchs(rng, cell, bidirectional, layers):
    params = init_stacked_params(cell, D, H, layers, rng, bidirectional=bidirectional)
    out, h_n, _ = stacked_forward(rng.normal(size=(N, T, D)), params, cell, bidirectional)
    torch = frameworks.pytorch_shapes(cell, N, T, D, H, layers, bidirectional)
    assert out.shape == torch["output"] and h_n.shape == torch["h_n"]
    # same weights, counted with one bias per block (the course) and two (PyTorch)
    assert sum(v.size for v in params.values()) == frameworks.param_count(cell, D, H, layers, bidirectional, 1)
    dirs, G = (2 if bidirectional else 1), frameworks.BLOCKS[cell]
    assert (frameworks.param_count(cell, D, H, layers, bidirectional, 2)
            - frameworks.param_count(cell, D, H, layers, bidirectional, 1)) == layers * dirs * G * H
    for k in range(layers):
        for direction, suffix in zip(("fwd.", "bwd.")[:dirs], ("", "_reverse")):
            prefix = f"l{k}." + (direction if bidirectional else "")
            W_x = np.concatenate([v for key, v in params.items() if key.startswith(prefix + "W_x")], axis=1)
            assert W_x.T.shape == torch[f"weight_ih_l{k}{suffix}"]     # PyTorch stores the column form


def test_top_layer_h_n_is_the_output_at_the_ends(rng):
    params = init_stacked_params("gru", D, H, 2, rng, bidirectional=True)
    out, h_n, _ = stacked_forward(rng.normal(size=(N, T, D)), params, "gru", True)
    np.testing.assert_array_equal(h_n[-2], out[:, -1, :H])      # forward direction ends at t = T
    np.testing.assert_array_equal(h_n[-1], out[:, 0, H:])       # backward direction ends at t = 1
    assert not np.allclose(h_n[-1], out[:, -1, H:])


def test_keras_shapes():
    k = frameworks.keras_shapes("lstm", 4, 7, 3, 5, return_sequences=False, return_state=True, bidirectional=True)
    assert k["outputs"] == [(4, 10), (4, 5), (4, 5), (4, 5), (4, 5)]
    assert frameworks.keras_shapes("gru", 4, 7, 3, 5, True)["outputs"] == [(4, 7, 5)]
    assert frameworks.keras_shapes("gru", 4, 7, 3, 5)["weights"]["bias"] == (2, 15)


def test_shapes_table_names_the_numbers():
    text = frameworks.shapes_table("lstm", 4, 7, 3, 5, 2, True)
    assert "h_n      (4, 4, 5)" in text and "output   (4, 7, 10)" in text and "1080" in text


def test_bad_input_is_named(rng):
    params, X = make(rng, "rnn", {})
    with pytest.raises(ValueError, match=r"lengths must be integers in \[1, T=5\]"):
        bidirectional_forward(X, params, "rnn", np.array([0, 1, 2]))
    with pytest.raises(ValueError, match=r"lengths must have shape \(3,\); got \(2,\)"):
        bidirectional_forward(X, params, "rnn", np.array([1, 2]))
    with pytest.raises(ValueError, match=r"backward direction's keys 'bwd\.\*'"):
        bidirectional_forward(X, {k: v for k, v in params.items() if k.startswith("fwd.")}, "rnn")
    with pytest.raises(ValueError, match=r"X must have shape \(N, T, D\); got \(3, 2\)"):
        bidirectional_forward(X[:, 0], params, "rnn")
    _, cache = bidirectional_forward(X, params, "rnn")
    with pytest.raises(ValueError, match=r"dH must have shape \(3, 5, 8\); got \(3, 5, 4\)"):
        bidirectional_backward(np.zeros((N, T, H)), cache)
    with pytest.raises(ValueError, match="cell must be one of"):
        bidirectional_forward(X, params, "transformer")
    with pytest.raises(ValueError, match="keys 'l0.', 'l1.'"):
        num_layers_of({"l1.W_xh": np.zeros((2, 2))})
    with pytest.raises(ValueError, match="num_layers must be a positive integer"):
        frameworks.pytorch_shapes("gru", 1, 1, 1, 1, num_layers=0)
    with pytest.raises(ValueError, match="biases_per_block must be 1 or 2"):
        frameworks.param_count("gru", 1, 1, biases_per_block=3)
