"""course_utils: the NumPy code behind "Recurrent Neural Networks from Scratch".

One small module per concept, in notebook order. Parameters and gradients are
plain dicts of NumPy arrays with the same keys; no hidden state lives on objects.
Shapes use the letters N (batch), T (time), D (input), H (hidden), V (vocabulary).
"""

__version__ = "0.8.0"   # bump with every change of the public API: tools/api.py --bump (CHANGELOG.md)

import os as _os

if _os.environ.get("COURSE_UTILS_PERTURB"):  # test instrument of `make test-portable`, see _perturb.py
    from . import _perturb

    _perturb.install(_os.environ["COURSE_UTILS_PERTURB"])


def require(minimum, notebook="this notebook", here=None):
    """Check that this kernel runs a course_utils that can run the notebook (see ``_gate``).

    A notebook written for course_utils ``minimum`` runs on the copy next to it (the
    course folder, ``here``'s parent; default: the current directory, which Jupyter sets
    to the notebook's folder) if that copy has the same major version and is at least as
    new, and if the kernel imported it after its last update. Otherwise this raises a
    RuntimeError that says what to do, instead of failing later with an AttributeError
    on a helper that does not exist.

    Returns a line for the setup cell to print, without a version number (a version
    bump must not change the notebooks' stored outputs). In a notebook it also makes
    printed text wrap at word boundaries (textfmt).
    """
    from pathlib import Path

    from . import _gate

    here = Path.cwd() if here is None else Path(here)
    found = _gate.problems(__version__, minimum, notebook, here)
    if found:
        raise RuntimeError("\n".join(found))
    from .textfmt import use_word_wrapping

    use_word_wrapping()
    return f"course_utils for {notebook}: {_gate.describe(here)}, new enough."
