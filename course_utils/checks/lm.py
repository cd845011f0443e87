"""Checkers for the chapter 02 workbook's language-model pieces: a masked temporal loss and sampling.

    temporal_softmax_loss   L = −(1/M) Σ_{n,t} mask[n,t] log softmax(O[n,t])[y[n,t]],  M = Σ mask
                            dO[n,t] = mask[n,t] (P[n,t] − Y[n,t]) / M
    sample_with_temperature ids[n] ~ softmax(O[n] / τ)

Sampling is random, so its checker compares the *frequencies* of many draws with the
probabilities (to within 0.045, more than 5 standard errors of a frequency), and names
a mistake when the frequencies match a wrong distribution instead.
"""

import numpy as np

from ..activations import log_softmax
from ..losses import sequence_cross_entropy
from .core import Case, Mismatch, Spec, mutants, pair, randn, report, scalar


def _loss_cases(rng):
    cases = []
    for N, T, V, dtype in [(3, 4, 5, np.float64), (2, 6, 3, np.float64), (4, 3, 6, np.float32)]:
        lengths = rng.integers(1, T + 1, N)
        lengths[0], lengths[-1] = T, max(1, T - 2)  # some padding, never a full batch of it
        mask = (np.arange(T) < lengths[:, None]).astype(dtype)
        cases.append(Case(f"random N={N} T={T} V={V} {np.dtype(dtype).name} ({int(mask.sum())} real steps)",
                          {"O": randn(rng, (N, T, V), dtype, 2.0), "y": rng.integers(0, V, (N, T)), "mask": mask}))
    O = 1000 + randn(rng, (2, 3, 4))
    cases.append(Case("large logits ≈ 1000 N=2 T=3 V=4", {"O": O, "y": O.argmax(axis=-1),
                                                           "mask": np.array([[1.0, 1, 1], [1, 1, 0]])}))
    return cases


def _reference_loss(O, y, mask):
    loss, dO = sequence_cross_entropy(O, y, mask)
    return {"loss": np.array(loss), "dO": dO}


def _temporal_loss(O, y, mask, bug=None):
    N, T, V = O.shape
    mask = np.ones_like(mask) if bug == "mask ignored" else mask
    if bug == "no max":
        P = np.exp(O) / np.exp(O).sum(axis=-1, keepdims=True)
        logp = np.log(P)
    else:
        logp = log_softmax(O)
        P = np.exp(logp)
    Y = np.eye(V, dtype=O.dtype)[y]
    count = {"divide by N": N, "divide by N·T": N * T}.get(bug, mask.sum())
    loss = -(np.take_along_axis(logp, y[..., None], -1)[..., 0] * mask).sum() / count
    grad_mask = np.ones_like(mask) if bug == "dO not masked" else mask
    dO = (P - Y) * grad_mask[..., None] / (1 if bug == "no 1/M" else count)
    return {"loss": np.array(float(loss)), "dO": dO.astype(O.dtype)}


def _call_loss(fns, i):
    loss, dO = pair(fns[0](i["O"], i["y"], i["mask"]), "loss, dO")
    return {"loss": scalar(loss, "loss"), "dO": dO}


TEMPORAL_LOSS = Spec("temporal_softmax_loss", _reference_loss, _loss_cases, _call_loss, mutants(
    _temporal_loss,
    ("mask ignored", "the mask is ignored: padded steps add to the loss and get a gradient.",
     "L = −(1/M) Σ_{n,t} mask[n,t] log P[n,t,y[n,t]]"),
    ("dO not masked", "the loss is masked but the gradient is not: padded steps must get dO = 0.",
     "dO[n,t] = mask[n,t] (P[n,t] − Y[n,t]) / M"),
    ("divide by N", "the loss is divided by N (the batch size); the course averages over the M = Σ mask "
     "real steps, so padding does not change it.", "M = Σ_{n,t} mask[n,t]"),
    ("divide by N·T", "the loss is divided by N·T, which counts the padded steps; divide by M = Σ mask.",
     "M = Σ_{n,t} mask[n,t]"),
    ("no 1/M", "dO is P − Y without dividing by M; the loss is a mean over M real steps.",
     "dO[n,t] = mask[n,t] (P[n,t] − Y[n,t]) / M"),
    ("no max", "softmax overflows for large logits (e^1000 = inf): subtract the max over V first.",
     "P = exp(O − max O) / Σ exp(O − max O)"),
))


# --- sampling with a temperature ---------------------------------------------------------------

DRAWS = 4000  # per distribution: a frequency's standard error is at most 0.008


def _sample_cases(rng):
    base = np.array([[2.0, 1.0, 0.0, -1.0, 0.5], [0.0, 1.5, -0.5, 1.0, 3.0]])
    cases = [Case(f"τ = {tau}, 2 rows of logits (V=5), {DRAWS} draws each", {"O": base, "temperature": tau, "seed": k})
             for k, tau in enumerate([1.0, 0.5, 2.0])]
    cases.append(Case(f"large logits ≈ 1000, τ = 0.8, {DRAWS} draws each",
                      {"O": base + 1000, "temperature": 0.8, "seed": 3}))
    return cases


def _probabilities(O, temperature, seed=None, bug=None):
    Z = {"times τ": O * temperature, "no τ": O}.get(bug, O / temperature)
    if bug == "no max":
        e = np.exp(Z)
        P = e / e.sum(axis=-1, keepdims=True)
    else:
        P = np.exp(log_softmax(Z))
    if bug == "argmax":
        P = np.eye(O.shape[-1])[O.argmax(axis=-1)]
    if bug == "first row":
        P = np.repeat(P[:1], len(P), axis=0)
    return {"frequencies": P}


def _call_sample(fns, i):
    O, (G, V) = i["O"], i["O"].shape
    rows = np.repeat(O, DRAWS, axis=0)   # DRAWS copies of row 0, then of row 1, ...
    ids = fns[0](rows, i["temperature"], np.random.default_rng(i["seed"]))
    ids = np.asarray(ids) if isinstance(ids, (list, tuple)) else ids
    if not isinstance(ids, np.ndarray) or ids.shape != (len(rows),) or ids.dtype.kind not in "iu":
        raise Mismatch(f"must return an integer array of shape (N,) = ({len(rows)},); got "
                       f"{getattr(ids, 'dtype', type(ids).__name__)} of shape {np.shape(ids)}")
    if ids.min() < 0 or ids.max() >= V:
        raise Mismatch(f"must return ids in [0, V-1] = [0, {V - 1}]; got values in [{ids.min()}, {ids.max()}]")
    counts = np.stack([np.bincount(ids[g * DRAWS:(g + 1) * DRAWS], minlength=V) for g in range(G)])
    return {"frequencies": counts / DRAWS}


SAMPLE = Spec("sample_with_temperature", _probabilities, _sample_cases, _call_sample, mutants(
    _probabilities,
    ("times τ", "the logits are multiplied by τ; divide them: τ > 1 must flatten the distribution, "
     "τ < 1 sharpen it.", "P = softmax(O / τ)"),
    ("no τ", "the temperature has no effect: divide the logits by τ before the softmax.",
     "P = softmax(O / τ)"),
    ("argmax", "this always picks the most likely id (greedy); sampling draws each id with its probability.",
     "ids[n] ~ P[n]"),
    ("first row", "every row is drawn from the first row's distribution: row n must use O[n].",
     "ids[n] ~ softmax(O[n] / τ)"),
    ("no max", "softmax overflows for large logits (e^1000 = inf): subtract each row's max first.",
     "P = exp(Z − max Z) / Σ exp(Z − max Z), Z = O / τ"),
), exact_dtype=False, tolerance={np.dtype(np.float64): (0.0, 0.0, 0.045)})


def check_temporal_softmax_loss(temporal_softmax_loss, verbose=True):
    """temporal_softmax_loss(O (N, T, V), y (N, T) int, mask (N, T) of 0/1) -> (loss, dO (N, T, V))."""
    return report(TEMPORAL_LOSS, temporal_softmax_loss, verbose=verbose)


def check_sample_with_temperature(sample_with_temperature, verbose=True):
    """sample_with_temperature(O (N, V) logits, temperature > 0, rng) -> ids (N,) int."""
    return report(SAMPLE, sample_with_temperature, verbose=verbose)


SPECS = {spec.name: spec for spec in (TEMPORAL_LOSS, SAMPLE)}
