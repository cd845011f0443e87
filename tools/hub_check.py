"""`make test-hub`: the teacher's pre-semester check of the JupyterHub path, end to end.

A throw-away JupyterHub on 127.0.0.1 (dummy login, SimpleLocalProcessSpawner: one home per
student under build/hub/home, configurable-http-proxy from npm in build/hub/npm, nbgitpuller)
serves this repository's committed HEAD from a local bare clone named ``course.git`` (so the
link must carry targetPath: the .git pitfall). Two students log in through Chromium, follow
the nbgitpuller link, run 00 and a chapter and move a widget; a student saves an edit in 00.
Then the teacher pushes a change to the chapter and to course_utils; the students click the
link again, and the check asserts that the edit survived, the chapter change arrived and a
restarted kernel imports the new course_utils (the one next to the notebooks).
It prints click-to-running time and RSS per student, and stops every process it started by
PID (the hub's whole process tree), also on failure. Exit status 0 when every check passed.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from urllib.parse import quote
from pathlib import Path

import psutil
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests" / "browser"))
from hub_link import hub_link  # noqa: E402
from lab import (JS_CELLS, JS_DISPLAYED, JS_KERNEL_IDLE, JS_PICK_CONTROL, JS_RUN_ALL, LAB_SETTINGS,  # noqa: E402
                 cell_problems, free_port, move_control, wait_for_change)

BUILD = ROOT / "build" / "hub"
CHROMIUM = "/usr/bin/chromium"
CHAPTER = "01_mlp_recap.ipynb"
STUDENTS = ("ada", "bo")
TIMEOUT = 300
MARKER = f"hub-check-{os.getpid()}"


def run(*cmd, cwd=None):
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)


def install_proxy():
    chp = BUILD / "npm" / "node_modules" / ".bin" / "configurable-http-proxy"
    if not chp.exists():
        run("npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(BUILD / "npm"),
            "configurable-http-proxy@4")
    return chp


def make_upstream(branch):
    """A bare clone of this repository (the teacher's 'GitHub') and a working clone to push from."""
    upstream, teacher = BUILD / "course.git", BUILD / "teacher"
    run("git", "clone", "--quiet", "--bare", "--branch", branch, str(ROOT), str(upstream))
    run("git", "clone", "--quiet", "--branch", branch, str(upstream), str(teacher))
    return upstream, teacher


def write_config(port, chp):
    homes = BUILD / "home"
    for student in STUDENTS:  # fresh JupyterLab settings: all cells rendered, no autosave, no news
        for name, settings in LAB_SETTINGS.items():
            path = homes / student / ".jupyter" / "lab" / "user-settings" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(settings))
    bindir = Path(sys.executable).parent
    config = f"""
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {free_port()}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{free_port()}"
c.ConfigurableHTTPProxy.command = [{str(chp)!r}]
c.JupyterHub.db_url = "sqlite:///{BUILD / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = {str(BUILD / 'cookie_secret')!r}
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {str(homes) + '/{username}'!r}
c.Spawner.cmd = [{str(bindir / 'jupyterhub-singleuser')!r}]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = {TIMEOUT}
c.Spawner.http_timeout = {TIMEOUT}
c.Spawner.args = ["--LabApp.expose_app_in_browser=True", "--LabApp.news_url=",
                  "--ServerApp.terminals_enabled=False"] + (["--allow-root"] if {os.geteuid() == 0} else [])
c.Spawner.environment = {{"PATH": {str(bindir) + ':/usr/bin:/bin'!r}, "OMP_NUM_THREADS": "1",
                          "OPENBLAS_NUM_THREADS": "1", "PYTHONHASHSEED": "0"}}
"""
    path = BUILD / "jupyterhub_config.py"
    path.write_text(config)
    return path


class Hub:
    """JupyterHub in its own session; stop() ends it and every process it started, by PID."""

    def __init__(self, config):
        self.log = open(BUILD / "jupyterhub.log", "w")
        self.process = subprocess.Popen([str(Path(sys.executable).parent / "jupyterhub"), "-f", str(config)],
                                        cwd=BUILD, stdout=self.log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True)
        self.pids = {self.process.pid}

    def remember(self):
        """Record the hub's descendants (proxy, servers, kernels run in their own sessions)."""
        try:
            self.pids |= {p.pid for p in psutil.Process(self.process.pid).children(recursive=True)}
        except psutil.NoSuchProcess:
            pass

    def stop(self):
        self.remember()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # the hub stops the servers and the proxy itself
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        for pid in sorted(self.pids):
            try:
                proc = psutil.Process(pid)
                proc.kill()
                proc.wait(timeout=5)
            except (psutil.NoSuchProcess, psutil.TimeoutExpired):
                pass
        self.log.close()
        left = [pid for pid in self.pids if psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie"]
        return left


def wait_for_hub(url, hub):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if hub.process.poll() is not None:
            raise RuntimeError("JupyterHub exited; see build/hub/jupyterhub.log")
        try:
            urllib.request.urlopen(f"{url}/hub/health", timeout=2).read()
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("JupyterHub did not answer within 60 s; see build/hub/jupyterhub.log")


def student_rss(name):
    """RSS (MiB) of the student's single-user server and of each of its kernels."""
    for proc in psutil.process_iter(["pid"]):
        try:
            if proc.environ().get("JUPYTERHUB_USER") == name and "singleuser" in " ".join(proc.cmdline()):
                kernels = [c.memory_info().rss / 2**20 for c in proc.children(recursive=True)]
                return proc.memory_info().rss / 2**20, kernels
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return None, []


def open_link(page, link, path, click=None):
    """Follow the link (or ``click()`` something that leads to it); seconds until ``path`` is
    open in JupyterLab with an idle kernel."""
    start = time.perf_counter()
    if click:
        click()
    else:
        page.goto(link, wait_until="domcontentloaded")
    page.wait_for_function(f"""() => {{ const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
        return !!w && !!w.context && w.context.path === {json.dumps(path)}; }}""", timeout=TIMEOUT * 1000, polling=250)
    page.wait_for_function(JS_KERNEL_IDLE, timeout=TIMEOUT * 1000, polling=250)
    return time.perf_counter() - start


def run_all(page):
    page.evaluate(JS_RUN_ALL)
    page.wait_for_function("() => window.__browserTest !== undefined", timeout=TIMEOUT * 1000, polling=250)
    page.wait_for_function(JS_KERNEL_IDLE, timeout=TIMEOUT * 1000, polling=250)
    page.wait_for_timeout(1000)
    return cell_problems(page.evaluate(JS_CELLS))[0]


def move_a_widget(page):
    picked = page.evaluate(JS_PICK_CONTROL)
    if picked is None:
        return False
    before = page.evaluate(JS_DISPLAYED)["html"]
    move_control(page, picked)
    return wait_for_change(page, before, 60)


def teacher_pushes(teacher, branch):
    """A new last cell in the chapter that calls a helper added to course_utils in the same commit."""
    init = teacher / "course_utils" / "__init__.py"
    init.write_text(init.read_text() + f"\n\ndef hub_check_helper():\n    return {MARKER!r}\n")
    chapter = teacher / "notebooks" / CHAPTER
    nb = json.loads(chapter.read_text())
    nb["cells"].append({"cell_type": "code", "execution_count": None, "id": "hub-check", "metadata": {},
                        "outputs": [], "source": "import course_utils\ncourse_utils.hub_check_helper()"})
    chapter.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    run("git", "-c", "user.name=teacher", "-c", "user.email=teacher@example.invalid", "commit", "-qam",
        "hub check: new helper and a cell that uses it", cwd=teacher)
    run("git", "push", "--quiet", "origin", branch, cwd=teacher)


JS_STUDENT_EDIT = """async (text) => {
  const panel = window.jupyterapp.shell.currentWidget;
  panel.content.model.sharedModel.insertCell(0, {cell_type: 'markdown', source: text});
  await panel.context.save();
}"""

JS_RESTART = """async () => {
  const panel = window.jupyterapp.shell.currentWidget;
  await panel.sessionContext.session.kernel.restart();
}"""


def main():
    failures, report = [], {}
    branch = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--abbrev-ref", "HEAD"], check=True,
                            capture_output=True, text=True).stdout.strip()
    shutil.rmtree(BUILD / "home", ignore_errors=True)
    for stale in ("course.git", "teacher", "jupyterhub.sqlite"):
        path = BUILD / stale
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
    BUILD.mkdir(parents=True, exist_ok=True)
    chp = install_proxy()
    upstream, teacher = make_upstream(branch)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    repo = upstream.as_uri()  # file:///.../course.git: nbgitpuller alone would clone into course.git
    links = {nb: hub_link(repo, url, branch, nb).removeprefix(url) for nb in ("00_start_here.ipynb", CHAPTER)}
    hub = Hub(write_config(port, chp))
    try:
        wait_for_hub(url, hub)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"])
            pages = {}
            for student in STUDENTS:
                page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
                pages[student] = page
                # The student opens the link, logs in, and the hub starts their server on the way.
                page.goto(f"{url}/hub/login?next={quote(links['00_start_here.ipynb'], safe='')}",
                          wait_until="domcontentloaded")
                page.fill("input[name=username]", student)
                page.fill("input[name=password]", "any")
                clicked = open_link(page, None, "course/notebooks/00_start_here.ipynb",
                                    click=lambda: page.click("input[type=submit], button[type=submit]"))
                hub.remember()
                report[student] = {"click to running (first)": clicked}
                for problem in run_all(page):
                    failures.append(f"{student}: 00: {problem}")
                report[student]["click to running (chapter)"] = open_link(page, url + links[CHAPTER],
                                                                          f"course/notebooks/{CHAPTER}")
                for problem in run_all(page):
                    failures.append(f"{student}: {CHAPTER}: {problem}")
                if not move_a_widget(page):
                    failures.append(f"{student}: moving a widget in {CHAPTER} changed nothing")
                hub.remember()
                server, kernels = student_rss(student)
                report[student]["RSS"] = (server, kernels)
            # A student's own edit, saved through JupyterLab, in a notebook the teacher does not change.
            page = pages[STUDENTS[0]]
            open_link(page, url + links["00_start_here.ipynb"], "course/notebooks/00_start_here.ipynb")
            page.evaluate(JS_STUDENT_EDIT, f"my note {MARKER}")
            teacher_pushes(teacher, branch)
            page.goto("about:blank")
            report[STUDENTS[0]]["click to running (after update)"] = open_link(
                page, url + links[CHAPTER], f"course/notebooks/{CHAPTER}")
            home = BUILD / "home" / STUDENTS[0] / "course" / "notebooks"
            if f"my note {MARKER}" not in (home / "00_start_here.ipynb").read_text():
                failures.append("the student's edit of 00 did not survive the second click")
            if "hub_check_helper" not in (home / CHAPTER).read_text():
                failures.append(f"the teacher's change to {CHAPTER} did not arrive")
            page.evaluate(JS_RESTART)
            page.wait_for_function(JS_KERNEL_IDLE, timeout=TIMEOUT * 1000, polling=250)
            problems = run_all(page)
            outputs = json.dumps(page.evaluate(JS_CELLS)[-1]["outputs"])
            if MARKER not in outputs:
                failures.append("a restarted kernel did not import the new course_utils: "
                                + ("; ".join(problems) or outputs)[:400])
            browser.close()
    except Exception as exc:  # noqa: BLE001  (report it, then stop everything)
        failures.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]} (see build/hub/jupyterhub.log)")
    finally:
        left = hub.stop()
        if left:
            failures.append(f"processes still running after stop: {left}")
    print(f"test-hub: JupyterHub on {url}, course from {repo} (branch {branch}), link folder 'course'")
    for student, row in report.items():
        times = ", ".join(f"{k} {v:.1f} s" for k, v in row.items() if k != "RSS")
        server, kernels = row.get("RSS", (None, []))
        memory = (f"server {server:.0f} MiB + kernels {' + '.join(f'{k:.0f}' for k in kernels)} MiB"
                  if server else "RSS not found")
        print(f"  {student}: {times}; {memory}")
    print("  (times on a shared machine include the others' load)")
    for failure in failures:
        print(f"FAIL {failure}")
    print("test-hub:", "FAILED" if failures else "passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
