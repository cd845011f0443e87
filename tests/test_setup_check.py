import numpy as np
import pytest

from course_utils.labs.setup_check import environment_report, wave_demo


def test_environment_report_finds_the_installed_packages():
    versions, problems = environment_report()
    assert problems == []
    assert set(versions) == {"python", "numpy", "matplotlib", "ipywidgets"}
    assert versions["numpy"] == np.__version__


def test_wave_demo_counts_cycles():
    result = wave_demo(frequency=2.0)
    assert result.ok and result.values["cycles"] == 8.0
    assert result.text == "8 cycles in 4 seconds."
    assert wave_demo(frequency=0.25).text == "1 cycle in 4 seconds."
    assert wave_demo(frequency=0.3).text == "1.2 cycles in 4 seconds."
    line = result.fig.axes[0].lines[0]
    assert np.isclose(line.get_ydata().max(), 1.0, atol=0.01)


@pytest.mark.parametrize("kwargs, message", [
    ({"frequency": 0}, "frequency must be in (0, 10]; got 0."),
    ({"frequency": 1e9}, "frequency must be in (0, 10]; got 1000000000.0."),
    ({"frequency": float("nan")}, "frequency must be in (0, 10]; got nan."),
    ({"frequency": ""}, "frequency must be a number; got ''."),
    ({"damping": -1}, "damping must be in [0, 10]; got -1."),
    ({"damping": float("nan")}, "damping must be in [0, 10]; got nan."),
    ({"damping": float("inf")}, "damping must be in [0, 10]; got inf."),
    ({"damping": None}, "damping must be a number; got None."),
])
def test_wave_demo_extreme_values_give_messages(kwargs, message):
    result = wave_demo(**kwargs)
    assert not result.ok and result.fig is None and result.text == message


def test_wave_demo_strongest_damping_still_draws_a_finite_curve():
    result = wave_demo(frequency=10, damping=10)
    assert result.ok and np.all(np.isfinite(result.fig.axes[0].lines[0].get_ydata()))
