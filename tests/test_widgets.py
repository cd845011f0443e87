import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils import quizbank
from course_utils.labs.widgets import Experiment, Quiz, Result, problem, render
from course_utils.quizbank import Question, grade


def square(x):
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, x])
    return Result(text=f"x² = {x * x}", fig=fig, values={"y": x * x})


def test_experiment_runs_the_function_with_the_control_values():
    slider = widgets.IntSlider(value=3, min=0, max=10)
    exp = Experiment(square, {"x": slider}, title="square")
    assert exp.last.values == {"y": 9}
    slider.value = 4  # moving a control recomputes
    assert exp.last.values == {"y": 16}
    assert slider.continuous_update is False
    assert slider.style.description_width == "140px"  # long labels are not cut
    assert exp._repr_mimebundle_()["text/plain"] == "Interactive experiment 'square': run this cell to use its controls."


def test_experiment_with_button_waits_for_the_click():
    slider = widgets.IntSlider(value=2)
    exp = Experiment(square, {"x": slider}, button="Run")
    slider.value = 5
    assert exp.last.values == {"y": 4}
    exp.button.click()
    assert exp.last.values == {"y": 25}


def test_a_crashing_experiment_shows_one_line_not_a_traceback():
    def broken(x):
        raise ZeroDivisionError("division by zero")

    exp = Experiment(broken, {"x": widgets.IntSlider()})
    assert not exp.last.ok
    assert exp.last.text == "Could not run with these settings (ZeroDivisionError: division by zero)."


def test_render_times_the_figure_too():
    result, seconds = render(square, x=2)
    assert result.values["y"] == 4 and seconds > 0
    assert not plt.get_fignums()  # the figure was closed


def test_problem_result():
    r = problem("diverged at step 3", step=3)
    assert not r.ok and r.fig is None and r.values == {"step": 3}


Q = Question("t-1", 1, "2 + 2?", ("3", "4"), 1, "Arithmetic.")


def test_grade():
    assert grade(Q, 1) == (True, "Correct. Arithmetic.")
    ok, text = grade(Q, 0)
    assert not ok and "the answer is “4”" in text
    assert grade(Q, None) == (False, "Pick an option first.")
    with pytest.raises(ValueError, match="choice must be in 0..1; got 2"):
        grade(Q, 2)


def test_quiz_scores_answers():
    quiz = Quiz([Q, Question("t-2", 1, "1 + 1?", ("2", "3"), 0, "Also arithmetic.")])
    rows = quiz.box.children[1:-1]
    radio, check = rows[0].children[1], rows[0].children[2]
    radio.value = 1
    check.click()
    assert "Score: 1 / 2" in quiz.score.value and "(1 answered)" in quiz.score.value
    radio2, check2 = rows[1].children[1], rows[1].children[2]
    radio2.value = 1
    check2.click()
    assert "Score: 1 / 2" in quiz.score.value and "(2 answered)" in quiz.score.value


def test_question_answer_must_index_options():
    with pytest.raises(ValueError, match="answer must index options"):
        Question("bad", 1, "?", ("a",), 1, "")


def test_quiz_bank_is_consistent():
    bank = quizbank.all_questions()
    ids = [q.qid for q in bank]
    assert len(ids) == len(set(ids)), "question ids must be unique"
    prompts = [q.prompt for q in bank]
    assert len(prompts) == len(set(prompts)), "no question text twice"
    for q in bank:
        assert len(q.options) >= 2 and q.explanation
        assert q.qid.startswith(f"ch{q.chapter:02d}-")
    picked = quizbank.random_set(3, np.random.default_rng(0))
    assert len({q.qid for q in picked}) == 3
    with pytest.raises(ValueError, match="chapter must be a chapter with questions; got 99"):
        quizbank.for_chapter(99)


def test_show_prints_the_text_and_closes_the_figure(capsys):
    from course_utils.labs.widgets import show
    show(square(3))
    assert capsys.readouterr().out.endswith("x² = 9\n")  # outside a notebook display() prints a repr first
    assert not plt.get_fignums()


def test_to_png_returns_png_bytes():
    from course_utils.labs.widgets import to_png
    data = to_png(square(2).fig)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"


def test_quiz_prompts_are_escaped_so_tokens_stay_visible():
    quiz = Quiz([Question("t-3", 6, "What does <bos> start?", ("decoding", "nothing"), 0, "It starts decoding.")])
    prompt_html = quiz.box.children[1].children[0].value
    assert "&lt;bos&gt;" in prompt_html
