"""The course's quiz questions, in one place.

Each chapter's questions live in ``chNN.py`` as a list ``QUESTIONS``; a chapter's
notebook shows ``for_chapter(N)``, and the revision notebook draws from ``all_questions()``.
No question text exists anywhere else.

The options were reordered once (seed 20261130, right answers spread evenly over the
four positions of each chapter) and their lengths balanced, so that neither "always the
second" nor "always the longest" answers the quiz; the stored order is what learners see.
When you add a question, put its right answer at a position its chapter uses least and
do not make it the one long, careful option: ``tests/test_quizbank.py`` checks both.

Notebook 07 prints every question (the count and the paper sheet): after editing a
``chNN.py``, run ``make execute NOTEBOOKS=notebooks/07_exam_revision.ipynb``.
"""

import importlib
import pkgutil
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Question:
    """One multiple-choice question.

    qid : a stable identifier such as "ch01-softmax-sum".
    chapter : the notebook number it belongs to (1..6).
    options : the choices, in the order shown.
    answer : index of the correct option.
    explanation : why that answer is right (shown after any attempt).
    """

    qid: str
    chapter: int
    prompt: str
    options: tuple
    answer: int
    explanation: str

    def __post_init__(self):
        if not 0 <= self.answer < len(self.options):
            raise ValueError(f"answer must index options (0..{len(self.options) - 1}); got {self.answer} in {self.qid}")


def grade(question, choice):
    """Return (correct, feedback) for the option index ``choice`` (None: not answered)."""
    if choice is None:
        return False, "Pick an option first."
    if not 0 <= choice < len(question.options):
        raise ValueError(f"choice must be in 0..{len(question.options) - 1}; got {choice}")
    if choice == question.answer:
        return True, f"Correct. {question.explanation}"
    right = question.options[question.answer]
    return False, f"Not quite: the answer is “{right}”. {question.explanation}"


def _chapter_files():
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("ch"))


def _questions_of(name):
    return importlib.import_module(f"{__name__}.{name}").QUESTIONS


def all_questions():
    """Every question of every chapter, in chapter order (ch06b after ch06)."""
    questions = []
    for name in _chapter_files():
        questions += _questions_of(name)
    return questions


def for_chapter(chapter):
    """The questions of one notebook: ``for_chapter(4)`` (file ch04.py) or ``for_chapter("06b")`` (ch06b.py).

    A part-chapter's questions carry the number of the chapter they extend (6 for 06b), so
    the revision sheet sorts them there; ``for_chapter(6)`` still shows only ch06.py's.
    """
    name = f"ch{chapter}" if isinstance(chapter, str) else f"ch{chapter:02d}" if isinstance(chapter, int) else None
    if name not in _chapter_files():
        raise ValueError(f"chapter must be a chapter with questions; got {chapter!r}")
    return _questions_of(name)


def random_set(n, rng):
    """``n`` distinct questions drawn with ``rng`` from the whole bank."""
    bank = all_questions()
    if not 1 <= n <= len(bank):
        raise ValueError(f"n must be between 1 and {len(bank)}; got {n!r}")
    return [bank[i] for i in rng.choice(len(bank), size=n, replace=False)]
