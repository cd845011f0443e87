"""Accuracy on the memory task against the lag L, for one cell or all of them (chapters 03-05).

    python tools/results_lag_sweep.py                       # --cell all, the default lags and seeds
    python tools/results_lag_sweep.py --cell lstm --lags 5,10,20,50,100 --seeds 0,1,2

For every (lag, seed) it trains ``course_utils.tasks.train_memory_task(cell, lag, seed)``
with the shared settings (``tasks.MemorySettings``: same data, same optimiser, same
number of steps for every cell) and scores it on the held-out test set. It writes
``course_utils/results/lag_sweep_<cell>.json``: the settings, the cell's init options,
the chance level, the accuracy of every run, the mean per lag, and the wall time.

Deterministic: the data and the initial weights depend only on (seed, lag), so a rerun
on the same machine gives the same accuracies (only the times change);
tests/test_results_lag_sweep.py re-trains a subset and compares. A cell whose module
(course_utils/<cell>.py) does not exist yet is skipped with a message.
"""

import argparse
import importlib.util
import json
import platform
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import course_utils  # noqa: E402
from course_utils.seqmodels import CELLS  # noqa: E402
from course_utils.tasks import CELL_OPTIONS, MemorySettings, train_memory_task  # noqa: E402

RESULTS = ROOT / "course_utils" / "results"
DEFAULT_LAGS = (5, 10, 20, 30, 40, 50, 100)
DEFAULT_SEEDS = (0, 1, 2)


def cell_available(cell):
    """True when course_utils/<cell>.py can be imported."""
    return importlib.util.find_spec(CELLS[cell]) is not None


def sweep(cell, lags, seeds, settings=None, log=print):
    """Train every (lag, seed) and return the JSON-ready record."""
    settings = settings or MemorySettings()
    default = MemorySettings()
    extra = "".join(f" --{flag} {getattr(settings, name)}" for name, flag in (("n_steps", "steps"), ("lr", "lr"))
                    if getattr(settings, name) != getattr(default, name))
    start = time.perf_counter()
    runs = []
    for lag in lags:
        for seed in seeds:
            run = train_memory_task(cell, lag, seed=seed, settings=settings)
            runs.append({"lag": lag, "seed": seed,
                         "accuracy": None if np.isnan(run.accuracy) else run.accuracy,
                         "test_loss": None if np.isnan(run.test_loss) else round(run.test_loss, 6),
                         "final_train_loss": round(float(np.mean(run.history.losses[-20:])), 6),
                         "diverged_at": run.history.diverged_at,
                         "seconds": round(run.seconds, 2)})
            log(f"{cell:>4}  L={lag:<4} seed={seed}  accuracy {run.accuracy:.3f}  ({run.seconds:.1f} s)")
    mean = {}
    for lag in lags:
        accs = [r["accuracy"] for r in runs if r["lag"] == lag and r["accuracy"] is not None]
        mean[str(lag)] = round(float(np.mean(accs)), 4) if accs else None
    return {
        "what": "test accuracy on the 'remember the first symbol' task (course_utils.tasks) against the lag L",
        "produced_by": f"tools/results_lag_sweep.py --cell {cell} --lags {','.join(map(str, lags))} "
                       f"--seeds {','.join(map(str, seeds))}" + extra,
        "cell": cell,
        "cell_options": dict(CELL_OPTIONS[cell]),
        "settings": settings.as_dict(),
        "chance": settings.task.chance,
        "lags": list(lags),
        "seeds": list(seeds),
        "mean_accuracy": mean,
        "runs": runs,
        "wall_time_s": round(time.perf_counter() - start, 1),
        "environment": {"course_utils": course_utils.__version__, "numpy": np.__version__,
                        "python": platform.python_version(), "machine": platform.machine()},
    }


def _ints(text):
    try:
        values = tuple(int(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers such as 5,10,20; got {text!r}")
    return values


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cell", default="all", choices=[*CELLS, "all"])
    parser.add_argument("--lags", type=_ints, default=DEFAULT_LAGS, help="comma-separated, e.g. 5,10,20,50,100")
    parser.add_argument("--seeds", type=_ints, default=DEFAULT_SEEDS, help="comma-separated, e.g. 0,1,2")
    parser.add_argument("--out-dir", type=Path, default=RESULTS)
    parser.add_argument("--steps", type=int, help="override MemorySettings.n_steps (robustness checks: "
                        "write them elsewhere with --out-dir)")
    parser.add_argument("--lr", type=float, help="override MemorySettings.lr (idem)")
    args = parser.parse_args(argv)
    if min(args.lags) < 1:
        parser.error(f"--lags must be positive integers; got {args.lags}")
    if min(args.seeds) < 0:
        parser.error(f"--seeds must be non-negative integers; got {args.seeds}")
    overrides = {k: v for k, v in (("n_steps", args.steps), ("lr", args.lr)) if v is not None}
    if overrides and args.out_dir.resolve() == RESULTS.resolve():
        parser.error("--steps/--lr change the shared settings: write such runs elsewhere with --out-dir")
    settings = replace(MemorySettings(), **overrides)
    cells = list(CELLS) if args.cell == "all" else [args.cell]
    args.out_dir.mkdir(parents=True, exist_ok=True)
    done = 0
    for cell in cells:
        if not cell_available(cell):
            print(f"skipping {cell}: {CELLS[cell]} does not exist yet (course_utils/{cell}.py); "
                  "rerun this script once it does.")
            continue
        record = sweep(cell, args.lags, args.seeds, settings)
        path = args.out_dir / f"lag_sweep_{cell}.json"
        path.write_text(json.dumps(record, indent=1) + "\n")
        means = "  ".join(f"L={k}: {v:.3f}" for k, v in record["mean_accuracy"].items() if v is not None)
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  "
              f"(chance {record['chance']:.2f}; mean accuracy {means}; {record['wall_time_s']:.0f} s)")
        done += 1
    if done == 0:
        print("nothing was run.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
