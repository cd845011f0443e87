"""The chapter-06 widget functions and measurements, on the shipped date models."""

import re

import numpy as np
import pytest

from course_utils import seq2seq as s2s
from course_utils.labs import seq2seq_lab as lab


@pytest.fixture(scope="module")
def model():
    return lab.load_date_model("attention")


@pytest.mark.parametrize("text, expected", [
    ("27 November 2026", "2026-11-27"), ("11/27/26", "2026-11-27"), ("Fri, Nov 27 2026", "2026-11-27"),
    ("2026年11月27日", "2026-11-27"), ("3rd of March 1951", "1951-03-03"),
])
def test_attention_experiment_decodes_typed_dates(model, text, expected):
    result = lab.attention_experiment(text, model)
    assert result.ok, result.text
    assert result.values["output"] == expected and result.values["valid"]
    alpha = result.values["alpha"]
    assert alpha.shape == (len(expected) + 1, len(text))          # one row per output char and <eos>
    np.testing.assert_allclose(alpha.sum(axis=1), 1.0, rtol=1e-5)
    assert np.all((0 < result.values["p_chosen"]) & (result.values["p_chosen"] <= 1))
    assert expected in result.text and "a real calendar day" in result.text


def test_near_certain_probabilities_are_shown_with_their_distance_from_one():
    assert lab._probability(0.8734) == "0.873" and lab._probability(0.99958) == "1 − 4.2e-04"
    result = lab.attention_experiment("Fri, Nov 27 2026", lab.load_date_model("attention"))
    lowest = result.values["p_chosen"].min()
    assert lowest > 0.999 and f"P = 1 − {1 - lowest:.1e})" in result.text


@pytest.mark.parametrize("text, message", [
    ("", "Type a date first"), ("   ", "Type a date first"),
    ("x" * 33, "That is 33 characters; the model reads at most 32"),
    ("27 Novembre 2026!", r"never seen the character\(s\) '!'"),
])
def test_invalid_input_gives_a_readable_message(model, text, message):
    for result in (lab.attention_experiment(text, model), lab.beam_experiment(text, 3, model)):
        assert not result.ok and result.fig is None
        assert re.search(message, result.text), result.text


def test_plain_model_has_no_heatmap():
    result = lab.attention_experiment("11/27/26", lab.load_date_model("plain"))
    assert not result.ok and "no attention" in result.text


def test_beam_experiment_lists_sorted_candidates_and_width_one_is_greedy(model):
    one = lab.beam_experiment("Fri, Nov 27 2026", 1, model)
    assert one.values["outputs"] == [one.values["greedy"]] == ["2026-11-27"]
    wide = lab.beam_experiment("Fri, Nov 27 2026", 5, model)
    scores = wide.values["scores"]
    assert len(scores) == 5 and np.all(np.diff(scores) <= 0)
    assert wide.values["outputs"][0] == "2026-11-27"
    assert not lab.beam_experiment("11/27/26", 0, model).ok
    assert "between 1 and 20" in lab.beam_experiment("11/27/26", 21, model).text


@pytest.mark.parametrize("k, length_norm, message", [
    (2.5, 1.0, "Beam width must be a whole number between 1 and 20; got 2.5"),
    ("3", 1.0, "Beam width must be a whole number between 1 and 20; got '3'"),
    (None, 1.0, "got None"), (True, 1.0, "got True"), (float("nan"), 1.0, "got nan"),
    (3, -1.0, "exponent λ must be between 0 and 5; got -1.0"),
    (3, float("nan"), "got nan"), (3, float("inf"), "got inf"), (3, 1e9, "got 1000000000.0"),
    (3, None, "got None"),
])
def test_beam_experiment_reports_bad_controls(model, k, length_norm, message):
    result = lab.beam_experiment("11/27/26", k, model, length_norm)
    assert not result.ok and result.fig is None and message in result.text


def test_beam_experiment_at_the_ends_of_the_lambda_slider(model):
    for length_norm in (0.0, 2.0):
        result = lab.beam_experiment("11/27/26", 3, model, length_norm)
        assert result.ok and result.values["outputs"][0] == "2026-11-27"


def test_forcing_puts_the_wrong_digit_and_accuracy_counts_only_later_characters(model):
    sources, targets = ["27 November 2026", "11/27/26"], ["2026-11-27", "2026-11-27"]
    src_vocab, tgt_vocab = lab.vocabs()
    batch = s2s.make_batch(sources, targets, src_vocab, tgt_vocab)
    forced = np.full(2, tgt_vocab.stoi["7"])
    step_fn, state = s2s.decoder_stepper(model, batch["src"], batch["src_lengths"])
    result = s2s.greedy_search(lab._forcing(step_fn, 2, forced), state, 2, max_len=12)
    assert np.all(result.tokens[:, 2] == tgt_vocab.stoi["7"])
    acc = lab.forced_error_accuracy(model, sources, targets, 2)
    # the forced digit is true + 5 (mod 10): 2026 -> 2076; count what follows by hand, an extra
    # character (no <eos>) included
    forced = np.full(2, tgt_vocab.stoi["7"])
    step_fn, state = s2s.decoder_stepper(model, batch["src"], batch["src_lengths"])
    result = s2s.greedy_search(lab._forcing(step_fn, 2, forced), state, 2, max_len=12)
    outputs = ["".join(tgt_vocab.decode(np.array(seq))) for seq in result.sequences()]
    right = sum(sum(a == b for a, b in zip(o[3:], t[3:])) for o, t in zip(outputs, targets))
    assert acc == pytest.approx(right / sum(max(len(o), len(t)) - 3 for o, t in zip(outputs, targets)))
    assert 0 <= acc <= 1
    with pytest.raises(ValueError, match="position must index a digit of YYYY-MM-DD"):
        lab.forced_error_accuracy(model, sources, targets, 4)


def test_teacher_forced_accuracy_of_a_perfect_and_a_wrong_target(model):
    assert lab.teacher_forced_accuracy(model, ["27 November 2026"], ["2026-11-27"]) == 1.0
    # a wrong target: the model predicts the true date, so the mismatching characters count as errors
    assert lab.teacher_forced_accuracy(model, ["27 November 2026"], ["2026-11-28"]) == pytest.approx(10 / 11)


def test_unknown_model_name():
    with pytest.raises(ValueError, match="name must be a shipped model .*got 'big'"):
        lab.load_date_model("big")
