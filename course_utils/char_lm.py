"""The character language model of chapter 02, for any cell: one training recipe shared by 02, 04 and 05.

One-hot characters -> a recurrent cell -> softmax over the next character, trained with
Adam on random windows of the bundled corpus (``text_tasks``), with the validation loss
on the held-out last 10 % recorded along the way. Chapter 04 compares the RNN with the
LSTM on it, chapter 05 adds the GRU, all with the same batches for the same seed.
"""

import numpy as np

from .optim import Adam
from .seqmodels import evaluate, init_model, trainer
from .sequence import lm_windows
from .text_tasks import char_lm_data, load_corpus
from .training import fit


def train_char_lm(cell, hidden_size, steps=300, seq_len=32, batch_size=32, lr=0.02, seed=0,
                  eval_every=25, progress="none"):
    """Train a one-hot -> ``cell`` -> softmax character LM on the bundled corpus, with
    chapter 02's settings by default (300 Adam steps of 32 windows of 32 characters, lr 0.02).

    The training windows come from a Generator seeded by ``seed`` only, so two cells
    trained with the same seed see the same batches. Every ``eval_every`` steps the
    loss on the held-out last 10 % of the text is recorded.
    Returns (params, history, val) with val an array of (step, validation loss) rows.
    """
    data = char_lm_data(load_corpus())
    V = len(data["vocab"])
    rng = np.random.default_rng([seed, 0])
    params = init_model(cell, V, hidden_size, V, np.random.default_rng([seed, 1]), dtype=np.float32)
    step_loss = trainer(lambda step: lm_windows(data["train_ids"], seq_len, batch_size, rng),
                        batch_size, rng, cell, "tag")
    val_ids = data["val_ids"]
    val_batch = {"ids": val_ids[None, :-1], "y": val_ids[None, 1:]}
    val = []

    def loss_and_grads(p, step):
        if step % eval_every == 0:
            val.append((step, evaluate(p, val_batch, cell, "tag")[0]))
        return step_loss(p, step)

    history = fit(loss_and_grads, params, Adam(lr), steps, clip=5.0, progress=progress,
                  label=f"{cell} H={hidden_size}")
    val.append((steps, evaluate(params, val_batch, cell, "tag")[0]))
    return params, history, np.array(val)
