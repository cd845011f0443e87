"""Re-execute notebooks in place, top to bottom in a fresh kernel, and tidy them.

    python tools/execute_notebooks.py notebooks/01_mlp_recap.ipynb [...]

After running, it removes what must not be committed: per-cell execution
timestamps, the notebook's saved widget state, and the widget views in outputs
(a random model id that changes on every run and, with no saved state, would show
"Error displaying widget" to someone who opens the notebook before running it;
the text form that stays says "run this cell to use its controls"). Outputs,
execution counts and cell ids stay. `--tidy-only` does just that, without running. `make execute` runs it on every notebook with the same
environment variables as `make test` (one BLAS thread, fixed hash seed), so the
stored outputs are the ones nbval will reproduce. A chapter (notebooks/*.ipynb) also
gets its slide metadata from tools/slides.py after the run, since the rules read the
outputs (a figure's height, a quiz's length): a re-executed chapter stays in step.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))   # kernel_watchdog, next to this file

import nbformat

from kernel_watchdog import KernelHung, watched_client_class
import slides


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def merge_streams(outputs):
    """One output per run of stdout (or stderr) text: a loaded machine delivers a cell's
    prints in chunks that split at arbitrary points, which would churn the stored file."""
    merged = []
    for output in outputs:
        if (output.get("output_type") == "stream" and merged and merged[-1].get("output_type") == "stream"
                and merged[-1].get("name") == output.get("name")):
            merged[-1]["text"] = merged[-1]["text"] + output["text"]
        else:
            merged.append(output)
    return merged


def is_chapter(path):
    """A chapter notebook (notebooks/*.ipynb), which has slide metadata; not a workbook."""
    return Path(path).resolve().parent == slides.ROOT / "notebooks"


def tidy(nb, path=None):
    """``nb`` without what must not be committed; a chapter's slide metadata brought in step (tools/slides.py)."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("collapsed", None)
        if "outputs" in cell:
            cell.outputs = merge_streams(cell.outputs)
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(WIDGET_VIEW, None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    if path is not None and is_chapter(path):
        slides.apply(nb)
    return nb


CELL_TIMEOUT = 120   # the slowest cell takes ~10 s on an idle 2-core machine


def execute(path, timeout=CELL_TIMEOUT, retries=1):
    """Run one notebook in place in a fresh kernel; returns the seconds it took.

    A kernel that sits idle without answering a cell is detected within about
    15 s (tools/kernel_watchdog.py) and the whole notebook is run again once in a
    fresh kernel (safe: the file is written only after a complete run), as is a
    kernel that dies while starting; a cell still running after ``timeout`` seconds fails.
    """
    for attempt in range(retries + 1):
        nb = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        client = watched_client_class()(nb, timeout=timeout, kernel_name="python3",
                                        resources={"metadata": {"path": str(Path(path).parent)}})
        try:
            client.execute()
        except KernelHung as hung:
            if attempt == retries:
                raise KernelHung(f"{path}, {hung} (also on the retry)") from None
            print(f"{path}, {hung}; running the notebook again in a fresh kernel", flush=True)
            continue
        except RuntimeError as error:   # nbclient: "Kernel died before replying to kernel_info"
            if "before replying to kernel_info" not in str(error) or attempt == retries:
                raise
            print(f"{path}: the kernel died while starting ({error}); starting another", flush=True)
            continue
        seconds = time.perf_counter() - start
        nbformat.write(tidy(nb, path), path)
        return seconds


def main(args):
    tidy_only = "--tidy-only" in args
    paths = [a for a in args if a != "--tidy-only"]
    if not paths or any(a.startswith("-") for a in paths):
        print(__doc__)
        print("usage: execute_notebooks.py [--tidy-only] NOTEBOOK [...]")
        return 2
    if tidy_only:
        for path in paths:
            nbformat.write(tidy(nbformat.read(path, as_version=4), path), path)
            print(f"{path}: tidied")
        return 0
    for path in paths:
        print(f"{path}: executed in {execute(path):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
