"""What every workbook checker must do, as assertions that each chapter's tests/test_checks_<chapter>.py calls.

``adapter(fn)`` turns an "inputs -> outputs dict" function (a Spec's reference or a mutant) into the
learner-facing function(s) the workbook asks for, so that run_check sees it as a learner would.
"""

import numpy as np

from course_utils.checks import core


def reference_passes(spec, adapter):
    result = core.run_check(spec, *adapter(spec.reference))
    assert result.passed, result.text
    assert result.text.startswith(f"✔ {spec.name}: correct on ")


def each_mutant_differs_from_the_reference(spec):
    """At least 3 mutants, distinct names, and each differs from the reference on some check input
    (or fails on its shapes there, as a transposed matrix does)."""
    assert len(spec.mutants) >= 3
    assert len({m.name for m in spec.mutants}) == len(spec.mutants)
    cases = spec.make_cases(np.random.default_rng(0))
    for mutant in spec.mutants:
        differs = False
        for case in cases:
            ref = spec.reference(**case.inputs)
            try:
                with np.errstate(all="ignore"):
                    out = mutant.fn(**case.inputs)
            except (ValueError, IndexError):
                differs = True
                continue
            assert set(out) == set(ref), mutant.name
            differs |= any(core.first_difference(out[k], ref[k], core.case_dtype(case), spec.tolerance) is not None
                           for k in ref)
        assert differs, f"{spec.name}: mutant {mutant.name!r} equals the reference on every check input"


def every_mutant_is_rejected_and_most_are_named(spec, adapter, at_least=0.8):
    named = []
    for mutant in spec.mutants:
        result = core.run_check(spec, *adapter(mutant.fn))
        assert not result.passed, f"{spec.name}: mutant {mutant.name!r} passed the check"
        assert result.text.startswith(f"✘ {spec.name}: ")
        named.append(result.diagnosis == mutant.name)
        if result.diagnosis == mutant.name:
            assert mutant.says in result.text and mutant.equation in result.text
    assert sum(named) >= at_least * len(named), f"{spec.name}: named {sum(named)}/{len(named)}"


def alternatives_pass(spec, alternatives):
    """At least 3 differently written correct implementations (each a tuple of the learner's functions)."""
    assert len(alternatives) >= 3
    for fns in alternatives:
        result = core.run_check(spec, *fns)
        assert result.passed, f"{fns[-1].__name__}: {result.text}"
