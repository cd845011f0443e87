import importlib

import numpy as np
import pytest

from course_utils import seqmodels as sm
from course_utils.gradcheck import check_gradients, numerical_gradient, relative_error
from course_utils.optim import Adam
from course_utils.sequence import build_vocab
from course_utils.training import fit

N, T, V_IN, D, H, V = 3, 5, 6, 4, 4, 3

CELL_CASES = [("rnn", {}), ("lstm", {}), ("gru", {}), ("gru", {"reset_after": True})]


def needs(cell):
    sm.get_cell(cell)  # every cell module exists now: a missing one is a failure, not a skip


def make(rng, cell, options, embed=True):
    params = sm.init_model(cell, V_IN, H, V, rng, embed_dim=D if embed else None, **options)
    for k in params:
        if k.startswith("b"):  # non-zero biases, so a dropped bias gradient cannot hide
            params[k] = params[k] + 0.1 * rng.normal(size=params[k].shape)
    lengths = np.array([5, 2, 3])
    ids = rng.integers(0, V_IN, size=(N, T))
    return params, ids, lengths


def gradcheck(params, batch, cell, task):
    """Errors of loss_and_grads (cross-entropy) against finite differences."""
    def loss():
        return sm.loss_and_grads(params, batch, cell, task)[0]

    _, grads = sm.loss_and_grads(params, batch, cell, task)
    assert set(grads) == set(params)
    return check_gradients(loss, params, grads)


@pytest.mark.parametrize("cell,options", CELL_CASES)
@pytest.mark.parametrize("task", ["classify", "tag"])
@pytest.mark.parametrize("embed", [True, False])
def test_backward_matches_finite_differences_for_every_cell(rng, cell, options, task, embed):
    # loss = Σ G ⊙ O with random G. Some gate/recurrent gradients are ~1e-5 by chance, and the
    # central difference's rounding noise is ~1e-11 absolute, so an element-wise relative error
    # would flag noise; the denominator floor 1e-3 keeps the check strict for every element
    # that matters (a wrong term changes an element by about its own size).
    needs(cell)
    params, ids, lengths = make(rng, cell, options, embed)
    batch = {"ids": ids, "lengths": lengths}
    O, cache = sm.forward(params, batch, cell, task)
    G = rng.normal(size=O.shape)
    grads = sm.backward(G, cache)
    assert set(grads) == set(params)
    def loss():
        return np.sum(G * sm.forward(params, batch, cell, task)[0])

    errors = {k: relative_error(grads[k], numerical_gradient(loss, params[k]), eps=1e-3) for k in params}
    assert max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("embed", [True, False])
def test_classifier_loss_gradients_with_variable_lengths(rng, embed):
    params, ids, lengths = make(rng, "rnn", {}, embed)
    batch = {"ids": ids, "lengths": lengths, "y": np.array([0, 2, 1])}
    errors = gradcheck(params, batch, "rnn", "classify")
    assert max(errors.values()) < 1e-7, errors


def test_tagger_loss_gradients_with_mask(rng):
    params, ids, lengths = make(rng, "rnn", {})
    batch = {"ids": ids, "lengths": lengths, "y": rng.integers(0, V, size=(N, T))}
    errors = gradcheck(params, batch, "rnn", "tag")
    assert max(errors.values()) < 1e-7, errors


def test_float_inputs_and_nonzero_initial_state(rng):
    params = sm.init_model("rnn", D, H, V, rng)
    params["b_h"] += 0.1
    batch = {"X": rng.normal(size=(N, T, D)), "y": rng.integers(0, V, size=(N, T)),
             "state0": rng.normal(size=(N, H))}
    errors = gradcheck(params, batch, "rnn", "tag")
    assert set(params) == {"W_xh", "W_hh", "b_h", "W_hq", "b_q"}
    assert max(errors.values()) < 1e-7, errors


def test_classifier_reads_the_last_real_step(rng):
    params, ids, lengths = make(rng, "rnn", {})
    logits = sm.predict(params, {"ids": ids, "lengths": lengths}, "rnn", "classify")
    for n in range(N):
        alone = sm.predict(params, {"ids": ids[n:n + 1, :lengths[n]]}, "rnn", "classify")
        np.testing.assert_allclose(logits[n], alone[0], atol=1e-12)


def test_padding_changes_neither_loss_nor_gradients(rng):
    params, ids, lengths = make(rng, "rnn", {})
    y = rng.integers(0, V, size=(N, T))
    other = ids.copy()
    other[np.arange(T) >= lengths[:, None]] = 0  # different tokens at padded positions
    for task, labels in (("tag", y), ("classify", y[:, 0])):
        la, ga = sm.loss_and_grads(params, {"ids": ids, "lengths": lengths, "y": labels}, "rnn", task)
        lb, gb = sm.loss_and_grads(params, {"ids": other, "lengths": lengths, "y": labels}, "rnn", task)
        assert la == pytest.approx(lb, abs=1e-12)
        for k in ga:
            np.testing.assert_allclose(ga[k], gb[k], atol=1e-12)


def test_training_through_fit_learns_to_copy_the_current_token(rng):
    # tag each token with itself: a 1-step task any cell must solve
    ids = rng.integers(0, 3, size=(64, 6))
    data = {"ids": ids, "y": ids}
    params = sm.init_model("rnn", 3, 8, 3, rng)
    history = fit(sm.trainer(data, 16, rng, "rnn", "tag"), params, Adam(0.05), 150, progress="none")
    loss, acc = sm.evaluate(params, data, "rnn", "tag")
    assert history.losses[-1] < 0.1 * history.losses[0]
    assert acc == 1.0 and loss < 0.05


def test_sampling_is_seeded_and_temperature_controls_greed(rng):
    vocab = build_vocab(["abcab"])
    params = sm.init_model("rnn", len(vocab), 8, len(vocab), rng, embed_dim=4)
    a = sm.sample(params, vocab, "ab", 20, 1.0, np.random.default_rng(1))
    b = sm.sample(params, vocab, "ab", 20, 1.0, np.random.default_rng(1))
    assert a == b and len(a) <= 20
    assert set(a) <= set("abc")  # reserved tokens are never sampled
    # a near-zero temperature always picks the most likely next id
    ids = sm.sample_ids(params, vocab.encode("ab"), 1, 1e-3, np.random.default_rng(2))
    _, P, _ = sm.run_ids(params, vocab.encode("ab"))
    assert ids[0] == np.argmax(P[-1])
    with pytest.raises(ValueError, match="temperature must be a positive number; got 0"):
        sm.sample(params, vocab, "ab", 5, 0, rng)


def test_run_text_returns_the_forward_hidden_states(rng):
    vocab = build_vocab(["hello"])
    params = sm.init_model("rnn", len(vocab), 5, len(vocab), rng)
    Hs, P = sm.run_text(params, vocab, "hell")
    assert Hs.shape == (4, 5) and P.shape == (4, len(vocab))
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    from course_utils.rnn import rnn_forward
    from course_utils.sequence import one_hot
    ref, _, _ = rnn_forward(one_hot(vocab.encode("hell")[None], len(vocab)), None, sm.cell_params(params))
    np.testing.assert_allclose(Hs, ref[0])


def test_bad_inputs_give_named_errors(rng):
    params, ids, lengths = make(rng, "rnn", {})
    with pytest.raises(ValueError, match=r"cell must be one of \['rnn', 'lstm', 'gru'\]; got 'transformer'"):
        sm.loss_and_grads(params, {"ids": ids, "y": ids}, "transformer")
    with pytest.raises(ValueError, match="task must be one of"):
        sm.loss_and_grads(params, {"ids": ids, "y": ids}, "rnn", "translate")
    with pytest.raises(ValueError, match=r"batch\['lengths'\] must be integers in \[1, T=5\]"):
        sm.predict(params, {"ids": ids, "lengths": np.array([6, 1, 1])}, "rnn", "classify")
    with pytest.raises(ValueError, match="batch must contain 'ids'"):
        sm.predict(params, {"y": ids})
    with pytest.raises(ValueError, match=r"batch\['X'\] must have shape \(N, T, D=4\); got \(3, 5, 2\)"):
        sm.predict(sm.init_model("rnn", 4, H, V, rng), {"X": np.zeros((3, 5, 2))})


def test_registry_names_the_design_api():
    cell = sm.get_cell("rnn")
    rnn = importlib.import_module("course_utils.rnn")
    assert (cell.init, cell.forward, cell.backward) == (rnn.init_rnn_params, rnn.rnn_forward, rnn.rnn_backward)


def test_sampled_ids_follow_the_model_distribution(rng):
    vocab = build_vocab(["abcab"])
    params = sm.init_model("rnn", len(vocab), 8, len(vocab), rng)
    params["b_q"] += np.array([0, 0, 0, 0, 1.5, 0.5, -0.5])   # a distribution far from uniform
    prompt = vocab.encode("ab")
    _, P, _ = sm.run_ids(params, prompt)
    draw = np.random.default_rng(5)
    counts = np.bincount([sm.sample_ids(params, prompt, 1, 1.0, draw)[0] for _ in range(3000)], minlength=len(vocab))
    # 3000 draws: the standard error of each frequency is below 0.01
    np.testing.assert_allclose(counts / 3000, P[-1], atol=0.03)
