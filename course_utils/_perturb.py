"""A test mode that nudges every random float by about 1e-12 of its size.

Another CPU's BLAS kernels (``OPENBLAS_CORETYPE=Haswell``), Apple's
Accelerate, MKL or another NumPy round sums in another order, so their results
differ from ours in the last bits. A stored output that changes under such a
difference is not portable (DESIGN §6). This module reproduces that kind of
difference on one machine: with the environment variable

    COURSE_UTILS_PERTURB=1e-12

set, ``import course_utils`` replaces ``np.random.default_rng`` by a version
whose generators return every float they draw (``random``, ``uniform``,
``normal``, ``standard_normal``) multiplied by ``1 + eps * s``, where ``s`` is a
fixed pseudo-random sign per value and ``eps`` is the variable's value. Every
weight initialiser, data generator and notebook cell draws through
``np.random.default_rng``, so every float64 weight and input moves by about
1e-12 relative, ten thousand times float64's rounding: a printed digit that
depends on the last bit changes.

Models trained in float32 (the memory-task and character-LM runs of chapters 04
and 05) draw in float64 and then round to float32, which would erase a 1e-12
nudge; there the weights that ``course_utils.initializers`` returns in float32,
and float32 draws, move by 4 float32 units in the last place (about 5e-7
relative), the size of the differences another BLAS's float32 kernels produce.
A 1e-7 nudge of the float64 values would be far larger than any machine's
float64 rounding difference and would flag computations that are in fact
portable (an exploding gradient at spectral radius 2, a sample at temperature
1.5 from a float64 model).
Integer draws (``integers``, ``choice``, ``permutation``) are left alone: they
are exact on every machine.

``make test-portable`` replays every notebook in this mode. It is a test
instrument only; nothing in the course sets the variable.
"""

import numpy as np

ENV_VAR = "COURSE_UTILS_PERTURB"
_FLOAT_METHODS = ("random", "uniform", "normal", "standard_normal")


def _nudge(values, eps, signs):
    arr = np.asarray(values)
    if not np.issubdtype(arr.dtype, np.floating):
        return values
    rel = max(eps, 4 * float(np.finfo(arr.dtype).eps))     # float32: 4 ulps; float64: eps
    s = signs.choice(np.array([-1.0, 1.0]), size=arr.shape)
    out = (arr * (1.0 + rel * s)).astype(arr.dtype)
    return out if isinstance(values, np.ndarray) else out[()].item() if np.ndim(out) == 0 else out


def perturbed_generator_class(eps):
    """A ``np.random.Generator`` subclass whose float draws are nudged by ``eps`` relative."""

    class PerturbedGenerator(np.random.Generator):
        def __init__(self, bit_generator):
            super().__init__(bit_generator)
            # The signs come from their own stream, so the perturbed generator
            # draws exactly the same sequence of base values as an ordinary one.
            self._signs = np.random.Generator(np.random.PCG64(20261130))

    def wrap(name):
        base = getattr(np.random.Generator, name)

        def method(self, *args, **kwargs):
            return _nudge(base(self, *args, **kwargs), eps, self._signs)

        method.__name__ = name
        method.__doc__ = base.__doc__
        return method

    for name in _FLOAT_METHODS:
        setattr(PerturbedGenerator, name, wrap(name))
    return PerturbedGenerator


def install(eps):
    """Make ``np.random.default_rng`` return perturbed generators (idempotent)."""
    eps = float(eps)
    if not 0 < eps < 1e-3:
        raise ValueError(f"{ENV_VAR} must be a small positive number such as 1e-12; got {eps!r}")
    if getattr(np.random.default_rng, "_course_utils_perturbed", None) is not None:
        return
    original = np.random.default_rng
    cls = perturbed_generator_class(eps)

    def default_rng(seed=None):
        if isinstance(seed, np.random.Generator):
            return seed
        bit_generator = seed if isinstance(seed, np.random.BitGenerator) else original(seed).bit_generator
        return cls(bit_generator)

    default_rng._course_utils_perturbed = eps
    default_rng.__doc__ = original.__doc__
    np.random.default_rng = default_rng
    _nudge_float32_initializers(eps)


def _nudge_float32_initializers(eps):
    """Weights initialised in float32 move by 4 float32 ulps (the float64 draw's nudge is rounded away)."""
    from . import initializers

    signs = np.random.Generator(np.random.PCG64(20261201))

    def wrap(init):
        def nudged(*args, **kwargs):
            W = init(*args, **kwargs)
            return _nudge(W, eps, signs) if W.dtype == np.float32 else W

        nudged.__name__, nudged.__doc__, nudged.__wrapped__ = init.__name__, init.__doc__, init
        return nudged

    for name in ("xavier_uniform", "he_normal", "orthogonal"):
        setattr(initializers, name, wrap(getattr(initializers, name)))
