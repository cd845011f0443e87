import numpy as np
import pytest

from course_utils.labs import setup_check
from course_utils.labs.setup_check import environment_report, pins, wave_demo

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib


def test_environment_report_finds_the_installed_packages():
    versions, problems = environment_report()
    assert problems == []
    assert set(versions) == {"python", "numpy", "matplotlib", "ipywidgets", "packaging"}
    assert versions["numpy"] == np.__version__


def test_the_pins_are_pyprojects_dependencies_read_from_the_metadata():
    from pathlib import Path
    from packaging.requirements import Requirement

    pyproject = Path(setup_check.__file__).resolve().parents[2] / "pyproject.toml"
    declared = {Requirement(r).name: Requirement(r).specifier
                for r in tomllib.loads(pyproject.read_text())["project"]["dependencies"]}
    pinned, source = pins()
    assert pinned == declared and "numpy" in pinned and not pinned["numpy"].contains("1.23.0")
    assert source in ("package metadata", "pyproject.toml")


def test_metadata_of_another_version_is_not_trusted(monkeypatch):
    from importlib import metadata

    monkeypatch.setattr(metadata, "version", lambda name: "0.0.1" if name == "course_utils" else "1.0")
    assert pins()[1] == "pyproject.toml"


def test_a_package_outside_its_pin_is_reported(monkeypatch):
    from packaging.specifiers import SpecifierSet

    monkeypatch.setattr(setup_check, "pins", lambda: ({"numpy": SpecifierSet(">=99")}, "package metadata"))
    versions, problems = environment_report()
    assert problems == [f"numpy {np.__version__} does not satisfy numpy>=99 (package metadata): run `make lab` "
                        "again (on a JupyterHub, ask for the image to be rebuilt)."]


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
