"""`make bench`: how long each notebook takes, and how fast each widget updates.

    python benchmarks/run.py                 # everything
    python benchmarks/run.py --only widgets  # or: notebooks, extra
    python benchmarks/run.py --notebooks 01  # notebooks whose name contains "01"

Three sections:
1. notebooks: each executed headless in a fresh kernel (on a temporary copy),
   wall time per run; the budget is 20 s per notebook.
2. widgets: every case in ``benchmarks/widgets_*.py`` (a list ``CASES`` of
   ``(name, fn, [kwargs, ...])``). Each update is the experiment function plus
   rendering its figure to PNG, as the notebook does; median and p95 over all
   the control settings listed and ``--repeat`` rounds. The budget is 100 ms median.
3. extra: every ``benchmarks/bench_*.py`` with a ``main()`` (e.g. kernel throughput).

Machines are noisy: quote medians and ratios, not single runs.
"""

import argparse
import importlib.util
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tools"))


def load(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def bench_notebooks(pattern, repeat):
    from execute_notebooks import execute

    print(f"\n== notebooks: headless execution in a fresh kernel (budget 20 s), {repeat} run(s) ==")
    print(f"{'notebook':<34} {'median s':>9} {'max s':>7}  verdict")
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        if pattern and pattern not in path.name:
            continue
        times = []
        for _ in range(repeat):
            with tempfile.TemporaryDirectory() as tmp:
                copy = Path(tmp) / path.name
                shutil.copy(path, copy)
                for data in (ROOT / "notebooks").iterdir():  # bundled files next to the notebooks
                    if data.is_dir() and not data.name.startswith("."):
                        shutil.copytree(data, Path(tmp) / data.name)
                times.append(execute(copy))
        median = statistics.median(times)
        print(f"{path.name:<34} {median:>9.1f} {max(times):>7.1f}  {'ok' if median < 20 else 'OVER BUDGET'}", flush=True)


def bench_widgets(repeat):
    from course_utils.labs.widgets import render

    print(f"\n== widgets: one update = experiment + PNG render (budget 100 ms median), {repeat} round(s) ==")
    print(f"{'widget':<44} {'n':>4} {'median ms':>10} {'p95 ms':>8}  verdict")
    for path in sorted(HERE.glob("widgets_*.py")):
        for name, fn, settings in load(path).CASES:
            render(fn, **settings[0])  # warm-up: imports, caches, first figure
            times = []
            for _ in range(repeat):
                for kwargs in settings:
                    times.append(render(fn, **kwargs)[1] * 1000)
            times.sort()
            p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
            median = statistics.median(times)
            print(f"{name:<44} {len(times):>4} {median:>10.1f} {p95:>8.1f}  {'ok' if median < 100 else 'OVER BUDGET'}", flush=True)


def bench_extra():
    for path in sorted(HERE.glob("bench_*.py")):
        module = load(path)
        if hasattr(module, "main"):
            print(f"\n== {path.stem} ==")
            module.main()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=["notebooks", "widgets", "extra"])
    parser.add_argument("--notebooks", default="", help="only notebooks whose file name contains this")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    start = time.perf_counter()
    if args.only in (None, "widgets"):
        bench_widgets(args.repeat)
    if args.only in (None, "extra"):
        bench_extra()
    if args.only in (None, "notebooks"):
        bench_notebooks(args.notebooks, 1 if args.only is None else args.repeat)
    print(f"\n(total {time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
