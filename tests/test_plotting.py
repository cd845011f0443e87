import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils.plotting import decision_boundary, heatmap, loss_curve, plain_log_ticks


def test_loss_curve_plots_every_history_with_a_legend():
    fig = loss_curve({"a": [3, 2, 1], "b": [2, 1]}, title="t")
    ax = fig.axes[0]
    assert [len(line.get_xdata()) for line in ax.lines] == [3, 2]
    assert ax.get_legend() is not None and ax.get_xlabel() == "optimisation step"


def test_decision_boundary_colours_the_plane_by_the_prediction():
    X = np.array([[-1.0, 0.0], [1.0, 0.0]])
    fig = decision_boundary(lambda P: (P[:, 0] > 0).astype(int), X, np.array([0, 1]), resolution=20)
    regions = fig.axes[0].images[0].get_array()
    assert set(np.unique(regions)) == {0, 1}
    assert regions[0, 0] == 0 and regions[0, -1] == 1  # left half class 0, right half class 1


def test_heatmap_centres_signed_values_and_rejects_1d():
    fig = heatmap(np.array([[-0.5, 2.0]]), "t", "time step", "unit")
    assert fig.axes[0].images[0].get_clim() == (-2.0, 2.0)
    with pytest.raises(ValueError, match=r"values must be a 2-D array; got shape \(3,\)"):
        heatmap(np.zeros(3), "t", "x", "y")


def test_plain_log_ticks_label_decades_without_mathtext():
    fig, ax = plt.subplots()
    ax.semilogy([1, 2], [1e-40, 1e3])
    plain_log_ticks(ax)
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert labels and all("$" not in s for s in labels)
    assert any(s.startswith("1e-") for s in labels)
