"""Re-execute notebooks in place, top to bottom in a fresh kernel, and tidy them.

    python tools/execute_notebooks.py notebooks/01_mlp_recap.ipynb [...]

After running, it removes what must not be committed: per-cell execution
timestamps and the notebook's saved widget state. Outputs, execution counts and
cell ids stay. `make execute` runs it on every notebook with the same
environment variables as `make test` (one BLAS thread, fixed hash seed), so the
stored outputs are the ones nbval will reproduce.
"""

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def tidy(nb):
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("collapsed", None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    return nb


def execute(path, timeout=300):
    """Run one notebook in place; a cell silent for ``timeout`` seconds has hung: fail."""
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(Path(path).parent)}})
    client.execute()
    seconds = time.perf_counter() - start
    nbformat.write(tidy(nb), path)
    return seconds


def main(paths):
    if not paths:
        print("usage: execute_notebooks.py NOTEBOOK [...]")
        return 2
    for path in paths:
        print(f"{path}: executed in {execute(path):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
