"""Widget cases of notebook 04: each setting is one slider move or one typed sequence.

The first call of the heatmap case trains the notebook's small memory-task LSTM
(about a second); the benchmark's warm-up call absorbs it, as the notebook's
training cell does.
"""

from course_utils.labs.lstm_lab import DEFAULT_SEQUENCE, gate_heatmap_experiment, gradient_flow_experiment

CASES = [
    ("ch04: gradient flow, forget-bias slider", gradient_flow_experiment,
     [{"forget_bias": b, "T": 100} for b in (-4.0, -2.0, 0.0, 1.0, 2.0, 3.0, 5.0, 8.0)]),
    ("ch04: gradient flow, T slider (10..200)", gradient_flow_experiment,
     [{"forget_bias": 1.0, "T": T} for T in (10, 50, 200)] + [{"forget_bias": 8.0, "T": 200}]),
    ("ch04: gate heatmaps, typed sequence", gate_heatmap_experiment,
     [{"sequence": s} for s in (DEFAULT_SEQUENCE, "A?", "D" + "a" * 49 + "?", "C" + "abcd" * 19 + "?", "B cab", "D")]),
    ("ch04: gate heatmaps, invalid input", gate_heatmap_experiment,
     [{"sequence": s} for s in ("", "xyz", "abc?", "A" * 100, None)]),
]
