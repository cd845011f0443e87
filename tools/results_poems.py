"""Train the Tang-poem character language models (RNN, LSTM, GRU) and record what they reach.

    python tools/results_poems.py             # all three cells, a few minutes on a busy 2-core machine
    python tools/results_poems.py --out DIR   # write somewhere else (the slow test does this)

Three character LMs (learned embedding E -> cell -> softmax) are trained on the same
seeded split of 唐诗三百首 by poem (``poems.poem_lm_data``), with the same windows in the
same order, the same optimiser and steps. They differ only in the cell, and each cell's
hidden size is chosen so that the three have the same number of parameters (within 2 %).

Output in course_utils/results/: poems_<cell>.npz (float32 weights, ~110 KB each) and
poems.json with the settings, parameter counts, held-out cross-entropy (nats per
character) and perplexity, the uniform model's score, and form measurements
(``poems.form_stats``) of the training poems and of poems sampled from each model at
two temperatures with several sampling seeds.

Deterministic: every random draw comes from Generators seeded in SETTINGS, float32 NumPy
with one BLAS thread (the Makefile sets OMP_NUM_THREADS=1), so a rerun on the same machine
gives the same bytes. Another CPU's BLAS kernels round differently; tests/test_results_poems.py
therefore checks the chapters' claims with tolerances, not the bytes.
"""

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import course_utils  # noqa: E402
from course_utils import poems  # noqa: E402
from course_utils.optim import Adam  # noqa: E402
from course_utils.seqmodels import init_model, n_params, trainer  # noqa: E402
from course_utils.sequence import lm_windows  # noqa: E402
from course_utils.training import fit  # noqa: E402

RESULTS = ROOT / "course_utils" / "results"
CELLS = ("rnn", "lstm", "gru")
SETTINGS = {
    "heldout_fraction": 0.1, "split_seed": 0, "min_count": 8, "embed_dim": 12,
    "hidden_size": {"rnn": 33, "lstm": 28, "gru": 29},   # equal parameter counts (see n_params in poems.json)
    "seq_len": 64, "batch_size": 32, "steps": 1500, "lr": 0.01, "clip": 5.0, "dtype": "float32",
    "init_seed": 1, "batch_seed": 2,
    "temperatures": [1.0, 0.7], "sampling_seeds": [0, 1, 2], "samples_per_seed": 40, "max_chars": 100,
}


def train(cell, data, settings=SETTINGS, steps=None, progress="text"):
    """Train one cell's LM on data["train_ids"]. Returns (params, history)."""
    V = len(data["vocab"])
    params = init_model(cell, V, settings["hidden_size"][cell], V, np.random.default_rng(settings["init_seed"]),
                        embed_dim=settings["embed_dim"], dtype=np.dtype(settings["dtype"]))
    batch_rng = np.random.default_rng(settings["batch_seed"])
    windows = lambda step: lm_windows(data["train_ids"], settings["seq_len"], settings["batch_size"], batch_rng)  # noqa: E731
    history = fit(trainer(windows, settings["batch_size"], batch_rng, cell, "tag"), params, Adam(settings["lr"]),
                  steps or settings["steps"], clip=settings["clip"], progress=progress, log_every=500, label=cell)
    return params, history


def sampled_form(params, data, cell, temperature, settings=SETTINGS):
    """form_stats of the poems sampled with each sampling seed: {seed: stats}, plus two examples."""
    out = {}
    for seed in settings["sampling_seeds"]:
        rng = np.random.default_rng([seed, 100])
        texts = [poems.sample_poem(params, data["vocab"], cell, rng, temperature, max_chars=settings["max_chars"])[0]
                 for _ in range(settings["samples_per_seed"])]
        out[str(seed)] = {**poems.form_stats(texts), "examples": texts[:2]}
    return out


def mean_over_seeds(per_seed, key):
    return float(np.mean([s[key] for s in per_seed.values()]))


def main(out_dir=RESULTS, cells=CELLS, settings=SETTINGS):
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    data = poems.poem_lm_data(heldout_fraction=settings["heldout_fraction"], seed=settings["split_seed"],
                              min_count=settings["min_count"])
    V = len(data["vocab"])
    record = {"settings": settings, "vocab_size": V, "n_train_poems": len(data["train"]),
              "n_heldout_poems": len(data["heldout"]), "n_train_tokens": int(len(data["train_ids"])),
              "heldout_unk_fraction": float(np.mean(data["heldout_ids"] == data["vocab"].unk_id)),
              "uniform_cross_entropy": float(np.log(V)), "uniform_perplexity": float(V),
              "train_form": poems.form_stats([p.text for p in data["train"]]),
              "heldout_titles": [p.title for p in data["heldout"]], "models": {},
              "course_utils": course_utils.__version__, "numpy": np.__version__,
              "machine": platform.machine(), "python": platform.python_version()}
    for cell in cells:
        start = time.perf_counter()
        params, history = train(cell, data, settings)
        seconds = time.perf_counter() - start
        if history.diverged:
            raise RuntimeError(f"{cell}: {history.message}")
        ce = poems.heldout_cross_entropy(params, data, cell)
        entry = {"hidden_size": settings["hidden_size"][cell], "n_params": n_params(params),
                 "train_seconds": round(seconds, 1), "final_train_loss": float(np.mean(history.losses[-50:])),
                 "heldout_cross_entropy": ce, "heldout_perplexity": float(np.exp(ce)), "form": {}}
        for temperature in settings["temperatures"]:
            per_seed = sampled_form(params, data, cell, temperature, settings)
            entry["form"][str(temperature)] = {
                "per_seed": per_seed,
                "mean": {k: mean_over_seeds(per_seed, k) for k in
                         ("line_5_or_7", "line_poem_length", "poem_one_length", "couplet_punct")}}
        record["models"][cell] = entry
        np.savez(out_dir / f"poems_{cell}.npz", **params)
        m = entry["form"]["1.0"]["mean"]
        print(f"{cell:<5} H={entry['hidden_size']} params={entry['n_params']} held-out CE {ce:.3f} "
              f"(perplexity {np.exp(ce):.1f}); tau=1: lines of poem length {m['line_poem_length']:.3f}, "
              f"one-length poems {m['poem_one_length']:.3f}  ({seconds:.0f} s)", flush=True)
    (out_dir / "poems.json").write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return record


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(RESULTS), help="directory for poems_<cell>.npz and poems.json")
    parser.add_argument("--cells", default=",".join(CELLS), help="comma-separated subset of " + ",".join(CELLS))
    parser.add_argument("--steps", type=int, default=SETTINGS["steps"], help="training steps (default: the stored runs')")
    args = parser.parse_args()
    main(args.out, tuple(args.cells.split(",")), {**SETTINGS, "steps": args.steps})
