"""Widget cases of notebook 03: each setting is one slider move of the gradient-flow widget."""

from course_utils.labs.gradflow_lab import gradient_flow_experiment

CASES = [
    ("ch03: gradient flow (ρ × activation, T=100)", gradient_flow_experiment,
     [{"spectral_radius": r, "activation": a, "T": 100, "input_scale": 1.0}
      for r in (0.5, 0.9, 1.0, 1.1, 1.5, 2.0) for a in ("tanh", "linear", "relu")]),
    ("ch03: gradient flow (T=200, input scale extremes)", gradient_flow_experiment,
     [{"spectral_radius": r, "activation": a, "T": 200, "input_scale": s}
      for r in (0.5, 2.0) for a in ("tanh", "linear", "relu") for s in (0.1, 10.0)]),
    ("ch03: gradient flow (shortest sequences)", gradient_flow_experiment,
     [{"spectral_radius": r, "activation": "tanh", "T": t, "input_scale": 1.0} for r in (0.5, 2.0) for t in (2, 3)]),
]
