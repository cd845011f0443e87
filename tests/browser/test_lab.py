"""Every notebook run in JupyterLab in Chromium at a laptop's 1366x768, as a learner meets it.

One item per notebook and per check; a notebook is opened and run once per worker
(conftest.lab_runs) and each check reads what that run measured:

- the notebook runs: no error output, nothing on stderr, every cell executed;
- every widget renders (no "Error displaying widget") and moving one control
  redraws the experiment's output;
- no quiz option's box overlaps another's (long options wrap, nothing hidden);
- every slider track is at least 300 px wide;
- no figure title, label or tick label falls outside its image (matplotlib's
  own text bounding boxes, reported by each experiment, over every setting seen);
- control -> redrawn figure in the browser, per widget with a figure: the first
  control is moved 1 + 12 times, each time to a setting not shown before (the
  widgets cache settings they have shown); the first move is a warm-up. Each move
  is timed by the page's clock from the key press (capture phase) to the new
  figure decoded and a frame painted after it, in JupyterLab's default windowing
  mode (contentVisibility; the other checks need every cell laid out). The median must stay under
  LATENCY_BUDGET_MS (default 250; `off` only measures). On a loaded machine the
  wall time mostly measures other processes, so what is gated is the wall time
  minus the time the kernel spent waiting for a CPU during that update (its wall
  time minus its CPU time, both reported by the widget); on an idle machine the
  two are the same. Both, with p95 and the load average, are printed at the end
  of the run and written to build/browser/latency.md (benchmarks/widget_latency.md
  keeps a measured copy). A widget over the budget is timed again (3 rounds of
  12 moves at most) and its best round counts: load only ever adds time.
"""

import statistics

import pytest
from conftest import ROOT, course_notebooks
from lab_run import LATENCY_BUDGET_MS

NAMES = [p.relative_to(ROOT / "notebooks").as_posix() for p in course_notebooks()]
MIN_TRACK_PX = 300
MIN_LATENCY_SAMPLES = 5   # timed moves that computed and drew a new figure, per widget

pytestmark = pytest.mark.parametrize("name", NAMES)


def measured(run, what):
    value = getattr(run, what, None)
    if value is None:
        pytest.fail("the notebook did not run far enough to measure this: " + "; ".join(run.problems))
    return value


def test_notebook_runs_and_widgets_render(lab_runs, name):
    run = lab_runs(name)
    assert run.problems == [], f"{name}: {run.rendered}/{run.widgets} widgets rendered; timings {run.timings}"


def test_moving_a_control_redraws_the_output(lab_runs, name):
    run = lab_runs(name)
    if run.control is None:
        assert run.widgets == 0, "widgets rendered but no experiment control was found to move"
        pytest.skip("no experiment in this notebook")
    described, changed = run.control
    assert changed, f"moving the {described} did not change the displayed output"


def test_quiz_options_never_overlap(lab_runs, name):
    quizzes = measured(lab_runs(name), "quiz_boxes")
    if not quizzes:
        pytest.skip("no quiz in this notebook")
    problems = []
    for quiz in quizzes:
        for number, options in enumerate(quiz, 1):
            for upper, lower in zip(options, options[1:]):
                if lower["top"] < upper["bottom"] - 0.5:
                    problems.append(f"question {number}: {upper['text']!r} overlaps {lower['text']!r}")
            problems += [f"question {number}: the text of {o['text']!r} overflows its row by {o['overflow']} px"
                         for o in options if o["overflow"] > 1]
            if len(options) < 2:
                problems.append(f"question {number} shows {len(options)} option(s)")
    assert problems == []


def test_slider_tracks_are_wide_enough_to_drag(lab_runs, name):
    tracks = measured(lab_runs(name), "slider_tracks")
    if not tracks:
        pytest.skip("no slider in this notebook")
    narrow = [f"{t['label']!r}: {t['width']:.0f} px" for t in tracks if t["width"] < MIN_TRACK_PX]
    assert narrow == [], f"slider tracks under {MIN_TRACK_PX} px at 1366x768"


def test_figure_text_stays_inside_the_image(lab_runs, name):
    experiments = measured(lab_runs(name), "clipped")
    if not experiments:
        pytest.skip("no experiment in this notebook")
    cut = [f"{e['title']!r}: {e['clipped']}" for e in experiments if e["clipped"]]
    assert cut == []


def test_control_to_redrawn_figure_is_fast(lab_runs, name):
    rows = measured(lab_runs(name), "latency")
    if not rows:
        pytest.skip("no experiment redraws a figure on a control move here")

    def describe(r):
        if r["adjusted"] is None:
            return f"{r['title']!r} ({r['kind']}): no timed move drew a new figure"
        return (f"{r['title']!r} ({r['kind']}): median {r['adjusted']['median']:.0f} ms "
                f"(wall {r['wall']['median']:.0f}), p95 {r['adjusted']['p95']:.0f} ms "
                f"(wall {r['wall']['p95']:.0f}), n = {r['n']}, load {r['load']}, round medians {r.get('rounds')}")
    summary = "; ".join(describe(r) for r in rows)
    if LATENCY_BUDGET_MS is None:
        pytest.skip("measured, not gated (LATENCY_BUDGET_MS=off): " + summary)
    few = [describe(r) for r in rows if r["n"] < MIN_LATENCY_SAMPLES]
    assert few == [], f"fewer than {MIN_LATENCY_SAMPLES} timed moves drew a new, computed figure"
    slow = [describe(r) + f"; all moves {r['times']}" for r in rows if r["adjusted"]["median"] >= LATENCY_BUDGET_MS]
    assert slow == [], f"median over {LATENCY_BUDGET_MS:.0f} ms"
