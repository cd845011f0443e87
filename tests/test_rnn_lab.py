import numpy as np
import pytest

from course_utils.labs import rnn_lab
from course_utils import seqmodels as sm
from course_utils import text_tasks as tt
from course_utils.sequence import build_vocab


@pytest.fixture(scope="module")
def sentiment_model():
    data = tt.negation_data(600, 10, np.random.default_rng(0))
    rng = np.random.default_rng(0)
    params, _ = sm.train(data["train"], "rnn", "classify", len(data["vocab"]), 24, 2, rng, embed_dim=12,
                         steps=250, lr=0.02, progress="none")
    return params, data["vocab"]


@pytest.fixture(scope="module")
def char_model():
    vocab = build_vocab(["The river ran past the mill. "])
    params = sm.init_model("rnn", len(vocab), 8, len(vocab), np.random.default_rng(0))
    return params, vocab


def test_unrolled_experiment_lists_what_produces_H_t():
    result = rnn_lab.unrolled_experiment(t=3, T=6)
    assert result.ok and result.fig is not None
    assert result.values == {"inputs": [1, 2, 3], "weight_uses": 3}
    assert "X_1, X_2, X_3" in result.text
    assert "X₁..X₃ with the same" in result.fig.axes[0].get_title()
    start = rnn_lab.unrolled_experiment(t=0, T=4)
    assert start.values["inputs"] == [] and start.fig.axes[0].get_title().startswith("H₀ is the initial state")
    assert "from H₀ and X₁ with" in rnn_lab.unrolled_experiment(t=1, T=4).fig.axes[0].get_title()
    late = rnn_lab.unrolled_experiment(t=9, T=6)
    assert not late.ok and "from 0 to T=6" in late.text


@pytest.mark.parametrize("t,T,message", [
    (-1, 6, "t must be a whole number"), (float("nan"), 6, "t must be a whole number"),
    (True, 6, "t must be a whole number"), (3.0, 6, "t must be a whole number"),
    (0, 0, "T must be a whole number"), (3, 100, "T must be a whole number"),
])
def test_unrolled_experiment_reports_absurd_controls(t, T, message):
    result = rnn_lab.unrolled_experiment(t=t, T=T)
    assert not result.ok and message in result.text and result.fig is None


def test_sentiment_experiment_follows_negation_word_by_word(sentiment_model):
    params, vocab = sentiment_model
    result = rnn_lab.sentiment_experiment("the film was not good", params, vocab)
    p = result.values["p_positive"]
    assert len(p) == 5
    assert p[-1] < 0.5 and "negative" in result.text
    assert rnn_lab.sentiment_experiment("the film was good", params, vocab).values["p_positive"][-1] > 0.5
    unknown = rnn_lab.sentiment_experiment("the film was superb", params, vocab)
    assert not unknown.ok and "superb" in unknown.text
    assert not rnn_lab.sentiment_experiment("   ", params, vocab).ok
    # reserved tokens are in the vocabulary but are not words a reviewer can type
    reserved = rnn_lab.sentiment_experiment("the film was <unk>", params, vocab)
    assert not reserved.ok and "<unk>" in reserved.text
    assert "under 30 words" in rnn_lab.sentiment_experiment("good " * 31, params, vocab).text


def test_segmentation_experiment_keeps_every_character(rng):
    data = tt.segmentation_data(50, 5, rng)
    params = sm.init_model("rnn", len(data["vocab"]), 8, 2, rng, embed_dim=4)
    result = rnn_lab.segmentation_experiment("我们 学习X。", params, data["vocab"])
    words = result.values["words"]
    assert "".join(words) == "我们学习X。"          # spaces removed, nothing lost
    assert len(result.values["p_start"]) == 6
    assert "X" in result.text.splitlines()[-1]      # the unknown character is reported
    assert not rnn_lab.segmentation_experiment("", params, data["vocab"]).ok
    assert not rnn_lab.segmentation_experiment("学" * 100, params, data["vocab"]).ok


def test_sample_experiment_is_seeded_and_reports_bad_controls(char_model):
    params, vocab = char_model
    a = rnn_lab.sample_experiment("The ", 0.8, params, vocab, seed=3)
    b = rnn_lab.sample_experiment("The ", 0.8, params, vocab, seed=3)
    assert a.text == b.text and a.text.startswith("The ")
    p = a.values["p_next"]
    assert p.sum() == pytest.approx(1.0) and p[:4].sum() == 0.0   # reserved tokens are never proposed
    # a lower temperature concentrates the next-character distribution
    cold = rnn_lab.sample_experiment("The ", 0.1, params, vocab).values["p_next"]
    assert cold.max() > p.max()
    assert "between 0.05 and 10" in rnn_lab.sample_experiment("The ", 0.0, params, vocab).text
    assert "'Z'" in rnn_lab.sample_experiment("Zebra", 1.0, params, vocab).text
    assert not rnn_lab.sample_experiment("", 1.0, params, vocab).ok
    for bad in (float("nan"), float("inf"), -1.0, 1e9):
        assert "between 0.05 and 10" in rnn_lab.sample_experiment("The ", bad, params, vocab).text
    assert "seed must be a whole number" in rnn_lab.sample_experiment("The ", 1.0, params, vocab, seed=-1).text


def test_hidden_state_experiment_clamps_the_step(char_model):
    params, vocab = char_model
    result = rnn_lab.hidden_state_experiment("the mill", 50, params, vocab)
    assert result.values["limits"] == {"step": 8}  # the widget's step slider ends at the text's end
    assert result.ok and result.values["step"] == 8 and result.values["H"].shape == (8, 8)
    assert "'the mill'" in result.text
    assert not rnn_lab.hidden_state_experiment("the mill", 0, params, vocab).ok
    assert "step must be a whole number" in rnn_lab.hidden_state_experiment("the mill", float("nan"), params, vocab).text
    assert "'Z'" in rnn_lab.hidden_state_experiment("Zebra", 3, params, vocab).text
    assert "under 60 characters" in rnn_lab.hidden_state_experiment("the mill " * 7, 3, params, vocab).text


def test_draw_encoder_decoder_has_one_decoder_step_per_output_plus_eos():
    fig = rnn_lab.draw_encoder_decoder(("a", "b"), ("x", "y", "z"))
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert labels.count("enc") == 2 and labels.count("dec") == 4 and "<eos>" in labels and "<bos>" in labels
    assert "context" in labels and not any("every step" in label for label in labels)


def test_draw_encoder_decoder_can_feed_the_context_to_every_decoder_step():
    fig = rnn_lab.draw_encoder_decoder(("a", "b"), ("x", "y", "z"), context_every_step=True)
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert "C = S₀ at every step" in labels and "S₀ = start" in labels
    plain = rnn_lab.draw_encoder_decoder(("a", "b"), ("x", "y", "z"))

    def n_segments(figure):
        return sum(len(c.get_segments()) for c in figure.axes[0].collections if hasattr(c, "get_segments"))
    # the bus: a drop from the encoder, one horizontal line, one branch up into each of the 4 decoder steps
    assert n_segments(fig) == n_segments(plain) + 2 + 4


@pytest.mark.parametrize("output,n_outputs", [("every step", 4), ("last step", 1), ("none", 0)])
def test_draw_unrolled_draws_the_requested_outputs(output, n_outputs):
    fig = rnn_lab.draw_unrolled(4, output=output)
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert sum(label.startswith("O") for label in labels) == n_outputs
    assert sum(label.startswith("X") for label in labels) == 4
    with pytest.raises(ValueError, match="output must be one of"):
        rnn_lab.draw_unrolled(4, output="sometimes")


def test_a_sample_cut_short_by_eos_says_so(char_model):
    params, vocab = char_model
    results = [rnn_lab.sample_experiment("The ", 10.0, params, vocab, n_chars=200, seed=s) for s in range(5)]
    ended = [r for r in results if r.values["ended_by_eos"]]
    assert ended, "at temperature 10 <eos> (about 1 in V per step) ends some of 5 samples of 200 characters"
    for r in ended:
        n = len(r.values["sample"])
        assert n < 200 and f"drew <eos>, its end-of-text token, after {n} of 200 characters" in r.text
    for r in results:
        assert r.values["ended_by_eos"] == ("<eos>" in r.text)
