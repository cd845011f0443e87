"""The setup check of notebook 00: are the packages there, and do widgets work?"""

import sys
from numbers import Real

import matplotlib.pyplot as plt
import numpy as np

from ..plotting import PALETTE
from .widgets import Result, problem

MINIMUM = {"numpy": (1, 24), "matplotlib": (3, 7), "ipywidgets": (8, 0)}


def _version_tuple(text):
    parts = []
    for piece in text.split(".")[:2]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def environment_report():
    """Return (versions: dict name -> version string, problems: list of readable strings)."""
    import importlib

    versions = {"python": sys.version.split()[0]}
    problems = []
    if sys.version_info < (3, 10):
        problems.append(f"Python {versions['python']} is too old: the course needs 3.10 or newer.")
    for name, minimum in MINIMUM.items():
        try:
            module = importlib.import_module(name)
        except ImportError:
            problems.append(f"{name} is not installed: run `make lab` from the course folder.")
            continue
        versions[name] = module.__version__
        if _version_tuple(module.__version__) < minimum:
            problems.append(f"{name} {module.__version__} is older than {'.'.join(map(str, minimum))}: run `make lab` again.")
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
