"""The stored results in ``course_utils/results/``: the one place that reads them.

What takes too long to train inside a notebook is computed once by a deterministic
script in ``tools/`` and shipped here (see ``results/README.md`` for each file's
script and the slow test that re-checks it). Notebooks, labs and tests read the
files through these functions only, so a missing or renamed file gives one message
that says which script recreates it.

    load_sweep("rnn")            lag_sweep_<name>.json: the memory task against the lag (03, 04, 05)
    chance_lags(record)          the lags at which every run of a sweep is at chance
    load_seq2seq()               seq2seq.json: what tools/results_seq2seq.py measured (06)
    load_date_model("attention") seq2seq_<name>.npz: the shipped date-translation weights (06)
    load_poems()                 poems.json: the Tang-poem LMs' perplexity and form accuracy (02, 04, 05)
    load_poem_model("gru")       poems_<cell>.npz: the shipped Tang-poem language models (02, 04, 05)
    load_rounding()              rounding.json: the longest lag retrained under other CPUs' rounding (05)
"""

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).resolve().parent / "results"
SWEEPS = ("rnn", "lstm", "gru", "gru_bz0")


def _path(name, remedy):
    path = RESULTS / name
    if not path.exists():
        raise FileNotFoundError(f"{name} does not exist in {RESULTS}: run `{remedy}` (or `make results`) to create it.")
    return path


def load_sweep(name):
    """The record tools/results_lag_sweep.py wrote for ``name``: a cell ("rnn", "lstm", "gru")
    or a variant ("gru_bz0"). A dict with "settings", "lags", "seeds", "chance", "runs" (one
    {"lag", "seed", "accuracy", ...} per run), "mean_accuracy" (lag as a string -> mean) and "cell_options"."""
    if name not in SWEEPS:
        raise ValueError(f"name must be one of {list(SWEEPS)}; got {name!r}")
    flag = f"--variant {name}" if name not in ("rnn", "lstm", "gru") else f"--cell {name}"
    return json.loads(_path(f"lag_sweep_{name}.json", f"python tools/results_lag_sweep.py {flag}").read_text())


def load_rounding():
    """What tools/results_rounding.py measured: the gated cells at the sweep's longest lag ("lag"),
    retrained under each rounding mode of `make test-portable`. "accuracy"[mode][cell] is one accuracy
    per seed of "seeds"; "modes" maps each mode to the environment it sets."""
    return json.loads(_path("rounding.json", "python tools/results_rounding.py").read_text())


def chance_lags(record, n_sigma=3):
    """The lags at which every run of a sweep is within n_sigma standard errors of chance."""
    p = record["chance"]
    noise = n_sigma * np.sqrt(p * (1 - p) / record["settings"]["n_test"])
    return [lag for lag in record["lags"]
            if all(abs(r["accuracy"] - p) <= noise for r in record["runs"] if r["lag"] == lag)]


def load_seq2seq():
    """What tools/results_seq2seq.py measured and recorded (settings, accuracies, times)."""
    return json.loads(_path("seq2seq.json", "python tools/results_seq2seq.py").read_text())


def date_models():
    """The names of the shipped date-translation models, e.g. ["attention", "plain", "plain_tf1"]."""
    return [p.stem[len("seq2seq_"):] for p in sorted(RESULTS.glob("seq2seq_*.npz"))]


@lru_cache(maxsize=None)
def load_date_model(name):
    """The shipped float32 parameters of the date model ``name`` (see ``date_models()``), a dict of arrays."""
    if name not in date_models():
        raise ValueError(f"name must be a shipped model ({', '.join(date_models())}); got {name!r}. "
                         "Run `make results` to (re)create them.")
    with np.load(RESULTS / f"seq2seq_{name}.npz") as archive:
        return {k: archive[k] for k in archive.files}


POEM_CELLS = ("rnn", "lstm", "gru")


def load_poems():
    """What tools/results_poems.py measured: settings, vocabulary size, the uniform model's score,
    the training poems' form ("train_form") and per cell ("models"[cell]) the parameter count,
    held-out cross-entropy and perplexity and the form of sampled poems per temperature and seed."""
    return json.loads(_path("poems.json", "python tools/results_poems.py").read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def _poem_model(cell):
    with np.load(_path(f"poems_{cell}.npz", f"python tools/results_poems.py --cells {cell}")) as archive:
        return {k: archive[k] for k in archive.files}


def load_poem_model(cell):
    """The shipped float32 parameters of the Tang-poem language model with ``cell`` ("rnn", "lstm", "gru"):
    a fresh dict (E, the cell's weights, W_hq, b_q) of read-only arrays, cached after the first load."""
    if cell not in POEM_CELLS:
        raise ValueError(f"cell must be one of {list(POEM_CELLS)}; got {cell!r}")
    params = dict(_poem_model(cell))
    for v in params.values():
        v.flags.writeable = False
    return params
