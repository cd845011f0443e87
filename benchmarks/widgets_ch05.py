"""Widget cases of notebook 05: the cost table (D, H sliders) and the gate heatmaps (a text box).

The heatmap widget reads a trained GRU language model in the notebook; its speed does not
depend on the weights, so the benchmark uses an untrained model of the same size (H = 34)
on the same corpus vocabulary.
"""

import functools

import numpy as np

from course_utils import seqmodels, text_tasks
from course_utils.labs import gru_lab

_corpus = text_tasks.char_lm_data(text_tasks.load_corpus("river_tales"))
_vocab = _corpus["vocab"]
_params = seqmodels.init_model("gru", len(_vocab), 34, len(_vocab), np.random.default_rng(0))
gates = functools.partial(gru_lab.gru_gate_experiment, params=_params, vocab=_vocab)

CASES = [
    ("ch05: cost table + bars (D, H sliders)", gru_lab.cost_experiment,
     [{"D": d, "H": h} for d in (1, 32, 512) for h in (1, 128, 1024)]),
    ("ch05: cost table, invalid sizes", gru_lab.cost_experiment,
     [{"D": 0, "H": 8}, {"D": 4, "H": -1}]),
    ("ch05: GRU gate heatmaps (typed text)", gates,
     [{"text": t} for t in ("The river will come back, he said.", "a", "The miller sat by the gate and waited.",
                            "The river ran past a small mill at the edge of a green vall")]),
    ("ch05: GRU gate heatmaps, bad text", gates,
     [{"text": t} for t in ("", "x" * 61, "über €")]),
]
