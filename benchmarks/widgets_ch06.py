"""Chapter 06's widgets over their control ranges, extremes included (see run.py).

Both use the shipped attention model, as the notebook does; decoding the typed date
is part of every update.
"""

from functools import partial

from course_utils.labs import seq2seq_lab as lab

_model = lab.load_date_model("attention")

TYPED = ["27 November 2026", "11/27/26", "Fri, Nov 27 2026", "2026年11月27日", "Wednesday, 27 September 2026",
         "2026年11月27日 星期五", "12/31/99", "1", "2026-02-30", "", "x" * 40, "27 Nov 2026!"]

CASES = [
    ("ch06: attention heatmap (typed date)", partial(lab.attention_experiment, params=_model),
     [{"text": t} for t in TYPED]),
    ("ch06: beam search candidates (k = 1..20)", partial(lab.beam_experiment, params=_model),
     [{"text": t, "k": k} for t in ("Fri, Nov 27 2026", "2026年11月27日 星期五", "1/2/3") for k in (1, 3, 8, 20)]
     + [{"text": "11/27/26", "k": 5, "length_norm": lam} for lam in (0.0, 2.0)]
     + [{"text": "", "k": 5}, {"text": "11/27/26", "k": 0}, {"text": "11/27/26", "k": 3, "length_norm": float("nan")}]),
]
