"""Chapter 07's widgets over the revision data of ``course_utils.revision``: flash cards,
how much of the gradient the LSTM's cell path keeps (a slider), and a timed random quiz.
"""

import time
from numbers import Real

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from .. import lstm, quizbank
from .._validate import is_whole
from ..plotting import CELL_COLOURS, PALETTE
from ..revision import DECKS, GLOSSARY
from .widgets import Quiz, Result, problem


def flash_card(card=1, face="term", deck="all chapters"):
    """Widget function: card number ``card`` of ``deck`` (1-based; past the last card the deck starts
    again), showing its term (English and 中文) or its one-sentence meaning."""
    if deck not in DECKS:
        return problem(f"deck must be one of {', '.join(DECKS)}; got {deck!r}.")
    if face not in ("term", "meaning"):
        return problem(f"face must be 'term' or 'meaning'; got {face!r}.")
    if not is_whole(card, low=1):
        return problem(f"card must be a whole number from 1; got {card!r}.")
    terms = GLOSSARY if deck == DECKS[0] else [t for t in GLOSSARY if t.chapter == int(deck.split()[-1])]
    number = (card - 1) % len(terms) + 1
    term = terms[number - 1]
    body = f"{term.english}\n{term.chinese}" if face == "term" else term.meaning
    text = f"card {number} of {len(terms)} · {deck} · {'term' if face == 'term' else 'meaning'}\n\n{body}"
    return Result(text=text, values={"term": term.english, "face": face, "card": number, "cards": len(terms)})


# --- widget: how much of the gradient the LSTM's cell path keeps ------------------------

def cell_path_experiment(forget_bias=1.0, steps=50):
    """Widget function: Π F_t along the cell path of a random LSTM (D = 4, H = 8), for distances 1..steps.

    ∂C_T/∂C_{T-k} along the cell path alone is the elementwise product of the last k
    forget gates, so the plot shows how much of the gradient reaches k steps back
    when only the cell path carries it. forget_bias is the initial b_f (−4..8),
    steps the sequence length T (2..400).
    """
    if isinstance(forget_bias, bool) or not isinstance(forget_bias, Real):
        return problem(f"forget_bias must be a number between −4 and 8; got {forget_bias!r}.")
    if not -4 <= forget_bias <= 8:
        return problem(f"forget_bias must be between −4 and 8; got {forget_bias}.")
    if not is_whole(steps, 2, 400):
        return problem(f"steps must be a whole number from 2 to 400; got {steps!r}.")
    X = np.random.default_rng(5).normal(size=(1, steps, 4))
    params = lstm.init_lstm_params(4, 8, np.random.default_rng(6), forget_bias=forget_bias)
    F = lstm.gate_values(lstm.lstm_forward(X, None, params)[2])["F"][0]          # (T, H)
    kept = np.cumprod(F[::-1], axis=0).mean(axis=1)                               # k = 1..T steps back
    distance = np.arange(1, steps + 1)
    # log10 on a linear axis with fixed limits: plain tick labels draw fast, and moving
    # a slider compares like with like; below 1e-16 nothing is left in float64
    fig, ax = plt.subplots(figsize=(6, 3), dpi=72)
    fig.subplots_adjust(left=0.12, right=0.97, bottom=0.17, top=0.9)
    ax.plot(distance, np.log10(np.maximum(kept, 1e-16)), color=CELL_COLOURS["lstm"], label=f"LSTM cell path, b_f = {forget_bias:g}")
    ax.axhline(0.0, color=PALETTE[7], ls="--", label="F_t = 1 exactly (nothing forgotten)")
    ax.set_xlabel("steps back k")
    ax.set_ylabel("log10 mean Π F (last k steps)")
    ax.set_title("Forget gates below 1 still make the cell-path gradient vanish", fontsize=10)
    ax.set_ylim(-16.5, 0.5)
    ax.set_yticks([-16, -12, -8, -4, 0])
    ax.legend(fontsize=8, loc="lower left")
    text = (f"mean forget gate {F.mean():.3f}; after {steps} steps the cell path keeps {kept[-1]:.1e} of the gradient "
            f"(F̄^T = {F.mean() ** steps:.1e})")
    return Result(text=text, fig=fig, values={"kept": kept, "mean_forget": float(F.mean())})


# --- the timed random quiz ---------------------------------------------------------------

class _ScoreSheet(dict):
    """Quiz.first / Quiz.now that ignore answers given after the time is up (they still get feedback)."""

    def __init__(self, is_open):
        super().__init__()
        self.is_open, self.late = is_open, set()

    def __setitem__(self, qid, ok):
        if self.is_open():
            super().__setitem__(qid, ok)
        else:
            self.late.add(qid)


class TimedQuiz(Quiz):
    """A Quiz with a countdown: the clock starts when it is displayed; answers after it ends do not count.

    The countdown is an ipywidgets Play widget, which ticks in the browser every
    second; the kernel's clock (``clock``, injectable for tests) decides whether time is up.
    """

    def __init__(self, questions, seconds=600, title="Timed revision", clock=time.monotonic):
        if not is_whole(seconds, low=1):
            raise ValueError(f"seconds must be a whole number of at least 1; got {seconds!r}")
        self.seconds, self.clock, self.started = int(seconds), clock, clock()
        super().__init__(questions, title=f"{title}: {len(questions)} questions, {self.seconds // 60}:{self.seconds % 60:02d}")
        self.first, self.now = (_ScoreSheet(lambda: self.time_left() > 0) for _ in range(2))
        self.timer = widgets.Play(value=0, min=0, max=self.seconds, interval=1000, show_repeat=False,
                                  description="clock")
        self.clock_label = widgets.HTML()
        self.timer.observe(lambda _: self._refresh_score(), names="value")
        self.box = widgets.VBox([widgets.HBox([self.timer, self.clock_label]), self.box])
        self._refresh_score()
        self.timer.playing = True

    def time_left(self):
        return max(0.0, self.seconds - (self.clock() - self.started))

    def _refresh_score(self):
        super()._refresh_score()
        if not hasattr(self, "clock_label"):
            return   # called by Quiz.__init__ before the clock exists
        left = self.time_left()
        if left > 0:
            self.clock_label.value = f"<b>{int(left) // 60}:{int(left) % 60:02d}</b> left"
        else:
            self.clock_label.value = "<b style='color:#D55E00'>Time is up.</b> Answers checked now get feedback but no score."
            self.timer.playing = False
        late = self.first.late if isinstance(self.first, _ScoreSheet) else ()
        if late:
            self.score.value += f" — {len(late)} answered after the time was up (not counted)"

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = f"Timed quiz with {len(self.questions)} questions: run this cell to start the clock."
        return bundle


def timed_quiz(rng, n=10, minutes=10, after=()):
    """``n`` questions drawn with ``rng`` from the quiz bank, ``minutes`` on the clock.

    after : quizzes already taken this session (the first timed set, the whole-bank Quiz). Their
    answered questions, and every question a timed set showed, are left out, so a second timed set
    asks only what has not been answered yet (fewer than ``n`` if fewer are left).
    """
    if not is_whole(minutes, low=1):
        raise ValueError(f"minutes must be a whole number of at least 1; got {minutes!r}")
    seen = set()
    for quiz in after:
        if not hasattr(quiz, "first"):
            raise ValueError(f"after must hold Quiz or TimedQuiz objects; got {type(quiz).__name__}")
        seen |= set(quiz.first)
        if isinstance(quiz, TimedQuiz):
            seen |= {q.qid for q in quiz.questions}
    if not seen:
        return TimedQuiz(quizbank.random_set(n, rng), seconds=60 * minutes)
    pool = [q for q in quizbank.all_questions() if q.qid not in seen]
    if not pool:
        raise ValueError("after: every question of the bank has been answered already")
    picked = rng.choice(len(pool), size=min(n, len(pool)), replace=False)
    return TimedQuiz([pool[i] for i in picked], seconds=60 * minutes, title="Timed revision, unanswered questions")
