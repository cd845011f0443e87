import numpy as np
import pytest

from course_utils import tagging
from course_utils.labs.birnn_lab import score_experiment, tag_text, tagging_experiment


@pytest.fixture(scope="module")
def trained():
    data = tagging.bmes_data(400, 10, np.random.default_rng(0))
    models = {"uni": tagging.train_tagger(data, "rnn", False, steps=60, seed=0)[0],
              "bi": tagging.train_tagger(data, "rnn", True, steps=60, seed=0)[0]}
    return data["vocab"], models


def test_tagging_experiment_tags_and_segments(trained):
    vocab, models = trained
    result = tagging_experiment("我们喜欢学习。", models, vocab)
    assert result.ok and set(result.values) == {"uni", "bi"}
    for label, tags in result.values.items():
        assert len(tags) == 7 and set(tags) <= set("BMES")
        ids = [tagging.TAGS.index(t) for t in tags]
        assert " / ".join(tagging.words_from_bmes("我们喜欢学习。", ids)) in result.text
    assert result.values["bi"] == "".join(tagging.TAGS[t] for t in tag_text(models["bi"], vocab, "我们喜欢学习。"))


def test_tag_text_viterbi_obeys_the_grammar(trained):
    vocab, models = trained
    tags = tag_text(models["uni"], vocab, "今天我们学习数学。", decode="viterbi")
    assert tagging.START[tags[0]] and tagging.END[tags[-1]]
    assert all(tagging.ALLOWED[a, b] for a, b in zip(tags[:-1], tags[1:]))


@pytest.mark.parametrize("text, message", [("", "Type a sentence"), ("   ", "Type a sentence"), (None, "Type a sentence"),
                                           ("x" * 41, "at most 40 characters"), ("我们喜欢cats", "never saw acst")])
def test_tagging_experiment_rejects_bad_text(trained, text, message):
    vocab, models = trained
    result = tagging_experiment(text, models, vocab)
    assert not result.ok and message in result.text


def test_score_experiment_saturates_without_scaling():
    unscaled = score_experiment(d=1024, scaled=False, seed=1)
    scaled = score_experiment(d=1024, scaled=True, seed=1)
    assert unscaled.values["alpha"].max() > 0.9 > scaled.values["alpha"].max()
    np.testing.assert_allclose(scaled.values["alpha"].sum(), 1.0)
    assert "largest weight" in scaled.fig.axes[0].get_title()


@pytest.mark.parametrize("d, seed, message", [(0, 0, "d must be"), (5000, 0, "d must be"), (2.5, 0, "d must be"),
                                              (True, 0, "d must be"), (8, -1, "seed must be"), (8, None, "seed must be")])
def test_score_experiment_rejects_bad_controls(d, seed, message):
    result = score_experiment(d=d, seed=seed)
    assert not result.ok and message in result.text
