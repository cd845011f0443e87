"""What every workbook checker must do, for tests/test_checks.py and tests/test_checks_<chapter>.py.

An adapter turns an "inputs -> outputs dict" function (a Spec's reference or one of its mutants)
into the learner-facing function(s) a workbook asks for, so that run_check sees it as a learner would.
"""

import numpy as np

from course_utils.checks import core


def assert_reference_passes(spec, adapter):
    result = core.run_check(spec, *adapter(spec.reference))
    assert result.passed, result.text
    assert result.text.startswith(f"✔ {spec.name}: correct on ")


def assert_each_mutant_differs_from_the_reference(spec):
    """Each mutant differs from the reference on some check input, or fails there on its shapes
    (as a transposed matrix does, like the learner's code would)."""
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


def assert_every_mutant_rejected_and_80_percent_named(spec, adapter):
    """Returns the names of the mutants the check did not name (at most 20 %)."""
    unnamed = []
    for mutant in spec.mutants:
        result = core.run_check(spec, *adapter(mutant.fn))
        assert not result.passed, f"{spec.name}: mutant {mutant.name!r} passed the check"
        assert result.text.startswith(f"✘ {spec.name}: ")
        if result.diagnosis == mutant.name:
            assert mutant.says in result.text and mutant.equation in result.text
        else:
            unnamed.append(mutant.name)
    named = len(spec.mutants) - len(unnamed)
    assert named >= 0.8 * len(spec.mutants), f"{spec.name}: named {named}/{len(spec.mutants)}; not: {unnamed}"
    return unnamed


def assert_correct_variants_pass(spec, alternatives):
    assert len(alternatives) >= 3
    for fns in alternatives:
        result = core.run_check(spec, *fns)
        assert result.passed, f"{fns[-1].__name__}: {result.text}"
