"""Finite-difference gradient checks.

The central difference (f(x + h) - f(x - h)) / 2h has error O(h²); in float64
with h = 1e-5 a correct backward pass agrees to a relative error of about 1e-8
or better, while an error in one index typically gives 1e-2 or worse.
"""

import numpy as np


def relative_error(a, b, eps=1e-12):
    """‖a − b‖ / (‖a‖ + ‖b‖): the size of the disagreement relative to the gradients' size.

    Measured over the whole array rather than element by element: an entry whose
    true gradient is almost zero would otherwise turn the finite difference's own
    round-off (about 1e-10 absolute) into a large "relative" error. An error in a
    single index still shows up, as its share of the whole gradient's norm.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape; got {a.shape} and {b.shape}")
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / max(scale, eps))


def numerical_gradient(f, x, h=1e-5):
    """Central-difference gradient of the scalar function f() with respect to array x.

    ``x`` is modified in place and restored, so ``f`` can read it from wherever
    it lives (a params dict, an input batch).
    """
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise ValueError(
            f"x must be a float64 array (float32 rounding swamps the difference); "
            f"got {getattr(x, 'dtype', type(x).__name__)}"
        )
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        f_plus = f()
        x[i] = old - h
        f_minus = f()
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def check_gradients(f, arrays, grads, h=1e-5, floor=1e-12):
    """Compare analytic gradients with central differences for every key.

    Parameters
    ----------
    f : callable with no arguments returning the scalar loss; it must read the
        arrays in ``arrays`` (which are perturbed in place).
    arrays : dict name -> float64 array (parameters, inputs, initial states).
    grads : dict with the same keys -> analytic gradient arrays.
    floor : smallest denominator of the relative error. Raise it (e.g. 1e-3) for
        gradients that are legitimately tiny, where the finite difference's own
        round-off (~1e-11 absolute) would otherwise dominate.

    Returns
    -------
    dict name -> relative error (float). Use ``format_report`` to print it.
    """
    missing = sorted(set(arrays) - set(grads))
    if missing:
        raise ValueError(f"grads must have a gradient for every array; missing {missing}")
    errors = {}
    for name, x in arrays.items():
        if grads[name].shape != x.shape:
            raise ValueError(f"grads['{name}'] must have shape {x.shape}; got {grads[name].shape}")
        errors[name] = relative_error(grads[name], numerical_gradient(f, x, h), eps=floor)
    return errors


def format_error(error, tol):
    """'< 1e-07 ✓' when ``error`` is below ``tol``, else the error itself and ✗.

    A correct backward pass agrees with finite differences to round-off, about
    1e-11 to 1e-8 here; the exact digits depend on the CPU's BLAS kernels and the
    NumPy version, so a stored output shows only the threshold the error passed,
    which is the same on every machine. A real mistake is printed with its size
    (typically 1e-2 or more, far from any threshold).
    """
    if error < tol:
        return f"< {tol:.0e} \u2713"
    return f"{error:.1e} \u2717 (not < {tol:.0e})"


def format_report(errors, tol=1e-7):
    """A table of relative errors, one line per key, with a verdict.

    Errors below ``tol`` are shown as "< tol ✓" (see ``format_error``): their
    digits are round-off and differ between machines. Print ``errors`` itself
    to see them on yours.

    >>> print(format_report({"W": 3.1e-10, "b": 2.0e-2}))
    key  relative error
    W    < 1e-07 ✓
    b    2.0e-02 ✗ (not < 1e-07)
    MISMATCH in ['b']: max 2.0e-02 >= 1e-07
    """
    width = max(3, *(len(k) for k in errors))
    lines = [f"{'key':<{width}}  relative error"]
    for key, err in errors.items():
        lines.append(f"{key:<{width}}  {format_error(err, tol)}")
    worst = max(errors.values())
    if worst < tol:
        lines.append(f"all {len(errors)} gradients agree with finite differences (every relative error < {tol:.0e})")
    else:
        bad = [k for k, e in errors.items() if e >= tol]
        lines.append(f"MISMATCH in {bad}: max {worst:.1e} >= {tol:.0e}")
    return "\n".join(lines)
