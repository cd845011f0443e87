from itertools import product

import numpy as np
import pytest

from course_utils import tagging
from course_utils.gradcheck import check_gradients
from course_utils.tagging import B, E, M, S


def test_bmes_tags_and_back():
    text, tags = tagging.bmes_tags(["我们", "喜欢", "循环神经网络", "。"])
    assert text == "我们喜欢循环神经网络。"
    assert tags.tolist() == [B, E, B, E, B, M, M, M, M, E, S]
    assert tagging.words_from_bmes(text, tags) == ["我们", "喜欢", "循环神经网络", "。"]
    with pytest.raises(ValueError, match="words must be non-empty strings"):
        tagging.bmes_tags(["我", ""])
    with pytest.raises(ValueError, match=r"one entry per character of text \(T=2\); got 1"):
        tagging.words_from_bmes("我们", [B])


def test_data_tags_follow_the_grammar(rng):
    data = tagging.bmes_data(50, 10, rng)
    for split in ("train", "test"):
        batch = data[split]
        for ids, y, length in zip(batch["ids"], batch["y"], batch["lengths"]):
            tags = y[:length]
            assert tagging.START[tags[0]] and tagging.END[tags[-1]]
            assert all(tagging.ALLOWED[a, b] for a, b in zip(tags[:-1], tags[1:]))


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("cell", ["rnn", "gru"])
def test_tagger_gradients(rng, cell, bidirectional):
    data = tagging.bmes_data(4, 1, rng)
    batch = {k: v[:3] for k, v in data["train"].items()}
    T = int(batch["lengths"].max())
    batch = {"ids": batch["ids"][:, :T], "y": batch["y"][:, :T], "lengths": batch["lengths"]}
    params = tagging.init_tagger(cell, len(data["vocab"]), 3, 4, rng, bidirectional)
    _, grads = tagging.tagger_loss_and_grads(params, batch, cell)
    assert set(grads) == set(params)
    small = {k: v for k, v in params.items() if k != "E"}          # E: only the used rows, checked below
    errors = check_gradients(lambda: tagging.tagger_loss_and_grads(params, batch, cell)[0], small,
                             {k: grads[k] for k in small})
    used = np.unique(batch["ids"][np.arange(T) < batch["lengths"][:, None]])
    E_used = params["E"][used]

    def loss_E():
        params["E"][used] = E_used
        return tagging.tagger_loss_and_grads(params, batch, cell)[0]
    errors["E"] = check_gradients(loss_E, {"E": E_used}, {"E": grads["E"][used]})["E"]
    assert max(errors.values()) < 1e-7, errors


def test_viterbi_is_the_best_allowed_path(rng):
    for _ in range(5):
        scores = rng.normal(size=(5, 4))
        best, best_path = -np.inf, None
        for path in product(range(4), repeat=5):
            ok = (tagging.START[path[0]] and tagging.END[path[-1]]
                  and all(tagging.ALLOWED[a, b] for a, b in zip(path[:-1], path[1:])))
            total = sum(scores[t, k] for t, k in enumerate(path))
            if ok and total > best:
                best, best_path = total, path
        assert tagging.viterbi(scores).tolist() == list(best_path)
    with pytest.raises(ValueError, match=r"scores must have shape \(T, K=4\); got \(5, 3\)"):
        tagging.viterbi(np.zeros((5, 3)))


def test_bidirectional_beats_left_to_right_and_viterbi_repairs_it():
    data = tagging.bmes_data(600, 200, np.random.default_rng(0))
    uni, _ = tagging.train_tagger(data, "rnn", False, steps=120, seed=0)
    bi, _ = tagging.train_tagger(data, "rnn", True, steps=120, seed=0)
    acc_uni, sent_uni = tagging.evaluate(uni, data["test"], "rnn")
    acc_bi, sent_bi = tagging.evaluate(bi, data["test"], "rnn")
    assert acc_bi > acc_uni and sent_bi > sent_uni + 0.03
    assert tagging.evaluate(uni, data["test"], "rnn", "viterbi")[1] > sent_uni
    with pytest.raises(ValueError, match="decode must be one of"):
        tagging.evaluate(uni, data["test"], "rnn", "beam")
