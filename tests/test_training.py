import numpy as np
import pytest

from course_utils.optim import SGD
from course_utils.training import fit


def quadratic_loss(params, step):
    return float(np.sum(params["x"] ** 2)), {"x": 2 * params["x"]}


def test_fit_records_losses_and_converges():
    params = {"x": np.array([3.0, -4.0])}
    history = fit(quadratic_loss, params, SGD(lr=0.1), 30, progress="none")
    assert len(history.losses) == 30 and len(history.grad_norms) == 30
    assert history.losses[0] == pytest.approx(25.0)
    assert history.grad_norms[0] == pytest.approx(10.0)
    assert history.losses[-1] < 1e-4 and not history.diverged


def test_fit_stops_on_divergence_naming_the_step(capsys):
    params = {"x": np.array([3.0, -4.0])}
    history = fit(quadratic_loss, params, SGD(lr=100.0), 1000, progress="none")
    assert history.diverged
    assert len(history.losses) == history.diverged_at
    assert f"diverged at step {history.diverged_at}" in history.message
    assert capsys.readouterr().out.replace("\n", " ").strip() == history.message  # wrapped at a space


def test_max_loss_counts_as_divergence():
    params = {"x": np.array([3.0, -4.0])}
    # lr 1.5 makes x flip sign and double every step: loss 25, 100, 400, ...
    history = fit(quadratic_loss, params, SGD(lr=1.5), 50, progress="none", max_loss=300.0, verbose=False)
    assert history.diverged_at == 2 and history.losses == [25.0, 100.0]
    assert history.message.startswith("Training diverged at step 2: the loss reached 400 > 300.")


def test_clipping_is_applied_before_the_step():
    params = {"x": np.array([3.0, -4.0])}
    fit(quadratic_loss, params, SGD(lr=1.0), 1, clip=1.0, progress="none")
    # gradient (6, -8) has norm 10, clipped to norm 1: step (-0.6, 0.8)
    np.testing.assert_allclose(params["x"], [2.4, -3.2])


def test_text_progress(capsys):
    fit(quadratic_loss, {"x": np.ones(2)}, SGD(lr=0.1), 4, progress="text", log_every=2)
    out = capsys.readouterr().out.splitlines()
    assert out == ["training step 2/4  loss 1.2800", "training step 4/4  loss 0.5243"]


def test_messages():
    with pytest.raises(ValueError, match="n_steps must be a positive integer; got 0"):
        fit(quadratic_loss, {"x": np.ones(2)}, SGD(), 0)
    with pytest.raises(ValueError, match="progress must be .*got 'bar'"):
        fit(quadratic_loss, {"x": np.ones(2)}, SGD(), 1, progress="bar")


def test_the_progress_bar_is_stored_as_a_sentence_not_a_widget_repr(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj._repr_mimebundle_()))
    fit(quadratic_loss, {"x": np.ones(2)}, SGD(lr=0.1), 5, progress="widget", label="rnn H=64")
    (bundle,) = shown
    assert bundle["text/plain"] == "rnn H=64: 5 training steps (a progress bar while it runs)"
    assert "application/vnd.jupyter.widget-view+json" in bundle
