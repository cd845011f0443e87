"""How often does a fresh kernel hang? Execute a small notebook many times and count.

    python benchmarks/hang_rate.py                       # 300 runs of a small notebook, other core busy
    python benchmarks/hang_rate.py --runs 50 --no-load --notebook notebooks/00_start_here.ipynb

Each run starts a fresh kernel and executes every cell with plain nbclient (no
watchdog) and a short per-cell timeout; a run that times out is a hang (kernel
idle, no reply), and the cell is recorded. The default notebook is built here:
the shape of a chapter's first cells (NumPy, matplotlib inline, a figure, prints,
a seeded computation) without depending on course_utils, so the loop measures the
kernel stack, not the course code. With ``--load`` (the default) a
busy-loop process keeps one core busy, as a class's lab machine or CI runner
would be. The result for this repository is recorded in benchmarks/hang_rate.md.
"""

import argparse
import multiprocessing
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

ROOT = Path(__file__).resolve().parents[1]


def spin(stop):
    while not stop.is_set():
        sum(i * i for i in range(10_000))


SMALL_NOTEBOOK = [
    "import numpy as np\nimport matplotlib.pyplot as plt\n%matplotlib inline\nrng = np.random.default_rng(0)",
    "X = rng.standard_normal((64, 32))\nW = rng.standard_normal((32, 16))\nprint(f'{np.tanh(X @ W).std():.3f}')",
    "fig, ax = plt.subplots(figsize=(4, 3))\nax.plot(np.cumsum(rng.standard_normal(200)))\nplt.show()",
    "for t in range(5):\n    print(t, f'{np.linalg.norm(np.linalg.matrix_power(W[:16] * 0.3, t + 1)):.3e}')",
    "from IPython.display import display, Markdown\ndisplay(Markdown('**done**'))",
]


def run_once(path, timeout):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    try:
        client.execute()
    except CellTimeoutError as error:
        return "hang", time.perf_counter() - start, str(error).splitlines()[0][:120]
    except CellExecutionError as error:
        return "cell error", time.perf_counter() - start, str(error).splitlines()[-1][:120]
    except (DeadKernelError, RuntimeError) as error:
        return "kernel error", time.perf_counter() - start, str(error).splitlines()[0][:120]
    return "ok", time.perf_counter() - start, ""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", default=None, help="a notebook to run instead of the built-in small one")
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--timeout", type=int, default=30, help="seconds per cell before a run counts as hung")
    parser.add_argument("--no-load", dest="load", action="store_false", help="do not keep a core busy")
    args = parser.parse_args(argv)

    import ipykernel
    import jupyter_client
    import zmq

    name = args.notebook or "built-in small notebook (5 cells)"
    stop = multiprocessing.Event()
    spinner = multiprocessing.Process(target=spin, args=(stop,), daemon=True) if args.load else None
    if spinner:
        spinner.start()
    counts, times, notes = {}, [], []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "small.ipynb"
            if args.notebook:
                shutil.copy(ROOT / args.notebook, copy)
            else:
                nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in SMALL_NOTEBOOK]),
                               copy)
            for i in range(args.runs):
                status, seconds, note = run_once(copy, args.timeout)
                counts[status] = counts.get(status, 0) + 1
                times.append(seconds)
                if status != "ok":
                    notes.append(f"run {i + 1}: {status} after {seconds:.0f} s: {note}")
                    print(notes[-1], flush=True)
                if (i + 1) % 25 == 0:
                    print(f"{i + 1} runs: {counts}", flush=True)
    finally:
        stop.set()
    hangs = counts.get("hang", 0)
    print(f"\n{name}: {args.runs} fresh-kernel executions, per-cell timeout {args.timeout} s, "
          f"{'one core kept busy' if args.load else 'no extra load'}")
    print(f"ipykernel {ipykernel.__version__}, jupyter_client {jupyter_client.__version__}, "
          f"pyzmq {zmq.__version__}, Python {sys.version.split()[0]}")
    print(f"outcomes: {counts}; hang rate {hangs}/{args.runs}; "
          f"median run {statistics.median(times):.1f} s, max {max(times):.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
