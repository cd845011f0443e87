"""What a chapter claims about a memory-task accuracy, as a category a re-run must reproduce.

A re-trained run on another CPU or NumPy is a slightly different network (float32 training
amplifies the last bit), so its accuracy is compared by what the chapters say about it:
"learned" (>= 95 %), "at chance" (within 3 standard errors of 1/K) or, in between, a partial
accuracy within PARTIAL_TOLERANCE of the stored one.
"""

import numpy as np

LEARNED = 0.95
PARTIAL_TOLERANCE = 0.15


def outcome(accuracy, chance, n_test):
    if accuracy >= LEARNED:
        return "learned"
    if abs(accuracy - chance) <= 3 * np.sqrt(chance * (1 - chance) / n_test):
        return "at chance"
    return "partial"


def assert_same_claim(rerun, stored, chance, n_test, context=""):
    """The re-run supports what the stored accuracy supports."""
    got, want = outcome(rerun, chance, n_test), outcome(stored, chance, n_test)
    assert got == want, f"{context}: re-run {rerun:.3f} is {got!r}, the stored {stored:.3f} is {want!r}"
    if want == "partial":
        assert abs(rerun - stored) <= PARTIAL_TOLERANCE, (context, rerun, stored)
