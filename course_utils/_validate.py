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
    if not is_whole(value, low=1):
        raise ValueError(f"{name} must be a positive integer; got {value!r}")


def check_choice(name, value, choices):
    if value not in choices:
        raise ValueError(f"{name} must be one of {list(choices)}; got {value!r}")


def check_rng(rng):
    """Every random draw goes through a ``np.random.Generator``, so runs are reproducible."""
    if not isinstance(rng, np.random.Generator):
        raise ValueError(
            f"rng must be a numpy.random.Generator (np.random.default_rng(seed)); got {type(rng).__name__}"
        )


# --- the recurrent cells' contract (DESIGN §4): one dtype, states, caches ----------------

def check_dtype(name, array, dtype):
    """``array`` must have exactly the parameters' ``dtype``: the cells never cast silently."""
    if array.dtype != dtype:
        raise ValueError(f"{name} must have the parameters' dtype {dtype} (no silent casting); got {array.dtype}")


def check_one_dtype(params, what="params"):
    """All arrays of a parameter dict share one float dtype; returns it."""
    dtypes = {array.dtype for array in params.values()}
    if len(dtypes) > 1:
        raise ValueError(f"{what} must all have one dtype; got {sorted(map(str, dtypes))}")
    return dtypes.pop()


def check_array(name, array, spec, dtype, sizes=None):
    """A float array of shape ``spec`` (as in check_shape) and exactly ``dtype``; returns the sizes."""
    check_float(name, array)
    sizes = check_shape(name, array, spec, sizes)
    check_dtype(name, array, dtype)
    return sizes


def check_state(name, state, N, H, dtype):
    """A state (or its gradient) H (N, H) of the parameters' float dtype; None means zeros."""
    if state is None:
        return np.zeros((N, H), dtype=dtype)
    check_array(name, state, "NH", dtype, {"N": N, "H": H})
    return state


def check_state_pair(name, state, parts, N, H, dtype):
    """None or a pair (A, B) of states (N, H), either of which may be None (zeros), -> [A, B].

    ``parts`` names the two, e.g. ("H0", "C0"): a message then says ``state0[1] (C0) must ...``.
    """
    if state is None:
        state = (None, None)
    if not isinstance(state, (tuple, list)) or len(state) != 2:
        got = type(state).__name__ + (f" of shape {state.shape}" if hasattr(state, "shape") else "")
        raise ValueError(f"{name} must be None or a tuple ({', '.join(parts)}) of two (N={N}, H={H}) arrays; got {got}")
    return [check_state(f"{name}[{k}] ({part})", array, N, H, dtype)
            for k, (part, array) in enumerate(zip(parts, state))]


def check_cache(cache, cache_type, made_by):
    """A backward function gets the cache its own forward function made (a step's or a sequence's)."""
    if not isinstance(cache, cache_type):
        raise ValueError(f"cache must come from {made_by} (a {cache_type.__name__}); got {type(cache).__name__}")


# --- widget controls: predicates, because a widget reports instead of raising -------------

def is_whole(value, low=None, high=None):
    """True for an int (not a bool: True is not the number 1 on a slider) within [low, high]."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        return False
    return (low is None or value >= low) and (high is None or value <= high)


def is_number(value, low=None, high=None):
    """True for a finite real number (not a bool) within [low, high]."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        return False
    if not np.isfinite(value):
        return False
    return (low is None or value >= low) and (high is None or value <= high)
