"""Sequence labelling (序列标注) with a one- or two-directional RNN: BMES word segmentation (chapter 06b).

BMES tags each character of a sentence by its place in its word (分词):
B begins a word, M is inside it, E ends it, S is a one-character word.
Whether a character is E (or S) depends on the NEXT character — the right context —
which a left-to-right RNN has not read yet when it must answer; a bidirectional RNN has.

Model (one flat parameter dict):

    X = E[ids]                     embedding "E" (V_in, D)
    H = BiRNN(X)  or  RNN(X)       "fwd.*"/"bwd.*" (2H wide) or the cell's own keys (H wide)
    O = H W_hq + b_q               "W_hq" (2H or H, 4), "b_q" (4,)
    loss = cross-entropy per real character (padding masked)

``viterbi`` decodes the per-character scores into the best tag sequence that obeys the
BMES grammar (no M or E after E or S, no B or S after B or M): the decoding step of a CRF
layer on top of an RNN tagger, here with hard constraints instead of learned transition scores.
"""

import numpy as np

from ._validate import check_choice, check_float, check_shape
from .birnn import BidirectionalCache, bidirectional_backward, bidirectional_forward, init_bidirectional_params
from .losses import sequence_cross_entropy
from .optim import Adam
from .rnn import init_output_params, output_backward, output_forward
from .seqmodels import CELLS, get_cell
from .sequence import build_vocab, embedding_backward, embedding_forward, length_mask, pad_sequences
from .text_tasks import segmented_sentences
from .training import fit

TAGS = ("B", "M", "E", "S")
B, M, E, S = range(4)
# ALLOWED[previous, next]: a word must end (E or S) before the next one begins (B or S)
ALLOWED = np.array([[0, 1, 1, 0],     # after B: M or E
                    [0, 1, 1, 0],     # after M: M or E
                    [1, 0, 0, 1],     # after E: B or S
                    [1, 0, 0, 1]],    # after S: B or S
                   dtype=bool)
START = np.array([1, 0, 0, 1], dtype=bool)     # a sentence starts with B or S
END = np.array([0, 0, 1, 1], dtype=bool)       # and ends with E or S


def bmes_tags(words):
    """Words -> (text, tags (T,) int64 over B=0, M=1, E=2, S=3): ["我们", "喜欢"] -> "我们喜欢", [B, E, B, E]."""
    tags = []
    for word in words:
        if not word:
            raise ValueError(f"words must be non-empty strings; got {words!r}")
        tags += [S] if len(word) == 1 else [B] + [M] * (len(word) - 2) + [E]
    return "".join(words), np.array(tags, dtype=np.int64)


def words_from_bmes(text, tags):
    """Cut ``text`` after every E or S: the inverse of ``bmes_tags`` for well-formed tags."""
    if len(text) != len(tags):
        raise ValueError(f"tags must have one entry per character of text (T={len(text)}); got {len(tags)}")
    words, current = [], ""
    for char, tag in zip(text, tags):
        current += char
        if tag in (E, S):
            words.append(current)
            current = ""
    return words + ([current] if current else [])


def bmes_data(n_train, n_test, rng):
    """{"vocab", "train", "test"}: batches {"ids" (N, T), "lengths" (N,), "y" (N, T) BMES tags} from the 分词 grammar."""
    sentences = {split: segmented_sentences(n, rng) for split, n in (("train", n_train), ("test", n_test))}
    vocab = build_vocab("".join(words) for words in sentences["train"])
    out = {"vocab": vocab}
    for split, sents in sentences.items():
        texts, tags = zip(*(bmes_tags(words) for words in sents))
        ids, lengths = pad_sequences([vocab.encode(t) for t in texts], pad_id=vocab.pad_id)
        y, _ = pad_sequences(tags, pad_id=0)
        out[split] = {"ids": ids, "lengths": lengths, "y": y}
    return out


def init_tagger(cell, vocab_size, embed_dim, hidden_size, rng, bidirectional=True, dtype=np.float64):
    """Embedding, a (bi)directional cell and a 4-tag output layer in one dict."""
    check_choice("cell", cell, CELLS)
    params = {"E": (rng.standard_normal((vocab_size, embed_dim)) / np.sqrt(embed_dim)).astype(dtype)}
    if bidirectional:
        params.update(init_bidirectional_params(cell, embed_dim, hidden_size, rng, dtype))
    else:
        params.update(get_cell(cell).init(embed_dim, hidden_size, rng, dtype=dtype))
    width = 2 * hidden_size if bidirectional else hidden_size
    params.update(init_output_params(width, len(TAGS), rng, dtype))
    return params


def _cell_part(params):
    return {k: v for k, v in params.items() if k not in ("E", "W_hq", "b_q")}


def tagger_forward(params, batch, cell="rnn"):
    """Scores O (N, T, 4) and a cache. Bidirectional when params has "fwd." keys."""
    check_shape("batch['ids']", batch["ids"], "NT")
    X, emb_cache = embedding_forward(batch["ids"], params["E"])
    cparams = _cell_part(params)
    if any(k.startswith("fwd.") for k in cparams):
        H, cell_cache = bidirectional_forward(X, cparams, cell, batch.get("lengths"))
    else:
        H, _, cell_cache = get_cell(cell).forward(X, None, cparams, **(
            {"reset_after": "b_hh" in cparams} if cell == "gru" else {}))
    O, out_cache = output_forward(H, params["W_hq"], params["b_q"])
    return O, (cell, emb_cache, cell_cache, out_cache)


def tagger_loss_and_grads(params, batch, cell="rnn"):
    """(mean cross-entropy over real characters, grads keyed like params)."""
    O, (cell, emb_cache, cell_cache, out_cache) = tagger_forward(params, batch, cell)
    mask = length_mask(batch["lengths"], O.shape[1], O.dtype)
    loss, dO = sequence_cross_entropy(O, batch["y"], mask)
    dH, grads = output_backward(dO, out_cache)
    if isinstance(cell_cache, BidirectionalCache):
        dX, cell_grads = bidirectional_backward(dH, cell_cache)
    else:
        dX, _, cell_grads = get_cell(cell).backward(dH, cell_cache)
    grads.update(cell_grads)
    grads["E"] = embedding_backward(dX, emb_cache)
    return loss, grads


def viterbi(scores, allowed=ALLOWED, start=START, end=END):
    """Best tag path under the grammar: argmax Σ_t scores[t, y_t] over paths with allowed transitions.

    scores : (T, K) per-step log-probabilities (or any additive scores).
    Dynamic programming: best[t, k] = scores[t, k] + max_j {best[t-1, j] : allowed[j, k]}; O(T K²).
    """
    check_float("scores", scores)
    sizes = check_shape("scores", scores, ("T", "K"), {"K": allowed.shape[0]})
    T = sizes["T"]
    penalty = np.where(allowed, 0.0, -np.inf)
    best = np.where(start, scores[0], -np.inf)
    back = np.zeros((T, allowed.shape[0]), dtype=np.int64)
    for t in range(1, T):
        total = best[:, None] + penalty            # (previous j, next k)
        back[t] = total.argmax(axis=0)
        best = total.max(axis=0) + scores[t]
    best = np.where(end, best, -np.inf)
    path = [int(best.argmax())]
    for t in range(T - 1, 0, -1):
        path.append(int(back[t, path[-1]]))
    return np.array(path[::-1], dtype=np.int64)


def evaluate(params, batch, cell="rnn", decode="argmax"):
    """Per-character accuracy and whole-sentence accuracy, with argmax or ``viterbi`` decoding."""
    check_choice("decode", decode, ("argmax", "viterbi"))
    O, _ = tagger_forward(params, batch, cell)
    logp = O - np.log(np.exp(O - O.max(-1, keepdims=True)).sum(-1, keepdims=True)) - O.max(-1, keepdims=True)
    chars = sentences = 0
    for n, length in enumerate(batch["lengths"]):
        pred = logp[n, :length].argmax(-1) if decode == "argmax" else viterbi(logp[n, :length])
        right = pred == batch["y"][n, :length]
        chars += int(right.sum())
        sentences += int(right.all())
    return chars / int(batch["lengths"].sum()), sentences / len(batch["lengths"])


def train_tagger(data, cell="rnn", bidirectional=True, hidden_size=16, embed_dim=16, steps=150, batch_size=32,
                 lr=0.02, seed=0, progress="none"):
    """Adam with clipping at 5 on minibatches drawn with ``seed``; returns (params, history)."""
    rng = np.random.default_rng(seed)
    params = init_tagger(cell, len(data["vocab"]), embed_dim, hidden_size, rng, bidirectional)
    train = data["train"]

    def step_loss(p, step):
        idx = rng.choice(len(train["lengths"]), size=batch_size, replace=False)
        batch = {k: v[idx] for k, v in train.items()}
        T = int(batch["lengths"].max())
        return tagger_loss_and_grads(p, {"ids": batch["ids"][:, :T], "y": batch["y"][:, :T],
                                         "lengths": batch["lengths"]}, cell)

    history = fit(step_loss, params, Adam(lr), steps, clip=5.0, progress=progress,
                  label="bidirectional" if bidirectional else "left to right")
    return params, history
