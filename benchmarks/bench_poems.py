"""How long a notebook waits for the Tang-poem models: a fresh process imports course_utils,
loads the three shipped models and rebuilds their vocabulary (issue 18: well under a second)."""

import statistics
import subprocess
import sys

CODE = """
import time
start = time.perf_counter()
from course_utils.results import POEM_CELLS, load_poem_model, load_poems
from course_utils.labs.poems_lab import lm_data
imported = time.perf_counter()
record = load_poems()
models = {cell: load_poem_model(cell) for cell in POEM_CELLS}
vocab = lm_data()["vocab"]
print(imported - start, time.perf_counter() - imported)
"""


def main(repeat=5):
    runs = [subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True).stdout.split()
            for _ in range(repeat)]
    imports, loads = ([float(r[i]) * 1000 for r in runs] for i in (0, 1))
    print(f"Tang-poem models, fresh process, {repeat} runs: importing course_utils.results + labs.poems_lab "
          f"(matplotlib, ipywidgets: a notebook's setup cell already did it) median {statistics.median(imports):.0f} ms; "
          f"then loading the three models + rebuilding the vocabulary median {statistics.median(loads):.0f} ms "
          f"(max {max(loads):.0f} ms)")


if __name__ == "__main__":
    main()
