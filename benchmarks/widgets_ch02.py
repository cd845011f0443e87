"""Chapter 02's widgets over their control ranges, extremes included (see run.py).

The models are trained once here with the notebook's sizes (fewer steps: latency
depends on the model's size, not on how well it was trained).
"""

from functools import partial

import numpy as np

from course_utils.labs import rnn_lab
from course_utils import seqmodels as sm
from course_utils import text_tasks as tt
from course_utils.sequence import lm_windows

_rng = np.random.default_rng(0)
_neg = tt.negation_data(500, 10, _rng)
_sent, _ = sm.train(_neg["train"], "rnn", "classify", len(_neg["vocab"]), 32, 2, _rng, embed_dim=16,
                    steps=50, progress="none")
_seg = tt.segmentation_data(500, 10, _rng)
_segp, _ = sm.train(_seg["train"], "rnn", "tag", len(_seg["vocab"]), 32, 2, _rng, embed_dim=16,
                    steps=50, progress="none")
_lm = tt.char_lm_data(tt.load_corpus())
_V = len(_lm["vocab"])
_lmp, _ = sm.train(lambda step: lm_windows(_lm["train_ids"], 32, 32, _rng), "rnn", "tag", _V, 64, _V, _rng,
                   steps=50, progress="none")

CASES = [
    ("ch02: unrolled RNN, slider over t", rnn_lab.unrolled_experiment,
     [{"t": 0, "T": 6}, {"t": 3, "T": 6}, {"t": 12, "T": 12}, {"t": 1, "T": 1}, {"t": 9, "T": 6}]),
    ("ch02: sentiment, typed review", partial(rnn_lab.sentiment_experiment, params=_sent, vocab=_neg["vocab"]),
     [{"review": "the plot was not very good but the cast was great"}, {"review": "good"},
      {"review": " ".join(["the film was not bad and the plot was fun"] * 2)}, {"review": "a superb film"},
      {"review": ""}]),
    ("ch02: segmentation, typed text", partial(rnn_lab.segmentation_experiment, params=_segp, vocab=_seg["vocab"]),
     [{"text": "今天我们在图书馆一起学习循环神经网络。"}, {"text": "我"}, {"text": "学" * 60},
      {"text": "hello 世界"}, {"text": ""}]),
    ("ch02: LM sampling, prompt + temperature", partial(rnn_lab.sample_experiment, params=_lmp, vocab=_lm["vocab"]),
     [{"prompt": "The fox ", "temperature": 0.8}, {"prompt": "The fox ", "temperature": 0.1},
      {"prompt": "The fox ", "temperature": 5.0}, {"prompt": "A" * 60, "temperature": 1.0, "seed": 20},
      {"prompt": "Zzz", "temperature": 1.0}, {"prompt": "The", "temperature": 0.0}]),
    ("ch02: hidden-state heatmap, text + step", partial(rnn_lab.hidden_state_experiment, params=_lmp, vocab=_lm["vocab"]),
     [{"text": 'The river said "I will come back".', "step": 10}, {"text": "a", "step": 1},
      {"text": "the mill " * 6, "step": 60}, {"text": "The river", "step": 0}, {"text": "", "step": 5}]),
]
