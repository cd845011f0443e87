"""The contract every workbook checker (a ``course_utils.checks`` Spec) is tested against.

tests/test_checks.py (chapters 01-02) and tests/test_checks_<chapter>.py call these with their
Specs, ADAPTERS (which turn the reference or a mutant, an "inputs -> outputs dict" function, into
the learner-facing function(s), so that run_check sees it as a learner's) and ALTERNATIVES
(correct implementations written differently).
"""

import numpy as np

from course_utils.checks import core


def assert_reference_passes(spec, adapter):
    result = core.run_check(spec, *adapter(spec.reference))
    assert result.passed, result.text
    assert result.text.startswith(f"✔ {spec.name}: correct on ")


def assert_each_mutant_differs_from_the_reference(spec, at_least=3):
    assert len(spec.mutants) >= at_least
    assert len({m.name for m in spec.mutants}) == len(spec.mutants)
    cases = spec.make_cases(np.random.default_rng(0))
    for mutant in spec.mutants:
        differs = False
        for case in cases:
            ref = spec.reference(**case.inputs)
            with np.errstate(all="ignore"):
                out = mutant.fn(**case.inputs)
            assert set(out) == set(ref), mutant.name
            differs |= any(core.first_difference(out[k], ref[k], core.case_dtype(case), spec.tolerance) is not None
                           for k in ref)
        assert differs, f"{spec.name}: mutant {mutant.name!r} equals the reference on every check input"


def assert_every_mutant_rejected_most_named(spec, adapter, share=0.8):
    """Every mutant fails its check; at least ``share`` of them are named, with their message and equation."""
    named = []
    for mutant in spec.mutants:
        result = core.run_check(spec, *adapter(mutant.fn))
        assert not result.passed, f"{spec.name}: mutant {mutant.name!r} passed the check"
        assert result.text.startswith(f"✘ {spec.name}: ")
        named.append(result.diagnosis == mutant.name)
        if result.diagnosis == mutant.name:
            assert mutant.says in result.text and mutant.equation in result.text
    assert sum(named) >= share * len(named), f"{spec.name}: named {sum(named)}/{len(named)}"
    return sum(named), len(named)


def assert_alternatives_pass(spec, alternatives, at_least=3):
    assert len(alternatives) >= at_least
    for fns in alternatives:
        result = core.run_check(spec, *fns)
        assert result.passed, f"{fns[-1].__name__}: {result.text}"
