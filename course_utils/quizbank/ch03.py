"""Chapter 03 — long-term dependencies: vanishing and exploding gradients."""

from . import Question

QUESTIONS = [
    Question(
        "ch03-jacobian-row", 3,
        "With row vectors, H_t = tanh(X_t W_xh + H_{t−1} W_hh + b_h). Which line is one step of BPTT for the hidden state?",
        ("dH_{t−1} = dH_t W_hh ⊙ (1 − H_t²)",
         "dH_{t−1} = dH_t ⊙ (1 − H_t²)",
         "dH_{t−1} = (dH_t ⊙ (1 − H_t²)) W_hhᵀ",
         "dH_{t−1} = (1 − H_{t−1}²) ⊙ dH_t W_hh"), 2,
        "Go back through tanh first (multiply by its slope 1 − H_t², computed from the output), then through "
        "the product H_{t−1} W_hh, whose backward is a right-multiplication by W_hhᵀ.",
    ),
    Question(
        "ch03-bound", 3,
        "For a tanh RNN, ‖∂H_t/∂H_k‖ ≤ (σ_max(W_hh) · 1)^{t−k}. What does this guarantee when σ_max(W_hh) = 0.9?",
        ("The gradient stays exactly constant",
         "The gradient explodes",
         "Nothing: such a bound only holds for RNNs without an activation",
         "The gradient shrinks at least like 0.9^{t−k}"), 3,
        "Each Jacobian factor W_hh diag(1 − H²) has norm at most σ_max · max slope = 0.9, so the product of "
        "t − k of them is at most 0.9^{t−k}: vanishing is guaranteed. (σ_max > 1 does NOT guarantee explosion.)",
    ),
    Question(
        "ch03-bound-not-explode", 3,
        "A tanh RNN has spectral radius ρ(W_hh) = 1.5. Must its gradients explode over long sequences?",
        ("No: tanh is bounded, so every gradient is at most 1",
         "Yes: ρ > 1 makes every tanh RNN explode like 1.5^t",
         "Yes, unless the inputs are exactly zero at every step",
         "No: saturation (1 − H² ≈ 0) can keep them bounded"), 3,
        "Without the tanh, ρ > 1 would be enough: a linear RNN's ∂H_t/∂H_0 = W_hh^t grows like 1.5^t along "
        "the top eigenvector. Saturation is what breaks it: units pushed to |H| ≈ 1 have slopes 1 − H² ≈ 0, "
        "which shrink every Jacobian factor, so the product can stay bounded. The norm bound gives only a "
        "necessary condition for explosion, and it is σ_max(W_hh) > 1, not ρ > 1.",
    ),
    Question(
        "ch03-linear-eigen", 3,
        "In a linear RNN (no activation), ∂H_t/∂H_0 is a power of W_hh. What decides whether it vanishes or explodes?",
        ("The input size D",
         "The trace of W_hh (the sum of its eigenvalues)",
         "W_hh's spectral radius (largest |eigenvalue|)",
         "The size of the bias b_h compared with the inputs"), 2,
        "J_t = W_hh at every step, so the product is W_hh^t = V Λ^t V⁻¹: components along eigenvectors scale "
        "like λ^t, and the largest |λ| wins.",
    ),
    Question(
        "ch03-clip-norm", 3,
        "Why is clipping by the global norm usually preferred to clipping every entry to [−c, c]?",
        ("It keeps the gradient's direction and caps its length",
         "It is the only one of the two that prevents NaN and inf in the weights",
         "It makes the gradient larger",
         "It needs no threshold"), 0,
        "Global-norm clipping multiplies all gradients by the same factor c/‖g‖ when ‖g‖ > c. Clipping entries "
        "separately flattens the large components more than the small ones, so the update points elsewhere.",
    ),
    Question(
        "ch03-clip-vanish", 3,
        "Does gradient clipping help with vanishing gradients?",
        ("No: it only ever shrinks gradients that are too large",
         "Only with SGD, not with Adam",
         "Yes, if the threshold is below 1",
         "Yes, it scales small gradients up to the threshold"), 0,
        "Clipping caps the norm from above. A gradient that has already vanished stays vanished; that needs a "
        "different architecture (gates, chapter 04) or initialisation.",
    ),
    Question(
        "ch03-chance", 3,
        "On the memory task with K = 4 balanced classes, an RNN scores 0.26 on 1000 test sequences at lag 100. What does that mean?",
        ("It learned the task a little",
         "It is at chance: 0.26 is within noise of 1/K",
         "The test set is too small to say anything",
         "It is worse than chance"), 1,
        "Guessing gets 1/4 on balanced labels; with 1000 sequences the standard error is √(0.25·0.75/1000) ≈ 0.014, "
        "so 0.26 is indistinguishable from guessing.",
    ),
    Question(
        "ch03-seed-claim", 3,
        "A blog post says that, because of vanishing gradients, an RNN 'only has short-term memory'. What is the precise version?",
        ("The hidden state is erased by design after a few steps, so old inputs leave no trace",
         "Long dependencies are hard to LEARN: distant gradients vanish",
         "RNNs cannot represent any function of inputs more than 10 steps back",
         "The weights are different at each step"), 1,
        "Nothing in the recurrence erases the state, and a suitable W_hh could carry information far; the problem "
        "is that gradient descent rarely finds it because ∂L/∂H_k for distant k is vanishingly small.",
    ),
]
