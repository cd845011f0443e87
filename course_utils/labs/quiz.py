"""Multiple-choice quizzes with instant feedback, and their static (site) form.

``Quiz(questions)`` shows each question with its options as rows "A  option text":
a letter button and the option typeset (symbols such as ``H_{t-1}`` through
MathJax, long options wrapping onto as many lines as they need, so no option can
hide another). Clicking a letter answers; the feedback appears under the question.
The score counts each question's *first* answer ("first try"), because once the
right answer is shown a second click proves nothing; "now" counts the latest answers.

``grade`` is the testable part; ``quiz_html`` renders the same questions for the
static site, answers folded in ``<details>``: the quiz bank stays the single source.
"""

import json

import ipywidgets as widgets

from ..quizbank import grade
from ..textfmt import math_html

LETTERS = "ABCDEFGHIJ"
# Machine-readable form of a displayed quiz (its question ids), stored with the
# notebook's outputs; tools/build_site.py renders the questions from the quiz bank.
QUIZ_MIME = "application/vnd.course-utils.quiz+json"

# The quiz's own styles, scoped to its box: wrapped option text, room after feedback.
STYLE = """<style>
.course-quiz .course-quiz-question { margin: 0 0 1.4em 0; }
.course-quiz .course-quiz-option { align-items: flex-start; margin: 2px 0; }
.course-quiz .course-quiz-option .widget-html,
.course-quiz .course-quiz-option .jupyter-widget-html { flex: 1 1 auto; min-width: 0; height: auto; }
.course-quiz .course-quiz-option .widget-html-content { white-space: normal; line-height: 1.45;
  overflow-wrap: break-word; word-break: normal; height: auto; padding: 6px 0 0 0.4em; }
.course-quiz .course-quiz-feedback .widget-html-content { white-space: normal; line-height: 1.45;
  word-break: normal; height: auto; }
.course-quiz .widget-html-content { word-break: normal; }
</style>"""


class Quiz:
    """Questions answered by clicking an option's letter, with a first-try and a current score."""

    def __init__(self, questions, title="Check your understanding"):
        if not questions:
            raise ValueError("questions must be a non-empty list of Question")
        self.questions, self.title = list(questions), title
        self.first, self.now = {}, {}  # qid -> correct? (first answer, latest answer)
        self.score = widgets.HTML()
        rows = [widgets.HTML(STYLE + f"<h4>{math_html(title)}</h4>")]
        rows += [self._row(number, q) for number, q in enumerate(self.questions, 1)]
        rows.append(self.score)
        self._refresh_score()
        self.box = widgets.VBox(rows, layout=widgets.Layout(width="100%", max_width="56em"))
        self.box.add_class("course-quiz")

    def _row(self, number, question):
        prompt = widgets.HTMLMath(f"<b>{number}.</b> {math_html(question.prompt)}")
        feedback = widgets.HTMLMath()
        feedback.add_class("course-quiz-feedback")
        buttons, options = [], []
        for index, text in enumerate(question.options):
            button = widgets.Button(description=LETTERS[index], tooltip=f"answer {LETTERS[index]}",
                                    layout=widgets.Layout(width="2.6em", min_width="2.6em", flex="0 0 auto"))
            button.on_click(lambda _, i=index: self.answer(question, i, buttons, feedback))
            label = widgets.HTMLMath(math_html(text), layout=widgets.Layout(width="auto"))
            row = widgets.HBox([button, label], layout=widgets.Layout(width="100%"))
            row.add_class("course-quiz-option")
            buttons.append(button)
            options.append(row)
        box = widgets.VBox([prompt, *options, feedback], layout=widgets.Layout(width="100%"))
        box.add_class("course-quiz-question")
        return box

    def answer(self, question, choice, buttons=(), feedback=None):
        """Record ``choice`` (an option index) for ``question``; returns (correct, feedback text)."""
        ok, text = grade(question, choice)
        if not ok:  # name the right option by its letter, as the buttons do
            text = text.replace("the answer is “", f"the answer is {LETTERS[question.answer]}, “", 1)
        if question.qid not in self.first:  # not setdefault: a subclass may filter what is stored
            self.first[question.qid] = ok
        self.now[question.qid] = ok
        for index, button in enumerate(buttons):
            button.button_style = ("success" if ok else "danger") if index == choice else ""
        if feedback is not None:
            colour = "#007A5A" if ok else "#B34700"
            feedback.value = f"<span style='color:{colour}'>{math_html(text)}</span>"
        self._refresh_score()
        return ok, text

    def _refresh_score(self):
        n = len(self.questions)
        first, now = sum(self.first.values()), sum(self.now.values())
        self.score.value = (f"<b>First try: {first} / {n}</b> · now: {now} / {n} "
                            f"({len(self.first)} of {n} answered)")

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.box._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = f"Quiz with {len(self.questions)} questions: run this cell to answer them."
        bundle[QUIZ_MIME] = {"title": self.title, "qids": [q.qid for q in self.questions]}
        return bundle


def quiz_html(questions, title="Check your understanding"):
    """The static form of a quiz: numbered questions, lettered options, the answer folded."""
    items = []
    for q in questions:
        options = "".join(f"<li><b>{LETTERS[i]}</b>&nbsp; {math_html(o)}</li>" for i, o in enumerate(q.options))
        items.append(
            f"<li class='quiz-question' id='quiz-{q.qid}'><p>{math_html(q.prompt)}</p>"
            f"<ul class='quiz-options'>{options}</ul>"
            f"<details><summary>Answer</summary><p><b>{LETTERS[q.answer]}</b>: {math_html(q.explanation)}</p>"
            "</details></li>")
    return (f"<section class='static-quiz'><h4>{math_html(title)}</h4>"
            f"<ol class='quiz-list'>{''.join(items)}</ol></section>")


def quiz_from_bundle(data, bank):
    """(title, questions) of a stored QUIZ_MIME bundle, looked up in ``bank`` (qid -> Question)."""
    if isinstance(data, str):
        data = json.loads(data)
    missing = [qid for qid in data["qids"] if qid not in bank]
    if missing:
        raise ValueError(f"quiz lists questions that are not in the quiz bank: {missing}")
    return data.get("title", "Check your understanding"), [bank[qid] for qid in data["qids"]]
