"""JupyterLab-specific helpers of the browser tests (tests/browser/test_lab.py).

Kept here because no plugin knows JupyterLab: a server on 127.0.0.1 with a free port,
a random token, fresh settings and a throw-away copy of notebooks/ (LabServer), and
the page-side snippets that read JupyterLab's own objects (exposed with
--LabApp.expose_app_in_browser) to know when the kernel is idle and what each cell
output is. Everything else (the browser, contexts, traces) is pytest-playwright's.
"""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"

# Fresh JupyterLab settings: all cells rendered (no virtual scrolling, so every
# widget is in the page), no autosave, no news/update pop-ups over the notebook.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                         "checkForUpdates": False},
}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LabServer:
    """JupyterLab in a subprocess, serving ``root``; a context manager that always stops it."""

    def __init__(self, root, home, startup_timeout=120):
        self.root, self.home, self.startup_timeout = Path(root), Path(home), startup_timeout
        self.port, self.token = free_port(), secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        self.process, self.log = None, None

    def _environment(self):
        env = dict(os.environ)
        for name, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                          ("JUPYTER_RUNTIME_DIR", "runtime"), ("JUPYTERLAB_SETTINGS_DIR", "settings"),
                          ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"), ("IPYTHONDIR", "ipython")):
            (self.home / sub).mkdir(parents=True, exist_ok=True)
            env[name] = str(self.home / sub)
        env.pop("JUPYTER_PATH", None)  # the kernel and the widget extension come from this venv
        for name, settings in LAB_SETTINGS.items():
            path = self.home / "settings" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(settings))
        return env

    def start(self):
        self.home.mkdir(parents=True, exist_ok=True)
        self.log = open(self.home / "jupyterlab.log", "w")
        command = [sys.executable, "-m", "jupyterlab", "--no-browser",
                   "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
                   f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}",
                   "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=", "--ServerApp.open_browser=False",
                   "--ServerApp.terminals_enabled=False", "--LabApp.extension_manager=readonly"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:  # CI and containers run as root
            command.append("--allow-root")
        # Its own session: Ctrl-C in this terminal reaches us, and we stop it in order.
        self.process = subprocess.Popen(command, cwd=self.root, env=self._environment(), stdout=self.log,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with code {self.process.returncode}; see {self.log.name}:\n"
                                   + self.tail())
            try:
                self.api("GET", "/api/status", timeout=2)
                return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.5)
        raise RuntimeError(f"JupyterLab did not answer within {self.startup_timeout} s; see {self.log.name}")

    def api(self, method, path, timeout=10):
        request = urllib.request.Request(self.url + path, method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self):
        for session in self.api("GET", "/api/sessions") or []:
            self.api("DELETE", f"/api/sessions/{session['id']}")
        for kernel in self.api("GET", "/api/kernels") or []:
            self.api("DELETE", f"/api/kernels/{kernel['id']}")

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        try:  # the polite way: the server shuts its kernels down too
            self.api("POST", "/api/shutdown", timeout=5)
            self.process.wait(timeout=20)
        except Exception:  # noqa: BLE001  (whatever went wrong, fall through to signals)
            pass
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            if self.process.poll() is not None:
                break
            os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                pass
        self.log.close()

    def tail(self, lines=20):
        self.log.flush()
        return "\n".join(Path(self.log.name).read_text(errors="replace").splitlines()[-lines:])

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc):
        self.stop()


# --- what runs in the page -----------------------------------------------------
# JupyterLab's own objects (exposed with --LabApp.expose_app_in_browser) tell when
# the kernel is idle and what the outputs are; the DOM tells what the learner sees.

JS_READY = """async () => {
  const panel = window.jupyterapp.shell.currentWidget;
  await panel.context.ready;
  await panel.sessionContext.ready;
  return panel.context.path;
}"""

JS_KERNEL_IDLE = """() => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const kernel = panel && panel.sessionContext && panel.sessionContext.session
                 && panel.sessionContext.session.kernel;
  return !!kernel && kernel.status === 'idle';
}"""

JS_RUN_ALL = """() => {
  const app = window.jupyterapp;
  window.__browserTest = undefined;
  app.commands.execute('notebook:clear-all-cell-outputs')
    .then(() => app.commands.execute('notebook:run-all-cells'))
    .then(ok => { window.__browserTest = {ok: ok}; },
          err => { window.__browserTest = {error: String(err)}; });
}"""

# Switch the open notebook's windowing mode ('none', 'contentVisibility', ...) as its setting would.
JS_WINDOWING = """async (mode) => {
  const notebook = window.jupyterapp.shell.currentWidget.content;
  notebook.notebookConfig = {...notebook.notebookConfig, windowingMode: mode};
  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  return notebook.notebookConfig.windowingMode;
}"""

# Per code cell: its source head, execution count and outputs (from the model),
# and how many of its top-level outputs show a rendered widget (from the DOM).
JS_CELLS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  return panel.content.widgets.filter(cell => cell.model.type === 'code').map(cell => {
    const json = cell.model.toJSON();
    const area = cell.node.querySelector('.jp-Cell-outputArea');
    const tops = area ? Array.from(area.querySelectorAll(':scope > .jp-OutputArea-child > .jp-OutputArea-output')) : [];
    return {
      source: (Array.isArray(json.source) ? json.source.join('') : json.source).slice(0, 70),
      count: json.execution_count,
      outputs: json.outputs || [],
      rendered: tops.filter(el => el.querySelector(':scope > .jupyter-widgets')).length,
      errorText: area ? (area.innerText.match(/Error displaying widget[^\\n]*/) || [null])[0] : null,
      crashText: area ? (area.innerText.match(/Could not run with these settings[^\\n]*/) || [null])[0] : null,
    };
  });
}"""

# Mark the first experiment (a widget box holding controls and an output area, or
# a quiz) and its control, so Playwright can act on them as a user would.
JS_PICK_CONTROL = """() => {
  const boxes = Array.from(document.querySelectorAll(
      '.jp-Cell-outputArea > .jp-OutputArea-child > .jp-OutputArea-output > .jupyter-widgets'));
  const kinds = [['slider', '.widget-slider .noUi-handle'], ['dropdown', '.widget-dropdown select'],
                 ['toggle', '.widget-toggle-buttons button:not(.mod-active)'], ['text', '.widget-text input'],
                 ['radio', '.widget-radio-box input']];
  const withOutput = boxes.filter(box => box.querySelector('.widget-output'));
  for (const box of withOutput.concat(boxes.filter(box => !box.querySelector('.widget-output')))) {
    for (const [kind, selector] of kinds) {
      const control = box.querySelector(selector);
      if (!control) continue;
      const button = Array.from(box.querySelectorAll('button.widget-button')).find(
          b => !b.closest('.widget-toggle-buttons'));
      box.setAttribute('data-browser-test', 'box');
      control.setAttribute('data-browser-test', 'control');
      if (button) button.setAttribute('data-browser-test', 'button');
      const wrapper = control.closest('.jupyter-widgets.widget-inline-hbox') || control.closest('.jupyter-widgets');
      const label = wrapper && wrapper.querySelector('.widget-label');
      return {kind: kind, label: label ? label.innerText.trim() : '', output: !!box.querySelector('.widget-output'),
              button: button ? button.innerText.trim() : null,
              atMax: control.getAttribute('aria-valuenow') === control.getAttribute('aria-valuemax')};
    }
  }
  return null;
}"""

# What the experiment displays, as a learner sees it: the text and the images of
# its output area(s), or (a quiz) of its HTML parts.
JS_DISPLAYED = """() => {
  const box = document.querySelector('[data-browser-test=box]');
  if (!box) return null;
  const outs = Array.from(box.querySelectorAll('.course-result, .widget-output'));
  const parts = outs.length ? outs : Array.from(box.querySelectorAll('.widget-html-content'));
  const busy = /computing/.test(box.innerText);
  const seen = parts.map(el => el.innerText + Array.from(el.querySelectorAll('img')).map(i => i.src).join(' '));
  return {busy: busy, html: seen.join('\\n')};
}"""


def cell_problems(cells):
    """Error outputs, unexecuted cells and unrendered widgets, one readable line each."""
    problems, expected, rendered = [], 0, 0
    for number, cell in enumerate(cells, 1):
        where = f"code cell {number} ({cell['source'].splitlines()[0] if cell['source'] else 'empty'!r})"
        if cell["source"].strip() and cell["count"] is None:
            problems.append(f"{where} did not run")
        for out in cell["outputs"]:
            if out["output_type"] == "error":
                problems.append(f"{where} raised {out.get('ename')}: {out.get('evalue')}")
            elif out["output_type"] == "stream" and out.get("name") == "stderr":
                text = "".join(out["text"]) if isinstance(out["text"], list) else out["text"]
                problems.append(f"{where} wrote to stderr: {text.strip().splitlines()[0][:120]}")
        widgets = sum(WIDGET_MIME in out.get("data", {}) for out in cell["outputs"])
        expected += widgets
        rendered += min(widgets, cell["rendered"])
        if cell["crashText"]:
            problems.append(f"{where}: an experiment crashed: {cell['crashText'][:160]}")
        if cell["errorText"]:
            problems.append(f"{where}: {cell['errorText']}")
        elif cell["rendered"] < widgets:
            problems.append(f"{where}: {widgets - cell['rendered']} of {widgets} widget(s) did not render")
    return problems, expected, rendered


def move_control(page, picked):
    """Act on the marked control as a user would; press the experiment's button if it has one."""
    control = page.locator("[data-browser-test=control]")
    control.scroll_into_view_if_needed()
    kind = picked["kind"]
    if kind == "slider":  # one keyboard step, away from the end it sits at
        control.focus()
        control.press("ArrowLeft" if picked["atMax"] else "ArrowRight")
    elif kind == "dropdown":
        options = control.evaluate("el => Array.from(el.options).map(o => o.value)")
        current = control.evaluate("el => el.value")
        control.select_option([o for o in options if o != current][0])
    elif kind in ("toggle", "radio"):
        control.click()
    elif kind == "text":
        value = control.input_value()
        control.fill(value[:-1] if len(value) > 1 else value + "a")
        control.press("Enter")
    if picked["button"]:
        page.locator("[data-browser-test=button]").click()


def wait_for_change(page, before, timeout):
    """True once the displayed output differs from ``before`` and has stopped changing."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        now = page.evaluate(JS_DISPLAYED)
        if not now["busy"] and now["html"] != before and now["html"].strip():
            if now["html"] == last:  # the same twice in a row: the update is complete
                return True
            last = now["html"]
        page.wait_for_timeout(200)
    return False


# --- measurements of what the learner sees ---------------------------------------

# Every quiz option row (its letter button + text): bounding boxes, and whether its
# text overflows its own box. Two rows of one question must not intersect.
JS_QUIZ_BOXES = """() => Array.from(document.querySelectorAll('.course-quiz')).map(quiz =>
  Array.from(quiz.querySelectorAll('.course-quiz-question')).map(question =>
    Array.from(question.querySelectorAll('.course-quiz-option')).map(option => {
      const r = option.getBoundingClientRect();
      const text = option.querySelector('.widget-html-content');
      return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,
              overflow: text ? text.scrollHeight - text.clientHeight : 0,
              text: option.innerText.slice(0, 60)};
    })))"""

# Width of every slider's track in the experiments, with its label.
JS_SLIDER_TRACKS = """() => Array.from(document.querySelectorAll('.course-experiment .widget-slider')).map(s => {
  const track = s.querySelector('.noUi-target') || s.querySelector('.slider-container');
  const label = s.querySelector('.widget-label');
  return {label: label ? label.innerText.trim() : '', width: track ? track.getBoundingClientRect().width : 0};
})"""

# Texts of each experiment's figure that matplotlib measured outside the image, as its last
# update reported them (labs.widgets.Experiment.info, with whether it came from the cache and its timings).
JS_CLIPPED = """() => Array.from(document.querySelectorAll('.course-experiment')).map(box => {
  const title = box.querySelector('.widget-html-content b');
  const info = box.querySelector('.course-result-info');
  return {title: title ? title.innerText : '', clipped: info ? JSON.parse(info.dataset.marks).clipped : null};
})"""

# The experiments whose figure redraws when a control moves (no button): title and first control's kind.
JS_EXPERIMENTS = """() => Array.from(document.querySelectorAll('.course-experiment')).map((box, index) => {
  box.setAttribute('data-experiment', index);
  const title = box.querySelector('.widget-html-content b');
  const hasButton = Array.from(box.querySelectorAll('button.widget-button')).some(
      b => !b.closest('.widget-toggle-buttons'));
  const kind = box.querySelector('.widget-slider .noUi-handle') ? 'slider'
             : box.querySelector('.widget-text input') ? 'text' : null;
  const img = box.querySelector('img.course-figure');
  return {index: index, title: title ? title.innerText : '', kind: hasButton ? null : kind,
          figure: !!img && !!img.getAttribute('src') && img.offsetParent !== null};
})"""

# Arm a one-shot timer on experiment ``index`` (page clock, ms):
#   start   the next key press (capture phase: before any widget code sees it);
#   painted the experiment's figure has a new source, is decoded, and a frame was
#           produced after that (requestAnimationFrame): what the learner sees;
#   marks   what the kernel reported for that update (cache hit, kernel wall and CPU ms).
# Done when the figure is painted and the update's marks are in, or (no new figure:
# a problem message, or the same PNG again) when the marks are in.
JS_ARM = """(index) => {
  const box = document.querySelector(`[data-experiment="${index}"]`);
  const srcOf = () => { const img = box.querySelector('img.course-figure'); return img ? img.getAttribute('src') : null; };
  const marksOf = () => { const info = box.querySelector('.course-result-info');
                          return info ? JSON.parse(info.dataset.marks) : null; };
  const before = srcOf(), beforeMarks = marksOf();
  const lat = window.__lat = {start: null, painted: null, marks: null, end: null, newFigure: false,
                              origin: performance.timeOrigin};
  const now = () => performance.now();
  document.addEventListener('keydown', () => { if (lat.start === null) lat.start = now(); }, {capture: true, once: true});
  const finish = () => {   // the learner sees the figure when it is painted; the marks are read after
    if (lat.end === null && lat.marks && (lat.painted !== null || !lat.newFigure)) lat.end = lat.newFigure ? lat.painted : now();
  };
  const check = () => {
    if (!lat.newFigure && srcOf() !== before && srcOf()) {
      lat.newFigure = true;
      const img = box.querySelector('img.course-figure');
      img.decode().catch(() => null).then(() => requestAnimationFrame(() => { lat.painted = now(); finish(); }));
    }
    const marks = marksOf();
    if (!lat.marks && marks && (!beforeMarks || marks.update > beforeMarks.update)) { lat.marks = marks; finish(); }
    if (lat.end !== null) observer.disconnect();
  };
  const observer = new MutationObserver(check);
  observer.observe(box, {childList: true, subtree: true, attributes: true, attributeFilter: ['src', 'data-marks']});
}"""


def fresh_text(original, move):
    """Move ``move``'s text: a different one each time, made of the original's own words (or characters),
    so it stays an input the widget accepts: the text cut by one more word (character), then grown."""
    words = original.split()
    parts, joint = (words, " ") if len(words) >= 4 else (list(original), "")
    keep = len(parts) - move - 1
    if keep >= max(1, len(parts) // 4):
        return joint.join(parts[:keep])
    grown = move - (len(parts) - max(1, len(parts) // 4)) + 1
    return original + joint + joint.join((parts * (grown // len(parts) + 1))[:grown])


def latency_moves(page, index, kind, moves, warmup=1):
    """Move experiment ``index``'s first control ``warmup`` times, then until ``moves`` moves computed and drew
    a new figure (at most 3 x ``moves`` timed moves): each to a setting not shown before as far as the
    control allows (a slider walks to its far end, then back: settings recalled from the cache do not count).
    Each move is timed from the key press to the new figure painted.

    Returns one dict per timed move: wall (ms), the kernel's wall and CPU ms for the update, whether it came
    from the experiment's cache, whether it drew a figure. The warm-up moves are not returned.
    """
    box = page.locator(f'[data-experiment="{index}"]')
    rows, original, direction, move = [], "", None, -1
    while sum(r["figure"] and not r["cached"] for r in rows) < moves and len(rows) < 3 * moves:
        move += 1
        if kind == "slider":
            handle = box.locator(".widget-slider .noUi-handle").first
            handle.scroll_into_view_if_needed()
            value, low, high = (float(handle.get_attribute(a)) for a in ("aria-valuenow", "aria-valuemin", "aria-valuemax"))
            if direction is None:  # walk towards the far end: every position new until the end
                direction = "ArrowLeft" if value - low > high - value else "ArrowRight"
            if (direction == "ArrowRight" and value >= high) or (direction == "ArrowLeft" and value <= low):
                direction = "ArrowLeft" if direction == "ArrowRight" else "ArrowRight"  # settings seen: cache hits
            handle.focus()
            page.evaluate(JS_ARM, index)
            handle.press(direction)
        else:
            field = box.locator(".widget-text input").first
            field.scroll_into_view_if_needed()
            if move == 0:
                original = field.input_value()
            field.fill(fresh_text(original, move))
            page.evaluate(JS_ARM, index)
            field.press("Enter")
        page.wait_for_function("() => window.__lat && window.__lat.end !== null", timeout=60_000, polling=10)
        lat = page.evaluate("window.__lat")
        if move < warmup:
            continue
        marks = lat["marks"] or {}
        wall = lat["end"] - lat["start"]
        kernel, cpu = marks.get("kernel_ms"), marks.get("cpu_ms")
        there = marks["began"] - (lat["origin"] + lat["start"]) if "began" in marks else None
        rows.append({"wall": round(wall, 1), "kernel": kernel, "cpu": cpu, "cached": bool(marks.get("cached")),
                     "to_kernel": round(there, 1) if there is not None else None,
                     "figure": lat["newFigure"],
                     # the kernel's time spent waiting for a CPU (other processes) taken out
                     "adjusted": round(wall - max(0.0, kernel - cpu), 1) if kernel is not None else round(wall, 1)})
    return rows
