"""A thin layer between experiment functions and ipywidgets.

An experiment is a plain function of its controls that returns a ``Result``
(a figure, a text, and the numbers behind them). Tests call the function
directly; notebooks wrap it with ``Experiment(fn, controls)``, which builds the
controls, calls the function on every change and shows what it returned. A
problem the learner caused (a learning rate that makes training diverge, an
unknown character typed in a box) is reported by the function as a readable
``Result(ok=False, text=...)``; anything unexpected is still caught here and
shown as one line, never as a traceback.

Quizzes use the same layer: ``Quiz(questions)`` shows multiple-choice questions
with instant feedback and a running score; ``grade`` is the testable part.
"""

import io
import time
from dataclasses import dataclass, field

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import HTML, Image, display

from ..quizbank import Question, grade  # noqa: F401  (the data live in the core; re-exported)


@dataclass
class Result:
    """What an experiment returns.

    text : shown under the figure (plain text; keep it short).
    fig : a matplotlib Figure or None.
    values : the numbers behind the figure/text, for tests and benchmarks.
    ok : False when ``text`` explains why nothing sensible could be computed.
    """

    text: str = ""
    fig: object = None
    values: dict = field(default_factory=dict)
    ok: bool = True


def problem(message, **values):
    """A Result that reports a problem the learner can fix (no figure)."""
    return Result(text=message, values=values, ok=False)


def show(result):
    """Show a Result in a notebook cell: its figure (then closed, so it is not shown twice) and its text."""
    if result.fig is not None:
        display(result.fig)
        plt.close(result.fig)
    if result.text:
        print(result.text)
    return None


def to_png(fig):
    """Draw a figure to PNG bytes once, at its own dpi, and close it.

    Widgets show figures through this (not through the inline backend, whose
    'tight' bounding box draws every figure twice), so what the benchmarks time
    is exactly what a slider move costs.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi)
    plt.close(fig)
    return buffer.getvalue()


def render(fn, **controls):
    """Call an experiment and draw its figure to PNG exactly as the widget does.

    Returns (result, seconds). The benchmarks time widget updates with this.
    """
    start = time.perf_counter()
    result = fn(**controls)
    if result.fig is not None:
        to_png(result.fig)
    return result, time.perf_counter() - start


class Experiment:
    """Controls + output area around ``fn(**controls) -> Result``.

    ``controls`` maps each keyword of ``fn`` to an ipywidgets control. With
    ``button="Train"`` the function runs only when the button is pressed (for
    work over ~0.1 s); otherwise it runs whenever a control changes (sliders
    update when released). The widget shows the result of the initial values
    as soon as it is displayed.
    """

    def __init__(self, fn, controls, title="", button=None):
        self.fn, self.controls, self.title = fn, dict(controls), title
        for control in self.controls.values():
            if hasattr(control, "continuous_update"):
                control.continuous_update = False
            # ipywidgets cuts descriptions at ~80 px ("hidden un..."): give them room
            style = getattr(control, "style", None)
            if style is not None and hasattr(style, "description_width") and not style.description_width:
                style.description_width = "140px"
        self.output = widgets.Output()
        self.status = widgets.HTML()
        children = []
        if title:
            children.append(widgets.HTML(f"<b>{title}</b>"))
        children.append(widgets.VBox(list(self.controls.values())))
        if button:
            self.button = widgets.Button(description=button, button_style="primary")
            self.button.on_click(lambda _: self.update())
            children.append(self.button)
        else:
            self.button = None
            for control in self.controls.values():
                control.observe(lambda _: self.update(), names="value")
        children += [self.status, self.output]
        self.box = widgets.VBox(children)
        self.last = None
        self.update()

    def values(self):
        return {name: control.value for name, control in self.controls.items()}

    def update(self):
        self.status.value = "<i>computing…</i>"
        with self.output:
            self.output.clear_output(wait=True)
            try:
                result = self.fn(**self.values())
            except Exception as exc:  # a bug, not a learner's mistake: say so in one line
                result = problem(f"Could not run with these settings ({type(exc).__name__}: {exc}).")
            self.last = result
            if result.fig is not None:
                display(Image(to_png(result.fig)))
            if result.text:
                colour = "inherit" if result.ok else "#D55E00"
                display(HTML(f"<pre style='color:{colour};white-space:pre-wrap'>{_escape(result.text)}</pre>"))
        self.status.value = ""

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.box._repr_mimebundle_(**kwargs)
        # Shown when the notebook is opened before running it (no live kernel):
        # a hint instead of the raw widget repr. It is also what nbval compares.
        name = f" '{self.title}'" if self.title else ""
        bundle["text/plain"] = f"Interactive experiment{name}: run this cell to use its controls."
        return bundle


def _escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- quizzes -----------------------------------------------------------------

class Quiz:
    """Questions with a Check button each and a running score."""

    def __init__(self, questions, title="Check your understanding"):
        if not questions:
            raise ValueError("questions must be a non-empty list of Question")
        self.questions = list(questions)
        self.correct = {}
        self.score = widgets.HTML()
        rows = [widgets.HTML(f"<h4>{title}</h4>")]
        for number, question in enumerate(self.questions, 1):
            rows.append(self._row(number, question))
        rows.append(self.score)
        self._refresh_score()
        self.box = widgets.VBox(rows)

    def _row(self, number, question):
        # escaped: prompts mention tokens such as <bos>, which HTML would swallow
        prompt = widgets.HTMLMath(f"<b>{number}.</b> {_escape(question.prompt)}")
        choice = widgets.RadioButtons(options=[(o, i) for i, o in enumerate(question.options)],
                                      value=None, layout=widgets.Layout(width="auto"))
        feedback = widgets.HTMLMath()
        check = widgets.Button(description="Check")

        def on_check(_):
            ok, text = grade(question, choice.value)
            if choice.value is not None:
                self.correct[question.qid] = ok
            colour = "#009E73" if ok else "#D55E00"
            feedback.value = f"<span style='color:{colour}'>{_escape(text)}</span>"
            self._refresh_score()

        check.on_click(on_check)
        return widgets.VBox([prompt, choice, check, feedback])

    def _refresh_score(self):
        answered = len(self.correct)
        right = sum(self.correct.values())
        self.score.value = f"<b>Score: {right} / {len(self.questions)}</b> ({answered} answered)"

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.box._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = f"Quiz with {len(self.questions)} questions: run this cell to answer them."
        return bundle
