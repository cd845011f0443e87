"""Hand-calculation drills (计算题): seeded problems with small round numbers (chapter 07).

Each drill is what an exam asks to compute by hand: one RNN/LSTM/GRU step with
2-dimensional vectors, a parameter count, attention weights, a beam table, clipping,
a scalar BPTT, perplexity... ``generate(kind, seed)`` returns a ``Drill`` with

    question   the text to solve (the numbers drawn from the seed)
    steps      the worked solution, one named intermediate per line, with its value
    data       the given numbers (the tests recompute every step with course_utils)

``check(drill, answers)`` compares a student's intermediates with the solution (absolute
tolerance 0.01 plus 1 % relative, enough for answers rounded to 2–3 decimals) and names the
first wrong one. ``render`` prints drills and builds the practice paper (``make practice-paper``).

    drill = generate("rnn_step", seed=3)
    print(drill.question)
    print(check(drill, {"A": [0.5, -1.0], "H_t": [0.46, -0.76]}).message)
"""

from dataclasses import dataclass, field

import numpy as np

from .._validate import check_choice

ABS_TOL, REL_TOL = 0.01, 0.01
KINDS = {}   # kind -> (generator, English title, Chinese title); filled by the modules below


@dataclass(frozen=True)
class Step:
    """One line of the worked solution: ``name`` (what the student enters), how it is computed, its value."""
    name: str
    work: str
    value: object     # float, or a tuple of floats (a vector), or a string (a choice such as "b a")


@dataclass
class Drill:
    kind: str
    seed: int
    title: str
    title_zh: str
    question: str
    steps: list
    data: dict = field(default_factory=dict)

    def step(self, name):
        for s in self.steps:
            if s.name == name:
                return s
        raise ValueError(f"name must be one of the steps {[s.name for s in self.steps]}; got {name!r}")

    @property
    def answer(self):
        """The last step: the final answer."""
        return self.steps[-1]


def drill(kind, title, title_zh):
    """Register a generator ``fn(rng) -> (question, steps, data)`` under ``kind``."""
    def register(fn):
        KINDS[kind] = (fn, title, title_zh)
        return fn
    return register


def generate(kind, seed=0):
    """The drill of type ``kind`` drawn with ``seed`` (same seed, same numbers)."""
    check_choice("kind", kind, KINDS)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer; got {seed!r}")
    fn, title, title_zh = KINDS[kind]
    question, steps, data = fn(np.random.default_rng([int(seed), sorted(KINDS).index(kind)]))
    return Drill(kind, int(seed), title, title_zh, question, steps, data)


# --- numbers as students write them -----------------------------------------------------

def num(x, digits=3):
    """0.5 -> '0.5', 2.0 -> '2', -0.76159 -> '-0.762' (at most ``digits`` decimals, no trailing zeros)."""
    text = f"{float(x):.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def par(x, digits=3):
    """num() in parentheses when negative, for products and powers: (-1)·0.5, (-0.8)²."""
    text = num(x, digits)
    return f"({text})" if text.startswith("-") else text


def vec(values, digits=3):
    """[0.5, -1] -> '[0.5, -1]'."""
    return "[" + ", ".join(num(v, digits) for v in np.ravel(values)) + "]"


def mat(M):
    """A matrix by rows: [[1, 0], [0.5, -1]]."""
    return "[" + ", ".join(vec(row) for row in np.atleast_2d(M)) + "]"


def value(x):
    """What a Step stores: a float for a scalar, a tuple of floats for a vector, a string as it is."""
    if isinstance(x, str):
        return x
    a = np.asarray(x, dtype=float).ravel()
    return float(a[0]) if a.size == 1 else tuple(float(v) for v in a)


def round_pick(rng, choices, shape=None):
    return rng.choice(np.asarray(choices, dtype=float), size=shape)


# --- checking answers -------------------------------------------------------------------

@dataclass
class CheckResult:
    ok: bool                 # every entered step agrees and the final answer was entered
    first_wrong: str = None  # name of the first step that disagrees, or None
    message: str = ""
    checked: list = field(default_factory=list)   # names of the steps that were entered


def parse_value(text):
    """'0.46, -0.76' or '[0.46 -0.76]' -> (0.46, -0.76); '2' -> 2.0; other text is kept (stripped)."""
    if not isinstance(text, str):
        return value(text)
    cleaned = text.replace("[", " ").replace("]", " ").replace("(", " ").replace(")", " ").replace(",", " ")
    parts = cleaned.split()
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        return " ".join(text.split())
    if not numbers:
        return ""
    return numbers[0] if len(numbers) == 1 else tuple(numbers)


def agrees(given, expected):
    """Numbers within ABS_TOL + REL_TOL·|expected| (same length for vectors); strings equal ignoring case."""
    if isinstance(expected, str) or isinstance(given, str):
        return isinstance(given, str) and isinstance(expected, str) and \
            " ".join(given.lower().split()) == " ".join(expected.lower().split())
    g, e = np.atleast_1d(np.asarray(given, dtype=float)), np.atleast_1d(np.asarray(expected, dtype=float))
    return g.shape == e.shape and bool(np.all(np.abs(g - e) <= ABS_TOL + REL_TOL * np.abs(e)))


def check(drill, answers):
    """Compare ``answers`` {step name: value or text} with the worked solution, in solution order.

    Steps left out (or empty) are skipped; the first entered step that disagrees is named with
    the expected value and how it is computed, so the student sees where the work went wrong.
    """
    if not isinstance(answers, dict):
        raise ValueError(f"answers must be a dict {{step name: value}}; got {type(answers).__name__}")
    names = [s.name for s in drill.steps]
    unknown = sorted(set(answers) - set(names))
    if unknown:
        raise ValueError(f"answers must use the step names {names}; got unknown {unknown}")
    checked = []
    for step in drill.steps:
        raw = answers.get(step.name)
        given = parse_value(raw) if raw is not None else ""
        if given == "":
            continue
        checked.append(step.name)
        if not agrees(given, step.value):
            shown = step.value if isinstance(step.value, str) else (
                vec(step.value) if isinstance(step.value, tuple) else num(step.value))
            return CheckResult(False, step.name, f"First wrong step: {step.name} — you have {raw}, expected {shown}.\n"
                               f"  How: {step.work}", checked)
    final = drill.answer.name
    if final not in checked:
        message = (f"All {len(checked)} entered steps agree; enter the final answer {final}." if checked
                   else f"Nothing entered yet: fill in the steps {names}.")
        return CheckResult(False, None, message, checked)
    return CheckResult(True, None, f"Correct: all {len(checked)} entered steps agree with the worked solution "
                                   f"(tolerance {ABS_TOL} + {REL_TOL:.0%}).", checked)


# the problem types register themselves on import
from . import cells, counting, decoding  # noqa: E402,F401
