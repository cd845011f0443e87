"""Sequence data: vocabulary, one-hot and embedding lookup, padding, masks, minibatches.

Used from chapter 02 on. Token sequences become integer id arrays, variable
lengths become one padded (N, T) array plus a ``lengths`` (N,) array, and a
mask says which positions are real:

    vocab = build_vocab(["not good", "good"], split=str.split)
    ids, lengths = pad_sequences([vocab.encode("not good".split()), vocab.encode(["good"])])
    # ids = [[4, 5], [5, 0]], lengths = [2, 1]  (0 is <pad>)
    mask = length_mask(lengths, ids.shape[1])     # [[1, 1], [1, 0]]

Two ways to turn an id into a vector X_t for the cell:

    one-hot:    X[n, t] = e_{ids[n, t]}          (V,)  -- no parameters
    embedding:  X[n, t] = E[ids[n, t]]           (D,)  -- a learned row of E (V, D)

The embedding is the one-hot times E (``one_hot(ids, V) @ E == E[ids]``), so its
gradient is ``dE = one_hotᵀ dX``: every occurrence of a token adds its dX_t to
that token's row (``np.add.at``), and rows of tokens absent from the batch get 0.
"""

from collections import Counter
from typing import NamedTuple

import numpy as np

from ._validate import check_float, check_positive_int, check_shape

PAD, BOS, EOS, UNK = "<pad>", "<bos>", "<eos>", "<unk>"
RESERVED = (PAD, BOS, EOS, UNK)   # always ids 0, 1, 2, 3


class Vocab:
    """A fixed token <-> id mapping. Ids 0..3 are <pad>, <bos>, <eos>, <unk>; then the tokens.

    ``itos[i]`` is the token of id i and ``stoi[token]`` its id. A token is any
    hashable string: a character for a character model, a word for a word model.
    Unknown tokens encode to ``unk_id``. The object never changes after creation.
    """

    pad_id, bos_id, eos_id, unk_id = 0, 1, 2, 3

    def __init__(self, tokens):
        tokens = list(tokens)
        clash = [t for t in tokens if t in RESERVED]
        if clash:
            raise ValueError(f"tokens must not contain the reserved tokens {list(RESERVED)}; got {clash}")
        if len(set(tokens)) != len(tokens):
            dupes = sorted(t for t, c in Counter(tokens).items() if c > 1)
            raise ValueError(f"tokens must be distinct; got duplicates {dupes}")
        self.itos = list(RESERVED) + tokens
        self.stoi = {t: i for i, t in enumerate(self.itos)}

    def __len__(self):
        return len(self.itos)

    def __contains__(self, token):
        return token in self.stoi

    def __repr__(self):
        shown = ", ".join(repr(t) for t in self.itos[4:12])
        more = ", ..." if len(self) > 12 else ""
        return f"Vocab(V={len(self)}: <pad> <bos> <eos> <unk> {shown}{more})"

    def encode(self, tokens, add_bos=False, add_eos=False):
        """Tokens (a str is read as its characters) -> int64 ids (T,), optionally framed by <bos>/<eos>."""
        ids = [self.stoi.get(t, self.unk_id) for t in tokens]
        ids = [self.bos_id] * add_bos + ids + [self.eos_id] * add_eos
        return np.array(ids, dtype=np.int64)

    def decode(self, ids, strip=True):
        """Ids -> list of tokens. With ``strip``, <pad>/<bos>/<eos> are dropped (<unk> is kept)."""
        ids = np.asarray(ids)
        if ids.ndim != 1 or ids.dtype.kind not in "iu":
            raise ValueError(f"ids must be a 1-D integer array (T,); got shape {ids.shape}, dtype {ids.dtype}")
        if ids.size and (ids.min() < 0 or ids.max() >= len(self)):
            raise ValueError(f"ids must be in [0, {len(self) - 1}]; got values in [{ids.min()}, {ids.max()}]")
        skip = {self.pad_id, self.bos_id, self.eos_id} if strip else set()
        return [self.itos[i] for i in ids if i not in skip]


def build_vocab(texts, split=list, min_count=1):
    """A Vocab of every token seen at least ``min_count`` times in ``texts``.

    ``split`` turns one text into tokens: ``list`` (default) gives characters,
    ``str.split`` gives words. Tokens are ordered by decreasing count, then
    alphabetically, so the same texts always give the same ids.
    """
    check_positive_int("min_count", min_count)
    counts = Counter()
    for text in texts:
        counts.update(split(text))
    for token in RESERVED:
        counts.pop(token, None)
    kept = sorted((t for t, c in counts.items() if c >= min_count), key=lambda t: (-counts[t], t))
    return Vocab(kept)


def _check_ids(name, ids, V):
    if not isinstance(ids, np.ndarray) or ids.dtype.kind not in "iu":
        raise ValueError(f"{name} must be an integer array of token ids; got {getattr(ids, 'dtype', type(ids).__name__)}")
    if ids.size and (ids.min() < 0 or ids.max() >= V):
        raise ValueError(f"{name} must hold ids in [0, {V - 1}] (V={V}); got values in [{ids.min()}, {ids.max()}]")


def one_hot(ids, V, dtype=np.float64):
    """ids (N, T) or any int shape -> (..., V) with a 1 at each id."""
    check_positive_int("V", V)
    _check_ids("ids", ids, V)
    out = np.zeros(ids.shape + (V,), dtype=dtype)
    np.put_along_axis(out, ids[..., None], 1, axis=-1)
    return out


class EmbeddingCache(NamedTuple):
    ids: np.ndarray   # (N, T)
    V: int


def embedding_forward(ids, E):
    """X = E[ids]: ids (N, T) int, E (V, D) -> X (N, T, D), cache."""
    check_float("E", E)
    check_shape("E", E, "VD")
    _check_ids("ids", ids, E.shape[0])
    return E[ids], EmbeddingCache(ids, E.shape[0])


def embedding_backward(dX, cache):
    """dE (V, D): row v is the sum of dX[n, t] over every position where ids[n, t] == v."""
    check_shape("dX", dX, cache.ids.shape + ("D",))
    dE = np.zeros((cache.V, dX.shape[-1]), dtype=dX.dtype)
    np.add.at(dE, cache.ids, dX)   # a token seen twice gets both gradients (plain dE[ids] += would keep one)
    return dE


def pad_sequences(seqs, pad_id=0, max_len=None):
    """A list of 1-D id sequences -> (ids (N, T) int64, lengths (N,) int64).

    T is the longest length (or ``max_len``; longer sequences keep their first
    ``max_len`` tokens). Positions past each length hold ``pad_id``.
    """
    seqs = [np.asarray(s) for s in seqs]
    if not seqs:
        raise ValueError("seqs must contain at least one sequence; got an empty list")
    bad = [i for i, s in enumerate(seqs) if s.ndim != 1 or (s.size and s.dtype.kind not in "iu")]
    if bad:
        raise ValueError(f"seqs must be 1-D integer sequences; item {bad[0]} has shape {seqs[bad[0]].shape}, dtype {seqs[bad[0]].dtype}")
    lengths = np.array([len(s) for s in seqs], dtype=np.int64)
    if lengths.min() == 0:
        raise ValueError(f"seqs must not contain empty sequences; item {int(np.argmin(lengths))} is empty")
    T = int(lengths.max()) if max_len is None else max_len
    check_positive_int("max_len", T)
    lengths = np.minimum(lengths, T)
    ids = np.full((len(seqs), T), pad_id, dtype=np.int64)
    for n, s in enumerate(seqs):
        ids[n, :lengths[n]] = s[:lengths[n]]
    return ids, lengths


def length_mask(lengths, T, dtype=np.float64):
    """mask (N, T): mask[n, t] = 1 if t < lengths[n] (a real token), else 0 (padding)."""
    check_positive_int("T", T)
    lengths = np.asarray(lengths)
    check_shape("lengths", lengths, "N")
    if lengths.dtype.kind not in "iu" or lengths.min() < 1 or lengths.max() > T:
        raise ValueError(f"lengths must be integers in [1, T={T}]; got {lengths.dtype} values in [{lengths.min()}, {lengths.max()}]")
    return (np.arange(T) < lengths[:, None]).astype(dtype)


def take_batch(data, idx):
    """Rows ``idx`` of every array in ``data``, trimmed to the batch's longest sequence.

    ``data`` is a dict of arrays sharing the first axis N (e.g. ids (N, T), y,
    lengths (N,), mask (N, T)). If it has ``lengths``, every array whose second
    axis is T is cut to max(lengths[idx]) steps, so a batch of short sentences
    does not pay for the longest sentence of the whole dataset.
    """
    batch = {k: v[idx] for k, v in data.items()}
    if "lengths" in batch:
        T_full = max((v.shape[1] for v in data.values() if v.ndim >= 2), default=None)
        T = int(batch["lengths"].max())
        for k, v in batch.items():
            if v.ndim >= 2 and v.shape[1] == T_full:
                batch[k] = v[:, :T]
    return batch


def minibatches(n_examples, batch_size, rng):
    """Yield index arrays covering 0..n_examples-1 in a random order (one epoch)."""
    check_positive_int("batch_size", batch_size)
    order = rng.permutation(n_examples)
    for start in range(0, n_examples, batch_size):
        yield order[start:start + batch_size]


def batch_stream(data, batch_size, rng):
    """Endless minibatches of ``data`` (dict of arrays, first axis N): a shuffled epoch, then another.

    Each item is ``take_batch(data, idx)``; the order comes from ``rng`` only.
    """
    check_positive_int("batch_size", batch_size)
    sizes = {len(v) for v in data.values()}
    if len(sizes) != 1:
        raise ValueError(f"data arrays must share their first axis N; got lengths {sorted(sizes)}")
    n = sizes.pop()
    while True:
        for idx in minibatches(n, batch_size, rng):
            yield take_batch(data, idx)


def lm_windows(ids, seq_len, batch_size, rng):
    """A language-model batch: random windows of a long id sequence and the same windows shifted by one.

    ids (L,) int -> {"ids": (N, T), "y": (N, T)} with y[n, t] = ids[s_n + t + 1], the next token.
    """
    check_positive_int("seq_len", seq_len)
    check_positive_int("batch_size", batch_size)
    ids = np.asarray(ids)
    if ids.ndim != 1 or len(ids) < seq_len + 1:
        raise ValueError(f"ids must be a 1-D sequence of length >= seq_len + 1 = {seq_len + 1}; got shape {ids.shape}")
    starts = rng.integers(0, len(ids) - seq_len, size=batch_size)
    window = starts[:, None] + np.arange(seq_len)
    return {"ids": ids[window], "y": ids[window + 1]}


def bag_of_tokens(ids, lengths, V, dtype=np.float64):
    """Order-blind features: counts (N, V) of each token id over the real steps of each sequence.

    "good but not great" and "not good but great" get the same row: a model on these
    features cannot use word order, which makes it the baseline a sequence model must beat.
    """
    check_positive_int("V", V)
    _check_ids("ids", ids, V)
    mask = length_mask(lengths, ids.shape[1], dtype)
    counts = np.zeros((ids.shape[0], V), dtype=dtype)
    np.add.at(counts, (np.arange(ids.shape[0])[:, None].repeat(ids.shape[1], 1), ids), mask)
    return counts
