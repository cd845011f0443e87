"""One notebook opened and run in JupyterLab, with everything the checks need measured once."""

import json
import statistics
import time
from pathlib import Path

from lab import (JS_CELLS, JS_CLIPPED, JS_DISPLAYED, JS_EXPERIMENTS, JS_KERNEL_IDLE, JS_PICK_CONTROL, JS_QUIZ_BOXES,
                 JS_READY, JS_RUN_ALL, JS_SLIDER_TRACKS, cell_problems, latency_moves, move_control, wait_for_change)

TIMEOUT = 300            # seconds to open / run one notebook
WIDGET_TIMEOUT = 60      # seconds for widgets to render or update
LATENCY_MOVES = 7        # control moves timed per experiment


class LabRun:
    """Open ``name`` in a fresh page, run all cells, measure; the page stays open until close()."""

    def __init__(self, browser, server, name, viewport, out):
        self.server, self.name, self.out = server, name, Path(out)
        self.context = browser.new_context(viewport=viewport)
        self.context.tracing.start(screenshots=True, snapshots=True)
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
        rows = []
        for exp in self.experiments:
            if not exp["kind"] or not exp["figure"]:
                continue
            times, figures = latency_moves(self.page, exp["index"], exp["kind"], LATENCY_MOVES)
            ordered = sorted(times)
            rows.append({"notebook": self.name, "title": exp["title"], "kind": exp["kind"], "n": len(times),
                         "with_figure": figures,
                         "median": statistics.median(times),
                         "p95": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
                         "times": [round(t, 1) for t in times]})
        self.latency = rows
        self.out.mkdir(parents=True, exist_ok=True)
        (self.out / f"latency-{Path(self.name).stem}.json").write_text(json.dumps(rows, indent=1))

    def close(self, keep_trace=False):
        if self.context is None:
            return
        trace = self.out / f"{Path(self.name).stem}-trace.zip"
        try:
            if keep_trace:
                self.context.tracing.stop(path=str(trace))
            else:
                self.context.tracing.stop()
            self.context.close()
        finally:
            self.context = None
            self.server.shutdown_kernels()
