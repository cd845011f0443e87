"""Widget cases of notebook 07: the cell-path experiment and the flash cards, extremes included."""

from course_utils.labs.revision_lab import cell_path_experiment, flash_card
from course_utils.revision import DECKS

CASES = [
    ("ch07: LSTM cell path", cell_path_experiment,
     [{"forget_bias": b, "steps": T} for b in (-4.0, 0.0, 1.0, 5.0, 8.0) for T in (2, 50, 400)]),
    ("ch07: flash cards", flash_card,
     [{"card": c, "face": f, "deck": d} for c in (1, 9, 43) for f in ("term", "meaning") for d in DECKS[::3]]),
]
