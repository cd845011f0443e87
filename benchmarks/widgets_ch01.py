"""Widget cases of notebooks 00 and 01: each setting is one slider move."""

from course_utils.mlp_lab import boundary_experiment
from course_utils.setup_check import wave_demo

CASES = [
    ("ch00: setup-check wave", wave_demo,
     [{"frequency": f, "damping": d} for f in (0.25, 1.0, 5.0) for d in (0.0, 2.0)]),
    ("ch01: MLP boundary (defaults, 200 epochs)", boundary_experiment,
     [{"hidden_units": h, "activation": a, "learning_rate": 0.05, "epochs": 200, "dataset": ds}
      for h in (0, 4, 16, 64) for a in ("tanh", "relu") for ds in ("spirals", "moons", "xor")]),
    ("ch01: MLP boundary (1000 epochs, max slider)", boundary_experiment,
     [{"hidden_units": 16, "epochs": 1000, "dataset": ds} for ds in ("spirals", "moons", "xor")]),
    ("ch01: MLP boundary (learning rate 100)", boundary_experiment,
     [{"learning_rate": 100.0, "activation": a} for a in ("tanh", "relu", "sigmoid")]),
]
