"""Chapter 05 — the GRU."""

from . import Question

QUESTIONS = [
    Question(
        "ch05-update-gate-keeps", 5,
        "In H_t = Z_t ⊙ H_{t-1} + (1 − Z_t) ⊙ H̃_t, every entry of the update gate Z_t equals 1. What is H_t?",
        ("The candidate H̃_t", "H_{t-1}, unchanged", "Zero", "R_t ⊙ H_{t-1}"), 1,
        "With Z_t = 1 the second term vanishes and the first copies H_{t-1}: the unit keeps its value "
        "whatever the input, and the gradient flows back through the same copy, multiplied by 1.",
    ),
    Question(
        "ch05-seed-formula", 5,
        "A revision sheet prints the GRU output as h_t = h_{t-1} * r_t + (1 − z_t) * h̃_t. What is wrong with it?",
        ("Nothing, it is the Cho et al. form",
         "The weight on h_{t-1} must be the update gate z_t; the reset gate only acts inside the candidate",
         "tanh is missing around the whole expression",
         "It should use addition instead of the element-wise product"), 1,
        "The two weights must add up to one, z_t and 1 − z_t, so H_t interpolates between the old state and "
        "the candidate. The reset gate r_t only chooses how much of h_{t-1} enters the candidate h̃_t.",
    ),
    Question(
        "ch05-param-count", 5,
        "How many parameters has a GRU layer (Cho form, no output layer) with D inputs and H hidden units?",
        ("DH + H² + H", "3(DH + H² + H)", "4(DH + H² + H)", "3(DH + H²) T, for T time steps"), 1,
        "Three blocks (reset gate, update gate, candidate), each with W_x* (D, H), W_h* (H, H) and b_* (H,). "
        "T does not appear: every step reuses them. The reset-after form adds H for b_hh.",
    ),
    Question(
        "ch05-why-reset-after", 5,
        "Why do cuDNN, PyTorch and Keras apply the reset gate after the product with W_hh?",
        ("It has fewer parameters",
         "It is the only form whose gradients can be computed",
         "No product of H_{t-1} then waits for R_t, so H_{t-1} [W_hr | W_hz | W_hh] is one matrix product per step",
         "It makes the update gate unnecessary"), 2,
        "In the Cho form (R_t ⊙ H_{t-1}) W_hh cannot start before R_t is known: two products in a row per step. "
        "Reset-after computes H_{t-1} W_hh + b_hh together with the gates' products and scales it afterwards. "
        "It even has H more parameters (b_hh).",
    ),
    Question(
        "ch05-reset-zero", 5,
        "In the Cho form, what does a reset gate R_t = 0 do?",
        ("It erases H_t, the new state",
         "The candidate is computed from X_t alone, tanh(X_t W_xh + b_h), as if the sequence started anew",
         "It stops the update gate from changing",
         "It sets the candidate to zero"), 1,
        "R_t ⊙ H_{t-1} = 0 removes the old state from the candidate only. Whether the candidate is then used "
        "is the update gate's decision.",
    ),
    Question(
        "ch05-vs-lstm", 5,
        "Which statement compares the GRU with the LSTM correctly?",
        ("The GRU has a separate cell state and three gates",
         "The GRU keeps one state H, has no output gate, and ties forgetting and writing together as Z_t and 1 − Z_t",
         "The GRU has more parameters than an LSTM of the same size",
         "The GRU does not share its parameters across time steps"), 1,
        "Where the LSTM has F_t and I_t that can both be near 1, the GRU uses Z_t to keep and 1 − Z_t to write: "
        "3 blocks instead of 4, about three quarters of the parameters and multiply-adds.",
    ),
    Question(
        "ch05-leaky-time-constant", 5,
        "An update-gate unit stays at z = 0.9 for many steps. Roughly after how many steps has an old value faded to 1/e of its weight in H_t?",
        ("About 1", "About 10", "About 90", "Never: z < 1 keeps it for ever"), 1,
        "With a constant z the state is an exponential moving average of the candidates: an old value keeps "
        "weight z^k after k steps, and 0.9^k = 1/e at k = −1/ln 0.9 ≈ 9.5, close to 1/(1 − z) = 10.",
    ),
    Question(
        "ch05-swapped-convention", 5,
        "Another text writes H_t = (1 − Z_t) ⊙ H_{t-1} + Z_t ⊙ H̃_t. What follows?",
        ("It is a different, weaker model",
         "The same model with the gate's meaning flipped: there Z_t = 1 means 'replace', so read a library's weights with its own convention",
         "It cannot be trained with backpropagation",
         "It is the reset-after form"), 1,
        "Replacing Z_t by 1 − Z_t (flip the signs of W_xz, W_hz, b_z) turns one into the other. PyTorch uses the "
        "form of this course; some textbooks use the swapped one.",
    ),
    Question(
        "ch05-direct-gradient", 5,
        "In the GRU backward pass, which term of dH_{t-1} involves no weight matrix at all?",
        ("dH_t ⊙ Z_t", "dH_t ⊙ (1 − Z_t)", "dA_h W_hh^T", "dA_z W_hz^T"), 0,
        "H_t contains Z_t ⊙ H_{t-1} directly, so dH_t ⊙ Z_t reaches H_{t-1} without any W_hh or tanh'. With Z_t "
        "near 1 over many steps, the gradient survives the trip back, like along the LSTM's cell state.",
    ),
    Question(
        "ch05-keep-bias", 5,
        "On the memory task, an LSTM started with forget-gate bias 3 spans 100 steps. A GRU trained on the same data and budget but started with update-gate bias 0 fails from lag 40. What makes the comparison fair?",
        ("Nothing: the GRU simply cannot remember 40 steps",
         "Start the GRU with update-gate bias 3 too, so both begin by keeping their state",
         "Give the GRU twice as many training steps",
         "Remove the LSTM's output gate"), 1,
        "b_z is the GRU's counterpart of b_f: with σ(3) ≈ 0.95 the state is kept at the start, so the gradient can reach "
        "the first symbol. With equal keep biases both gated cells reach 100 % at lag 100 while the RNN is at chance.",
    ),
]
