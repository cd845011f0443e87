import numpy as np

from course_utils.setup_check import environment_report, wave_demo


def test_environment_report_finds_the_installed_packages():
    versions, problems = environment_report()
    assert problems == []
    assert set(versions) == {"python", "numpy", "matplotlib", "ipywidgets"}
    assert versions["numpy"] == np.__version__


def test_wave_demo_counts_cycles():
    result = wave_demo(frequency=2.0)
    assert result.ok and result.values["cycles"] == 8.0
    assert result.text == "8 full cycles in 4 seconds."
    line = result.fig.axes[0].lines[0]
    assert np.isclose(line.get_ydata().max(), 1.0, atol=0.01)


def test_wave_demo_extreme_values_give_messages():
    assert wave_demo(frequency=0).text == "frequency must be in (0, 10]; got 0."
    assert not wave_demo(frequency=1, damping=-1).ok
