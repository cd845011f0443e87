"""Chapter 06 — encoder–decoder models, decoding and attention."""

from . import Question

QUESTIONS = [
    Question(
        "ch06-bos-role", 6,
        "The decoder is run with <bos> as its first input. Why is a special token needed at all?",
        ("It pads the target to the source length",
         "Step 1 has no previous output to feed, so a fixed token stands in",
         "It is the first token of every training target, so the loss starts on it",
         "It tells the encoder where the source ends, so it knows when to hand over its state"), 1,
        "Each decoder step consumes the previous output token. Before anything has been produced, <bos> "
        "stands in for it; the training targets never contain it.",
    ),
    Question(
        "ch06-stop-rule", 6,
        "While decoding, how does the model decide that a date such as 2026-11-27 is complete?",
        ("When it emits <eos> (or hits a maximum length)",
         "It stops when the probability of the next character drops below 0.5",
         "It always stops after exactly 10 characters",
         "It stops when the encoder has read the whole input"), 0,
        "The output length is decided by the model: <eos> is one more token in its vocabulary, learned from "
        "targets that all end with it. A maximum length stops a model that never emits it.",
    ),
    Question(
        "ch06-teacher-forcing-input", 6,
        "During training with teacher forcing (ratio 1.0), what is the decoder's input at step t > 1?",
        ("The character the model predicted at step t − 1",
         "The true target character y_{t−1}",
         "A zero vector",
         "The encoder state H_t"), 1,
        "Teacher forcing feeds the ground-truth prefix, so every step learns from a correct history and an early "
        "mistake does not spoil the later steps' training signal; at test time the model must feed its own outputs instead.",
    ),
    Question(
        "ch06-exposure-bias", 6,
        "What is exposure bias?",
        ("Trained only on true prefixes, it never saw its own mistakes as inputs",
         "The bias b_q of the output layer grows during training",
         "Attention weights concentrate on the first characters",
         "The encoder sees some formats more often than others"), 0,
        "Mixed teacher forcing (feeding the model's own token with probability 1 − r during training) exposes it "
        "to its mistakes; scheduled sampling lowers r as training goes on. The notebook measures the models "
        "free-running and after a forced error.",
    ),
    Question(
        "ch06-beam-width-one", 6,
        "What does beam search with width k = 1 compute?",
        ("The k = 1 shortest outputs",
         "Exactly greedy decoding",
         "Sampling with temperature 1",
         "Exhaustive search over every output"), 1,
        "Keeping only the single best prefix and extending it by its most probable token is greedy "
        "search; a test in the course checks the two give identical outputs.",
    ),
    Question(
        "ch06-length-normalisation", 6,
        "Why does beam search divide log P(y | x) by L^λ (length normalisation) before ranking finished outputs?",
        ("Each token multiplies P by ≤ 1, so raw scores favour short outputs",
         "To make the scores positive",
         "To penalise long outputs, which are more often wrong than short ones",
         "So that the beam width can be larger"), 0,
        "log P is a sum of negative terms, one per token. Dividing by L^λ with λ = 1 compares average "
        "log-probability per token; λ = 0 is the raw score.",
    ),
    Question(
        "ch06-attention-weights", 6,
        "For one output step of one sequence, which statement about the additive-attention weights α_{t,s} is true?",
        ("They sum to 1 over the output steps t for each source position s",
         "They are learned parameters, one per source position",
         "Non-negative, sum to 1 over real source positions, 0 on padding",
         "They are the scores E_{t,s} themselves and can be negative"), 2,
        "α_t = softmax of the scores over s, with padded positions set to −∞ before the softmax; "
        "the context C_t = Σ_s α_{t,s} H_s is then a weighted average of the real encoder states.",
    ),
    Question(
        "ch06-bottleneck", 6,
        "Trained the same way, why does the encoder–decoder without attention make more mistakes on dates?",
        ("Its vocabulary is smaller",
         "It has no decoder",
         "Without attention the decoder cannot be trained with teacher forcing, only free-running",
         "The whole source must fit in the one vector S_0; attention can look up each field"), 3,
        "The fixed context must carry year, month and day at once for any of 18 layouts; attention only has "
        "to find where each field is written.",
    ),
    Question(
        "ch06-score-shape", 6,
        "With encoder states H_enc (N, T_x, H), decoder state S_{t−1} (N, H), W_sa (H, A), W_ha (H, A), v_a (A,): "
        "what is the shape of the scores E_t = tanh(S_{t−1} W_sa + H_enc W_ha + b_a) v_a?",
        ("(N, T_x, A)",
         "(N, A)",
         "(N, T_x)",
         "(T_x, A)"), 2,
        "The tanh term is (N, T_x, A) (the query is broadcast over T_x); the product with v_a removes A: "
        "one score per source position of each sequence.",
    ),
    Question(
        "ch06-masked-loss", 6,
        "A batch mixes targets of 4 and 11 tokens, padded to 11. How does the masked loss treat the 7 padded positions "
        "of the short target?",
        ("They are weighted by 1/7",
         "They are predicted as <eos>",
         "They count as correct predictions",
         "No loss, no gradient; the mean is over real tokens only"), 3,
        "mask = 0 at padding: the cross-entropy is summed over mask = 1 positions and divided by their count, "
        "so the result does not depend on how much padding the batch has.",
    ),
]
