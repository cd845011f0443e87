"""Chapter 04 — the LSTM."""

from . import Question

QUESTIONS = [
    Question(
        "ch04-shared-across-time", 4,
        "A revision sheet says: “LSTM parameters are not shared across time, which is why the figure shows "
        "four different sets.” What is correct?",
        ("All steps share them; the four sets are the three gates and the candidate",
         "Only the biases are shared; the matrices change with t",
         "The sheet is right: each step has its own four sets, which is why T enters the parameter count",
         "The four sets belong to four consecutive time steps, then repeat"), 0,
        "An LSTM, like the vanilla RNN, applies one cell at every step. The four sets (W_x*, W_h*, b_*) "
        "are four parts of that one cell, so their gradients are sums over t, and the same weights run a "
        "sequence of any length.",
    ),
    Question(
        "ch04-param-count", 4,
        "How many parameters has an LSTM cell with D = 10 inputs and H = 20 hidden units, for sequences of T = 50 steps?",
        ("10·20 + 20² + 20 = 620",
         "3(10·20 + 20² + 20) = 1860",
         "2480 · 50 = 124000",
         "4(10·20 + 20² + 20) = 2480"), 3,
        "Four blocks of (W_x* (D, H), W_h* (H, H), b_* (H,)): 4(DH + H² + H). T does not appear, because "
        "every step reuses the same arrays.",
    ),
    Question(
        "ch04-keep-cell", 4,
        "At some step every entry of F_t is 1 and every entry of I_t is 0. What happens to the cell state?",
        ("C_t = 0: the cell is erased and starts again",
         "C_t = C_{t-1}: the cell is copied unchanged",
         "C_t = tanh(C_{t-1})",
         "C_t = C̃_t: the cell is overwritten by the candidate"), 1,
        "C_t = F_t ⊙ C_{t-1} + I_t ⊙ C̃_t = 1 ⊙ C_{t-1} + 0. Whatever the input is, the memory passes through, "
        "and so does the gradient on the way back.",
    ),
    Question(
        "ch04-output-gate-zero", 4,
        "The output gate O_t is 0 everywhere. Which statement is true?",
        ("Both H_t and C_t are 0",
         "H_t = tanh(C_t)",
         "The cell forgets everything it stored, since C_t is multiplied by 0",
         "H_t = 0, but C_t can still hold information"), 3,
        "H_t = O_t ⊙ tanh(C_t) hides the cell from the output and from the next step's gates, but C_t "
        "is updated by F_t and I_t as usual: the LSTM can keep a fact silently and reveal it later.",
    ),
    Question(
        "ch04-cell-jacobian", 4,
        "Holding H_{t-1} fixed, what is the Jacobian ∂C_t/∂C_{t-1}?",
        ("The identity, always",
         "diag(F_t)",
         "diag(I_t) W_hc",
         "W_hc diag(1 − C̃_t²)"), 1,
        "C_t = F_t ⊙ C_{t-1} + I_t ⊙ C̃_t, and the gates depend on C_{t-1} only through H_{t-1}. So the direct "
        "path multiplies the gradient by F_t, element by element: no weight matrix and no squashing slope. "
        "With F_t near 1 it can cross many steps. Letting H_{t-1} move too adds indirect terms through the "
        "gates' recurrent matrices; they can be large in an untrained cell, but the direct path is always there.",
    ),
    Question(
        "ch04-forget-bias", 4,
        "Why is b_f often initialised to 1 (or more) instead of 0?",
        ("So F_t starts near 0.73 and the cell keeps more of its past",
         "It halves the number of parameters",
         "Because sigmoid(0) is undefined",
         "It makes the LSTM equivalent to a vanilla RNN"), 0,
        "With b_f = 0, F_t ≈ σ(0) = 0.5 and the gradient along the cell shrinks by about half per step at the start of training; "
        "with F_t ≈ 0.73 or higher it survives many more steps, so long-range signals can be learned at all.",
    ),
    Question(
        "ch04-sigmoid-tanh", 4,
        "Why do the three gates use σ while the candidate C̃_t uses tanh?",
        ("It is arbitrary; any choice trains the same",
         "tanh cannot be differentiated at 0",
         "A gate is a fraction in (0, 1); the candidate needs both signs",
         "σ is faster to compute"), 2,
        "F_t ⊙ C_{t-1} keeps a fraction of each memory entry, so F_t must lie between 0 (drop) and 1 (keep). "
        "The value written, C̃_t, needs both signs, hence tanh.",
    ),
    Question(
        "ch04-forget-grad", 4,
        "In the backward pass, with dC_t the total gradient reaching C_t, what is the gradient with respect to the forget gate's value F_t?",
        ("dF_t = dC_t ⊙ C̃_t",
         "dF_t = dC_t W_hfᵀ",
         "dF_t = dC_t ⊙ C_{t-1}",
         "dF_t = dC_t ⊙ F_t (1 − F_t)"), 2,
        "F_t multiplies C_{t-1} in C_t = F_t ⊙ C_{t-1} + I_t ⊙ C̃_t, so its local derivative is C_{t-1}. "
        "The slope σ' = F_t(1 − F_t) comes next, on the way to the pre-activation.",
    ),
    Question(
        "ch04-fused-shape", 4,
        "An implementation places the four recurrent matrices side by side, W_h = [W_hi | W_hf | W_ho | W_hc]. "
        "With H_{t-1} of shape (N, H), what is the shape of H_{t-1} W_h, and why do it?",
        ("(N, 4H): the four pre-activations come from one product per step",
         "(N, H): the four products are summed",
         "(4N, H): one row block per gate",
         "(N, 4H), but it changes the model, because the four gates then share one weight matrix"), 0,
        "Column block k of H_{t-1} [W_hi | W_hf | W_ho | W_hc] is H_{t-1} W_h<k>: the same arithmetic, done by "
        "one larger product, which BLAS runs much faster than four small ones.",
    ),
]
