"""A small training loop shared by every chapter.

You supply ``loss_and_grads(params, step) -> (loss, grads)``; ``fit`` applies the
optimiser (with optional global-norm clipping), records the loss and the gradient
norm, shows progress, and stops with a message naming the step when the loss
becomes NaN or inf, instead of silently training a broken model.

Progress: in a notebook, a progress-bar widget (its text form is fixed, so
nbval sees the same output every run); elsewhere, a plain-text line every
``log_every`` steps.
"""

from dataclasses import dataclass, field

import numpy as np

from ._validate import check_positive_int
from .optim import clip_by_global_norm, global_norm
from .textfmt import wrap


@dataclass
class History:
    """What ``fit`` recorded. ``diverged_at`` is the step whose loss was not finite, or None."""

    losses: list = field(default_factory=list)
    grad_norms: list = field(default_factory=list)
    diverged_at: int = None
    message: str = ""

    @property
    def diverged(self):
        return self.diverged_at is not None


def _in_notebook():
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        return False
    shell = get_ipython()
    return shell is not None and shell.__class__.__name__ == "ZMQInteractiveShell"


class _ProgressView:
    """Displays a progress bar whose stored text form reads as a sentence, not as a widget repr.

    That text is what a reader sees before running the notebook (or on the static
    site), and what nbval compares: fixed, so the same every run.
    """

    def __init__(self, bar, text):
        self.bar, self.text = bar, text

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.bar._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = self.text
        return bundle


class _Progress:
    def __init__(self, n_steps, mode, log_every, label):
        self.n_steps, self.mode, self.log_every, self.label = n_steps, mode, log_every, label
        self.bar = None
        if mode == "widget":
            import ipywidgets as widgets
            from IPython.display import display

            self.bar = widgets.IntProgress(value=0, min=0, max=n_steps, description=label,
                                           style={"description_width": "initial"})
            display(_ProgressView(self.bar, f"{label}: {n_steps} training steps (a progress bar while it runs)"))

    def update(self, step, loss):
        if self.mode == "widget":
            self.bar.value = step + 1
        elif self.mode == "text" and ((step + 1) % self.log_every == 0 or step + 1 == self.n_steps):
            print(f"{self.label} step {step + 1}/{self.n_steps}  loss {loss:.4f}")


def fit(loss_and_grads, params, optimizer, n_steps, *, clip=None, progress="auto",
        log_every=100, label="training", verbose=True, max_loss=None):
    """Run ``n_steps`` optimisation steps.

    Parameters
    ----------
    loss_and_grads : callable (params, step) -> (loss: float, grads: dict like params)
    params : dict of arrays, updated in place.
    optimizer : an object with ``step(params, grads)`` (course_utils.optim.SGD/Adam).
    n_steps : int
    clip : float or None. If given, gradients are rescaled to global norm <= clip.
    progress : "auto" (widget in a notebook, none elsewhere), "widget", "text" or "none".
    verbose : print the divergence message when training stops early.
    max_loss : float or None. A loss above it also counts as divergence (a loss that
        shot up far above its starting value will not come back with that learning rate).

    Returns
    -------
    History with one loss and one (pre-clipping) gradient norm per completed step.
    """
    check_positive_int("n_steps", n_steps)
    if clip is not None and (not np.isfinite(clip) or clip <= 0):
        raise ValueError(f"clip must be None or a positive number; got {clip!r}")
    if progress == "auto":
        progress = "widget" if _in_notebook() else "none"
    if progress not in ("widget", "text", "none"):
        raise ValueError(f"progress must be 'auto', 'widget', 'text' or 'none'; got {progress!r}")
    bar = _Progress(n_steps, progress, log_every, label)
    history = History()
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(n_steps):
            loss, grads = loss_and_grads(params, step)
            if not np.isfinite(loss) or (max_loss is not None and loss > max_loss):
                history.diverged_at = step
                what = f"became {loss}" if not np.isfinite(loss) else f"reached {loss:.3g} > {max_loss:.3g}"
                history.message = (
                    f"Training diverged at step {step}: the loss {what}. "
                    "Try a smaller learning rate or gradient clipping."
                )
                break
            if clip is not None:
                grads, norm = clip_by_global_norm(grads, clip)
            else:
                norm = global_norm(grads)
            optimizer.step(params, grads)
            history.losses.append(float(loss))
            history.grad_norms.append(norm)
            bar.update(step, loss)
    if history.diverged and verbose:
        print(wrap(history.message))
    return history
