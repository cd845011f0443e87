"""The Tang-poem widget (chapters 02, 04, 05) over its control ranges, extremes included (see run.py).

The shipped models are used as they are: nothing is trained here.
"""

from course_utils.labs import poems_lab

CASES = [
    ("ch02/04/05: Tang poem, cell + prompt + τ + seed", poems_lab.poem_experiment,
     [{"cell": "gru", "prompt": "春", "temperature": 0.8, "seed": 0},
      {"cell": "rnn", "prompt": "", "temperature": 1.0, "seed": 1},
      {"cell": "lstm", "prompt": "白日依山尽，", "temperature": 0.05, "seed": 2},
      {"cell": "gru", "prompt": "", "temperature": 10.0, "seed": 3},
      {"cell": "lstm", "prompt": "abc", "temperature": 1.0, "seed": 0},
      {"cell": "rnn", "prompt": "月", "temperature": 0.0, "seed": 0}]),
]
