"""Train chapter 06's date-normalisation models and record what they reach.

    python tools/results_seq2seq.py             # five models + the seed comparison, ~25 min on 2 cores
    python tools/results_seq2seq.py --out DIR   # write somewhere else (the slow test does this)

Five GRU encoder–decoders are trained with identical data, initial weights, batches and
optimiser; they differ only in attention (yes / no) and the teacher-forcing ratio r: 1.0
(pure teacher forcing), a fixed 0.5 for the whole run (mixed teacher forcing), or, for one
model without attention, scheduled sampling's linear decay from 1 to 0 (the same mean 0.5).
Three are shipped in course_utils/results/ (``SHIPPED``, float32, ~125 KB each); the others
are only measured. The fixed ratio and the decay are then compared over more seeds
(``COMPARISON_SEEDS``: other initial weights, batch orders and sampling draws), without the
beam search, since one training run is an anecdote.

Output: seq2seq_<name>.npz for the shipped models and seq2seq.json with the settings,
held-out accuracies (greedy exact match and per-character, beam search, teacher-forced,
after a forced error, per format), training times, and for each model a checkpoint: the
first CHECKPOINT_STEP losses and a SHA-256 of the parameters after that many steps, so a
test can check a prefix of training reproduces bit for bit.

Deterministic: every random draw comes from Generators seeded in SETTINGS, the arithmetic
is float32 NumPy with one BLAS thread (the Makefile sets OMP_NUM_THREADS=1), so a rerun on
the same machine gives the same bytes. Documented in course_utils/results/README-seq2seq.md.
"""

import argparse
import hashlib
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import course_utils  # noqa: E402
from course_utils import dates  # noqa: E402
from course_utils import seq2seq as s2s  # noqa: E402
from course_utils.labs import seq2seq_lab as lab  # noqa: E402
from course_utils.optim import Adam  # noqa: E402
from course_utils.sequence import batch_stream  # noqa: E402
from course_utils.training import fit  # noqa: E402

from course_utils.results import RESULTS  # noqa: E402  (where the stored results live)
SETTINGS = {
    "cell": "gru", "embed_dim": 16, "hidden_size": 48, "attention_size": 32, "dtype": "float32",
    "n_train": 20000, "n_heldout": 2000, "heldout_fraction": 0.1, "data_seed": 0, "init_seed": 1,
    "batch_seed": 2, "sampling_seed": 3, "batch_size": 64, "steps": 3000, "lr": 0.003, "clip": 5.0,
    "beam_width": 3, "forced_error_examples": 500, "decay_start": 1.0, "decay_end": 0.0,
}
MODELS = {   # name -> (attention, teacher-forcing ratio: a fixed number, or "linear decay")
    "attention": (True, 0.5),
    "attention_tf1": (True, 1.0),
    "plain": (False, 0.5),
    "plain_tf1": (False, 1.0),
    "plain_decay": (False, "linear decay"),
}
SHIPPED = ("attention", "plain", "plain_tf1")
COMPARED = ("plain", "plain_decay")     # fixed ratio 0.5 against the decay 1 -> 0 (mean 0.5)
COMPARISON_SEEDS = (10, 20)             # added to init_seed, batch_seed and sampling_seed (0 = the models above)
CHECKPOINT_STEP = 100


def load_data(settings=SETTINGS):
    """The data set and its batches: (data dict of dates.make_date_data, train batch dict)."""
    data = dates.make_date_data(settings["n_train"], settings["n_heldout"],
                                np.random.default_rng(settings["data_seed"]), settings["heldout_fraction"])
    src_vocab, tgt_vocab = lab.vocabs()
    return data, s2s.make_batch(data["train_sources"], data["train_targets"], src_vocab, tgt_vocab)


def params_sha256(params):
    digest = hashlib.sha256()
    for key in sorted(params):
        digest.update(key.encode())
        digest.update(np.ascontiguousarray(params[key]).tobytes())
    return digest.hexdigest()


def teacher_forcing(name, step, settings=SETTINGS):
    """The teacher-forcing ratio r of model ``name`` at training step ``step`` (0-based)."""
    ratio = MODELS[name][1]
    if ratio == "linear decay":
        return s2s.linear_decay(step, settings["steps"], settings["decay_start"], settings["decay_end"])
    return ratio


def train(name, train_batch, steps=None, settings=SETTINGS, progress="text", checkpoint=None, seed_offset=0):
    """Train model ``name`` for ``steps`` (default: settings["steps"]). Returns (params, history).

    ``checkpoint`` (a dict) receives the SHA-256 of the parameters after CHECKPOINT_STEP steps.
    ``seed_offset`` is added to the initial-weight, batch and sampling seeds (0: the recorded runs).
    """
    attention = MODELS[name][0]
    src_vocab, tgt_vocab = lab.vocabs()
    params = s2s.init_seq2seq(settings["cell"], len(src_vocab), len(tgt_vocab), settings["embed_dim"],
                              settings["hidden_size"],
                              np.random.default_rng(settings["init_seed"] + seed_offset),
                              attention=attention, attention_size=settings["attention_size"],
                              dtype=np.dtype(settings["dtype"]))
    stream = batch_stream(train_batch, settings["batch_size"],
                          np.random.default_rng(settings["batch_seed"] + seed_offset))
    sampling_rng = np.random.default_rng(settings["sampling_seed"] + seed_offset)

    def loss_and_grads(p, step):
        if checkpoint is not None and step == CHECKPOINT_STEP:
            checkpoint["sha256"] = params_sha256(p)
        return s2s.loss_and_grads(p, next(stream), teacher_forcing(name, step, settings), sampling_rng)

    history = fit(loss_and_grads, params, Adam(settings["lr"]), steps or settings["steps"],
                  clip=settings["clip"], progress=progress, log_every=500, label=name)
    return params, history


def evaluate_greedy(params, data, settings=SETTINGS):
    """Greedy decoding's held-out exact match and per-character accuracy, and the per-character
    accuracy after a forced wrong digit (every digit position but the last, on the first
    ``forced_error_examples`` held-out dates). Returns (dict, greedy outputs)."""
    src_vocab, tgt_vocab = lab.vocabs()
    sources, targets = data["heldout_sources"], data["heldout_targets"]
    outputs, _ = s2s.translate(params, sources, src_vocab, tgt_vocab, max_len=lab.MAX_OUTPUT)
    exact, chars = s2s.accuracies(outputs, targets)
    n = settings["forced_error_examples"]
    forced = [lab.forced_error_accuracy(params, sources[:n], targets[:n], p) for p in (0, 1, 2, 3, 5, 6, 8)]
    return {"heldout_exact": exact, "heldout_char": chars, "after_forced_error_char": float(np.mean(forced))}, outputs


def evaluate(params, data, settings=SETTINGS):
    """Held-out measurements of one model (see the module docstring)."""
    src_vocab, tgt_vocab = lab.vocabs()
    sources, targets, formats = data["heldout_sources"], data["heldout_targets"], data["heldout_formats"]
    greedy, outputs = evaluate_greedy(params, data, settings)
    beam_outputs = []
    for source in sources:
        src = src_vocab.encode(source)[None, :]
        best = s2s.beam_search(*s2s.decoder_stepper(params, src, np.array([src.shape[1]])),
                               k=settings["beam_width"], max_len=lab.MAX_OUTPUT)[0]
        beam_outputs.append("".join(tgt_vocab.decode(np.array(best.tokens, dtype=np.int64))))
    beam_exact, _ = s2s.accuracies(beam_outputs, targets)
    per_format = {}
    for fmt in dates.FORMATS:
        hits = [o == t for o, t, f in zip(outputs, targets, formats) if f == fmt]
        per_format[fmt] = round(float(np.mean(hits)), 4)
    return {**greedy, "beam_exact": beam_exact,
            "teacher_forced_char": lab.teacher_forced_accuracy(params, sources, targets),
            "greedy_beam_disagreements": int(sum(o != b for o, b in zip(outputs, beam_outputs))),
            "per_format_exact": per_format}


def main(out_dir=RESULTS, names=tuple(MODELS)):
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    data, train_batch = load_data()
    record = {"settings": SETTINGS, "models": {}, "checkpoint_step": CHECKPOINT_STEP,
              "course_utils": course_utils.__version__, "numpy": np.__version__,
              "machine": platform.machine(), "python": platform.python_version()}
    for name in names:
        start = time.perf_counter()
        checkpoint = {}
        params, history = train(name, train_batch, checkpoint=checkpoint)
        seconds = time.perf_counter() - start
        if history.diverged:
            raise RuntimeError(f"{name}: {history.message}")
        entry = {"attention": MODELS[name][0], "teacher_forcing": MODELS[name][1], "shipped": name in SHIPPED,
                 "n_params": int(sum(v.size for v in params.values())), "train_seconds": round(seconds, 1),
                 "final_loss": round(float(np.mean(history.losses[-50:])), 6),
                 "checkpoint": {"losses": [float(x) for x in history.losses[:CHECKPOINT_STEP]], **checkpoint},
                 "final_sha256": params_sha256(params)}
        entry.update(evaluate(params, data))
        record["models"][name] = entry
        if name in SHIPPED:
            np.savez(out_dir / f"seq2seq_{name}.npz", **params)
        print(f"{name:<14} exact {entry['heldout_exact']:.4f}  char {entry['heldout_char']:.4f}  "
              f"beam {entry['beam_exact']:.4f}  forced-error {entry['after_forced_error_char']:.4f}  "
              f"({seconds:.0f} s train)", flush=True)
    if all(name in names for name in COMPARED):
        record["schedule_comparison"] = compare_schedules(data, train_batch, record)
    (out_dir / "seq2seq.json").write_text(json.dumps(record, indent=1) + "\n")
    return record


def compare_schedules(data, train_batch, record, settings=SETTINGS):
    """The COMPARED models retrained with every COMPARISON_SEEDS offset: {name: {measure: [one
    value per seed, the recorded run (offset 0) first]}} for the three greedy measures."""
    comparison = {"seed_offsets": [0, *COMPARISON_SEEDS]}
    for name in COMPARED:
        runs = [{k: record["models"][name][k] for k in ("heldout_exact", "heldout_char", "after_forced_error_char")}]
        for offset in COMPARISON_SEEDS:
            params, history = train(name, train_batch, settings=settings, progress="none", seed_offset=offset)
            if history.diverged:
                raise RuntimeError(f"{name}, seed offset {offset}: {history.message}")
            runs.append(evaluate_greedy(params, data, settings)[0])
            print(f"{name:<14} seed offset {offset}: " + ", ".join(f"{k} {v:.4f}" for k, v in runs[-1].items()), flush=True)
        comparison[name] = {k: [run[k] for run in runs] for k in runs[0]}
    return comparison


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(RESULTS), help="directory for the .npz weights and seq2seq.json")
    parser.add_argument("--models", default=",".join(MODELS), help="comma-separated subset of " + ",".join(MODELS))
    args = parser.parse_args()
    main(args.out, tuple(args.models.split(",")))
