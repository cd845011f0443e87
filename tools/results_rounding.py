"""Does the stored lag sweep survive another CPU's rounding? The longest lag, retrained four ways.

    python tools/results_rounding.py            # writes course_utils/results/rounding.json (~4 min)
    python tools/results_rounding.py --out-dir /tmp/x --cells lstm --seeds 1

The memory task's sweep (tools/results_lag_sweep.py) is float32 training that amplifies the last
bit of rounding. ``make test-portable`` replays the notebooks as other machines compute them: the
default OpenBLAS kernels of this CPU, OpenBLAS's Haswell (AVX2 laptops) and Prescott (SSE3) kernels,
and every random draw nudged by 1e-12 of its size (``COURSE_UTILS_PERTURB``), standing in for other
BLAS libraries and NumPy builds. This script retrains the gated cells at the sweep's longest lag
(L = 100, the seeds of the sweep, its settings and init options) under each of those four modes,
each in a fresh Python process (OpenBLAS reads OPENBLAS_CORETYPE when NumPy is imported), and
records every accuracy. Chapter 05 prints it: a result at the edge of the training budget can
depend on rounding, and this shows which ones do.

Deterministic: on the same machine a rerun gives the same accuracies; the "native" row equals the
stored sweep's L = 100 runs (tests/test_results_rounding.py checks both).
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

import course_utils  # noqa: E402
from course_utils.results import RESULTS  # noqa: E402

# the modes of `make test-portable` (Makefile PORTABLE_MODES): name -> extra environment
MODES = {"native": {}, "Haswell": {"OPENBLAS_CORETYPE": "Haswell"}, "Prescott": {"OPENBLAS_CORETYPE": "Prescott"},
         "perturb 1e-12": {"COURSE_UTILS_PERTURB": "1e-12"}}
CELLS = ("lstm", "gru")
LAG = 100
SEEDS = (0, 1, 2)


def retrain(cell, mode, seeds, lag=LAG):
    """Accuracies of ``cell`` at ``lag`` for ``seeds``, trained by results_lag_sweep.py in a fresh process."""
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "COURSE_UTILS_PERTURB")}
    env.update({"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "PYTHONHASHSEED": "0", **MODES[mode]})
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([sys.executable, str(ROOT / "tools" / "results_lag_sweep.py"), "--cell", cell,
                        "--lags", str(lag), "--seeds", ",".join(map(str, seeds)), "--out-dir", out],
                       env=env, check=True, stdout=subprocess.DEVNULL)
        record = json.loads((Path(out) / f"lag_sweep_{cell}.json").read_text())
    return [run["accuracy"] for run in record["runs"]], record


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cells", default=",".join(CELLS), help="comma-separated, e.g. lstm,gru")
    parser.add_argument("--seeds", default=",".join(map(str, SEEDS)), help="comma-separated, e.g. 0,1,2")
    parser.add_argument("--out-dir", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    cells = tuple(args.cells.split(","))
    seeds = tuple(int(s) for s in args.seeds.split(","))
    if (cells, seeds) != (CELLS, SEEDS) and args.out_dir.resolve() == RESULTS.resolve():
        parser.error("other cells or seeds than the stored record's: write them elsewhere with --out-dir")
    start = time.perf_counter()
    accuracy, settings, options = {}, None, {}
    for mode in MODES:
        accuracy[mode] = {}
        for cell in cells:
            accuracy[mode][cell], record = retrain(cell, mode, seeds)
            settings, options[cell] = record["settings"], record["cell_options"]
            print(f"{mode:>14}  {cell:>4}  L={LAG}  seeds {list(seeds)}: "
                  + "  ".join(f"{a:.3f}" for a in accuracy[mode][cell]), flush=True)
    out = {
        "what": "test accuracy on the memory task at the sweep's longest lag, retrained under the rounding "
                "modes of `make test-portable`",
        "produced_by": "tools/results_rounding.py" + ("" if (cells, seeds) == (CELLS, SEEDS)
                                                      else f" --cells {args.cells} --seeds {args.seeds}"),
        "lag": LAG, "seeds": list(seeds), "cells": list(cells), "cell_options": options,
        "modes": {mode: env for mode, env in MODES.items()},
        "settings": settings, "accuracy": accuracy,
        "wall_time_s": round(time.perf_counter() - start, 1),
        "environment": {"course_utils": course_utils.__version__, "numpy": np.__version__,
                        "python": platform.python_version(), "machine": platform.machine()},
    }
    args.out_dir.mkdir(parents=True, exist_ok=True)
    path = args.out_dir / "rounding.json"
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {path} ({out['wall_time_s']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
