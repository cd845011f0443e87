"""The memory task of chapters 03, 04 and 05: remember the first symbol for L steps.

One sequence with lag L has T = L + 1 tokens, read one per step as one-hot vectors:

    step     0      1 … L-1               L
    token    s      d_1 … d_{L-1}         ?          label y = s

* s is one of K signal symbols (the class, shown as A, B, C, ...),
* d_1 … d_{L-1} are distractors drawn uniformly from M other symbols (a, b, c, ...),
  which carry no information about the label,
* ? is a query token: "answer now". A classifier reads the output at that step.

The label depends only on the input seen L steps before the answer, so a model
must carry it through L - 1 distracting updates of its state. Labels are balanced
(class counts differ by at most one) and uniform, so the chance level is
1/K: 25 % with the default K = 4. Token ids: signals 0..K-1, distractors K..K+M-1,
the query K+M; the input size is V_in = K + M + 1.

Every random draw comes from a Generator seeded by (seed, lag, ...) only, never by
the cell: an RNN, an LSTM and a GRU trained with ``train_memory_task`` see exactly
the same training batches in the same order and are scored on the same test set.
"""

import time
from dataclasses import asdict, dataclass, field

import numpy as np

from ._validate import check_positive_int
from .optim import Adam
from .training import fit

# Sweep defaults for each cell's init_<cell>_params (recorded with every result).
# LSTM: a forget-gate bias of 3 starts F_t near σ(3) ≈ 0.95, so the cell state keeps
# ~95 % of itself per step and a gradient can cross 100 steps from the start
# (0.95^100 ≈ 0.006, against 0.73^100 ≈ 2e-14 with the common bias of 1).
# GRU: an update-gate bias of 3 is the counterpart of that forget bias: Z_t starts near
# σ(3) ≈ 0.95, and H_t = Z_t ⊙ H_{t-1} + ... keeps ~95 % of the old state per step.
# With the default b_z = 0 (Z_t ≈ 0.5) the GRU is at chance from L = 40 for that reason
# alone (the stored ablation lag_sweep_gru_bz0.json; tools/results_lag_sweep.py VARIANTS).
CELL_OPTIONS = {"rnn": {}, "lstm": {"forget_bias": 3.0}, "gru": {"update_bias": 3.0}}


@dataclass(frozen=True)
class MemoryTask:
    """The task's sizes: K signal symbols (classes) and M distractor symbols."""

    n_classes: int = 4
    n_distractors: int = 4

    def __post_init__(self):
        check_positive_int("n_classes", self.n_classes)
        check_positive_int("n_distractors", self.n_distractors)
        if self.n_classes < 2:
            raise ValueError(f"n_classes must be at least 2; got {self.n_classes}")
        if self.n_classes > 26 or self.n_distractors > 26:
            raise ValueError("n_classes and n_distractors must be at most 26 (one letter each); "
                             f"got {self.n_classes} and {self.n_distractors}")

    @property
    def vocab_size(self):
        """V_in = K + M + 1 (signals, distractors, query)."""
        return self.n_classes + self.n_distractors + 1

    @property
    def query_id(self):
        return self.n_classes + self.n_distractors

    @property
    def chance(self):
        """Accuracy of guessing (or of always answering one class) on balanced labels: 1/K."""
        return 1.0 / self.n_classes

    def batch(self, n, lag, rng):
        """n sequences with lag L: {"ids": (n, L + 1) int64, "y": (n,) int64}.

        Labels: each class n // K or n // K + 1 times, in a random order.
        """
        check_positive_int("n", n)
        check_positive_int("lag", lag)
        if not isinstance(rng, np.random.Generator):
            raise ValueError(f"rng must be a numpy.random.Generator; got {type(rng).__name__}")
        K, M = self.n_classes, self.n_distractors
        y = rng.permutation(np.arange(n) % K).astype(np.int64)
        ids = np.empty((n, lag + 1), dtype=np.int64)
        ids[:, 0] = y
        ids[:, 1:lag] = K + rng.integers(0, M, size=(n, lag - 1))
        ids[:, lag] = self.query_id
        return {"ids": ids, "y": y}

    def train_batch(self, lag, step, batch_size, seed=0):
        """The training batch number ``step``: the same for every cell (drawn from (seed, lag, 0, step))."""
        check_positive_int("batch_size", batch_size)
        return self.batch(batch_size, lag, np.random.default_rng([seed, lag, 0, step]))

    def test_set(self, lag, n=1000, seed=0):
        """A held-out set drawn from (seed, lag, 1): no training batch shares its stream."""
        return self.batch(n, lag, np.random.default_rng([seed, lag, 1]))

    def describe(self, ids):
        """One sequence as text: signals A B C ..., distractors a b c ..., the query ?."""
        ids = np.asarray(ids)
        if ids.ndim != 1 or ids.dtype.kind not in "iu" or ids.min() < 0 or ids.max() >= self.vocab_size:
            raise ValueError(f"ids must be a 1-D integer sequence with values in [0, {self.vocab_size - 1}]; "
                             f"got shape {ids.shape}, dtype {ids.dtype}")
        K = self.n_classes
        return "".join("?" if i == self.query_id else chr(65 + i) if i < K else chr(97 + i - K) for i in ids)


@dataclass(frozen=True)
class MemorySettings:
    """How every cell is trained on the memory task (the same for all of them).

    H hidden units, ``n_steps`` Adam steps of ``batch_size`` fresh sequences each,
    gradients clipped to global norm ``clip``, accuracy on ``n_test`` held-out sequences.
    """

    hidden_size: int = 32
    n_steps: int = 400
    batch_size: int = 64
    lr: float = 3e-3
    clip: float = 1.0
    n_test: int = 1000
    dtype: str = "float32"
    task: MemoryTask = field(default_factory=MemoryTask)

    def as_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, d):
        d = dict(d)
        d["task"] = MemoryTask(**d.get("task", {}))
        return cls(**d)


@dataclass
class MemoryRun:
    """The outcome of one training run: test accuracy and loss, the History, the parameters."""

    cell: str
    lag: int
    seed: int
    accuracy: float
    test_loss: float
    history: object
    params: dict
    seconds: float
    cell_options: dict


def evaluate_memory(params, cell, lag, settings=None, seed=0, chunk=250):
    """(test loss, test accuracy) of a trained model on ``test_set(lag, n_test, seed)``."""
    from . import seqmodels

    settings = settings or MemorySettings()
    test = settings.task.test_set(lag, settings.n_test, seed)
    losses, correct = [], 0.0
    for start in range(0, settings.n_test, chunk):  # chunks keep the caches small
        part = {k: v[start:start + chunk] for k, v in test.items()}
        loss, acc = seqmodels.evaluate(params, part, cell, "classify")
        losses.append(loss * len(part["y"]))
        correct += acc * len(part["y"])
    return float(sum(losses) / settings.n_test), float(correct / settings.n_test)


def train_memory_task(cell, lag, seed=0, settings=None, cell_options=None, progress="none"):
    """Train a one-hot -> ``cell`` -> softmax classifier on the memory task with lag ``lag``.

    cell : "rnn", "lstm" or "gru" (any name in course_utils.seqmodels.CELLS).
    seed : picks the initial weights and the data streams (the data do not depend on ``cell``).
    settings : MemorySettings (default: the sweep's settings).
    cell_options : keywords for init_<cell>_params; default ``CELL_OPTIONS[cell]``.
    progress : passed to ``training.fit`` ("none", "text", "widget", "auto").

    Returns a MemoryRun; compare its ``accuracy`` with ``settings.task.chance``.
    """
    from . import seqmodels

    settings = settings or MemorySettings()
    seqmodels.get_cell(cell)  # a clear error for an unknown cell name
    check_positive_int("lag", lag)
    options = dict(CELL_OPTIONS.get(cell, {}) if cell_options is None else cell_options)
    task = settings.task
    dtype = np.dtype(settings.dtype)
    params = seqmodels.init_model(cell, task.vocab_size, settings.hidden_size, task.n_classes,
                                  np.random.default_rng([seed, 2]), dtype=dtype, **options)

    def loss_and_grads(p, step):
        return seqmodels.loss_and_grads(p, task.train_batch(lag, step, settings.batch_size, seed),
                                        cell, "classify")

    start = time.perf_counter()
    history = fit(loss_and_grads, params, Adam(settings.lr), settings.n_steps, clip=settings.clip,
                  progress=progress, label=f"{cell} L={lag}")
    seconds = time.perf_counter() - start
    if history.diverged:
        # no accuracy to report: the caller sees NaN and history.message says at which step
        return MemoryRun(cell, lag, seed, float("nan"), float("nan"), history, params, seconds, options)
    test_loss, accuracy = evaluate_memory(params, cell, lag, settings, seed)
    return MemoryRun(cell, lag, seed, accuracy, test_loss, history, params, seconds, options)

