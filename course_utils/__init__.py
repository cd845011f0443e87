"""course_utils: the NumPy code behind "Recurrent Neural Networks from Scratch".

One small module per concept, in notebook order. Parameters and gradients are
plain dicts of NumPy arrays with the same keys; no hidden state lives on objects.
Shapes use the letters N (batch), T (time), D (input), H (hidden), V (vocabulary).
"""

__version__ = "0.1.0"

import os as _os

if _os.environ.get("COURSE_UTILS_PERTURB"):  # test instrument of `make test-portable`, see _perturb.py
    from . import _perturb

    _perturb.install(_os.environ["COURSE_UTILS_PERTURB"])


def _parse(version):
    return tuple(int(part) for part in version.split(".")[:3])


def require(minimum, notebook="this notebook"):
    """Check that the installed course_utils can run a notebook.

    A notebook written for course_utils ``minimum`` runs on any installed
    version with the same major number that is at least as new. Otherwise this
    raises a RuntimeError that says how to fix the installation, instead of
    failing later with an AttributeError on a helper that does not exist.

    Returns the installed version string so a setup cell can print it. In a
    notebook it also makes printed text wrap at word boundaries (textfmt).
    """
    installed = _parse(__version__)
    wanted = _parse(minimum)
    if installed[0] != wanted[0] or installed < wanted:
        raise RuntimeError(
            f"{notebook} needs course_utils {minimum} (same major version, at "
            f"least that new) but {__version__} is installed. From the course "
            "folder run `make lab` again (it reinstalls when pyproject.toml "
            "changed), or `.venv/bin/pip install -e .` and restart the kernel."
        )
    from .textfmt import use_word_wrapping

    use_word_wrapping()
    return __version__
