import itertools

import numpy as np
import pytest

from course_utils import seq2seq as s2s
from course_utils.gradcheck import check_gradients
from course_utils.sequence import Vocab

V_SRC, V_TGT, D, H, A = 7, 6, 3, 4, 5


def make_model(rng, cell="gru", attention=True, dtype=np.float64):
    params = s2s.init_seq2seq(cell, V_SRC, V_TGT, D, H, rng, attention=attention, attention_size=A, dtype=dtype)
    for k in params:   # non-zero biases, so a gradient check sees their effect
        if k.split(".")[-1].startswith("b_"):
            params[k] += (rng.normal(size=params[k].shape) * 0.1).astype(dtype)
    # larger inputs and sharper scores: with tiny gradients (an LSTM's small states give
    # dW_sa ~ 1e-6) a finite-difference check would only measure round-off
    params["E_src"] *= 3
    params["E_tgt"] *= 3
    if attention:
        params["att.v_a"] *= 4
    return params


def make_batch():
    # lengths 3, 4, 1 (source) and 3, 2, 3 (target, <eos> = 2 included); 0 is padding
    return {"src": np.array([[4, 5, 6, 0], [5, 6, 4, 6], [6, 0, 0, 0]]), "src_lengths": np.array([3, 4, 1]),
            "tgt": np.array([[4, 5, 2], [5, 2, 0], [3, 4, 2]]), "tgt_lengths": np.array([3, 2, 3])}


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
@pytest.mark.parametrize("attention", [True, False])
def test_full_seq2seq_loss_gradient_matches_finite_differences(rng, cell, attention):
    params = make_model(rng, cell, attention)
    batch = make_batch()

    # mixed teacher forcing (ratio 0.5) with a fixed seed: the same tokens are fed at every evaluation
    def loss():
        return s2s.loss_and_grads(params, batch, 0.5, np.random.default_rng(1))[0]

    _, grads = s2s.loss_and_grads(params, batch, 0.5, np.random.default_rng(1))
    assert set(grads) == set(params)
    errors = check_gradients(loss, params, grads)
    assert max(errors.values()) < 1e-7, errors


def test_padding_changes_neither_loss_nor_gradients(rng):
    params = make_model(rng)
    batch = make_batch()
    loss, grads = s2s.loss_and_grads(params, batch)
    padded = {"src": np.pad(batch["src"], ((0, 0), (0, 3))), "src_lengths": batch["src_lengths"],
              "tgt": np.pad(batch["tgt"], ((0, 0), (0, 2))), "tgt_lengths": batch["tgt_lengths"]}
    # whatever sits in the padded positions must not matter either
    padded["src"][padded["src"] == 0] = 5
    padded["tgt"][1, 2:] = 4
    loss2, grads2 = s2s.loss_and_grads(params, padded)
    assert loss2 == pytest.approx(loss, rel=1e-12)
    for k in grads:
        np.testing.assert_allclose(grads2[k], grads[k], atol=1e-14, err_msg=k)


def test_encoder_respects_lengths_and_decoder_starts_with_bos(rng):
    params = make_model(rng, attention=False)
    batch = make_batch()
    O, alphas, cache = s2s.forward(params, batch)
    assert alphas is None
    assert np.all(cache.Y_in[:, 0] == s2s.BOS)
    np.testing.assert_array_equal(cache.Y_in[:, 1:], batch["tgt"][:, :-1])   # teacher forcing
    # S_0 of the padded sequence 0 equals the final state of the same sequence alone
    alone = {k: v[:1] for k, v in batch.items()}
    alone["src"] = alone["src"][:, :3]
    _, _, cache_alone = s2s.forward(params, alone)
    np.testing.assert_allclose(cache.enc.S_0[0], cache_alone.enc.S_0[0])
    np.testing.assert_allclose(O[0], s2s.forward(params, alone)[0][0])


def test_free_running_feeds_the_models_own_tokens(rng):
    params = make_model(rng)
    batch = make_batch()
    O, _, cache = s2s.forward(params, batch, teacher_forcing=0.0, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(cache.Y_in[:, 1:], O[:, :-1].argmax(axis=2))
    # ratio 0.5: every fed token is either the truth or the model's own choice, and both occur
    O, _, cache = s2s.forward(params, batch, teacher_forcing=0.5, rng=np.random.default_rng(3))
    truth, own = cache.Y_in[:, 1:] == batch["tgt"][:, :-1], cache.Y_in[:, 1:] == O[:, :-1].argmax(axis=2)
    assert np.all(truth | own)


def test_attention_weights_are_zero_on_source_padding(rng):
    params = make_model(rng)
    _, alphas, _ = s2s.forward(params, make_batch())
    assert alphas.shape == (3, 3, 4)
    np.testing.assert_allclose(alphas.sum(axis=2), 1.0)
    assert np.all(alphas[0, :, 3] == 0) and np.all(alphas[2, :, 1:] == 0)


def test_greedy_search_equals_argmax_of_the_forward_pass(rng):
    params = make_model(rng)
    batch = make_batch()
    step_fn, state = s2s.decoder_stepper(params, batch["src"], batch["src_lengths"])
    result = s2s.greedy_search(step_fn, state, 3, max_len=5)
    # feeding the greedy tokens back through forward() reproduces them as argmaxes
    tgt = result.tokens
    O, _, _ = s2s.forward(params, {**batch, "tgt": tgt, "tgt_lengths": np.full(3, tgt.shape[1])})
    for n in range(3):
        L = result.lengths[n]
        np.testing.assert_array_equal(O[n, :L].argmax(axis=1), tgt[n, :L])


# --- hand-built toy models for the searches --------------------------------------------------

PAD, BOS, EOS, TOK_A, TOK_B = 0, 1, 2, 3, 4


def bigram_step(P):
    """A decoder whose next-token distribution depends only on the previous token: P[prev] (V,)."""
    logP = np.log(P)

    def step_fn(y_prev, state):
        return logP[y_prev], state, None
    return step_fn


def probs(**p):
    row = np.full(5, 1e-9)
    for name, value in p.items():
        row[{"eos": EOS, "a": TOK_A, "b": TOK_B}[name]] = value
    return row / row.sum()


def test_beam_search_finds_the_known_best_sequence_that_greedy_misses():
    P = np.stack([probs(eos=1), probs(a=0.55, b=0.45), probs(eos=1),
                  probs(eos=0.4, a=0.3, b=0.3), probs(eos=0.9, a=0.05, b=0.05)])
    # By hand: P("b <eos>") = 0.45 · 0.9 = 0.405; every sequence starting with "a" has P <= 0.55 · 0.4 = 0.22.
    greedy = s2s.greedy_search(bigram_step(P), None, 1, max_len=6)
    assert greedy.sequences() == [[TOK_A]]
    beams = s2s.beam_search(bigram_step(P), None, k=2, max_len=6)
    assert beams[0].tokens == (TOK_B, EOS) and beams[0].finished
    assert beams[0].log_prob == pytest.approx(np.log(0.405), abs=1e-6)
    assert beams[1].tokens == (TOK_A, EOS)


def test_length_normalisation_changes_the_winner():
    P = np.stack([probs(eos=1), probs(eos=0.5, a=0.5), probs(eos=1), probs(eos=0.6, a=0.4), probs(eos=1)])
    # raw log P prefers stopping at once (0.5 > 0.5 · 0.6); per token, "a <eos>" (√0.3 ≈ 0.55) wins
    assert s2s.beam_search(bigram_step(P), None, k=3, length_norm=0.0)[0].tokens == (EOS,)
    assert s2s.beam_search(bigram_step(P), None, k=3, length_norm=1.0)[0].tokens == (TOK_A, EOS)


def rnn_toy(rng, V=4, H=3):
    """A tiny random recurrent decoder: the next-token distribution depends on the whole prefix."""
    W, U, Wo = rng.normal(size=(V, H)), rng.normal(size=(H, H)), rng.normal(size=(H, V)) * 2

    def step_fn(y_prev, state):
        state = np.tanh(W[y_prev] + state @ U)
        z = state @ Wo
        return z - np.log(np.exp(z).sum(axis=1, keepdims=True)), state, None
    return step_fn, np.zeros((1, H))


@pytest.mark.parametrize("length_norm", [0.0, 0.7, 1.0])
def test_wide_beam_equals_exhaustive_search(length_norm):
    V, L = 4, 4
    step_fn, state0 = rnn_toy(np.random.default_rng(5), V)

    def score(seq):
        logp, state, y = 0.0, state0, BOS
        for v in seq:
            lp, state, _ = step_fn(np.array([y]), state)
            logp, y = logp + lp[0, v], v
        return logp / len(seq) ** length_norm

    candidates = [seq for n in range(1, L + 1) for seq in itertools.product(range(V), repeat=n)
                  if EOS not in seq[:-1] and (seq[-1] == EOS or n == L)]
    best = max(candidates, key=score)
    beams = s2s.beam_search(step_fn, state0, k=V ** L, max_len=L, length_norm=length_norm)
    assert beams[0].tokens == best
    assert beams[0].score == pytest.approx(score(best))


def test_beam_width_one_is_greedy(rng):
    step_fn, state0 = rnn_toy(np.random.default_rng(2), V=5)
    greedy = s2s.greedy_search(step_fn, state0, 1, max_len=8)
    beam = s2s.beam_search(step_fn, state0, k=1, max_len=8)[0]
    assert list(beam.tokens) == list(greedy.tokens[0, :greedy.lengths[0]])
    assert beam.log_prob == pytest.approx(greedy.log_prob()[0])
    # and on an encoder-decoder, for several sources
    params = make_model(rng)
    batch = make_batch()
    for n in range(3):
        src, lengths = batch["src"][n:n + 1], batch["src_lengths"][n:n + 1]
        step_fn, state = s2s.decoder_stepper(params, src, lengths)
        greedy = s2s.greedy_search(step_fn, state, 1, max_len=6)
        step_fn, state = s2s.decoder_stepper(params, src, lengths)
        beam = s2s.beam_search(step_fn, state, k=1, max_len=6)[0]
        assert list(beam.tokens) == list(greedy.tokens[0, :greedy.lengths[0]])


def test_greedy_stops_at_eos_or_max_len():
    P = np.stack([probs(eos=1), probs(a=1), probs(eos=1), probs(b=1), probs(eos=1)])
    out = s2s.greedy_search(bigram_step(P), None, 1, max_len=10)
    assert out.sequences() == [[TOK_A, TOK_B]] and out.lengths[0] == 3 and out.tokens.shape[1] == 3
    loop = np.stack([probs(eos=1), probs(a=1), probs(eos=1), probs(a=1), probs(eos=1)])
    out = s2s.greedy_search(bigram_step(loop), None, 2, max_len=4)
    assert out.lengths.tolist() == [4, 4] and out.sequences() == [[TOK_A] * 4] * 2
    beam = s2s.beam_search(bigram_step(loop), None, k=2, max_len=4)[0]
    assert not beam.finished and len(beam.tokens) == 4


def test_translate_and_accuracies(rng):
    src_vocab, tgt_vocab = Vocab(list("abc")), Vocab(list("xy"))
    params = s2s.init_seq2seq("gru", len(src_vocab), len(tgt_vocab), D, H, rng)
    outputs, result = s2s.translate(params, ["ab", "c", "cab"], src_vocab, tgt_vocab, max_len=4)
    assert len(outputs) == 3 and all(set(o) <= set("xy") and len(o) <= 4 for o in outputs)
    assert len(result.extras) == result.tokens.shape[1] and result.extras[0].shape == (3, 3)
    assert s2s.accuracies(["2026-11-27", "2026-11-2"], ["2026-11-27", "2026-11-28"]) == (0.5, 19 / 20)


def test_extra_characters_count_as_errors():
    # a forgotten <eos>: the first 10 characters are right, the 2 extra ones are wrong
    assert s2s.accuracies(["1967-02-02-0"], ["1967-02-02"]) == (0.0, 10 / 12)
    assert s2s.accuracies(["1967-02-02", "1967-02-0"], ["1967-02-02", "1967-02-02"]) == (0.5, 19 / 20)
    assert s2s.char_matches("1967-02-02-0", "1967-02-02", start=5) == (5, 7)
    assert s2s.char_matches("", "abc") == (0, 3)


def test_linear_decay_goes_from_start_to_end_with_mean_half():
    ratios = [s2s.linear_decay(step, 3000) for step in range(3000)]
    assert ratios[0] == 1.0 and ratios[-1] == 0.0 and np.all(np.diff(ratios) < 0)
    assert np.mean(ratios) == pytest.approx(0.5, abs=1e-12)
    assert s2s.linear_decay(1, 3, start=0.9, end=0.5) == pytest.approx(0.7)
    assert s2s.linear_decay(0, 1) == 1.0
    with pytest.raises(ValueError, match=r"step must be a whole number in \[0, n_steps - 1 = 9\]; got 10"):
        s2s.linear_decay(10, 10)
    with pytest.raises(ValueError, match=r"end must be a probability in \[0, 1\]; got -0.5"):
        s2s.linear_decay(0, 10, end=-0.5)
    with pytest.raises(ValueError, match="n_steps must be a positive integer; got 0"):
        s2s.linear_decay(0, 0)


def test_messages(rng):
    params = make_model(rng)
    batch = make_batch()
    with pytest.raises(ValueError, match=r"batch must have keys \['src', 'src_lengths', 'tgt', 'tgt_lengths'\]"):
        s2s.loss_and_grads(params, {"src": batch["src"]})
    with pytest.raises(ValueError, match=r"src must hold token ids in \[0, 6\]; got int64 values in \[3, 9\]"):
        s2s.loss_and_grads(params, {**batch, "src": batch["src"] + 3})
    with pytest.raises(ValueError, match=r"batch\['tgt'\] must have shape \(N=3, T\); got \(2, 3\)"):
        s2s.loss_and_grads(params, {**batch, "tgt": batch["tgt"][:2]})
    with pytest.raises(ValueError, match=r"src_lengths must be integers in \[1, T=4\]; got values in \[0, 4\]"):
        s2s.loss_and_grads(params, {**batch, "src_lengths": np.array([3, 4, 0])})
    with pytest.raises(ValueError, match=r"teacher_forcing must be a probability in \[0, 1\]; got 1.5"):
        s2s.loss_and_grads(params, batch, 1.5)
    with pytest.raises(ValueError, match="rng must be a numpy.random.Generator when teacher_forcing < 1"):
        s2s.loss_and_grads(params, batch, 0.5)
    with pytest.raises(ValueError, match="params must be the dict of init_seq2seq"):
        s2s.loss_and_grads({"W": np.zeros(2)}, batch)
    step_fn, state = s2s.decoder_stepper(params, batch["src"][:1], batch["src_lengths"][:1])
    with pytest.raises(ValueError, match="k must be a positive integer; got 0"):
        s2s.beam_search(step_fn, state, k=0)
    with pytest.raises(ValueError, match="length_norm must be a number >= 0; got -1"):
        s2s.beam_search(step_fn, state, k=2, length_norm=-1)
    with pytest.raises(ValueError, match="max_len must be a positive integer; got 0"):
        s2s.greedy_search(step_fn, state, 1, max_len=0)
    with pytest.raises(ValueError, match="predictions and targets must be non-empty lists of one length"):
        s2s.accuracies(["a"], [])
