"""Chapter 06b — bidirectional and deep RNNs, dot-product attention scores (``for_chapter("06b")``).

Their ids start with "ch06-" and they carry chapter number 6, the chapter they extend, so the revision sheet lists them there.
"""

from . import Question

QUESTIONS = [
    Question(
        "ch06-bidir-output", 6,
        "A bidirectional GRU layer has H = 32 units per direction and reads inputs of size D = 10. What is the size "
        "of its output at one time step, and how many weight sets does it have?",
        ("32, one set shared by both directions", "64, two independent sets (one per direction)",
         "64, one set applied twice", "32, two sets whose outputs are averaged into one vector of size H"), 1,
        "Each direction is its own cell with its own weights (2× the parameters of one GRU); their outputs are "
        "concatenated, 2H = 64 numbers per step.",
    ),
    Question(
        "ch06-bidir-generate", 6,
        "Why can a bidirectional RNN not be used as the decoder that generates a translation left to right?",
        ("Its backward states at step t have read the later tokens, which do not exist yet while generating",
         "It has too many parameters to train with teacher forcing",
         "Its two directions would need two different vocabularies",
         "Its output is 2H wide, while the softmax over the target vocabulary expects exactly H numbers as its input"), 0,
        "←H_t depends on x_{t+1}, ..., x_T. While generating, those are what the model must produce; trained "
        "with them visible it learns to copy the next token. Bidirectional layers belong in encoders and taggers.",
    ),
    Question(
        "ch06-deep-h_n-shape", 6,
        "nn.LSTM(input_size=8, hidden_size=16, num_layers=2, bidirectional=True, batch_first=True) reads a batch "
        "of 4 sequences of 10 steps. What is the shape of h_n?",
        ("(4, 10, 32)", "(4, 4, 16)", "(2, 4, 32)", "(4, 4, 16) only with batch_first=False"), 1,
        "h_n is (num_layers·num_directions, N, H) = (4, 4, 16) whether batch_first is set or not; batch_first "
        "changes only input and output, and output is (4, 10, 32).",
    ),
    Question(
        "ch06-bidir-summary", 6,
        "You want one vector summarising a sequence read by a bidirectional encoder. Why is output[:, -1] "
        "(the last time step of the output) a poor choice?",
        ("It is padding for every sequence shorter than T",
         "It holds only the forward direction",
         "Its backward half has read only the last step; the backward summary is at t = 1",
         "It is the output of the layer below the top one, which frameworks return there for historical reasons"), 2,
        "The right-to-left cell ends at position 1, so [→H_T, ←H_1] (the last rows of h_n) is the summary. With "
        "padding, →H must also be taken at each sequence's last real step.",
    ),
    Question(
        "ch06-scaled-dot", 6,
        "Why does scaled dot-product attention divide the scores by √d?",
        ("To make the weights add up to 1",
         "To make attention cost O(√d) instead of O(d)",
         "Because the keys are normalised to length √d",
         "Dot products of d-dimensional unit-variance vectors have variance d; unscaled, the softmax saturates"), 3,
        "With variance d the scores spread over ±√d; for large d the softmax gives one position almost all the "
        "weight and its gradient nearly vanishes. Dividing by √d brings the spread back to about 1.",
    ),
    Question(
        "ch06-general-qkv", 6,
        "How does the general (bilinear) score E_s = S W_a H_sᵀ relate to a transformer's Q Kᵀ?",
        ("It is Q Kᵀ with Q = S W_Q, K = H W_K and W_a = W_Q W_Kᵀ",
         "It is unrelated: transformers use additive scores",
         "It equals Q Kᵀ only when W_a is diagonal",
         "It is Q Kᵀ without the softmax"), 0,
        "(S W_Q)(H_s W_K)ᵀ = S (W_Q W_Kᵀ) H_sᵀ: one matrix W_a stands for the two projections. The dot score is "
        "the case W_a = I.",
    ),
    Question(
        "ch06-bmes-tag", 6,
        "In BMES tagging of 大学生喜欢学习, which tag does the second character 学 get, and what must a tagger "
        "read to know it?",
        ("E, from the characters before it", "B, from the character itself",
         "S, from the whole sentence", "M, from the next character 生"), 3,
        "大学生 is one word, so 学 is in its middle (M). In 大学 alone it would be E: only the character after it "
        "decides, which a left-to-right tagger has not read yet.",
    ),
]
