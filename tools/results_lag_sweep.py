"""Accuracy on the memory task against the lag L, for one cell or all of them (chapters 03-05).

    python tools/results_lag_sweep.py                       # --cell all: every cell and every variant
    python tools/results_lag_sweep.py --cell lstm --lags 5,10,20,50,100 --seeds 0,1,2
    python tools/results_lag_sweep.py --variant gru_bz0     # a stored ablation (VARIANTS below)
    python tools/results_lag_sweep.py --cell gru --cell-options '{"update_bias": 1.0}' --out-dir /tmp/x

For every (lag, seed) it trains ``course_utils.tasks.train_memory_task(cell, lag, seed)``
with the shared settings (``tasks.MemorySettings``: same data, same optimiser, same
number of steps for every cell) and scores it on the held-out test set. It writes
``course_utils/results/lag_sweep_<cell>.json``: the settings, the cell's init options,
the chance level, the accuracy of every run, the mean per lag, and the wall time.

Each cell starts from its init options in ``tasks.CELL_OPTIONS`` (the gated cells with
their "keep" bias). A variant is a stored ablation: one cell with other init options,
same settings, written to ``lag_sweep_<variant>.json`` with those options recorded.
The shared folder only receives the cells with CELL_OPTIONS and the variants of VARIANTS;
other settings or init options (--steps, --lr, --cell-options) must go elsewhere (--out-dir).

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

from course_utils.results import RESULTS  # noqa: E402  (where the stored results live)
DEFAULT_LAGS = (5, 10, 20, 30, 40, 50, 100)
DEFAULT_SEEDS = (0, 1, 2)
# Stored ablations: name -> (cell, init options). Chapter 05: the GRU with the default
# update-gate bias b_z = 0 instead of CELL_OPTIONS["gru"]'s b_z = 3.
VARIANTS = {"gru_bz0": ("gru", {"update_bias": 0.0})}


def cell_available(cell):
    """True when course_utils/<cell>.py can be imported."""
    return importlib.util.find_spec(CELLS[cell]) is not None


def sweep(cell, lags, seeds, settings=None, log=print, cell_options=None, variant=None):
    """Train every (lag, seed) and return the JSON-ready record.

    cell_options : init options for the cell (default ``CELL_OPTIONS[cell]``, or the variant's).
    variant : a name in VARIANTS; it sets the cell options and is recorded.
    """
    settings = settings or MemorySettings()
    default = MemorySettings()
    if variant is not None:
        if VARIANTS[variant][0] != cell:
            raise ValueError(f"variant {variant!r} is a {VARIANTS[variant][0]} sweep; got cell {cell!r}")
        options = VARIANTS[variant][1]
        what = f"--variant {variant}"
    else:
        options = CELL_OPTIONS[cell] if cell_options is None else cell_options
        what = f"--cell {cell}"
        if options != CELL_OPTIONS[cell]:
            what += f" --cell-options '{json.dumps(options)}'"
    options = dict(options)
    extra = "".join(f" --{flag} {getattr(settings, name)}" for name, flag in (("n_steps", "steps"), ("lr", "lr"))
                    if getattr(settings, name) != getattr(default, name))
    start = time.perf_counter()
    runs = []
    for lag in lags:
        for seed in seeds:
            run = train_memory_task(cell, lag, seed=seed, settings=settings, cell_options=options)
            runs.append({"lag": lag, "seed": seed,
                         "accuracy": None if np.isnan(run.accuracy) else run.accuracy,
                         "test_loss": None if np.isnan(run.test_loss) else round(run.test_loss, 6),
                         "final_train_loss": round(float(np.mean(run.history.losses[-20:])), 6),
                         "diverged_at": run.history.diverged_at,
                         "seconds": round(run.seconds, 2)})
            log(f"{variant or cell:>7}  L={lag:<4} seed={seed}  accuracy {run.accuracy:.3f}  ({run.seconds:.1f} s)")
    mean = {}
    for lag in lags:
        accs = [r["accuracy"] for r in runs if r["lag"] == lag and r["accuracy"] is not None]
        mean[str(lag)] = round(float(np.mean(accs)), 4) if accs else None
    return {
        "what": "test accuracy on the 'remember the first symbol' task (course_utils.tasks) against the lag L",
        "produced_by": f"tools/results_lag_sweep.py {what} --lags {','.join(map(str, lags))} "
                       f"--seeds {','.join(map(str, seeds))}" + extra,
        "cell": cell,
        "variant": variant,
        "cell_options": options,
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


def _options(text):
    try:
        options = json.loads(text)
    except json.JSONDecodeError:
        options = None
    if not isinstance(options, dict):
        raise argparse.ArgumentTypeError(f"expected a JSON object such as '{{\"update_bias\": 1.0}}'; got {text!r}")
    return options


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--cell", choices=[*CELLS, "all"], help="a cell with CELL_OPTIONS, or all cells and "
                       "all variants (the default)")
    which.add_argument("--variant", choices=list(VARIANTS), help="a stored ablation: " + "; ".join(
        f"{name} = {cell} with {json.dumps(options)}" for name, (cell, options) in VARIANTS.items()))
    parser.add_argument("--lags", type=_ints, default=DEFAULT_LAGS, help="comma-separated, e.g. 5,10,20,50,100")
    parser.add_argument("--seeds", type=_ints, default=DEFAULT_SEEDS, help="comma-separated, e.g. 0,1,2")
    parser.add_argument("--out-dir", type=Path, default=RESULTS)
    parser.add_argument("--steps", type=int, help="override MemorySettings.n_steps (robustness checks: "
                        "write them elsewhere with --out-dir)")
    parser.add_argument("--lr", type=float, help="override MemorySettings.lr (idem)")
    parser.add_argument("--cell-options", type=_options, help="init options for the one --cell, as JSON, "
                        "instead of CELL_OPTIONS (idem: write them elsewhere with --out-dir)")
    args = parser.parse_args(argv)
    if args.cell is None and args.variant is None:
        args.cell = "all"
    if args.cell_options is not None and args.cell in (None, "all"):
        parser.error("--cell-options needs one --cell (a variant has its own options)")
    if min(args.lags) < 1:
        parser.error(f"--lags must be positive integers; got {args.lags}")
    if min(args.seeds) < 0:
        parser.error(f"--seeds must be non-negative integers; got {args.seeds}")
    overrides = {k: v for k, v in (("n_steps", args.steps), ("lr", args.lr)) if v is not None}
    shared = args.out_dir.resolve() == RESULTS.resolve()
    if overrides and shared:
        parser.error("--steps/--lr change the shared settings: write such runs elsewhere with --out-dir")
    if args.cell_options is not None and shared and args.cell_options != CELL_OPTIONS[args.cell]:
        parser.error(f"--cell-options differ from tasks.CELL_OPTIONS[{args.cell!r}] = "
                     f"{json.dumps(CELL_OPTIONS[args.cell])}, which lag_sweep_{args.cell}.json must be made with: "
                     "write such runs elsewhere with --out-dir (or register a stored ablation in VARIANTS)")
    settings = replace(MemorySettings(), **overrides)
    if args.variant is not None:
        jobs = [(VARIANTS[args.variant][0], args.variant)]
    elif args.cell == "all":
        jobs = [(cell, None) for cell in CELLS] + [(cell, name) for name, (cell, _) in VARIANTS.items()]
    else:
        jobs = [(args.cell, None)]
    args.out_dir.mkdir(parents=True, exist_ok=True)
    done = 0
    for cell, variant in jobs:
        if not cell_available(cell):
            print(f"skipping {variant or cell}: {CELLS[cell]} does not exist yet (course_utils/{cell}.py); "
                  "rerun this script once it does.")
            continue
        record = sweep(cell, args.lags, args.seeds, settings, cell_options=args.cell_options, variant=variant)
        path = args.out_dir / f"lag_sweep_{variant or cell}.json"
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
