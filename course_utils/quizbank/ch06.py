"""Chapter 06 — encoder–decoder models, decoding and attention."""

from . import Question

QUESTIONS = [
    Question(
        "ch06-bos-role", 6,
        "The decoder is run with <bos> as its first input. Why is a special token needed at all?",
        ("It tells the encoder where the source ends",
         "At step 1 there is no previous output to feed, so a fixed start token takes its place and the first "
         "output depends only on the encoder's summary",
         "It is the token the loss is computed on first", "It pads the target to the source length"), 1,
        "Each decoder step consumes the previous output token. Before anything has been produced, <bos> "
        "stands in for it; the training targets never contain it.",
    ),
    Question(
        "ch06-stop-rule", 6,
        "While decoding, how does the model decide that a date such as 2026-11-27 is complete?",
        ("It always stops after exactly 10 characters", "It stops when the encoder has read the whole input",
         "It stops when it emits the <eos> token (or when a maximum length is reached as a safety net)",
         "It stops when the probability of the next character drops below 0.5"), 2,
        "The output length is decided by the model: <eos> is one more token in its vocabulary, learned from "
        "targets that all end with it. A maximum length stops a model that never emits it.",
    ),
    Question(
        "ch06-teacher-forcing-input", 6,
        "During training with teacher forcing (ratio 1.0), what is the decoder's input at step t > 1?",
        ("The character the model predicted at step t − 1", "The true target character y_{t−1}",
         "The encoder state H_t", "A zero vector"), 1,
        "Teacher forcing feeds the ground-truth prefix, so every step learns from a correct history and an early "
        "mistake does not spoil the later steps' training signal; at test time the model must feed its own outputs instead.",
    ),
    Question(
        "ch06-exposure-bias", 6,
        "What is exposure bias?",
        ("The encoder sees some formats more often than others",
         "A model trained only on true prefixes never saw its own mistakes as inputs, so at test time one wrong "
         "token can lead it into states it was not trained on",
         "Attention weights concentrate on the first characters",
         "The bias b_q of the output layer grows during training"), 1,
        "Mixed teacher forcing (feeding the model's own token with probability 1 − r during training) exposes it "
        "to its mistakes; scheduled sampling lowers r as training goes on. The notebook measures the models "
        "free-running and after a forced error.",
    ),
    Question(
        "ch06-beam-width-one", 6,
        "What does beam search with width k = 1 compute?",
        ("Exhaustive search over every output", "Exactly greedy decoding", "Sampling with temperature 1",
         "The k = 1 shortest outputs"), 1,
        "Keeping only the single best prefix and extending it by its most probable token is greedy "
        "search; a test in the course checks the two give identical outputs.",
    ),
    Question(
        "ch06-length-normalisation", 6,
        "Why does beam search divide log P(y | x) by L^λ (length normalisation) before ranking finished outputs?",
        ("Because long outputs are always wrong",
         "Every extra token multiplies P by a number ≤ 1, so raw log-probability favours short outputs",
         "To make the scores positive", "So that the beam width can be larger"), 1,
        "log P is a sum of negative terms, one per token. Dividing by L^λ with λ = 1 compares average "
        "log-probability per token; λ = 0 is the raw score.",
    ),
    Question(
        "ch06-attention-weights", 6,
        "For one output step of one sequence, which statement about the additive-attention weights α_{t,s} is true?",
        ("They are the scores E_{t,s} themselves and can be negative",
         "They are non-negative, sum to 1 over the real source positions, and are exactly 0 on padding",
         "They sum to 1 over the output steps t for each source position s",
         "They are learned parameters, one per source position"), 1,
        "α_t = softmax of the scores over s, with padded positions set to −∞ before the softmax; "
        "the context C_t = Σ_s α_{t,s} H_s is then a weighted average of the real encoder states.",
    ),
    Question(
        "ch06-bottleneck", 6,
        "Trained the same way, why does the encoder–decoder without attention make more mistakes on dates?",
        ("It has no decoder", "Its whole source must be squeezed into the one vector S_0 it reads at every step, "
         "while attention lets each output step look up the encoder state it needs (e.g. the day digits)",
         "It cannot be trained with teacher forcing", "Its vocabulary is smaller"), 1,
        "The fixed context must carry year, month and day at once for any of 18 layouts; attention only has "
        "to find where each field is written.",
    ),
    Question(
        "ch06-score-shape", 6,
        "With encoder states H_enc (N, T_x, H), decoder state S_{t−1} (N, H), W_sa (H, A), W_ha (H, A), v_a (A,): "
        "what is the shape of the scores E_t = tanh(S_{t−1} W_sa + H_enc W_ha + b_a) v_a?",
        ("(N, A)", "(N, T_x)", "(N, T_x, A)", "(T_x, A)"), 1,
        "The tanh term is (N, T_x, A) (the query is broadcast over T_x); the product with v_a removes A: "
        "one score per source position of each sequence.",
    ),
    Question(
        "ch06-masked-loss", 6,
        "A batch mixes targets of 4 and 11 tokens, padded to 11. How does the masked loss treat the 7 padded positions "
        "of the short target?",
        ("They count as correct predictions", "They contribute neither loss nor gradient, and the mean is taken over real tokens only",
         "They are predicted as <eos>", "They are weighted by 1/7"), 1,
        "mask = 0 at padding: the cross-entropy is summed over mask = 1 positions and divided by their count, "
        "so the result does not depend on how much padding the batch has.",
    ),
]
