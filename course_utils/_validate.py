"""Input checks shared by every public function.

Messages follow one pattern a student can act on:

    ValueError: X must have shape (N, T, D=8); got (4, 10, 7)

A shape is written as a string of letters (``"NTD"``) or a tuple mixing letters
and integers. Letters already known (passed in ``sizes``) are shown with their
value; unknown letters are bound by the first array that uses them, and the
bindings are returned so the next check can use them.
"""

import numpy as np


def _format(spec, sizes):
    parts = []
    for item in spec:
        if isinstance(item, str) and item in sizes:
            parts.append(f"{item}={sizes[item]}")
        else:
            parts.append(str(item))
    return "(" + ", ".join(parts) + (",)" if len(parts) == 1 else ")")


def check_shape(name, array, spec, sizes=None):
    """Check that ``array`` has the shape ``spec`` and return the letter sizes.

    Parameters
    ----------
    name : str
        The argument's name, used in the message.
    array : np.ndarray
    spec : str or tuple
        ``"NTD"`` or ``("N", 3)``: one letter or integer per axis.
    sizes : dict, optional
        Letters whose size is already known, e.g. ``{"D": 8}``.

    Returns
    -------
    dict
        ``sizes`` extended with the letters this array bound.
    """
    sizes = dict(sizes or {})
    spec = tuple(spec)
    shape = getattr(array, "shape", None)
    if shape is None:
        raise ValueError(
            f"{name} must be a NumPy array of shape {_format(spec, sizes)}; "
            f"got {type(array).__name__}"
        )
    bound = dict(sizes)
    ok = len(shape) == len(spec)
    if ok:
        for item, size in zip(spec, shape):
            if isinstance(item, str):
                if bound.setdefault(item, size) != size:
                    ok = False
            elif item != size:
                ok = False
    if not ok:
        raise ValueError(f"{name} must have shape {_format(spec, sizes)}; got {tuple(shape)}")
    return bound


def check_float(name, array):
    """Reject integer/bool/object arrays: the course computes in float32 or float64."""
    if not isinstance(array, np.ndarray) or array.dtype.kind != "f":
        dtype = getattr(array, "dtype", type(array).__name__)
        raise ValueError(f"{name} must be a float32 or float64 array; got dtype {dtype}")


def check_params(params, expected_shapes, what="params"):
    """Check a parameter dict: exactly the expected keys, each of the expected shape.

    ``expected_shapes`` maps each key to a tuple of integers.
    """
    if not isinstance(params, dict):
        raise ValueError(f"{what} must be a dict of arrays; got {type(params).__name__}")
    missing = sorted(set(expected_shapes) - set(params))
    extra = sorted(set(params) - set(expected_shapes))
    if missing or extra:
        raise ValueError(
            f"{what} must have keys {sorted(expected_shapes)}; "
            f"missing {missing}, unexpected {extra}"
        )
    for key, shape in expected_shapes.items():
        check_float(f"{what}['{key}']", params[key])
        if params[key].shape != tuple(shape):
            raise ValueError(
                f"{what}['{key}'] must have shape {tuple(shape)}; got {params[key].shape}"
            )


def check_positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer; got {value!r}")


def check_choice(name, value, choices):
    if value not in choices:
        raise ValueError(f"{name} must be one of {list(choices)}; got {value!r}")
