"""Chapter 05 — the GRU."""

from . import Question

QUESTIONS = [
    Question(
        "ch05-update-gate-keeps", 5,
        "In H_t = Z_t ⊙ H_{t-1} + (1 − Z_t) ⊙ H̃_t, every entry of the update gate Z_t equals 1. What is H_t?",
        ("H_{t-1}, unchanged",
         "R_t ⊙ H_{t-1}",
         "The candidate H̃_t",
         "Zero"), 0,
        "With Z_t = 1 the second term vanishes and the first copies H_{t-1}: the unit keeps its value "
        "whatever the input, and the gradient flows back through the same copy, multiplied by 1.",
    ),
    Question(
        "ch05-seed-formula", 5,
        "A revision sheet prints the GRU output as h_t = h_{t-1} * r_t + (1 − z_t) * h̃_t. What is wrong with it?",
        ("Nothing: it is the Cho et al. form, with the reset gate as the weight on h_{t-1}",
         "It should use addition instead of the element-wise product",
         "tanh is missing around the whole expression",
         "h_{t-1} must be weighted by z_t; r_t acts only inside the candidate"), 3,
        "The two weights must add up to one, z_t and 1 − z_t, so H_t interpolates between the old state and "
        "the candidate. The reset gate r_t only chooses how much of h_{t-1} enters the candidate h̃_t.",
    ),
    Question(
        "ch05-param-count", 5,
        "How many parameters has a GRU layer (Cho form, no output layer) with D inputs and H hidden units?",
        ("DH + H² + H",
         "3(DH + H² + H)",
         "3(DH + H²) T, for T time steps",
         "4(DH + H² + H)"), 1,
        "Three blocks (reset gate, update gate, candidate), each with W_x* (D, H), W_h* (H, H) and b_* (H,). "
        "T does not appear: every step reuses them. The reset-after form adds H for b_hh.",
    ),
    Question(
        "ch05-why-reset-after", 5,
        "Why do cuDNN, PyTorch and Keras apply the reset gate after the product with W_hh?",
        ("It is the only form whose gradients can be computed in closed form",
         "It has fewer parameters",
         "It makes the update gate unnecessary, since R_t then does its job",
         "H_{t-1} W_hh need not wait for R_t: one fused product per step"), 3,
        "In the Cho form (R_t ⊙ H_{t-1}) W_hh cannot start before R_t is known: two products in a row per step. "
        "Reset-after computes H_{t-1} W_hh + b_hh together with the gates' products and scales it afterwards. "
        "It even has H more parameters (b_hh).",
    ),
    Question(
        "ch05-reset-zero", 5,
        "In the Cho form, what does a reset gate R_t = 0 do?",
        ("It erases H_t, the new state",
         "The candidate is computed from X_t alone",
         "It stops the update gate from changing",
         "It sets the candidate to zero"), 1,
        "R_t ⊙ H_{t-1} = 0 removes the old state from the candidate only. Whether the candidate is then used "
        "is the update gate's decision.",
    ),
    Question(
        "ch05-vs-lstm", 5,
        "Which statement compares the GRU with the LSTM correctly?",
        ("One state H, no output gate, and Z_t / 1 − Z_t tie keeping to writing",
         "The GRU has more parameters than an LSTM of the same size, because of its reset gate",
         "The GRU does not share its parameters across time steps",
         "The GRU has a separate cell state, like the LSTM, but three gates instead of four"), 0,
        "Where the LSTM has F_t and I_t that can both be near 1, the GRU uses Z_t to keep and 1 − Z_t to write: "
        "3 blocks instead of 4, about three quarters of the parameters and multiply-adds.",
    ),
    Question(
        "ch05-leaky-time-constant", 5,
        "An update-gate unit stays at z = 0.9 for many steps. Roughly after how many steps has an old value faded to 1/e of its weight in H_t?",
        ("About 10",
         "Never: z < 1 keeps it for ever",
         "About 90",
         "About 1"), 0,
        "With a constant z the state is an exponential moving average of the candidates: an old value keeps "
        "weight z^k after k steps, and 0.9^k = 1/e at k = −1/ln 0.9 ≈ 9.5, close to 1/(1 − z) = 10.",
    ),
    Question(
        "ch05-swapped-convention", 5,
        "Another text writes H_t = (1 − Z_t) ⊙ H_{t-1} + Z_t ⊙ H̃_t. What follows?",
        ("It cannot be trained with backpropagation",
         "It is the reset-after form",
         "The same model with Z_t's meaning flipped: Z_t = 1 now means 'replace'",
         "It is a different, weaker model: it can keep a value only when the candidate is zero"), 2,
        "Replacing Z_t by 1 − Z_t (flip the signs of W_xz, W_hz, b_z) turns one into the other. PyTorch uses the "
        "form of this course; some textbooks use the swapped one.",
    ),
    Question(
        "ch05-direct-gradient", 5,
        "In the GRU backward pass, which term of dH_{t-1} involves no weight matrix at all?",
        ("dA_h W_hh^T",
         "dH_t ⊙ (1 − Z_t)",
         "dH_t ⊙ Z_t",
         "dA_z W_hz^T"), 2,
        "H_t contains Z_t ⊙ H_{t-1} directly, so dH_t ⊙ Z_t reaches H_{t-1} without any W_hh or tanh'. With Z_t "
        "near 1 over many steps, the gradient survives the trip back, like along the LSTM's cell state.",
    ),
    Question(
        "ch05-keep-bias", 5,
        "On the memory task, an LSTM started with forget-gate bias 3 spans 100 steps. A GRU trained on the same data and budget but started with update-gate bias 0 fails from lag 40. What makes the comparison fair?",
        ("Nothing: the GRU simply cannot remember 40 steps",
         "Start the GRU with update-gate bias 3 as well, like the LSTM",
         "Give the GRU twice as many training steps",
         "Remove the LSTM's output gate"), 1,
        "b_z is the GRU's counterpart of b_f: with σ(3) ≈ 0.95 the state is kept at the start, so the gradient can reach "
        "the first symbol. With equal keep biases both gated cells reach 100 % at lag 100 while the RNN is at chance.",
    ),
]
