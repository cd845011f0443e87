"""07: the hand-calculation drill widget (a question, the student's answers checked, the worked solution).

    Experiment(drill_experiment, {"kind": Dropdown(...), "seed": IntText(...), "answers": Textarea(...),
                                  "show_solution": Checkbox(...)})
"""

from ..drills import KINDS, check, generate
from ..drills.render import as_text, parse_answers
from .widgets import Result, problem


def drill_experiment(kind="rnn_step", seed=0, answers="", show_solution=False):
    """The drill widget's compute function: the question, the check of ``answers``, optionally the solution."""
    if kind not in KINDS:
        return problem(f"Choose a drill type among {sorted(KINDS)}; got {kind!r}.")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= 10**6:
        return problem(f"The seed must be a whole number from 0 to 1000000; got {seed!r}.")
    drill = generate(kind, seed)
    try:
        verdict = check(drill, parse_answers(drill, answers or ""))
    except ValueError as exc:
        return problem(f"{as_text(drill)}\n\nCould not read the answers: {exc}")
    text = f"{as_text(drill, solution=show_solution)}\n\n{verdict.message}"
    return Result(text=text, values={"ok": verdict.ok, "first_wrong": verdict.first_wrong, "drill": drill})
