import base64

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils import quizbank
from course_utils.labs.widgets import Experiment, Quiz, Result, problem, render, text_html
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


def quiz_rows(quiz):
    """Per question: (option buttons, feedback widget)."""
    rows = quiz.box.children[1:-1]
    return [([option.children[0] for option in row.children[1:-1]], row.children[-1]) for row in rows]


def test_quiz_scores_the_first_try_and_the_latest_answer():
    quiz = Quiz([Q, Question("t-2", 1, "1 + 1?", ("2", "3"), 0, "Also arithmetic.")])
    (buttons1, feedback1), (buttons2, _) = quiz_rows(quiz)
    assert [b.description for b in buttons1] == ["A", "B"]
    buttons1[1].click()
    assert "First try: 1 / 2" in quiz.score.value and "(1 of 2 answered)" in quiz.score.value
    assert buttons1[1].button_style == "success" and "Correct" in feedback1.value
    buttons2[1].click()  # wrong first ...
    buttons2[0].click()  # ... then right, once the answer was shown: the first try still counts
    assert "First try: 1 / 2" in quiz.score.value and "now: 2 / 2" in quiz.score.value
    assert "(2 of 2 answered)" in quiz.score.value
    assert buttons2[0].button_style == "success" and buttons2[1].button_style == ""


def test_quiz_wrong_answer_names_the_right_letter():
    quiz = Quiz([Q])
    ok, text = quiz.answer(Q, 0)
    assert not ok and text.startswith("Not quite: the answer is B, “4”.")


def test_quiz_typesets_symbols_and_keeps_its_questions_in_the_bundle():
    quiz = Quiz([Question("t-4", 4, "What is H_{t-1} in W_hh?", ("C̃_t", "dL/dH_t"), 0, "x")])
    (buttons, _), = quiz_rows(quiz)
    prompt = quiz.box.children[1].children[0].value
    assert "$H_{t-1}$" in prompt and "$W_{hh}$" in prompt
    option_text = quiz.box.children[1].children[1].children[1].value
    assert option_text == r"$\tilde{C}_{t}$"
    bundle = quiz._repr_mimebundle_()
    assert bundle["application/vnd.course-utils.quiz+json"]["qids"] == ["t-4"]
    assert "course-quiz" in quiz.box._dom_classes


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


def test_sliders_get_a_wide_track_and_text_boxes_a_hint():
    slider, text = widgets.IntSlider(value=3), widgets.Text(value="ab")
    fixed = widgets.IntSlider(value=1, layout=widgets.Layout(width="700px"))
    narrow = widgets.IntSlider(value=1, layout=widgets.Layout(width="420px"))  # a 184 px track: widened
    exp = Experiment(lambda x, s, y, z: Result(text=s), {"x": slider, "s": text, "y": fixed, "z": narrow})
    assert slider.layout.width == "100%" and slider.layout.max_width == "640px"
    assert fixed.layout.width == "700px"  # a wide enough layout the notebook chose is kept
    assert narrow.layout.width == "100%"
    controls = exp.box.children[0].children
    assert controls[1] is text and "press Enter" in controls[2].value


def test_a_function_can_bound_a_slider_by_its_input():
    def steps(text, step):
        step = min(step, len(text))
        return Result(text=text[:step], values={"step": step, "limits": {"step": len(text)}})

    text, step = widgets.Text(value="abcdef"), widgets.IntSlider(value=5, min=1, max=60)
    exp = Experiment(steps, {"text": text, "step": step})
    assert step.max == 6 and exp.last.values["step"] == 5
    text.value = "abc"  # shorter text: the slider's maximum and value follow
    assert step.max == 3 and step.value == 3 and exp.last.values["step"] == 3


def test_experiment_text_is_wrapped_at_word_boundaries():
    words = " ".join(["gradient"] * 30)
    html = text_html(words)
    lines = html.split(">", 1)[1].rsplit("<", 1)[0].split("\n")
    assert len(lines) > 1 and all(len(line) <= 90 and line.endswith("gradient") for line in lines)
    assert "word-break:normal" in html


def test_the_bundle_keeps_the_first_figure_for_the_static_site():
    exp = Experiment(square, {"x": widgets.IntSlider(value=2)})
    png = base64.b64decode(exp._repr_mimebundle_()["image/png"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_texts_cut_off_at_the_figure_edge_are_reported():
    from course_utils.labs.widgets import clipped_texts
    fig, ax = plt.subplots(figsize=(3, 2.5))
    fig.subplots_adjust(left=0.2, bottom=0.3, top=0.85)
    ax.set_title("a title far too long to fit in a figure three inches wide, so cut")
    ax.set_xlabel("fits")
    fig.canvas.draw()
    assert clipped_texts(fig) == ["a title far too long to fit in a figure three inches wide, so cut"]
    ax.set_title("short")
    fig.canvas.draw()
    assert clipped_texts(fig) == []
    plt.close(fig)
    exp = Experiment(square, {"x": widgets.IntSlider(value=2)})
    assert exp.clipped == []


def marks(exp):
    """What the experiment's last update reported to the browser test (its hidden info widget)."""
    import html
    import json
    value = exp.info.value
    return json.loads(html.unescape(value.split('data-marks="', 1)[1].split('"', 1)[0]))


def test_the_figure_goes_to_one_persistent_image_and_the_text_beside_it():
    slider = widgets.IntSlider(value=2)
    exp = Experiment(square, {"x": slider})
    image, first = exp.image, exp.image.value
    assert first[:8] == b"\x89PNG\r\n\x1a\n" and exp.image.layout.display is None
    assert "x² = 4" in exp.text.value and exp.result_box.children == (exp.image, exp.text)
    slider.value = 3
    assert exp.image is image and exp.image.value != first and "x² = 9" in exp.text.value
    assert not plt.get_fignums()  # every figure drawn was closed
    assert marks(exp)["figure"] and marks(exp)["clipped"] == [] and marks(exp)["update"] == 2


def test_a_problem_hides_the_figure_and_shows_the_message_in_orange():
    def picky(x):
        return square(x) if x < 5 else problem(f"x must be under 5; got {x}.")

    slider = widgets.IntSlider(value=2)
    exp = Experiment(picky, {"x": slider})
    slider.value = 7
    assert exp.image.layout.display == "none" and "#B34700" in exp.text.value and "got 7" in exp.text.value
    assert not marks(exp)["figure"]
    slider.value = 1
    assert exp.image.layout.display is None and "x² = 1" in exp.text.value


def test_a_setting_shown_before_is_recalled_not_recomputed():
    calls = []

    def counted(x):
        calls.append(x)
        return square(x)

    slider = widgets.IntSlider(value=2)
    exp = Experiment(counted, {"x": slider})
    png2 = exp.image.value
    slider.value = 3
    slider.value = 2
    assert calls == [2, 3] and exp.image.value == png2 and exp.last.values == {"y": 4}
    assert marks(exp)["cached"] is True and marks(exp)["update"] == 3
    assert exp.cache[(("x", 2),)][0].fig is None  # the cache keeps PNG bytes, not open Figures
    slider.value = 4
    assert calls == [2, 3, 4] and marks(exp)["cached"] is False


def test_the_cache_is_bounded_and_can_be_turned_off():
    calls = []

    def counted(x):
        calls.append(x)
        return Result(text=str(x))

    slider = widgets.IntSlider(value=0, max=200)
    exp = Experiment(counted, {"x": slider})
    for value in range(1, Experiment.CACHE_SIZE + 10):
        slider.value = value
    assert len(exp.cache) == Experiment.CACHE_SIZE
    slider.value = 0  # the oldest settings were dropped: computed again
    assert calls[-1] == 0 and len(calls) == Experiment.CACHE_SIZE + 11
    off = Experiment(counted, {"x": widgets.IntSlider(value=5)}, cache=False)
    off.controls["x"].value = 6
    off.controls["x"].value = 5
    assert off.cache is None and calls[-3:] == [5, 6, 5]


def test_a_button_experiment_recomputes_on_every_press_by_default():
    calls = []

    def counted(x):
        calls.append(x)
        return Result(text=str(x))

    exp = Experiment(counted, {"x": widgets.IntSlider(value=1)}, button="Run")
    exp.button.click()
    exp.button.click()
    assert calls == [1, 1, 1] and exp.cache is None


def test_fast_png_draws_the_same_image_as_to_png_and_leaves_the_figure_open():
    from PIL import Image
    import io
    from course_utils.labs.widgets import WIDGET_DPI, fast_png, to_png
    fig = square(3).fig
    fast = fast_png(fig)
    assert plt.fignum_exists(fig.number) and fig.dpi == WIDGET_DPI
    slow = to_png(fig)
    a, b = (np.asarray(Image.open(io.BytesIO(data))) for data in (fast, slow))
    np.testing.assert_array_equal(a, b)  # the same pixels, only compressed faster
    assert not plt.fignum_exists(fig.number)


def test_a_figure_that_cannot_be_drawn_is_one_line_not_a_traceback():
    def undrawable(x):
        fig, ax = plt.subplots()
        ax.set_title(r"$\frac{unclosed$" if x else "fine")
        return Result(text="drawn", fig=fig)

    slider = widgets.IntSlider(value=0)
    exp = Experiment(undrawable, {"x": slider})
    slider.value = 1
    assert not exp.last.ok and exp.last.text.startswith("Could not draw the figure for these settings (ValueError")
    assert exp.image.layout.display == "none" and not plt.get_fignums()


def test_what_the_function_prints_or_warns_is_shown_under_it():
    import warnings

    def chatty(x):
        print(f"printing {x}")
        if x > 1:
            warnings.warn("x is large", RuntimeWarning)
        return Result(text="done")

    slider = widgets.IntSlider(value=1)
    exp = Experiment(chatty, {"x": slider})
    assert [o["text"] for o in exp.output.outputs] == ["printing 1\n"]
    slider.value = 2
    assert "".join(o["text"] for o in exp.output.outputs) == "printing 2\nRuntimeWarning: x is large\n"
