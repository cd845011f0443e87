"""The checker machinery behind the workbooks: run the learner's code, compare, name the mistake.

A checker is a ``Spec``: the function the learner writes, how to call it, a reference, the
inputs to try, and a library of ``Mutant``s (known mistakes). ``run_check(spec, fn)`` returns a
``Result`` whose text is what the check cell prints:

* every case passes -> "correct";
* the learner's code raises -> the exception, where it was raised and the input shapes (never re-raised);
  ``NotImplementedError`` (the workbook's stub) -> "not implemented yet";
* an output has the wrong type, shape or dtype -> which one, expected and received;
* otherwise, if the learner's outputs equal one mutant's on every case, that mistake is named
  with the line of the equation it breaks; else the first differing array, index and size.

Every function of a ``Spec`` works on named arrays: ``make_cases(rng)`` returns ``Case``s whose
``inputs`` is a dict; ``reference(**inputs)`` and each mutant's ``fn(**inputs)`` return a dict
of output arrays; ``call(fns, inputs)`` calls the learner's function(s) and returns the same
dict (or raises ``Mismatch`` when the return value has the wrong structure).
Comparisons use only these public return values, never the learner's caches.
"""

import traceback
from functools import partial
from typing import Callable, NamedTuple

import numpy as np

# dtype -> (rtol, atol as a fraction of the reference's largest entry)
TOLERANCE = {np.dtype(np.float64): (1e-6, 1e-9), np.dtype(np.float32): (2e-3, 1e-4)}
NOT_IMPLEMENTED = "not implemented yet — write the function above"


class Case(NamedTuple):
    label: str      # "fixed", "random N=3 T=5 D=4 H=6 float64", ... (said in reports)
    inputs: dict    # argument name -> array (or None / scalar)


class Mutant(NamedTuple):
    name: str       # short id, e.g. "W_hh transposed"
    says: str       # one sentence telling the learner what they did
    equation: str   # the line of the equation the mistake breaks
    fn: Callable    # fn(**inputs) -> dict of outputs, like Spec.reference


class Spec(NamedTuple):
    name: str                   # the function the learner writes, e.g. "rnn_step_forward"
    reference: Callable         # reference(**inputs) -> {output name: array}
    make_cases: Callable        # make_cases(rng) -> [Case, ...], fixed small ones first
    call: Callable              # call(fns, inputs) -> {output name: array}; fns is a tuple
    mutants: tuple              # (Mutant, ...)
    exact_dtype: bool = True    # outputs must keep the inputs' float dtype
    tolerance: dict = None      # dtype -> (rtol, atol fraction[, absolute atol]) overriding TOLERANCE


class Mismatch(Exception):
    """Raised by a Spec's ``call`` when a return value has the wrong structure."""


class Result:
    """What a check found. Truthy iff the learner's function passed; prints as its report."""

    def __init__(self, name, passed, text, diagnosis=None, status="wrong"):
        self.name, self.passed, self.text = name, passed, text
        self.diagnosis = diagnosis  # the matching Mutant's name, or None
        self.status = "passed" if passed else status  # passed | not implemented | crashed | structure | wrong

    def __bool__(self):
        return self.passed

    def __repr__(self):
        return self.text


def shapes_of(inputs):
    """'X (2, 3), W (3, 4), b None': what a crash report says about the inputs."""
    parts = []
    for key, value in inputs.items():
        if isinstance(value, np.ndarray):
            parts.append(f"{key} {value.shape} {value.dtype}")
        elif isinstance(value, dict):
            parts.append(f"{key} {{" + ", ".join(f"{k}: {v.shape}" for k, v in value.items()) + "}")
        elif isinstance(value, tuple):   # a state pair such as (H0, C0)
            parts.append(f"{key} (" + ", ".join(f"{v.shape} {v.dtype}" if isinstance(v, np.ndarray) else repr(v)
                                                for v in value) + ")")
        else:
            parts.append(f"{key}={value!r}")
    return ", ".join(parts)


def _where(exc):
    """The last frame of the traceback (the learner's line, usually)."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return ""
    f = frames[-1]
    return f" (line {f.lineno}: {f.line.strip()})" if f.line else f" (line {f.lineno})"


def case_dtype(case):
    for value in case.inputs.values():
        if isinstance(value, np.ndarray) and value.dtype.kind == "f":
            return value.dtype
        if isinstance(value, dict):
            return case_dtype(Case(case.label, value))
    return np.dtype(np.float64)


def first_difference(got, expected, dtype, tolerance=None):
    """None if ``got`` matches ``expected`` within the dtype's tolerance, else (index, got, expected, error).

    The index is that of the largest difference among the entries outside the tolerance.
    """
    got = np.asarray(got, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    rtol, atol, *absolute = (tolerance or TOLERANCE).get(np.dtype(dtype), TOLERANCE[np.dtype(np.float64)])
    scale = np.max(np.abs(expected[np.isfinite(expected)]), initial=0.0)
    with np.errstate(all="ignore"):
        diff = np.abs(got - expected)
        bad = ~(diff <= rtol * np.abs(expected) + atol * max(scale, 1e-30) + sum(absolute))
    bad &= ~(np.isnan(got) & np.isnan(expected))             # nan where the mutant has nan: equal
    bad &= ~(np.isinf(got) & (got == expected))
    if not bad.any():
        return None
    index = np.unravel_index(np.argmax(np.where(bad, np.nan_to_num(diff, nan=np.inf), -1)), bad.shape)
    return tuple(int(i) for i in index), got[index], expected[index], float(diff[index])


def _structure_problem(key, got, expected, exact_dtype):
    if not isinstance(got, (np.ndarray, np.generic, float, int)):
        return f"{key} must be a NumPy array; got {type(got).__name__}"
    got = np.asarray(got)
    if got.shape != expected.shape:
        return f"{key} must have shape {expected.shape}; got {got.shape}"
    if exact_dtype and got.dtype != expected.dtype:
        return f"{key} must keep the inputs' dtype {expected.dtype}; got {got.dtype}"
    return None


def _run(fn, **kwargs):
    with np.errstate(all="ignore"):
        return fn(**kwargs)


def _learner_outputs(spec, fns, cases):
    """[(outputs dict | Exception) per case], stopping at nothing: every case is tried."""
    results = []
    for case in cases:
        try:
            with np.errstate(all="ignore"):
                results.append(spec.call(fns, {k: _copy(v) for k, v in case.inputs.items()}))
        except Exception as exc:  # a learner's crash is reported, never raised
            results.append(exc)
    return results


def _copy(value):
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(_copy(v) for v in value)
    return value


def matching_mutant(spec, cases, learner, references):
    """The first mutant that agrees with the learner on every case (a crash matches a non-finite output)."""
    for mutant in spec.mutants:
        agrees, differs_from_reference = True, False
        for case, got, ref in zip(cases, learner, references):
            try:
                mutated = _run(mutant.fn, **_copy(case.inputs))
            except Exception:
                mutated = None
            if isinstance(got, Exception):
                ok = mutated is None or any(not np.all(np.isfinite(v)) for v in mutated.values())
            elif mutated is None:
                ok = False
            else:
                ok = all(k in got and np.shape(got[k]) == np.shape(v)
                         and first_difference(got[k], v, case_dtype(case), spec.tolerance) is None for k, v in mutated.items())
            agrees &= ok
            differs_from_reference |= mutated is None or any(
                first_difference(v, ref[k], case_dtype(case), spec.tolerance) is not None for k, v in mutated.items())
            if not agrees:
                break
        if agrees and differs_from_reference:
            return mutant
    return None


def run_check(spec, *fns, seed=0):
    """Check the learner's function(s) ``fns`` against ``spec``; returns a Result (never raises)."""
    cases = spec.make_cases(np.random.default_rng(seed))
    references = [_run(spec.reference, **_copy(case.inputs)) for case in cases]
    learner = _learner_outputs(spec, fns, cases)
    header = f"{spec.name}: "
    for case, got, ref in zip(cases, learner, references):
        if isinstance(got, NotImplementedError):
            return Result(spec.name, False, header + NOT_IMPLEMENTED, status="not implemented")
        if isinstance(got, Mismatch):
            return Result(spec.name, False, f"✘ {header}{got}", status="structure")
        if isinstance(got, Exception):
            break
        for key, expected in ref.items():
            problem = _structure_problem(key, got.get(key), np.asarray(expected), spec.exact_dtype)
            if problem:
                return Result(spec.name, False, f"✘ {header}{problem} (case {case.label}: {shapes_of(case.inputs)})",
                              status="structure")
    failing = [i for i, (case, got, ref) in enumerate(zip(cases, learner, references))
               if isinstance(got, Exception)
               or any(first_difference(got[k], v, case_dtype(case), spec.tolerance) is not None for k, v in ref.items())]
    if not failing:
        labels = ", ".join(case.label for case in cases)
        return Result(spec.name, True, f"✔ {header}correct on {len(cases)} inputs ({labels})")
    mutant = matching_mutant(spec, cases, learner, references)
    if mutant is not None:
        return Result(spec.name, False, f"✘ {header}{mutant.says}\n  The line to fix: {mutant.equation}",
                      diagnosis=mutant.name)
    i = failing[0]
    case, got, ref = cases[i], learner[i], references[i]
    if isinstance(got, Exception):
        return Result(spec.name, False,
                      f"✘ {header}raised {type(got).__name__}: {got}{_where(got)}\n"
                      f"  on the inputs of case {case.label}: {shapes_of(case.inputs)}", status="crashed")
    for key, expected in ref.items():
        found = first_difference(got[key], expected, case_dtype(case), spec.tolerance)
        if found:
            index, value, want, error = found
            return Result(spec.name, False,
                          f"✘ {header}{key} differs (case {case.label}: {shapes_of(case.inputs)})\n"
                          f"  largest difference at {key}{list(index)}: got {value:.6g}, expected {want:.6g} "
                          f"(difference {error:.3g}); no known mistake matches")
    raise AssertionError("unreachable: a failing case has a differing output")


# --- helpers for writing Specs -------------------------------------------------------------

def randn(rng, shape, dtype=np.float64, scale=1.0):
    return (scale * rng.standard_normal(shape)).astype(dtype)


def pair(value, name, n=2):
    """The learner's tuple return value, or Mismatch naming what was expected."""
    if not isinstance(value, (tuple, list)) or len(value) != n:
        got = f"a {type(value).__name__} of length {len(value)}" if isinstance(value, (tuple, list)) else type(value).__name__
        raise Mismatch(f"must return a tuple of {n} ({name}); got {got}")
    return value


def mutants(reference, *entries):
    """The mutant library of a reference written with a ``bug=`` switch.

    Each entry is (name, says, equation); its Mutant runs ``reference(**inputs, bug=name)``.
    """
    return tuple(Mutant(name, says, equation, partial(reference, bug=name)) for name, says, equation in entries)


def report(spec, *fns, verbose=True):
    """run_check, printing the Result's text (what a workbook's check cell shows) when verbose."""
    result = run_check(spec, *fns)
    if verbose:
        print(result.text)
    return result


def scalar(value, name):
    """A learner's scalar return value as a float64 0-d array (Mismatch if it is not one number)."""
    if np.ndim(value) != 0 or not np.isrealobj(value):
        raise Mismatch(f"{name} must be one number (the mean over the batch); got {type(value).__name__} "
                       f"of shape {np.shape(value)}")
    return np.array(float(value))
