"""Whole sequence models around any recurrent cell: input layer -> cell -> output layer.

Manual
------
One model, three pieces, all parameters in ONE flat dict:

    X      = E[ids]              embedding, "E" (V_in, D)      (or one-hot ids, or float X given directly)
    H      = <cell>_forward(X)   "rnn" | "lstm" | "gru", the cell's own keys (W_xh, W_hh, b_h, ...)
    O      = H W_hq + b_q        output layer, "W_hq" (H, V), "b_q" (V,)

and two task shapes (chapter 02):

    task="classify"  sequence -> class: O is read at each sequence's LAST REAL step,
                     O_n = H[n, lengths[n]-1] W_hq + b_q, loss = softmax cross-entropy.
    task="tag"       synchronous sequence -> sequence (tagging, language model): one output
                     per step, loss = cross-entropy averaged over the real (unmasked) steps.

A batch is a dict: ``"ids"`` (N, T) int (or ``"X"`` (N, T, D) float), ``"y"`` ((N,) for
classify, (N, T) for tag), optional ``"lengths"`` (N,) (default: all T) and ``"mask"``
(N, T) (default: from lengths), optional ``"state0"`` (the cell's initial state).

    params = init_model("gru", vocab_size, hidden_size=32, output_size=2, rng=rng, embed_dim=16)
    loss, grads = loss_and_grads(params, batch, cell="gru", task="classify")
    # train: fit(trainer(data, 32, rng, cell="gru", task="classify"), params, Adam(0.01), 300)
    logits = predict(params, batch, cell="gru", task="classify")

``grads`` has exactly the keys of ``params``. Padding is placed after the real tokens, so it
never changes the hidden state at a real step; its outputs get zero gradient.
The cell modules are imported only when first used (``CELLS`` maps names to modules).
For "gru", the form follows the parameters: a ``b_hh`` key means ``reset_after=True``.

Character language models: ``sample`` draws text with a temperature, ``run_text`` returns
the hidden state at every character (for heatmaps).
"""

import importlib
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from ._validate import check_choice, check_float, check_shape
from .activations import log_softmax, softmax
from .losses import accuracy as _accuracy
from .losses import sequence_cross_entropy, softmax_cross_entropy
from .optim import Adam
from .rnn import init_output_params, output_backward, output_forward
from .sequence import batch_stream, embedding_backward, embedding_forward, length_mask, one_hot
from .training import fit

CELLS = {"rnn": "course_utils.rnn", "lstm": "course_utils.lstm", "gru": "course_utils.gru"}
TASKS = ("classify", "tag")
NON_CELL_KEYS = ("E", "W_hq", "b_q")


class Cell(NamedTuple):
    """The functions of one cell module (DESIGN §4), looked up by name."""
    name: str
    init: object       # init_<cell>_params(D, H, rng, dtype=..., ...)
    forward: object    # <cell>_forward(X, state0, params) -> (H, state_T, cache)
    backward: object   # <cell>_backward(dH, cache, dstate_T=None) -> (dX, dstate0, grads)


def get_cell(name):
    """The Cell for "rnn", "lstm" or "gru" (its module is imported on first use)."""
    check_choice("cell", name, CELLS)
    return _get_cell(name)


@lru_cache(maxsize=None)
def _get_cell(name):
    module = importlib.import_module(CELLS[name])
    return Cell(name, getattr(module, f"init_{name}_params"),
                getattr(module, f"{name}_forward"), getattr(module, f"{name}_backward"))


def cell_params(params):
    """The cell's own entries of the flat dict (everything but E, W_hq, b_q)."""
    return {k: v for k, v in params.items() if k not in NON_CELL_KEYS}


def _cell_kwargs(name, cparams):
    return {"reset_after": "b_hh" in cparams} if name == "gru" else {}


def _input_size(cparams):
    """D, read from the cell's first input weight W_x? (D, ...)."""
    keys = sorted(k for k in cparams if k.startswith("W_x"))
    if not keys:
        raise ValueError(f"params must contain the cell's input weights W_x...; got keys {sorted(cparams)}")
    return cparams[keys[0]].shape[0]


def init_model(cell, input_size, hidden_size, output_size, rng, *, embed_dim=None,
               dtype=np.float64, **cell_options):
    """Parameters of input -> cell -> output in one dict.

    input_size : V_in, the number of input token ids (or the width D of float inputs).
    embed_dim  : D of a learned embedding E (V_in, D); None feeds one-hot vectors (D = V_in).
    output_size: V, classes or output tokens.  cell_options go to init_<cell>_params
    (e.g. reset_after=True for "gru").
    """
    c = get_cell(cell)
    params = {}
    if embed_dim is not None:
        # rows ~ N(0, 1/D): the cell sees inputs of about unit size, like one-hot vectors
        params["E"] = (rng.standard_normal((input_size, embed_dim)) / np.sqrt(embed_dim)).astype(dtype)
    D = input_size if embed_dim is None else embed_dim
    params.update(c.init(D, hidden_size, rng, dtype=dtype, **cell_options))
    params.update(init_output_params(hidden_size, output_size, rng, dtype=dtype))
    return params


class ModelCache(NamedTuple):
    cell: Cell
    task: str
    input_cache: object   # EmbeddingCache, or None (one-hot / float X: no parameters)
    cell_cache: object
    output_cache: object
    last: np.ndarray      # (N,) index of each sequence's last real step
    T: int
    H_shape: tuple        # (N, T, H)


def _inputs(params, batch, D):
    dtype = params["W_hq"].dtype
    if "X" in batch:
        X = batch["X"]
        check_float("batch['X']", X)
        check_shape("batch['X']", X, "NTD", {"D": D})
        return X, None
    if "ids" not in batch:
        raise ValueError(f"batch must contain 'ids' (N, T) or 'X' (N, T, D); got keys {sorted(batch)}")
    ids = batch["ids"]
    check_shape("batch['ids']", ids, "NT")
    if "E" in params:
        check_shape("params['E']", params["E"], ("V", D))
        return embedding_forward(ids, params["E"])
    return one_hot(ids, D, dtype=dtype), None


def _lengths(batch, N, T):
    lengths = batch.get("lengths")
    if lengths is None:
        return np.full(N, T, dtype=np.int64)
    check_shape("batch['lengths']", lengths, (N,))
    if lengths.dtype.kind not in "iu" or lengths.min() < 1 or lengths.max() > T:
        raise ValueError(f"batch['lengths'] must be integers in [1, T={T}]; got values in [{lengths.min()}, {lengths.max()}]")
    return lengths


def forward(params, batch, cell="rnn", task="tag"):
    """Logits and cache.  classify: O (N, V) at each last real step;  tag: O (N, T, V)."""
    check_choice("task", task, TASKS)
    c = get_cell(cell)
    cparams = cell_params(params)
    X, input_cache = _inputs(params, batch, _input_size(cparams))
    N, T = X.shape[:2]
    last = _lengths(batch, N, T) - 1
    H, _, cell_cache = c.forward(X, batch.get("state0"), cparams, **_cell_kwargs(cell, cparams))
    H_out = H[np.arange(N), last] if task == "classify" else H
    O, output_cache = output_forward(H_out, params["W_hq"], params["b_q"])
    return O, ModelCache(c, task, input_cache, cell_cache, output_cache, last, T, H.shape)


def backward(dO, cache):
    """Gradients of every parameter from dO (the shape ``forward`` returned). Keys = params' keys."""
    dH_out, grads = output_backward(dO, cache.output_cache)
    if cache.task == "classify":
        # only the last real step feeds the output; every other step gets its gradient through time
        dH = np.zeros(cache.H_shape, dtype=dH_out.dtype)
        dH[np.arange(len(cache.last)), cache.last] = dH_out
    else:
        dH = dH_out
    dX, _, cell_grads = cache.cell.backward(dH, cache.cell_cache)
    grads.update(cell_grads)
    if cache.input_cache is not None:
        grads["E"] = embedding_backward(dX, cache.input_cache)
    return grads


def _mask(batch, N, T, dtype):
    if "mask" in batch:
        return batch["mask"]
    if "lengths" in batch:
        return length_mask(batch["lengths"], T, dtype)
    return None


def loss_and_grads(params, batch, cell="rnn", task="tag"):
    """(mean cross-entropy, grads keyed like params) for one batch. See the module manual."""
    O, cache = forward(params, batch, cell, task)
    if "y" not in batch:
        raise ValueError(f"batch must contain labels 'y'; got keys {sorted(batch)}")
    if task == "classify":
        loss, dO = softmax_cross_entropy(O, batch["y"])
    else:
        loss, dO = sequence_cross_entropy(O, batch["y"], _mask(batch, O.shape[0], O.shape[1], O.dtype))
    return loss, backward(dO, cache)


def predict(params, batch, cell="rnn", task="tag"):
    """Logits only: (N, V) for classify, (N, T, V) for tag."""
    return forward(params, batch, cell, task)[0]


def evaluate(params, batch, cell="rnn", task="tag"):
    """(loss, accuracy) on a batch; tag accuracy counts only real (unmasked) steps."""
    O = predict(params, batch, cell, task)
    if task == "classify":
        return softmax_cross_entropy(O, batch["y"])[0], _accuracy(O, batch["y"])
    mask = _mask(batch, O.shape[0], O.shape[1], O.dtype)
    return sequence_cross_entropy(O, batch["y"], mask)[0], _accuracy(O, batch["y"], mask)


def trainer(data, batch_size, rng, cell="rnn", task="tag"):
    """A ``loss_and_grads(params, step)`` for ``training.fit`` that draws a new minibatch each step.

    data : dict of arrays with a shared first axis (see ``sequence.batch_stream``), or a callable
           ``data(step) -> batch`` (e.g. random language-model windows).
    """
    check_choice("task", task, TASKS)
    get_cell(cell)
    if callable(data):
        next_batch = data
    else:
        stream = batch_stream(data, batch_size, rng)
        next_batch = lambda step: next(stream)  # noqa: E731

    def step_loss(params, step):
        return loss_and_grads(params, next_batch(step), cell, task)
    return step_loss


def train(data, cell, task, input_size, hidden_size, output_size, rng, *, embed_dim=None,
          steps=300, lr=0.01, batch_size=32, clip=5.0, dtype=np.float32, progress="auto",
          label="training", **cell_options):
    """The whole recipe in one call: init_model, then ``fit`` with Adam on minibatches of ``data``.

    data : dict of arrays (batch_stream) or callable step -> batch (see ``trainer``).
    Gradients are clipped to global norm ``clip`` (chapter 03 explains why).
    Returns (params, history).
    """
    params = init_model(cell, input_size, hidden_size, output_size, rng, embed_dim=embed_dim,
                        dtype=dtype, **cell_options)
    history = fit(trainer(data, batch_size, rng, cell, task), params, Adam(lr), steps, clip=clip,
                  progress=progress, label=label)
    return params, history


# --- stepping a trained model over text ----------------------------------------------

def _step_inputs(params, ids_t, D):
    if "E" in params:
        return params["E"][ids_t][:, None, :]
    return one_hot(ids_t[:, None], D, dtype=params["W_hq"].dtype)


def run_ids(params, ids, cell="rnn", state0=None):
    """Run the model over one id sequence (T,): (H (T, H) hidden states, P (T, V) next-token probabilities, state_T)."""
    ids = np.asarray(ids)
    if ids.ndim != 1 or ids.size == 0:
        raise ValueError(f"ids must be a non-empty 1-D sequence (T,); got shape {ids.shape}")
    c = get_cell(cell)
    cparams = cell_params(params)
    X, _ = _inputs(params, {"ids": ids[None, :]}, _input_size(cparams))
    H, state_T, _ = c.forward(X, state0, cparams, **_cell_kwargs(cell, cparams))
    O = H[0] @ params["W_hq"] + params["b_q"]
    return H[0], softmax(O), state_T


def run_text(params, vocab, text, cell="rnn"):
    """Hidden states (T, H) and next-character probabilities (T, V) as the model reads ``text``."""
    if not text:
        raise ValueError("text must contain at least one character; got ''")
    H, P, _ = run_ids(params, vocab.encode(text), cell)
    return H, P


def sample_ids(params, prompt_ids, n_steps, temperature, rng, cell="rnn", banned=()):
    """Continue ``prompt_ids`` by ``n_steps`` ids drawn from softmax(O_t / temperature).

    temperature < 1 sharpens the distribution (more likely, more repetitive text),
    > 1 flattens it (more surprising, more misspellings). ``banned`` ids get probability 0.
    The hidden state is carried from step to step, so each new id costs one cell step.
    """
    if not np.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a positive number; got {temperature!r}")
    _, P, state = run_ids(params, prompt_ids, cell)
    c = get_cell(cell)
    cparams = cell_params(params)
    kwargs = _cell_kwargs(cell, cparams)
    D = _input_size(cparams)
    logp = np.log(np.maximum(P[-1], 1e-300))
    out = []
    for _ in range(n_steps):
        z = logp / temperature
        z[list(banned)] = -np.inf
        cdf = np.cumsum(np.exp(log_softmax(z)))
        # inverse-CDF draw: the same distribution as rng.choice(V, p=p), ten times faster
        next_id = min(int(np.searchsorted(cdf, rng.random() * cdf[-1], side="right")), len(cdf) - 1)
        out.append(next_id)
        H, state, _ = c.forward(_step_inputs(params, np.array([next_id]), D), state, cparams, **kwargs)
        logp = log_softmax(H[0, -1] @ params["W_hq"] + params["b_q"])
    return np.array(out, dtype=np.int64)


def sample(params, vocab, prompt, n_chars, temperature, rng, cell="rnn"):
    """Text continuing ``prompt`` (a non-empty string) by ``n_chars`` sampled characters.

    Reserved tokens (<pad>, <bos>, <unk>) are never sampled; an <eos> ends the text early.
    """
    if not prompt:
        raise ValueError("prompt must contain at least one character; got ''")
    banned = (vocab.pad_id, vocab.bos_id, vocab.unk_id)
    ids = sample_ids(params, vocab.encode(prompt), n_chars, temperature, rng, cell, banned)
    if vocab.eos_id in ids:
        ids = ids[:list(ids).index(vocab.eos_id)]
    return "".join(vocab.decode(ids))


def n_params(params):
    """Total number of scalars in a parameter dict."""
    return int(sum(v.size for v in params.values()))


__all__ = ["CELLS", "TASKS", "Cell", "get_cell", "cell_params", "init_model", "forward", "backward",
           "loss_and_grads", "predict", "evaluate", "trainer", "train", "run_ids", "run_text", "sample_ids",
           "sample", "n_params"]
