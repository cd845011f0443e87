import numpy as np
import pytest

from course_utils.gradcheck import check_gradients
from course_utils.sequence import (RESERVED, Vocab, batch_stream, build_vocab, embedding_backward,
                                   embedding_forward, length_mask, lm_windows, one_hot, pad_sequences,
                                   take_batch)


def test_reserved_tokens_have_fixed_ids_and_roundtrip():
    vocab = build_vocab(["banana", "band"])
    assert vocab.itos[:4] == list(RESERVED)
    assert (vocab.pad_id, vocab.bos_id, vocab.eos_id, vocab.unk_id) == (0, 1, 2, 3)
    ids = vocab.encode("band", add_bos=True, add_eos=True)
    assert ids[0] == vocab.bos_id and ids[-1] == vocab.eos_id and ids.dtype == np.int64
    assert "".join(vocab.decode(ids)) == "band"
    assert vocab.decode(ids, strip=False)[0] == "<bos>"
    # a character never seen maps to <unk>
    assert vocab.encode("bz")[1] == vocab.unk_id


def test_build_vocab_orders_by_count_then_alphabet_and_respects_min_count():
    vocab = build_vocab(["b a b c", "c b"], split=str.split, min_count=2)
    # counts: b 3, c 2, a 1 -> a dropped
    assert vocab.itos[4:] == ["b", "c"]
    assert "a" not in vocab and len(vocab) == 6


def test_vocab_rejects_reserved_and_duplicate_tokens():
    with pytest.raises(ValueError, match="reserved"):
        Vocab(["a", "<pad>"])
    with pytest.raises(ValueError, match=r"distinct; got duplicates \['a'\]"):
        Vocab(["a", "b", "a"])
    with pytest.raises(ValueError, match=r"ids must be in \[0, 4\]"):
        Vocab(["a"]).decode(np.array([5]))


def test_one_hot_times_E_equals_embedding_lookup(rng):
    ids = np.array([[4, 0, 2], [1, 1, 3]])
    E = rng.normal(size=(5, 3))
    X, _ = embedding_forward(ids, E)
    np.testing.assert_allclose(one_hot(ids, 5) @ E, X)
    assert one_hot(ids, 5).sum(axis=-1).tolist() == [[1, 1, 1], [1, 1, 1]]


def test_embedding_backward_matches_finite_differences_with_repeated_tokens(rng):
    ids = np.array([[1, 2, 1], [0, 1, 4]])  # token 1 three times, token 3 absent
    E = rng.normal(size=(5, 3))
    G = rng.normal(size=(2, 3, 3))

    def loss():
        return np.sum(G * embedding_forward(ids, E)[0])

    _, cache = embedding_forward(ids, E)
    dE = embedding_backward(G, cache)
    errors = check_gradients(loss, {"E": E}, {"E": dE})
    assert errors["E"] < 1e-7
    np.testing.assert_array_equal(dE[3], 0.0)
    np.testing.assert_allclose(dE[1], G[0, 0] + G[0, 2] + G[1, 1])


def test_embedding_errors_name_the_argument(rng):
    E = rng.normal(size=(5, 3))
    with pytest.raises(ValueError, match=r"ids must hold ids in \[0, 4\] \(V=5\); got values in \[0, 7\]"):
        embedding_forward(np.array([[0, 7]]), E)
    with pytest.raises(ValueError, match="ids must be an integer array"):
        embedding_forward(np.array([[0.0, 1.0]]), E)
    _, cache = embedding_forward(np.array([[0, 1]]), E)
    with pytest.raises(ValueError, match=r"dX must have shape \(1, 2, D\); got \(2, 3\)"):
        embedding_backward(np.zeros((2, 3)), cache)


def test_pad_sequences_and_mask():
    ids, lengths = pad_sequences([np.array([5, 6, 7]), np.array([8])], pad_id=0)
    np.testing.assert_array_equal(ids, [[5, 6, 7], [8, 0, 0]])
    np.testing.assert_array_equal(lengths, [3, 1])
    np.testing.assert_array_equal(length_mask(lengths, 3), [[1, 1, 1], [1, 0, 0]])
    cut, cut_len = pad_sequences([np.array([5, 6, 7])], max_len=2)
    np.testing.assert_array_equal(cut, [[5, 6]])
    assert cut_len.tolist() == [2]
    with pytest.raises(ValueError, match="item 1 is empty"):
        pad_sequences([np.array([1]), np.array([], dtype=np.int64)])
    with pytest.raises(ValueError, match=r"lengths must be integers in \[1, T=3\]"):
        length_mask(np.array([4, 1]), 3)


def test_take_batch_trims_to_longest_sequence_in_the_batch():
    ids, lengths = pad_sequences([np.array([1, 2, 3, 4]), np.array([5]), np.array([6, 7])])
    data = {"ids": ids, "y": np.array([0, 1, 0]), "lengths": lengths}
    batch = take_batch(data, np.array([1, 2]))
    assert batch["ids"].shape == (2, 2)
    np.testing.assert_array_equal(batch["ids"], [[5, 0], [6, 7]])
    np.testing.assert_array_equal(batch["y"], [1, 0])


def test_batch_stream_covers_every_example_once_per_epoch_and_is_seeded():
    data = {"x": np.arange(10)}
    stream = batch_stream(data, 4, np.random.default_rng(3))
    epoch = np.concatenate([next(stream)["x"] for _ in range(3)])  # 4 + 4 + 2
    assert sorted(epoch.tolist()) == list(range(10))
    again = batch_stream(data, 4, np.random.default_rng(3))
    np.testing.assert_array_equal(next(again)["x"], epoch[:4])
    with pytest.raises(ValueError, match="share their first axis"):
        next(batch_stream({"a": np.zeros(3), "b": np.zeros(4)}, 2, np.random.default_rng(0)))


def test_lm_windows_targets_are_the_next_token(rng):
    ids = np.arange(100, 130)
    batch = lm_windows(ids, 5, 8, rng)
    assert batch["ids"].shape == (8, 5)
    np.testing.assert_array_equal(batch["y"], batch["ids"] + 1)
    with pytest.raises(ValueError, match="length >= seq_len \\+ 1 = 31"):
        lm_windows(ids, 30, 2, rng)


def test_minibatches_cover_every_index_once():
    from course_utils.sequence import minibatches
    batches = list(minibatches(10, 4, np.random.default_rng(0)))
    assert [len(b) for b in batches] == [4, 4, 2]
    assert sorted(np.concatenate(batches)) == list(range(10))
    with pytest.raises(ValueError, match="batch_size must be a positive integer; got True"):
        list(minibatches(10, True, np.random.default_rng(0)))
