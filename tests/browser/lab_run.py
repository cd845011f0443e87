"""One notebook opened and run in JupyterLab, with everything the checks need measured once."""

import json
import os
import statistics
import time
from pathlib import Path

from lab import (JS_CELLS, JS_CLIPPED, JS_DISPLAYED, JS_EXPERIMENTS, JS_KERNEL_IDLE, JS_PICK_CONTROL, JS_QUIZ_BOXES,
                 JS_READY, JS_RUN_ALL, JS_SLIDER_TRACKS, JS_WINDOWING, cell_problems, latency_moves, move_control, wait_for_change)

TIMEOUT = 300            # seconds to open / run one notebook
WIDGET_TIMEOUT = 60      # seconds for widgets to render or update
LATENCY_WARMUP = 1       # control moves per experiment before timing (first-use costs: imports, caches, JIT)
LATENCY_MOVES = 12       # control moves timed per experiment and round, each to a setting not shown before
LATENCY_ROUNDS = 3       # rounds at most: a widget over the budget is timed again, its best round counts
_BUDGET = os.environ.get("LATENCY_BUDGET_MS", "250").strip().lower()
LATENCY_BUDGET_MS = None if _BUDGET in ("off", "") else float(_BUDGET)   # median, load-adjusted (test_lab.py)


class LabRun:
    """Open ``name`` in a fresh page, run all cells, measure; the page stays open until close()."""

    def __init__(self, browser, server, name, viewport, out):
        self.server, self.name, self.out = server, name, Path(out)
        self.context = browser.new_context(viewport=viewport)
        self.context.tracing.start(screenshots=True, snapshots=True)
        self.tracing = True
        self.page = self.context.new_page()
        self.problems, self.timings, self.control = [], {}, None
        self.widgets = self.rendered = 0
        self.latency = []

    def run(self):
        page, start = self.page, time.perf_counter()
        try:
            page.goto(f"{self.server.url}/lab/tree/{self.name}?reset&token={self.server.token}",
                      wait_until="domcontentloaded")
            page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                                   " && window.jupyterapp.shell.currentWidget.sessionContext", timeout=TIMEOUT * 1000)
            path = page.evaluate(JS_READY)
            if path != self.name:
                raise RuntimeError(f"JupyterLab opened {path!r}, not {self.name!r}")
            page.wait_for_function(JS_KERNEL_IDLE, timeout=TIMEOUT * 1000, polling=250)
            self.timings["open"] = time.perf_counter() - start
            mark = time.perf_counter()
            page.evaluate(JS_RUN_ALL)
            page.wait_for_function("() => window.__browserTest !== undefined", timeout=TIMEOUT * 1000, polling=250)
            page.wait_for_function(JS_KERNEL_IDLE, timeout=TIMEOUT * 1000, polling=250)
            self.timings["run all"] = time.perf_counter() - mark
            run = page.evaluate("window.__browserTest")
            if "error" in run:
                self.problems.append(f"Run All failed: {run['error']}")
            self._wait_for_widgets()
            self.quiz_boxes = page.evaluate(JS_QUIZ_BOXES)
            self.slider_tracks = page.evaluate(JS_SLIDER_TRACKS)
            self.experiments = page.evaluate(JS_EXPERIMENTS)
            self._move_one_control()
            self._time_controls()
            self.clipped = page.evaluate(JS_CLIPPED)  # after the moves: the figures of several settings seen
            problems, _, _ = cell_problems(page.evaluate(JS_CELLS))  # nothing broke while updating
            self.problems += [p for p in problems if p not in self.problems]
        except Exception as exc:  # noqa: BLE001  (a timeout or a JS error fails this notebook's checks)
            self.problems.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}")
            self.quiz_boxes = self.slider_tracks = self.experiments = self.clipped = None
        finally:
            self.timings["total"] = time.perf_counter() - start
            shots = self.out / "screenshots"
            shots.mkdir(parents=True, exist_ok=True)
            try:
                page.screenshot(path=str(shots / f"{Path(self.name).stem}.png"))
                quiz = page.locator(".course-quiz-question")  # and the quiz, to read how it looks
                if quiz.count():
                    quiz.nth(min(quiz.count() - 1, 3)).scroll_into_view_if_needed()
                    page.screenshot(path=str(shots / f"{Path(self.name).stem}-quiz.png"))
            except Exception as exc:  # noqa: BLE001
                self.problems.append(f"no screenshot: {exc}")
        return self

    def _wait_for_widgets(self):
        deadline = time.monotonic() + WIDGET_TIMEOUT  # widgets render asynchronously after their output arrives
        while True:
            problems, self.widgets, self.rendered = cell_problems(self.page.evaluate(JS_CELLS))
            if not any("did not render" in p for p in problems) or time.monotonic() > deadline:
                break
            self.page.wait_for_timeout(250)
        self.problems += problems

    def _move_one_control(self):
        picked = self.page.evaluate(JS_PICK_CONTROL)
        if picked is None:
            self.control = None
            return
        before = self.page.evaluate(JS_DISPLAYED)["html"]
        move_control(self.page, picked)
        changed = wait_for_change(self.page, before, WIDGET_TIMEOUT)
        described = f"{picked['kind']} {picked['label']!r}".replace(" ''", "")
        if picked["button"]:
            described += f" + button {picked['button']!r}"
        self.control = (described, changed)

    def _time_controls(self):
        # Timed as the learner meets it: in JupyterLab's default windowing mode (contentVisibility:
        # off-screen cells are not laid out or painted). The other checks measure every cell's
        # boxes, so the notebook is opened with windowing off (lab.LAB_SETTINGS) and switched here.
        self.page.evaluate(JS_WINDOWING, "contentVisibility")
        # Playwright's trace (a screenshot and a DOM snapshot of every change) costs the page 0.5-1 s
        # per redraw under load, which no learner pays: it ends here (kept, like the whole trace,
        # only if one of this notebook's checks fails) and the moves are timed without it.
        self.out.mkdir(parents=True, exist_ok=True)
        self.context.tracing.stop(path=str(self._trace_path(".part")))
        self.tracing = False
        rows = []
        for exp in self.experiments:
            if not exp["kind"] or not exp["figure"]:
                continue
            # a busy machine makes a round slower, never faster: the best round is the closest to what
            # the code costs; a widget is timed again only while it is over the budget
            rounds = []
            for number in range(LATENCY_ROUNDS):
                moves = latency_moves(self.page, exp["index"], exp["kind"], LATENCY_MOVES,
                                      LATENCY_WARMUP if number == 0 else 0)
                rounds.append(latency_row(self.name, exp, moves))
                best = rounds[-1]["adjusted"]
                if LATENCY_BUDGET_MS is None or (best is not None and best["median"] < LATENCY_BUDGET_MS):
                    break
            chosen = min(rounds, key=lambda r: r["adjusted"]["median"] if r["adjusted"] else float("inf"))
            chosen["rounds"] = [r["adjusted"]["median"] if r["adjusted"] else None for r in rounds]
            rows.append(chosen)
        self.latency = rows
        self.out.mkdir(parents=True, exist_ok=True)
        (self.out / f"latency-{Path(self.name).stem}.json").write_text(json.dumps(rows, indent=1))

    def _trace_path(self, suffix=""):
        return self.out / f"{Path(self.name).stem}-trace.zip{suffix}"

    def close(self, keep_trace=False):
        if self.context is None:
            return
        trace, part = self._trace_path(), self._trace_path(".part")
        try:
            if self.tracing:
                self.context.tracing.stop(path=str(trace) if keep_trace else None)
            elif keep_trace and part.exists():
                part.replace(trace)
            part.unlink(missing_ok=True)
            self.context.close()
        finally:
            self.context = None
            self.server.shutdown_kernels()

def percentile(values, q):
    """Nearest-rank percentile (q in 0..1) of a non-empty list."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def latency_row(notebook, experiment, moves):
    """One widget's latency summary over the timed moves that drew a new figure and were computed
    (not recalled from the cache): median and p95 of the wall time and of the load-adjusted time."""
    fresh = [m for m in moves if m["figure"] and not m["cached"]]
    row = {"notebook": notebook, "title": experiment["title"], "kind": experiment["kind"], "n": len(fresh),
           "moves": len(moves), "cached": sum(m["cached"] for m in moves),
           "no_figure": sum(not m["figure"] for m in moves), "load": round(os.getloadavg()[0], 2),
           "cores": os.cpu_count(), "times": moves}
    for key in ("wall", "adjusted"):
        values = [m[key] for m in fresh]
        row[key] = {"median": statistics.median(values), "p95": percentile(values, 0.95)} if values else None
    return row
