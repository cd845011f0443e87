"""Bidirectional and stacked (deep) recurrent layers, built on any cell (chapter 06b).

Bidirectional RNN (双向循环神经网络): two independent cells read the sequence, one
left to right, one right to left, and each step's output is their concatenation:

    →H_t = cell_f(X_t, →H_{t-1})        t = 1..T          (N, H)
    ←H_t = cell_b(X_t, ←H_{t+1})        t = T..1          (N, H)
    H_t  = [→H_t, ←H_t]                                   (N, 2H)

The two directions share nothing, so the layer has twice the parameters of one
cell. With padding (``lengths``), the right-to-left cell starts at each sequence's
last *real* step, so padding never reaches a real output in either direction.

Stacked (deep, 堆叠/深层) RNN: layer l reads the outputs of layer l − 1,

    H^(1) = layer_1(X),  H^(l) = layer_l(H^(l-1)),  l = 2..L

so layer 1 has input size D and every later layer num_directions·H. The final
hidden states come out in the order the frameworks use (``h_n`` of ``nn.GRU`` /
``nn.LSTM``): index = layer · num_directions + direction, shape (L·dirs, N, H).

Parameters live in ONE flat dict (like ``seq2seq``): a bidirectional layer's keys
are the cell's keys prefixed "fwd." and "bwd."; a stack prefixes "l0.", "l1.", ...
"""

from typing import NamedTuple

import numpy as np

from ._validate import check_choice, check_float, check_positive_int, check_shape
from .seqmodels import CELLS, get_cell

DIRECTIONS = ("fwd", "bwd")


def _prefixed(prefix, params):
    return {f"{prefix}{k}": v for k, v in params.items()}


def _part(params, prefix):
    return {k[len(prefix):]: v for k, v in params.items() if k.startswith(prefix)}


def _kwargs(cell, cparams):
    return {"reset_after": "b_hh" in cparams} if cell == "gru" else {}


def _check_part(params, prefix, what):
    part = _part(params, prefix)
    if not part:
        keys = sorted(params) if isinstance(params, dict) else type(params).__name__
        raise ValueError(f"params must contain the {what} keys '{prefix}*'; got {keys}")
    return part


def init_bidirectional_params(cell, input_size, hidden_size, rng, dtype=np.float64, **cell_options):
    """Two independent cells of size H reading input size D: keys "fwd.<cell key>", "bwd.<cell key>"."""
    c = get_cell(cell)
    params = {}
    for direction in DIRECTIONS:
        params.update(_prefixed(f"{direction}.", c.init(input_size, hidden_size, rng, dtype=dtype, **cell_options)))
    return params


def reverse_index(lengths, T):
    """(N, T) time indices that reverse each sequence within its real length and keep padding in place.

    Row n is [ℓ_n − 1, ..., 1, 0, ℓ_n, ..., T − 1]; applying it twice gives back the identity,
    so the same gather undoes itself (and is its own backward pass).
    """
    t = np.arange(T)[None, :]
    lengths = np.asarray(lengths)[:, None]
    return np.where(t < lengths, lengths - 1 - t, t)


def _reverse(A, index):
    return np.take_along_axis(A, index[:, :, None], axis=1)


def _lengths(lengths, N, T):
    if lengths is None:
        return np.full(N, T, dtype=np.int64)
    check_shape("lengths", lengths, (N,))
    lengths = np.asarray(lengths)
    if lengths.dtype.kind not in "iu" or lengths.min() < 1 or lengths.max() > T:
        raise ValueError(f"lengths must be integers in [1, T={T}]; got {lengths!r}")
    return lengths


class BidirectionalCache(NamedTuple):
    cell: str
    index: np.ndarray      # (N, T) reverse_index
    fwd: object            # the left-to-right cell's cache
    bwd: object            # the right-to-left cell's cache (on the reversed sequence)
    H_size: int


def bidirectional_forward(X, params, cell="rnn", lengths=None):
    """One bidirectional layer over X (N, T, D); zero initial states in both directions.

    params : "fwd.*" and "bwd.*" keys (``init_bidirectional_params``).
    lengths : (N,) real lengths (padding after the real steps), or None for all T.
    Returns (H (N, T, 2H) = [→H_t, ←H_t], cache). The last real →H and ←H_1 are the
    final states; ``final_states`` extracts them in the frameworks' order.
    """
    check_choice("cell", cell, CELLS)
    c = get_cell(cell)
    check_float("X", X)
    if getattr(X, "ndim", 0) != 3:
        raise ValueError(f"X must have shape (N, T, D); got {getattr(X, 'shape', None)}")
    N, T = X.shape[:2]
    index = reverse_index(_lengths(lengths, N, T), T)
    p_f, p_b = _check_part(params, "fwd.", "forward direction's"), _check_part(params, "bwd.", "backward direction's")
    H_f, _, cache_f = c.forward(X, None, p_f, **_kwargs(cell, p_f))
    H_b_rev, _, cache_b = c.forward(_reverse(X, index), None, p_b, **_kwargs(cell, p_b))
    H_b = _reverse(H_b_rev, index)                       # ←H_t back at position t
    return np.concatenate([H_f, H_b], axis=-1), BidirectionalCache(cell, index, cache_f, cache_b, H_f.shape[-1])


def bidirectional_backward(dH, cache):
    """dH (N, T, 2H) -> (dX (N, T, D), grads with the keys "fwd.*", "bwd.*").

    The two halves of dH go to their own cells; each cell's dX is added (both read X_t).
    """
    c = get_cell(cache.cell)
    N, T = cache.index.shape
    check_float("dH", dH)
    check_shape("dH", dH, (N, T, 2 * cache.H_size))
    dH_f, dH_b = dH[..., :cache.H_size], dH[..., cache.H_size:]
    dX_f, _, g_f = c.backward(np.ascontiguousarray(dH_f), cache.fwd)
    dX_b_rev, _, g_b = c.backward(_reverse(dH_b, cache.index), cache.bwd)
    dX = dX_f + _reverse(dX_b_rev, cache.index)
    return dX, {**_prefixed("fwd.", g_f), **_prefixed("bwd.", g_b)}


def final_states(H, lengths=None, num_directions=2):
    """The final hidden states of one layer's output H (N, T, dirs·H), shape (dirs, N, H).

    Forward direction: →H at each sequence's last real step. Backward direction: ←H_1
    (position 0), where the right-to-left cell ends. This is why ``output[:, -1]`` is NOT
    the bidirectional summary: its ←H half has read only the last step.
    """
    check_float("H", H)
    if getattr(H, "ndim", 0) != 3 or H.shape[-1] % num_directions:
        raise ValueError(f"H must have shape (N, T, {num_directions}·H); got {getattr(H, 'shape', None)}")
    N, T, width = H.shape
    last = _lengths(lengths, N, T) - 1
    size = width // num_directions
    states = [H[np.arange(N), last, :size]]
    if num_directions == 2:
        states.append(H[:, 0, size:])
    return np.stack(states)


# --- stacked (deep) layers ------------------------------------------------------------

def init_stacked_params(cell, input_size, hidden_size, num_layers, rng, bidirectional=False,
                        dtype=np.float64, **cell_options):
    """num_layers layers, keys "l<k>.<cell key>" (or "l<k>.fwd.*", "l<k>.bwd.*" when bidirectional).

    Layer 0 reads D = input_size; layer k > 0 reads num_directions · H.
    """
    check_positive_int("num_layers", num_layers)
    c = get_cell(cell)
    dirs = 2 if bidirectional else 1
    params = {}
    for k in range(num_layers):
        D_k = input_size if k == 0 else dirs * hidden_size
        layer = (init_bidirectional_params(cell, D_k, hidden_size, rng, dtype, **cell_options) if bidirectional
                 else c.init(D_k, hidden_size, rng, dtype=dtype, **cell_options))
        params.update(_prefixed(f"l{k}.", layer))
    return params


def num_layers_of(params):
    """How many layers a stacked dict holds (its "l<k>." prefixes must be 0..L-1)."""
    if not isinstance(params, dict):
        raise ValueError(f"params must be a dict of arrays; got {type(params).__name__}")
    layers = sorted({int(k.split(".")[0][1:]) for k in params if k.startswith("l") and k.split(".")[0][1:].isdigit()})
    if not layers or layers != list(range(len(layers))):
        raise ValueError(f"params must have keys 'l0.', 'l1.', ... for layers 0..L-1; got {sorted(params)}")
    return len(layers)


class StackedCache(NamedTuple):
    cell: str
    bidirectional: bool
    layers: list           # one cache per layer (a cell cache, or a BidirectionalCache)


def stacked_forward(X, params, cell="rnn", bidirectional=False):
    """A deep RNN over X (N, T, D) with zero initial states, like ``nn.GRU(num_layers=L, batch_first=True)``.

    Returns (output (N, T, dirs·H) the top layer's states, h_n (L·dirs, N, H), cache), with
    h_n[layer · dirs + direction] as in PyTorch. For "lstm", the cell states c_n are in the
    cells' caches; their shape is that of h_n.
    """
    check_choice("cell", cell, CELLS)
    c = get_cell(cell)
    L = num_layers_of(params)
    check_float("X", X)
    out, h_n, caches = X, [], []
    for k in range(L):
        layer = _part(params, f"l{k}.")
        if bidirectional:
            out, cache = bidirectional_forward(out, layer, cell)
            h_n.extend(final_states(out))
        else:
            out, state_T, cache = c.forward(out, None, layer, **_kwargs(cell, layer))
            h_n.append(state_T[0] if cell == "lstm" else state_T)
        caches.append(cache)
    return out, np.stack(h_n), StackedCache(cell, bidirectional, caches)


def stacked_backward(dout, cache):
    """dout (N, T, dirs·H) on the top layer's output -> (dX (N, T, D), grads keyed like params)."""
    c = get_cell(cache.cell)
    grads = {}
    d = dout
    for k in reversed(range(len(cache.layers))):
        if cache.bidirectional:
            d, g = bidirectional_backward(d, cache.layers[k])
        else:
            check_float("dout", d)
            d, _, g = c.backward(d, cache.layers[k])
        grads.update(_prefixed(f"l{k}.", g))
    return d, grads
