"""Widget cases of notebooks 00 and 01: each setting is one slider move.

The MLP experiment keeps its last runs (moving only the epochs slider reads or extends
the stored run), so the cases say which kind of move they time: ``fresh=True`` forgets
every stored run first, as a move of any other control does.
"""

from course_utils.labs import mlp_lab
from course_utils.labs.setup_check import wave_demo


def boundary_move(fresh=True, **controls):
    if fresh:
        mlp_lab._RUNS.clear()
    return mlp_lab.boundary_experiment(**controls)


CASES = [
    ("ch00: setup-check wave", wave_demo,
     [{"frequency": f, "damping": d} for f in (0.25, 1.0, 5.0) for d in (0.0, 2.0)]),
    ("ch01: MLP boundary (new settings, 200 epochs)", boundary_move,
     [{"hidden_units": h, "activation": a, "learning_rate": 0.05, "epochs": 200, "dataset": ds}
      for h in (0, 4, 16, 64) for a in ("tanh", "relu") for ds in ("spirals", "moons", "xor")]),
    ("ch01: MLP boundary (new settings, 1000 epochs)", boundary_move,
     [{"hidden_units": 16, "epochs": 1000, "dataset": ds} for ds in ("spirals", "moons", "xor")]),
    ("ch01: MLP boundary (epochs slider 200→1000→10)", boundary_move,
     [{"fresh": True, "hidden_units": 16, "epochs": 200}]
     + [{"fresh": False, "hidden_units": 16, "epochs": e} for e in (300, 400, 600, 800, 1000, 700, 400, 100, 10)]),
    ("ch01: MLP boundary (learning rate 100)", boundary_move,
     [{"learning_rate": 100.0, "activation": a} for a in ("tanh", "relu", "sigmoid")]),
]
