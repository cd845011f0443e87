"""The setup check of notebook 00: are the packages there, and do widgets work?"""

import sys
from numbers import Real
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from .. import __version__
from ..plotting import PALETTE
from .widgets import Result, problem

def pins():
    """course_utils's dependency pins, {name: packaging SpecifierSet}, and where they were read.

    From the installed package's metadata (importlib.metadata), the pins its pyproject.toml
    declared when it was installed. When the metadata belongs to another version than the
    course_utils this kernel imported (a copy run from the course folder, next to an older
    install), the course folder's own pyproject.toml is read instead.
    """
    from importlib import metadata

    from packaging.requirements import Requirement

    requires, source = None, "package metadata"
    try:
        if metadata.version("course_utils") == __version__:
            requires = [r for r in metadata.requires("course_utils") or [] if "extra ==" not in r]
    except metadata.PackageNotFoundError:
        pass
    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    if pyproject.is_file():   # running from a course folder: its pyproject.toml wins over stale metadata
        import tomllib   # only reached when running from a folder: Python 3.11+, or tomli on 3.10

        declared = tomllib.loads(pyproject.read_text())["project"]["dependencies"]
        if requires is None or sorted(requires) != sorted(declared):
            requires, source = declared, "pyproject.toml"
    pinned = {}
    for line in requires or []:
        requirement = Requirement(line)
        if requirement.marker is None:   # the extras (lab, test, ...) are not needed to run the code
            pinned[requirement.name] = requirement.specifier
    return pinned, source


def environment_report():
    """Return (versions: dict name -> version string, problems: list of readable strings).

    Checks Python and every dependency pin of course_utils (``pins``) against what is installed.
    """
    from importlib import metadata

    versions = {"python": sys.version.split()[0]}
    problems = []
    if sys.version_info < (3, 10):
        problems.append(f"Python {versions['python']} is too old: the course needs 3.10 or newer.")
    pinned, source = pins()
    for name, specifier in pinned.items():
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            problems.append(f"{name} is not installed: run `make lab` from the course folder.")
            continue
        if not specifier.contains(versions[name], prereleases=True):
            problems.append(f"{name} {versions[name]} does not satisfy {name}{specifier} ({source}): "
                            "run `make lab` again (on a JupyterHub, ask for the image to be rebuilt).")
    return versions, problems


def wave_demo(frequency=1.0, damping=0.0):
    """The 'can you move this slider?' experiment: a damped sine wave.

    frequency in cycles per second (0 < f <= 10), damping rate per second (0..10).
    """
    for name, value in (("frequency", frequency), ("damping", damping)):
        if isinstance(value, bool) or not isinstance(value, Real):
            return problem(f"{name} must be a number; got {value!r}.")
    if not (0 < frequency <= 10):
        return problem(f"frequency must be in (0, 10]; got {frequency}.")
    if not (0 <= damping <= 10):
        return problem(f"damping must be in [0, 10]; got {damping}.")
    t = np.linspace(0, 4, 400)
    y = np.exp(-damping * t) * np.sin(2 * np.pi * frequency * t)
    fig, ax = plt.subplots(figsize=(5, 2.2))
    fig.subplots_adjust(left=0.14, right=0.97, bottom=0.24, top=0.86)
    ax.plot(t, y, color=PALETTE[0])
    ax.set_xlabel("time (s)")
    ax.set_ylabel("amplitude")
    ax.set_ylim(-1.1, 1.1)
    ax.set_title(f"{frequency:g} cycles per second: move the slider and this redraws", fontsize=10)
    return Result(text=f"{4 * frequency:g} cycle{'' if 4 * frequency == 1 else 's'} in 4 seconds.", fig=fig,
                  values={"cycles": 4 * frequency})
