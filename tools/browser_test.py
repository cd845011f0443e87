"""`make test-browser`: run every notebook in JupyterLab in a real (headless) browser.

    python tools/browser_test.py                         # every notebooks/*.ipynb
    python tools/browser_test.py notebooks/00_start_here.ipynb --keep-going

What nbval cannot see is whether the widgets work in the browser: whether their
JavaScript side renders, and whether moving a control redraws the output. This
script checks that the way a learner would. It starts JupyterLab on 127.0.0.1
(a free port, a random token, a throw-away copy of notebooks/ so nothing in the
repository is modified, fresh settings), drives Debian's Chromium
(/usr/bin/chromium, or $CHROMIUM) through Playwright, and for each notebook:

1. opens it, clears the saved outputs and runs all cells in its fresh kernel;
2. asserts that no cell has an error output (and that no experiment reported
   "Could not run with these settings", the widget layer's one-line crash note);
3. asserts that every widget output rendered (no "Error displaying widget");
4. moves one control of the first experiment (a slider one step, else another
   option of a dropdown/toggle, else a new value in a text box; pressing its
   button if it has one) and asserts that the experiment's displayed output changes;
5. saves a screenshot to build/screenshots/<notebook>.png and shuts its kernel down.

One line per notebook with the timings, then "N passed, N failed". The server
is shut down in every case (also on an error or Ctrl-C). Playwright never
downloads a browser here: it is given the system Chromium's path. Install it
with `apt-get install chromium` (Debian/Ubuntu); `.ci/run` does that.
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
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
  const outs = Array.from(box.querySelectorAll('.widget-output'));
  const parts = outs.length ? outs : Array.from(box.querySelectorAll('.widget-html-content'));
  const busy = /computing/.test(box.innerText);
  const seen = parts.map(el => el.innerText + Array.from(el.querySelectorAll('img')).map(i => i.src).join(' '));
  return {busy: busy, html: seen.join('\\n')};
}"""


@dataclass
class Outcome:
    name: str
    problems: list = field(default_factory=list)
    timings: dict = field(default_factory=dict)
    widgets: int = 0
    rendered: int = 0
    control: str = "no control"

    @property
    def ok(self):
        return not self.problems

    def line(self):
        times = ", ".join(f"{k} {v:.1f} s" for k, v in self.timings.items())
        verdict = "PASS" if self.ok else "FAIL"
        text = f"{verdict}  {self.name:<30} widgets {self.rendered:>2}/{self.widgets:<2} rendered; {self.control}; {times}"
        return text + "".join(f"\n      - {p}" for p in self.problems)


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


def check_notebook(browser, server, name, args):
    """Open, run, inspect and screenshot one notebook; returns an Outcome (never raises on a failed check)."""
    outcome = Outcome(name)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    console_errors = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    start = time.perf_counter()
    try:
        page.goto(f"{server.url}/lab/tree/{name}?reset&token={server.token}", wait_until="domcontentloaded")
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                               " && window.jupyterapp.shell.currentWidget.sessionContext", timeout=args.timeout * 1000)
        path = page.evaluate(JS_READY)
        if path != name:
            raise RuntimeError(f"JupyterLab opened {path!r}, not {name!r}")
        page.wait_for_function(JS_KERNEL_IDLE, timeout=args.timeout * 1000, polling=250)
        outcome.timings["open"] = time.perf_counter() - start

        mark = time.perf_counter()
        page.evaluate(JS_RUN_ALL)
        page.wait_for_function("() => window.__browserTest !== undefined", timeout=args.timeout * 1000, polling=250)
        page.wait_for_function(JS_KERNEL_IDLE, timeout=args.timeout * 1000, polling=250)
        run = page.evaluate("window.__browserTest")
        outcome.timings["run all"] = time.perf_counter() - mark
        if "error" in run:
            outcome.problems.append(f"Run All failed: {run['error']}")

        mark = time.perf_counter()  # widgets render asynchronously after their output arrives
        deadline = time.monotonic() + args.widget_timeout
        while True:
            problems, outcome.widgets, outcome.rendered = cell_problems(page.evaluate(JS_CELLS))
            if not any("did not render" in p for p in problems) or time.monotonic() > deadline:
                break
            page.wait_for_timeout(250)
        outcome.problems += problems
        outcome.timings["widgets"] = time.perf_counter() - mark

        picked = page.evaluate(JS_PICK_CONTROL)
        if picked is None:
            if outcome.widgets:
                outcome.problems.append("no experiment control found to move")
        else:
            mark = time.perf_counter()
            before = page.evaluate(JS_DISPLAYED)["html"]
            move_control(page, picked)
            changed = wait_for_change(page, before, args.widget_timeout)
            described = f"{picked['kind']} {picked['label']!r}".replace(" ''", "")
            if picked["button"]:
                described += f" + button {picked['button']!r}"
            outcome.timings["control"] = time.perf_counter() - mark
            if changed:
                outcome.control = f"{described} changed the output"
            else:
                outcome.control = f"{described}: output unchanged"
                outcome.problems.append(f"moving the {described} did not change the displayed output "
                                        f"within {args.widget_timeout} s")
            problems, _, _ = cell_problems(page.evaluate(JS_CELLS))  # nothing broke while updating
            outcome.problems += [p for p in problems if p not in outcome.problems]
            page.locator("[data-browser-test=box]").scroll_into_view_if_needed()
    except Exception as exc:  # noqa: BLE001  (a timeout or a JS error fails this notebook, not the run)
        outcome.problems.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}")
    finally:
        try:
            args.screenshots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.screenshots / f"{Path(name).stem}.png"))
        except Exception as exc:  # noqa: BLE001
            outcome.problems.append(f"no screenshot: {exc}")
        page.close()
        server.shutdown_kernels()
        outcome.timings["total"] = time.perf_counter() - start
    if args.verbose and console_errors:
        outcome.problems += [f"(browser console) {text[:200]}" for text in console_errors]
    return outcome


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


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", help="default: every notebooks/*.ipynb")
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument("--screenshots", type=Path, default=ROOT / "build" / "screenshots")
    parser.add_argument("--timeout", type=float, default=300, help="seconds to open / run one notebook")
    parser.add_argument("--widget-timeout", type=float, default=60, help="seconds for widgets to render or update")
    parser.add_argument("--verbose", action="store_true", help="also report the browser console's errors")
    args = parser.parse_args(argv)

    notebooks = sorted(Path(p).resolve() for p in args.notebooks) or sorted((ROOT / "notebooks").glob("*.ipynb"))
    folders = {path.parent for path in notebooks}
    if len(folders) != 1:
        print("the notebooks must be in one folder (it is copied, with its data, for the run)", file=sys.stderr)
        return 2
    if not Path(args.chromium).exists():
        print(f"No Chromium at {args.chromium}. Install Debian's package (apt-get install chromium) "
              "or pass --chromium PATH.", file=sys.stderr)
        return 2
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("Playwright is missing: .venv/bin/pip install -e '.[browser]' (make test-browser does it).",
              file=sys.stderr)
        return 2

    # Ctrl-C, and a CI job being killed, still stop the server (also when this runs in the
    # background of a shell, where SIGINT would otherwise be ignored)
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    start = time.perf_counter()
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="browser-test-") as tmp:
        # A copy: running a notebook in JupyterLab changes it, and the repository's stays as committed.
        work = Path(tmp) / "notebooks"
        shutil.copytree(folders.pop(), work, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        server = LabServer(work, Path(tmp) / "home")
        try:
            with server, sync_playwright() as playwright:
                print(f"JupyterLab on {server.url} (root {work}); Chromium {args.chromium}", flush=True)
                browser = playwright.chromium.launch(executable_path=args.chromium, headless=True)
                try:
                    for path in notebooks:
                        outcome = check_notebook(browser, server, path.name, args)
                        outcomes.append(outcome)
                        print(outcome.line(), flush=True)
                finally:
                    browser.close()
        except KeyboardInterrupt:
            print("interrupted: JupyterLab and its kernels were shut down", file=sys.stderr)
            return 130
        except RuntimeError as exc:
            print(f"could not run the browser test: {exc}", file=sys.stderr)
            return 1
    failed = sum(not o.ok for o in outcomes)
    print(f"screenshots in {args.screenshots}; total {time.perf_counter() - start:.0f} s")
    print(f"{len(outcomes) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
