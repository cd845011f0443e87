"""Chapter 01's experiments: train a small MLP classifier on a 2-D dataset.

``train_classifier`` is the whole training recipe in one call (full-batch,
Adam or SGD, softmax cross-entropy); ``boundary_experiment`` is the widget's
function: controls in, decision boundary + loss curve + accuracies out.
"""

from functools import lru_cache

import matplotlib.pyplot as plt
import numpy as np

from .._validate import is_number, is_whole
from ..data import DATASETS, make_dataset, train_test_split
from ..losses import softmax_cross_entropy
from ..mlp import init_mlp_params, mlp_backward, mlp_forward, predict
from ..optim import SGD, Adam
from ..plotting import decision_boundary, loss_curve
from ..training import fit
from .widgets import Result, problem

ACTIVATIONS = ("tanh", "relu", "sigmoid")


def _training_setup(X, y, hidden_units, rng, activation, lr, optimizer):
    """Initial params, loss_and_grads, optimiser and divergence threshold of ``train_classifier``."""
    n_classes = int(y.max()) + 1
    sizes = [X.shape[1]] + ([hidden_units] if hidden_units else []) + [n_classes]
    params = init_mlp_params(sizes, rng, activation)

    softmax_cross_entropy(mlp_forward(X, params, activation)[0], y)  # check shapes and labels once

    def loss_and_grads(p, step):
        Z, caches = mlp_forward(X, p, activation, check=False)
        loss, dZ = softmax_cross_entropy(Z, y, check=False)
        _, grads = mlp_backward(dZ, caches)
        return loss, grads

    opt = Adam(lr=lr) if optimizer == "adam" else SGD(lr=lr, momentum=0.9)
    return params, loss_and_grads, opt, 10 * np.log(n_classes)


def train_classifier(X, y, hidden_units, rng, activation="tanh", lr=0.05, steps=300,
                     optimizer="adam", progress="none"):
    """Train an MLP [D, hidden_units, V] (no hidden layer when hidden_units == 0: a linear
    softmax classifier) with full-batch gradient descent on softmax cross-entropy.

    X (N, D) float, y (N,) int. Returns (params, history). Training stops with
    ``history.diverged_at`` set if the loss becomes NaN/inf or exceeds 10 × its
    chance level ln V (a learning rate that large will not recover).
    """
    params, loss_and_grads, opt, max_loss = _training_setup(X, y, hidden_units, rng, activation, lr, optimizer)
    history = fit(loss_and_grads, params, opt, steps, progress=progress, verbose=False, max_loss=max_loss)
    return params, history


class _Run:
    """One training run of the widget, kept so that the epochs slider moves along it.

    ``snapshots[k]`` holds the parameters after k steps. Asking for fewer steps than
    were trained reads a snapshot; asking for more resumes training (same optimiser
    state), which gives exactly the parameters of one uninterrupted run.
    """

    def __init__(self, dataset, seed, hidden_units, activation, learning_rate):
        X_tr, y_tr, _, _ = _split(dataset, seed)
        self.params, self.loss_and_grads, self.opt, self.max_loss = _training_setup(
            X_tr, y_tr, hidden_units, np.random.default_rng(seed), activation, learning_rate, "adam")
        self.snapshots = [_copy(self.params)]
        self.losses, self.diverged_at = [], None

    def train_to(self, steps):
        """(params after ``steps`` steps, their losses); diverged_at is set if training stopped before."""
        if self.diverged_at is None and steps > len(self.losses):
            start = len(self.losses)
            history = fit(self.wrapped(), self.params, self.opt, steps - start, progress="none", verbose=False,
                          max_loss=self.max_loss)
            self.losses += history.losses
            if history.diverged:
                self.diverged_at = start + history.diverged_at
            else:
                self.snapshots.append(_copy(self.params))
        steps = min(steps, len(self.losses))
        return self.snapshots[steps], self.losses[:steps]

    def wrapped(self):
        def loss_and_grads(p, step):   # record the parameters each step starts from
            if step > 0:
                self.snapshots.append(_copy(p))
            return self.loss_and_grads(p, step)
        return loss_and_grads


def _copy(params):
    return {k: v.copy() for k, v in params.items()}


# settings -> _Run. A run holds one snapshot per step (measured: 4.5 MB for 64 units and 1000 steps, the
# notebook's slider maxima; 36 MB for the function's limits, 128 units and 5000 steps), so three are kept.
_RUNS = {}
_MAX_RUNS = 3


def _run(dataset, seed, hidden_units, activation, learning_rate):
    key = (dataset, seed, int(hidden_units), activation, float(learning_rate))
    if key not in _RUNS:
        if len(_RUNS) >= _MAX_RUNS:
            del _RUNS[next(iter(_RUNS))]
        _RUNS[key] = _Run(*key)
    return _RUNS[key]


def accuracy_of(params, X, y, activation="tanh"):
    with np.errstate(over="ignore", invalid="ignore"):
        return float((predict(X, params, activation) == y).mean())


@lru_cache(maxsize=None)
def _split(dataset, seed=0, n_per_class=100):
    rng = np.random.default_rng(seed)
    X, y = make_dataset(dataset, n_per_class, rng)
    return train_test_split(X, y, rng, test_fraction=0.25)


def boundary_experiment(hidden_units=16, activation="tanh", learning_rate=0.05, epochs=300,
                        dataset="spirals", seed=0):
    """Widget function: retrain on ``dataset`` and draw the decision regions and loss curve.

    hidden_units: 0 (linear classifier) to 128; learning_rate > 0; epochs 1..5000
    (full-batch steps). Returns a Result with values train_acc, test_acc, final_loss.
    The last few runs are kept, so moving only the epochs slider reads a stored
    snapshot (or trains the extra steps) instead of retraining from scratch.
    """
    if dataset not in DATASETS:
        return problem(f"dataset must be one of {list(DATASETS)}; got {dataset!r}.")
    if activation not in ACTIVATIONS:
        return problem(f"activation must be one of {list(ACTIVATIONS)}; got {activation!r}.")
    if not is_whole(hidden_units, 0, 128):
        return problem(f"hidden units must be a whole number from 0 to 128; got {hidden_units!r}.")
    if not (is_number(learning_rate) and learning_rate > 0):
        return problem(f"learning rate must be a positive number; got {learning_rate!r}.")
    if not is_whole(epochs, 1, 5000):
        return problem(f"epochs must be a whole number from 1 to 5000; got {epochs!r}.")
    run = _run(dataset, seed, hidden_units, activation, learning_rate)
    params, losses = run.train_to(epochs)
    if run.diverged_at is not None and epochs > run.diverged_at:
        start = f"from {losses[0]:.2f} " if losses else ""
        return problem(
            f"Training diverged at step {run.diverged_at} (learning rate {learning_rate:g} is too "
            f"large: the loss went {start}to far above chance level). Try a learning rate below 1.",
            diverged_at=run.diverged_at,
        )
    X_tr, y_tr, X_te, y_te = _split(dataset, seed)
    train_acc = accuracy_of(params, X_tr, y_tr, activation)
    test_acc = accuracy_of(params, X_te, y_te, activation)
    # fixed margins and a modest dpi: constrained layout would double the drawing time
    fig, (ax_b, ax_l) = plt.subplots(1, 2, figsize=(8, 3.3), dpi=80, width_ratios=(1, 1.3))
    fig.subplots_adjust(left=0.04, right=0.98, bottom=0.15, top=0.9, wspace=0.2)
    model = "linear classifier" if hidden_units == 0 else f"{hidden_units} {activation} units"
    decision_boundary(lambda P: predict(P, params, activation), X_tr, y_tr, resolution=70, ax=ax_b, ticks=False,
                      title=f"{model}: test accuracy {test_acc:.0%}")
    loss_curve(losses, ax=ax_l, title="Does the loss still fall at the end?")
    text = (f"train accuracy {train_acc:.1%}, test accuracy {test_acc:.1%}, "
            f"final loss {losses[-1]:.3f} after {len(losses)} step{'s' if len(losses) > 1 else ''}")
    return Result(text=text, fig=fig, values={"train_acc": train_acc, "test_acc": test_acc,
                                              "final_loss": losses[-1]})
