"""Browser tests: `make test-browser` (pytest-playwright driving Debian's Chromium).

Collected only when COURSE_BROWSER_TESTS=1 (the make target sets it): `make test`
stays fast and needs no browser. Playwright never downloads a browser here: it is
given the system Chromium's path ($CHROMIUM, default /usr/bin/chromium).

Each xdist worker starts its own JupyterLab on a throw-away copy of notebooks/;
every item of one notebook runs on the same worker (xdist_group), which opens and
runs the notebook once (lab_run), keeps its page open for the checks, saves a
screenshot to build/browser/screenshots/ and a Playwright trace to build/browser/,
kept only when one of that notebook's checks failed (open it with
`.venv/bin/playwright show-trace build/browser/<name>-trace.zip`).
"""

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OUT = ROOT / "build" / "browser"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}

if os.environ.get("COURSE_BROWSER_TESTS") != "1":
    collect_ignore_glob = ["test_*.py"]

sys.path.insert(0, str(HERE))


def course_notebooks():
    """notebooks/*.ipynb, then notebooks/workbook/*.ipynb: whatever the course holds, no list to maintain."""
    folder = ROOT / "notebooks"
    return sorted(folder.glob("*.ipynb")) + sorted((folder / "workbook").glob("*.ipynb"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.exit(f"No Chromium at {CHROMIUM}: apt-get install chromium, or set CHROMIUM=/path", returncode=2)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "headless": True,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync"]}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        name = getattr(item, "callspec", None) and item.callspec.params.get("name")
        if name:
            FAILED.add(name)


FAILED = set()


@pytest.fixture(scope="session")
def lab_server():
    from lab import LabServer

    with tempfile.TemporaryDirectory(prefix="browser-test-") as tmp:
        work = Path(tmp) / "notebooks"  # a copy: running a notebook in JupyterLab changes it
        shutil.copytree(ROOT / "notebooks", work, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        with LabServer(work, Path(tmp) / "home") as server:
            yield server


@pytest.fixture(scope="session")
def lab_runs(browser, lab_server):
    """name -> the finished run of that notebook (opened and run on first use, page kept open)."""
    from lab_run import LabRun

    runs = {}

    def get(name):
        if name not in runs:
            for other in list(runs.values()):  # one kernel at a time on this worker
                other.close()
            runs[name] = LabRun(browser, lab_server, name, LAPTOP, OUT).run()
        return runs[name]

    yield get
    for name, run in runs.items():
        run.close(keep_trace=name in FAILED)


def latency_table(rows):
    """The measured latencies as a markdown table (build/browser/latency.md; benchmarks/widget_latency.md)."""
    lines = ["| notebook | widget | control | median ms | p95 ms | wall median ms | wall p95 ms | n | load (cores) |",
             "|---|---|---|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        a, w = r["adjusted"] or {"median": float("nan"), "p95": float("nan")}, r["wall"] or {"median": float("nan"), "p95": float("nan")}
        lines.append(f"| {r['notebook'].removesuffix('.ipynb')} | {r['title']} | {r['kind']} | {a['median']:.0f} | {a['p95']:.0f} "
                     f"| {w['median']:.0f} | {w['p95']:.0f} | {r['n']} | {r['load']:.1f} ({r['cores']}) |")
    return "\n".join(lines) + "\n"


def pytest_terminal_summary(terminalreporter, config):
    """The slider/text -> redrawn-figure latencies measured in this run, one line per widget."""
    files = sorted(OUT.glob("latency-*.json")) if OUT.exists() else []
    rows = [row for path in files for row in json.loads(path.read_text()) if "adjusted" in row]
    if not rows:
        return
    (OUT / "latency.md").write_text(latency_table(rows))
    terminalreporter.section("control -> redrawn figure in the browser (ms, JupyterLab, 1366x768; build/browser/latency.md)")
    terminalreporter.write_line("median/p95 = wall time minus the kernel's wait for a CPU; wall = key press to painted")
    for row in rows:
        a, w = row["adjusted"], row["wall"]
        numbers = (f"median {a['median']:6.0f}  p95 {a['p95']:6.0f}  wall {w['median']:6.0f} / {w['p95']:6.0f}"
                   if a else "no timed move drew a new figure")
        terminalreporter.write_line(f"{row['notebook']:<32} {row['title'][:48]:<48} {row['kind']:<6} {numbers}  "
                                    f"(n = {row['n']} of {row['moves']}, load {row['load']})")


def pytest_collection_modifyitems(config, items):
    """All checks of one notebook (or site page) together, so each is opened once per worker."""
    def key(item):
        params = getattr(item, "callspec", None) and item.callspec.params or {}
        return (item.fspath.basename, str(params.get("name", "")), str(params.get("viewport", "")))
    order = {id(item): i for i, item in enumerate(items)}
    items.sort(key=lambda item: (key(item), order[id(item)]))
    for item in items:
        params = getattr(item, "callspec", None) and item.callspec.params or {}
        if "name" in params:
            item.add_marker(pytest.mark.xdist_group(f"{item.fspath.basename}:{params['name']}"))
