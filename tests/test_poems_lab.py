"""The Tang-poem widget function (course_utils.labs.poems_lab), called directly."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils import poems
from course_utils.labs import poems_lab as lab
from course_utils.results import load_poem_model


def run(**controls):
    result = lab.poem_experiment(**controls)
    if result.fig is not None:
        plt.close(result.fig)
    return result


def test_the_lab_rebuilds_the_vocabulary_the_models_were_trained_with():
    vocab = lab.lm_data()["vocab"]
    for cell in ("rnn", "lstm", "gru"):
        assert load_poem_model(cell)["E"].shape[0] == len(vocab) == load_poem_model(cell)["W_hq"].shape[1]


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_a_sample_keeps_the_prompt_and_checks_each_line(cell):
    result = run(cell=cell, prompt="白日依山尽，", temperature=0.8, seed=1)
    v = result.values
    assert result.ok and v["text"].startswith("白日依山尽，")
    # the probabilities are the model's for each character of the text, read from <bos>
    params = load_poem_model(cell)
    np.testing.assert_allclose(v["probs"], lab.text_probabilities(params, lab.lm_data()["vocab"], v["text"], cell))
    assert len(v["probs"]) == len(v["text"]) and np.all((v["probs"] > 0) & (v["probs"] <= 1))
    # the line checks agree with poems.form's definitions
    done = [len(line) for line, _ in poems.split_lines(v["text"])]
    assert [n for n, f in zip(v["line_lengths"], v["finished"]) if f] == done
    assert v["poem_length"] == poems.poem_length(done)
    assert v["line_ok"] == [f and n == v["poem_length"] and n in (5, 7)
                            for n, f in zip(v["line_lengths"], v["finished"])]
    assert result.text.splitlines()[0] == f" 1. 白日依山尽，  5 {'✓' if v['line_ok'][0] else '✗'}"
    assert "orange frames" in result.text


def test_same_controls_same_poem_and_another_seed_another_poem():
    a, b = run(cell="gru", prompt="春", seed=0), run(cell="gru", prompt="春", seed=0)
    assert a.values["text"] == b.values["text"]
    texts = {run(cell="gru", prompt="春", seed=s).values["text"] for s in range(4)}
    assert len(texts) > 1


def test_an_empty_prompt_starts_from_bos_and_spaces_are_ignored():
    assert run(cell="lstm", prompt=" 春 风 ", seed=2).values["text"].startswith("春风")
    result = run(cell="lstm", prompt="", seed=2)
    assert not result.ok or result.values["text"]


@pytest.mark.parametrize("temperature", [0.05, 10])
def test_extreme_temperatures_still_give_a_checked_poem(temperature):
    result = run(cell="rnn", prompt="月", temperature=temperature, seed=0, max_chars=60)
    assert result.ok and 1 < len(result.values["text"]) <= 61
    assert result.fig is not None or not result.ok


def test_out_of_vocabulary_characters_get_the_clear_message():
    result = run(prompt="春abc")
    assert not result.ok and result.fig is None
    assert result.text.startswith("The poems' vocabulary has no ['a', 'b', 'c']: the models know the 549 characters")
    assert "模型的字表里没有" in result.text
    assert "has no ['<', '>', 'e', 'o', 's']" in run(prompt="<eos>").text


@pytest.mark.parametrize("controls, message", [
    ({"cell": "tcn"}, "cell must be one of ['rnn', 'lstm', 'gru']; got 'tcn'."),
    ({"prompt": "春" * 15}, "Keep the prompt to at most 14 characters (two 7-character lines); got 15."),
    ({"prompt": None}, "prompt must be text; got NoneType."),
    ({"temperature": 0}, "temperature must be between 0.05 and 10; got 0."),
    ({"temperature": float("inf")}, "temperature must be between 0.05 and 10; got inf."),
    ({"temperature": 1e6}, "temperature must be between 0.05 and 10; got 1000000.0."),
    ({"seed": -1}, "seed must be a whole number >= 0; got -1."),
    ({"seed": 1.5}, "seed must be a whole number >= 0; got 1.5."),
    ({"max_chars": 0}, "max_chars must be a whole number from 1 to 400; got 0."),
])
def test_bad_controls_give_a_readable_message(controls, message):
    result = run(**controls)
    assert not result.ok and result.text == message and result.fig is None


def test_the_figure_has_one_row_per_line_and_no_text_cut():
    from course_utils.labs.widgets import clipped_texts
    result = lab.poem_experiment(cell="gru", prompt="春", temperature=1.0, seed=3)
    fig = result.fig
    try:
        image = fig.axes[0].images[0].get_array()
        assert image.shape[0] == len(result.values["line_lengths"])
        assert clipped_texts(fig) == []
    finally:
        plt.close(fig)
