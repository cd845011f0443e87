"""Encoder–decoder (sequence-to-sequence) models, with or without attention (chapter 06).

Two recurrent networks of the same cell ("rnn", "lstm" or "gru"). The encoder reads
the padded source ids x (N, T_x); the decoder starts from <bos> and emits one target
token per step until <eos>:

    H_enc = encoder(E_src[x])                      (N, T_x, H); only real positions are used
    S_0   = H_enc[n, len_n - 1]                    the encoder's last *real* state
    C_t   = attention(S_{t-1}, H_enc)  or  S_0     context: a fresh average, or one fixed vector
    S_t   = decoder([E_tgt[y_{t-1}], C_t], S_{t-1})    y_0 = <bos>
    O_t   = [S_t, C_t] W_hq + b_q                  logits over the V target tokens

Training feeds y_{t-1} = the true previous token (teacher forcing) with probability
``teacher_forcing`` = r and the model's own previous argmax otherwise, drawn per token. A
fixed r < 1 for the whole run is *mixed teacher forcing*; *scheduled sampling* (Bengio et
al., 2015) lowers r during training, from 1 (pure teacher forcing) towards free running:
``linear_decay`` gives such a schedule, which the training loop passes in step by step.
The loss is the cross-entropy over real (unmasked) target positions. Decoding feeds
the model's own tokens: ``greedy_search`` takes the most probable token at each step,
``beam_search`` keeps the k best prefixes and ranks finished ones by log P / L^length_norm.

All parameters live in one flat dict: "E_src" (V_src, D), "E_tgt" (V_tgt, D), the
encoder's cell keys prefixed "enc.", the decoder's prefixed "dec." (its input is D + H
wide), the attention's prefixed "att." (see ``attention``), and "W_hq" (2H, V_tgt), "b_q".
A batch is a dict of "src" (N, T_x) int, "src_lengths" (N,), "tgt" (N, T_y) int ending
in <eos>, "tgt_lengths" (N,) (``make_batch`` builds one from strings).
"""

import importlib
from typing import NamedTuple

import numpy as np

from . import attention as att
from ._validate import check_positive_int, check_shape
from .activations import log_softmax
from .losses import sequence_cross_entropy
from .rnn import init_output_params, output_backward, output_forward
from .sequence import Vocab, embedding_backward, embedding_forward, length_mask, pad_sequences
from .seqmodels import CELLS, get_cell

BOS, EOS = Vocab.bos_id, Vocab.eos_id


# --- parameters ----------------------------------------------------------------

def _prefixed(prefix, params):
    return {prefix + k: v for k, v in params.items()}


def _part(params, prefix):
    return {k[len(prefix):]: v for k, v in params.items() if k.startswith(prefix)}


def init_seq2seq(cell, src_vocab_size, tgt_vocab_size, embed_dim, hidden_size, rng, *,
                 attention=True, attention_size=None, dtype=np.float64, **cell_options):
    """Parameters of an encoder–decoder. attention_size A defaults to hidden_size."""
    c = get_cell(cell)
    H = hidden_size
    params = {"E_src": (rng.standard_normal((src_vocab_size, embed_dim)) / np.sqrt(embed_dim)).astype(dtype),
              "E_tgt": (rng.standard_normal((tgt_vocab_size, embed_dim)) / np.sqrt(embed_dim)).astype(dtype)}
    params.update(_prefixed("enc.", c.init(embed_dim, H, rng, dtype=dtype, **cell_options)))
    params.update(_prefixed("dec.", c.init(embed_dim + H, H, rng, dtype=dtype, **cell_options)))
    if attention:
        params.update(_prefixed("att.", att.init_attention_params(H, H, attention_size or H, rng, dtype)))
    params.update(init_output_params(2 * H, tgt_vocab_size, rng, dtype))
    return params


def cell_name(params):
    """Which cell the parameters belong to, read from the encoder's keys."""
    if "enc.W_xi" in params:
        return "lstm"
    return "gru" if "enc.W_xr" in params else "rnn"


class Model(NamedTuple):
    """The parameter dict split into its parts, with the cell's functions."""
    cell: str
    step_forward: object
    step_backward: object
    forward: object
    backward: object
    kwargs: dict         # {"reset_after": ...} for gru
    enc: dict
    dec: dict
    att: dict            # empty without attention
    params: dict


def _model(params):
    if not isinstance(params, dict) or "E_src" not in params or "W_hq" not in params:
        raise ValueError("params must be the dict of init_seq2seq (keys E_src, E_tgt, enc.*, dec.*, W_hq, b_q); "
                         f"got {sorted(params) if isinstance(params, dict) else type(params).__name__}")
    name = cell_name(params)
    module = importlib.import_module(CELLS[name])
    c = get_cell(name)
    kwargs = {"reset_after": "enc.b_hh" in params} if name == "gru" else {}
    return Model(name, getattr(module, f"{name}_step_forward"), getattr(module, f"{name}_step_backward"),
                 c.forward, c.backward, kwargs, _part(params, "enc."), _part(params, "dec."),
                 _part(params, "att."), params)


def _h(state):
    """The hidden part of a state (LSTM states are (H, C))."""
    return state[0] if isinstance(state, tuple) else state


def _add_h(dstate, dS):
    return (dstate[0] + dS, dstate[1]) if isinstance(dstate, tuple) else dstate + dS


# --- encoder ---------------------------------------------------------------------

class Encoded(NamedTuple):
    H_enc: np.ndarray    # (N, T_x, H) every encoder state
    S_0: np.ndarray      # (N, H) the state at each sequence's last real position
    mask: np.ndarray     # (N, T_x) bool, True at real positions
    K: np.ndarray        # (N, T_x, A) projected keys H_enc W_ha, or None without attention


def _encode(m, src, src_lengths):
    X, emb_cache = embedding_forward(src, m.params["E_src"])
    H_enc, _, cell_cache = m.forward(X, None, m.enc, **m.kwargs)
    last = src_lengths - 1
    S_0 = H_enc[np.arange(len(src)), last]
    mask = length_mask(src_lengths, src.shape[1], dtype=bool)
    K = att.project_keys(H_enc, m.att) if m.att else None
    return Encoded(H_enc, S_0, mask, K), (emb_cache, cell_cache, last)


def _encode_backward(m, dH_enc, dS_0, caches):
    emb_cache, cell_cache, last = caches
    dH_enc = dH_enc.copy()
    dH_enc[np.arange(len(last)), last] += dS_0   # padding after the last real state gets no gradient
    dX, _, grads = m.backward(dH_enc, cell_cache)
    return {"E_src": embedding_backward(dX, emb_cache), **_prefixed("enc.", grads)}


def _initial_state(m, S_0):
    return (S_0, np.zeros_like(S_0)) if m.cell == "lstm" else S_0


# --- one decoder step -----------------------------------------------------------------

class StepCache(NamedTuple):
    cell_cache: object
    att_cache: object    # attention.AttendCache, or None
    out_cache: object


def _decoder_step(m, y_prev, state, enc):
    """C_t, then S_t = cell([E_tgt[y_prev], C_t], S_prev), then O_t = [S_t, C_t] W_hq + b_q."""
    if m.att:
        C_t, alpha_t, att_cache = att.attend(_h(state), enc.H_enc, enc.K, enc.mask, m.att)
    else:
        C_t, alpha_t, att_cache = enc.S_0, None, None
    X_t = np.concatenate([m.params["E_tgt"][y_prev], C_t], axis=1)
    state, cell_cache = m.step_forward(X_t, state, m.dec, **m.kwargs)
    O_t, out_cache = output_forward(np.concatenate([_h(state), C_t], axis=1), m.params["W_hq"], m.params["b_q"])
    return O_t, state, alpha_t, StepCache(cell_cache, att_cache, out_cache)


# --- training: forward, loss and backward ------------------------------------------------

class Seq2SeqCache(NamedTuple):
    model: Model
    enc: Encoded
    enc_caches: tuple
    steps: list          # one StepCache per target position
    Y_in: np.ndarray     # (N, T_y) the decoder's input tokens (<bos>, then true or own tokens)


def _check_ids(name, ids, V, sizes):
    sizes = check_shape(name, ids, ("N", "T"), sizes)
    if ids.dtype.kind not in "iu" or ids.min() < 0 or ids.max() >= V:
        raise ValueError(f"{name} must hold token ids in [0, {V - 1}]; got {ids.dtype} values in [{ids.min()}, {ids.max()}]")
    return sizes


def _check_lengths(name, lengths, sizes):
    check_shape(name, lengths, ("N",), sizes)
    if lengths.dtype.kind not in "iu" or lengths.min() < 1 or lengths.max() > sizes["T"]:
        raise ValueError(f"{name} must be integers in [1, T={sizes['T']}]; got values in [{lengths.min()}, {lengths.max()}]")


def _check_source(src, src_lengths, params):
    sizes = _check_ids("src", src, params["E_src"].shape[0], {})
    _check_lengths("src_lengths", src_lengths, sizes)
    return sizes["N"]


def _check_batch(batch, params):
    keys = ["src", "src_lengths", "tgt", "tgt_lengths"]
    if not isinstance(batch, dict) or any(k not in batch for k in keys):
        got = sorted(batch) if isinstance(batch, dict) else type(batch).__name__
        raise ValueError(f"batch must have keys {keys} (see make_batch); got {got}")
    N = _check_source(batch["src"], batch["src_lengths"], params)
    sizes = _check_ids("batch['tgt']", batch["tgt"], params["W_hq"].shape[1], {"N": N})
    _check_lengths("batch['tgt_lengths']", batch["tgt_lengths"], sizes)


def forward(params, batch, teacher_forcing=1.0, rng=None):
    """Run encoder and decoder over a batch. Returns (O (N, T_y, V) logits, alphas, cache).

    teacher_forcing : probability of feeding the true previous token at each step (1.0 =
    always; below 1 the model's own argmax is fed otherwise, drawn per token with ``rng``).
    alphas : (N, T_y, T_x) attention weights, or None without attention.
    """
    m = _model(params)
    _check_batch(batch, params)
    if not 0 <= teacher_forcing <= 1:
        raise ValueError(f"teacher_forcing must be a probability in [0, 1]; got {teacher_forcing!r}")
    if teacher_forcing < 1 and not isinstance(rng, np.random.Generator):
        raise ValueError("rng must be a numpy.random.Generator when teacher_forcing < 1 (it draws which steps are forced)")
    tgt = batch["tgt"]
    N, T_y = tgt.shape
    enc, enc_caches = _encode(m, batch["src"], batch["src_lengths"])
    state, y_prev = _initial_state(m, enc.S_0), np.full(N, BOS)
    O = np.empty((N, T_y, params["W_hq"].shape[1]), dtype=params["W_hq"].dtype)
    alphas = np.zeros((N, T_y, enc.H_enc.shape[1]), dtype=O.dtype) if m.att else None
    Y_in, steps = np.empty((N, T_y), dtype=np.int64), []
    for t in range(T_y):
        Y_in[:, t] = y_prev
        O[:, t], state, alpha_t, step_cache = _decoder_step(m, y_prev, state, enc)
        steps.append(step_cache)
        if m.att:
            alphas[:, t] = alpha_t
        y_prev = tgt[:, t]
        if teacher_forcing < 1:
            y_prev = np.where(rng.random(N) < teacher_forcing, y_prev, O[:, t].argmax(axis=1))
    return O, alphas, Seq2SeqCache(m, enc, enc_caches, steps, Y_in)


def backward(dO, cache):
    """Gradients of every parameter from dO (N, T_y, V). The token choices are not differentiated."""
    m, enc = cache.model, cache.enc
    H = enc.S_0.shape[1]
    D = m.params["E_tgt"].shape[1]
    grads = {k: np.zeros_like(v) for k, v in m.params.items() if k not in ("E_src", "E_tgt")}
    zeros = np.zeros_like(enc.S_0)
    dstate = (zeros, zeros) if m.cell == "lstm" else zeros
    dH_enc, dK, dS_0 = np.zeros_like(enc.H_enc), (np.zeros_like(enc.K) if m.att else None), np.zeros_like(enc.S_0)
    dEmb = np.empty(cache.Y_in.shape + (D,), dtype=dO.dtype)
    for t in reversed(range(len(cache.steps))):
        step = cache.steps[t]
        dZ_t, g = output_backward(dO[:, t], step.out_cache)          # O_t = [S_t, C_t] W_hq + b_q
        grads["W_hq"] += g["W_hq"]
        grads["b_q"] += g["b_q"]
        dstate = _add_h(dstate, dZ_t[:, :H])
        dX_t, dstate, g = m.step_backward(dstate, step.cell_cache)   # S_t = cell(X_t, S_{t-1})
        for k, v in g.items():
            grads["dec." + k] += v
        dEmb[:, t] = dX_t[:, :D]                                     # X_t = [E_tgt[y_{t-1}], C_t]
        dC_t = dZ_t[:, H:] + dX_t[:, D:]
        if m.att:                                                    # C_t = attention(S_{t-1}, H_enc)
            dS_prev, dH_direct, dK_t, g = att.attend_backward(dC_t, step.att_cache)
            dH_enc += dH_direct
            dK += dK_t
            for k, v in g.items():
                grads["att." + k] += v
            dstate = _add_h(dstate, dS_prev)
        else:                                                        # C_t = S_0 at every step
            dS_0 += dC_t
    dS_0 += _h(dstate)                                               # S_0 also starts the decoder
    if m.att:
        dH_enc, grads["att.W_ha"] = att.keys_backward(dK, enc.H_enc, m.att, dH_enc)
    grads.update(_encode_backward(m, dH_enc, dS_0, cache.enc_caches))
    _, emb_cache = embedding_forward(cache.Y_in, m.params["E_tgt"])
    grads["E_tgt"] = embedding_backward(dEmb, emb_cache)
    return {k: grads[k] for k in m.params}


def linear_decay(step, n_steps, start=1.0, end=0.0):
    """Scheduled sampling's teacher-forcing ratio at ``step`` (0-based) of ``n_steps``:
    r = start + (end - start) · step / (n_steps - 1), from ``start`` at the first step to
    ``end`` at the last (Bengio et al.'s linear schedule; start 1, end 0 averages 0.5)."""
    check_positive_int("n_steps", n_steps)
    if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or not 0 <= step < n_steps:
        raise ValueError(f"step must be a whole number in [0, n_steps - 1 = {n_steps - 1}]; got {step!r}")
    for name, value in (("start", start), ("end", end)):
        if not 0 <= value <= 1:
            raise ValueError(f"{name} must be a probability in [0, 1]; got {value!r}")
    return float(start + (end - start) * step / max(n_steps - 1, 1))


def target_mask(batch, dtype=np.float64):
    """(N, T_y) 1 at real target tokens (the <eos> included), 0 at padding."""
    return length_mask(batch["tgt_lengths"], batch["tgt"].shape[1], dtype)


def loss_and_grads(params, batch, teacher_forcing=1.0, rng=None):
    """(mean cross-entropy per real target token, grads keyed like params); padding adds nothing."""
    O, _, cache = forward(params, batch, teacher_forcing, rng)
    loss, dO = sequence_cross_entropy(O, batch["tgt"], target_mask(batch, O.dtype))
    return loss, backward(dO, cache)


def make_batch(sources, targets, src_vocab, tgt_vocab):
    """Strings (or token lists) -> a padded batch dict. Targets get <eos> appended."""
    src, src_lengths = pad_sequences([src_vocab.encode(s) for s in sources], pad_id=src_vocab.pad_id)
    tgt, tgt_lengths = pad_sequences([tgt_vocab.encode(t, add_eos=True) for t in targets], pad_id=tgt_vocab.pad_id)
    return {"src": src, "src_lengths": src_lengths, "tgt": tgt, "tgt_lengths": tgt_lengths}


# --- decoding -----------------------------------------------------------------------------

def take_rows(state, rows):
    """Rows ``rows`` (an int array) of every array in a decoder state: an array, a (nested)
    tuple of arrays, or None. What a beam search does to follow each survivor's parent."""
    if state is None:
        return None
    if isinstance(state, tuple):
        return tuple(take_rows(s, rows) for s in state)
    return state[rows]


def decoder_stepper(params, src, src_lengths):
    """(step_fn, state) for the searches below, for a padded source batch.

    ``step_fn(y_prev (B,), state) -> (log_probs (B, V), state, alpha (B, T_x) or None)``;
    the state carries the encoder's outputs, so a beam can reorder it row by row.
    """
    m = _model(params)
    _check_source(src, src_lengths, params)
    enc, _ = _encode(m, src, src_lengths)

    def step_fn(y_prev, state):
        dec_state, enc_state = state
        O_t, dec_state, alpha_t, _ = _decoder_step(m, y_prev, dec_state, Encoded(*enc_state))
        return log_softmax(O_t), (dec_state, enc_state), alpha_t

    return step_fn, (_initial_state(m, enc.S_0), tuple(enc))


class Greedy(NamedTuple):
    tokens: np.ndarray      # (N, L) chosen tokens; after a sequence's <eos> the values are meaningless
    lengths: np.ndarray     # (N,) tokens up to and including <eos> (L if none was emitted)
    log_probs: np.ndarray   # (N, L) log-probability of each chosen token
    extras: list            # what step_fn returned third, one item per step (e.g. attention weights)

    def log_prob(self):
        """(N,) log P of each sequence: the sum over its real steps."""
        return (self.log_probs * (np.arange(self.tokens.shape[1]) < self.lengths[:, None])).sum(axis=1)

    def sequences(self, eos=EOS):
        """Lists of token ids without the <eos>."""
        return [[int(v) for v in row[:n] if v != eos] for row, n in zip(self.tokens, self.lengths)]


def greedy_search(step_fn, state, n, bos=BOS, eos=EOS, max_len=20):
    """Feed <bos>, then always the most probable token, until every sequence emitted <eos> or max_len."""
    check_positive_int("max_len", max_len)
    y, done = np.full(n, bos), np.zeros(n, dtype=bool)
    lengths = np.full(n, max_len)
    tokens, log_probs, extras = [], [], []
    for t in range(max_len):
        logp, state, extra = step_fn(y, state)
        y = logp.argmax(axis=1)
        tokens.append(y)
        log_probs.append(logp[np.arange(n), y])
        extras.append(extra)
        ended = ~done & (y == eos)
        lengths[ended], done = t + 1, done | ended
        if done.all():
            break
    return Greedy(np.stack(tokens, axis=1), lengths, np.stack(log_probs, axis=1), extras)


class Hypothesis(NamedTuple):
    tokens: tuple     # generated ids, the <eos> included when finished
    log_prob: float   # log P(tokens | source)
    score: float      # log_prob / len(tokens) ** length_norm
    finished: bool    # ended with <eos> (False: cut at max_len)


def beam_search(step_fn, state, k, bos=BOS, eos=EOS, max_len=20, length_norm=1.0):
    """Keep the k most probable prefixes; return the hypotheses, best score first.

    state : the decoder state of ONE source (batch of 1). At each step every live
    prefix is extended by every token; the k best non-finished extensions survive,
    and an <eos> among the k best ends a hypothesis. The search stops when k
    hypotheses have ended (or at max_len, when the live ones are added unfinished).
    Ranking uses score = log P / L^length_norm: 0 favours short outputs (every token
    costs log-probability), 1 compares the average log-probability per token.
    k = 1 is greedy search.
    """
    check_positive_int("k", k)
    check_positive_int("max_len", max_len)
    if not np.isfinite(length_norm) or length_norm < 0:
        raise ValueError(f"length_norm must be a number >= 0; got {length_norm!r}")

    def hyp(tokens, logp, finished):
        return Hypothesis(tokens, float(logp), float(logp) / len(tokens) ** length_norm, finished)

    live, live_logp, finished = [()], np.zeros(1), []
    for _ in range(max_len):
        y = np.array([seq[-1] if seq else bos for seq in live])
        logp, state, _ = step_fn(y, state)
        total = live_logp[:, None] + logp
        V = total.shape[1]
        new, new_logp, parents = [], [], []
        for rank, flat in enumerate(np.argsort(-total, axis=None, kind="stable")[:2 * k]):
            b, v = divmod(int(flat), V)
            if v == eos:
                if rank < k:
                    finished.append(hyp(live[b] + (v,), total[b, v], True))
            elif len(new) < k:
                new.append(live[b] + (v,))
                new_logp.append(total[b, v])
                parents.append(b)
        if len(finished) >= k or not new:
            break
        live, live_logp, state = new, np.array(new_logp), take_rows(state, np.array(parents))
    else:
        finished += [hyp(seq, lp, False) for seq, lp in zip(live, live_logp)]
    return sorted(finished, key=lambda h: -h.score)[:k]


# --- evaluation ----------------------------------------------------------------------------

def translate(params, sources, src_vocab, tgt_vocab, max_len=20):
    """Greedy decoding of a list of strings -> (list of output strings, Greedy)."""
    batch_src, lengths = pad_sequences([src_vocab.encode(s) for s in sources], pad_id=src_vocab.pad_id)
    step_fn, state = decoder_stepper(params, batch_src, lengths)
    result = greedy_search(step_fn, state, len(sources), max_len=max_len)
    return ["".join(tgt_vocab.decode(np.array(seq, dtype=np.int64))) for seq in result.sequences()], result


def char_matches(prediction, target, start=0):
    """(right, counted) for one string from position ``start`` on: every position up to the end
    of the LONGER string counts once, and is right when both strings hold the same character
    there. A missing character and an extra one (a forgotten <eos>) are both errors."""
    right = sum(a == b for a, b in zip(prediction[start:], target[start:]))
    return right, max(len(prediction), len(target)) - start


def accuracies(predictions, targets):
    """(exact match, per-character accuracy): the fraction of strings equal to their target,
    and of character positions that agree (``char_matches``: missing and extra characters
    both count as wrong, so "1967-02-02-0" for "1967-02-02" scores 10 of 12)."""
    if len(predictions) != len(targets) or not targets:
        raise ValueError(f"predictions and targets must be non-empty lists of one length; got {len(predictions)} and {len(targets)}")
    exact = np.mean([p == t for p, t in zip(predictions, targets)])
    right, counted = np.sum([char_matches(p, t) for p, t in zip(predictions, targets)], axis=0)
    return float(exact), float(right / counted)
