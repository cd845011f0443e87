"""course_utils.labs.revision_lab: flash cards, the cell-path widget, the timed quiz."""

import numpy as np
import pytest

from course_utils import lstm, quizbank, revision
from course_utils.labs import revision_lab
from course_utils.quizbank import Question
from course_utils.labs.widgets import Quiz

Q = [Question("t-1", 1, "2 + 2?", ("3", "4"), 1, "Arithmetic."),
     Question("t-2", 1, "1 + 1?", ("2", "3"), 0, "Also arithmetic.")]


def test_flash_card_flips_between_term_and_meaning():
    front = revision_lab.flash_card(card=1, face="term")
    back = revision_lab.flash_card(card=1, face="meaning")
    first = revision.GLOSSARY[0]
    assert front.ok and back.ok
    assert first.english in front.text and first.chinese in front.text and first.meaning not in front.text
    assert first.meaning in back.text and first.chinese not in back.text


def test_flash_card_decks_hold_one_chapter_and_wrap_around():
    chapter_4 = [t for t in revision.GLOSSARY if t.chapter == 4]
    result = revision_lab.flash_card(card=len(chapter_4) + 2, face="term", deck="chapter 04")
    assert result.values == {"term": chapter_4[1].english, "face": "term", "card": 2, "cards": len(chapter_4)}
    assert f"card 2 of {len(chapter_4)}" in result.text


@pytest.mark.parametrize("kwargs, message", [
    ({"card": 0}, "card must be a whole number from 1; got 0."),
    ({"card": 2.5}, "card must be a whole number from 1; got 2.5."),
    ({"face": "back"}, "face must be 'term' or 'meaning'; got 'back'."),
    ({"deck": "chapter 09"}, "deck must be one of all chapters, chapter 01,"),
])
def test_flash_card_reports_bad_controls(kwargs, message):
    result = revision_lab.flash_card(**kwargs)
    assert not result.ok and result.text.startswith(message)


def test_cell_path_is_the_product_of_the_last_forget_gates():
    result = revision_lab.cell_path_experiment(forget_bias=1.0, steps=12)
    X = np.random.default_rng(5).normal(size=(1, 12, 4))
    params = lstm.init_lstm_params(4, 8, np.random.default_rng(6), forget_bias=1.0)
    F = lstm.gate_values(lstm.lstm_forward(X, None, params)[2])["F"][0]
    for k in (1, 5, 12):
        expected = np.mean([np.prod(F[12 - k:, j]) for j in range(8)])
        assert result.values["kept"][k - 1] == pytest.approx(expected, rel=1e-12)
    assert np.all(np.diff(result.values["kept"]) < 0)   # every factor is below 1


def test_a_large_forget_bias_keeps_the_cell_path_open():
    low = revision_lab.cell_path_experiment(forget_bias=0.0, steps=100).values["kept"][-1]
    high = revision_lab.cell_path_experiment(forget_bias=8.0, steps=100).values["kept"][-1]
    assert low < 1e-20 and high > 0.9


@pytest.mark.parametrize("kwargs, message", [
    ({"forget_bias": 9.0}, "forget_bias must be between −4 and 8; got 9.0."),
    ({"forget_bias": float("nan")}, "forget_bias must be between −4 and 8; got nan."),
    ({"forget_bias": ""}, "forget_bias must be a number between −4 and 8; got ''."),
    ({"forget_bias": None}, "forget_bias must be a number between −4 and 8; got None."),
    ({"steps": float("nan")}, "steps must be a whole number from 2 to 400; got nan."),
    ({"steps": True}, "steps must be a whole number from 2 to 400; got True."),
    ({"steps": 1}, "steps must be a whole number from 2 to 400; got 1."),
    ({"steps": 500}, "steps must be a whole number from 2 to 400; got 500."),
])
def test_cell_path_reports_bad_controls(kwargs, message):
    result = revision_lab.cell_path_experiment(**kwargs)
    assert not result.ok and result.fig is None and result.text == message


def _answer(quiz, row, option):
    rows = quiz.box.children[1].children[1:-1]
    rows[row].children[1 + option].children[0].click()   # the option's letter button


def test_timed_quiz_counts_answers_before_the_bell_only():
    now = [100.0]
    quiz = revision_lab.TimedQuiz(Q, seconds=60, clock=lambda: now[0])
    assert quiz.timer.playing and quiz.timer.max == 60
    assert "1:00" in quiz.clock_label.value
    now[0] = 130.0
    _answer(quiz, 0, 1)
    assert "First try: 1 / 2" in quiz.score.value and "0:30" in quiz.clock_label.value
    now[0] = 161.0
    _answer(quiz, 1, 0)           # right, but late
    assert "First try: 1 / 2" in quiz.score.value and "now: 1 / 2" in quiz.score.value
    assert "1 answered after the time was up" in quiz.score.value
    assert "Time is up" in quiz.clock_label.value and not quiz.timer.playing
    assert "Correct" in quiz.box.children[1].children[2].children[-1].value   # feedback is still given


def test_timed_quiz_ticks_update_the_clock():
    now = [0.0]
    quiz = revision_lab.TimedQuiz(Q, seconds=90, clock=lambda: now[0])
    now[0] = 75.0
    quiz.timer.value = 75          # what the browser's Play widget does every second
    assert "0:15" in quiz.clock_label.value
    assert quiz._repr_mimebundle_()["text/plain"] == "Timed quiz with 2 questions: run this cell to start the clock."


def test_timed_quiz_rejects_a_bad_duration():
    with pytest.raises(ValueError, match="seconds must be a whole number of at least 1; got 0"):
        revision_lab.TimedQuiz(Q, seconds=0)
    with pytest.raises(ValueError, match="minutes must be a whole number of at least 1; got 0.5"):
        revision_lab.timed_quiz(np.random.default_rng(0), minutes=0.5)


def test_timed_quiz_draws_distinct_questions_from_the_bank_reproducibly():
    a = revision_lab.timed_quiz(np.random.default_rng(3), n=5, minutes=2)
    b = revision_lab.timed_quiz(np.random.default_rng(3), n=5, minutes=2)
    ids = [q.qid for q in a.questions]
    assert ids == [q.qid for q in b.questions] and len(set(ids)) == 5
    assert set(ids) <= {q.qid for q in quizbank.all_questions()}
    assert a.seconds == 120


def test_second_timed_set_draws_only_unanswered_questions():
    first = revision_lab.timed_quiz(np.random.default_rng(3), n=5, minutes=2)
    whole = Quiz(quizbank.all_questions()[:12])
    for q in whole.questions[:2]:          # what checking two answers records (widgets tests cover the clicks)
        whole.first[q.qid] = True
    second = revision_lab.timed_quiz(np.random.default_rng(4), n=10, minutes=2, after=[first, whole])
    ids = {q.qid for q in second.questions}
    assert len(ids) == 10 and not ids & {q.qid for q in first.questions}
    assert not ids & set(whole.first) and len(whole.first) == 2
    with pytest.raises(ValueError, match="after must hold Quiz or TimedQuiz objects"):
        revision_lab.timed_quiz(np.random.default_rng(0), after=["not a quiz"])
