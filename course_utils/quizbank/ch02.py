"""Chapter 02 — the vanilla RNN."""

from . import Question

QUESTIONS = [
    Question(
        "ch02-param-count", 2,
        "A vanilla RNN cell has D = 10 inputs and H = 20 hidden units. How many parameters do "
        "W_xh, W_hh and b_h hold together when it reads sequences of length T = 100?",
        ("62,000",
         "620",
         "200 + 400 = 600, plus 20 per time step",
         "It depends on the batch size"), 1,
        "10·20 + 20·20 + 20 = 620. The same three arrays are used at every step, so T does not enter the count.",
    ),
    Question(
        "ch02-concat-width", 2,
        "Write the RNN step as one matrix product [X_t, H_{t-1}] W. What is the shape of W for D inputs and H units?",
        ("(H, H)",
         "(D, H)",
         "(D · H, H)",
         "(D + H, H)"), 3,
        "The row [X_t, H_{t-1}] has D + H entries; W stacks W_xh (D, H) on top of W_hh (H, H).",
    ),
    Question(
        "ch02-added-or-concatenated", 2,
        "A revision sheet says the previous hidden output is 'added to the next input vector'. What does the RNN really do with H_{t-1}?",
        ("Replaces X_t by H_{t-1} every other step",
         "Multiplies it by W_hh and adds X_t W_xh: the same as concatenating [X_t, H_{t-1}]",
         "Averages H_{t-1} with X_t",
         "Adds H_{t-1} to X_t element by element before the product with W_xh, which forces D = H"), 1,
        "Only the products are summed: X_t W_xh + H_{t-1} W_hh. Adding raw vectors would mix two different spaces "
        "and would not even be defined when D ≠ H.",
    ),
    Question(
        "ch02-bptt-two-paths", 2,
        "In BPTT for a tagger with an output O_t at every step, which gradients add up to dL/dH_t?",
        ("Only the one from O_t",
         "Only the one from H_{t+1}; O_t's gradient stops at W_hq",
         "The one from O_t plus the one from H_{t+1}",
         "The ones from X_t and from H_{t-1}, its two inputs"), 2,
        "H_t is used twice in the forward pass — by O_t and by H_{t+1} — so its gradient is the sum of both.",
    ),
    Question(
        "ch02-shared-gradient", 2,
        "Because W_hh is shared across time, its gradient is…",
        ("zero, since the weights do not change during a sequence",
         "the gradient of the last step only",
         "the average of the per-step weights",
         "the sum over t of H_{t-1}ᵀ dA_t"), 3,
        "Each use of a shared weight contributes one term; the total gradient is the sum of the per-step terms.",
    ),
    Question(
        "ch02-segmentation-shape", 2,
        "Chinese word segmentation done by tagging each character as 'starts a word' or not is which task shape?",
        ("asynchronous sequence → sequence",
         "class → sequence",
         "synchronous sequence → sequence",
         "sequence → class"), 2,
        "One output per input character, aligned with it: synchronous. Machine translation would be asynchronous.",
    ),
    Question(
        "ch02-why-encoder-decoder", 2,
        "Why does machine translation use an encoder–decoder pair of RNNs instead of one output per input step?",
        ("A single RNN has too few parameters",
         "Output and input differ in length and are not aligned word by word",
         "Softmax only works for classification",
         "RNNs cannot read Chinese"), 1,
        "The decoder starts from <bos> and emits tokens until <eos>, so the output length is decided while generating (chapter 06).",
    ),
    Question(
        "ch02-truncated-bptt", 2,
        "A language model is trained on a long text with truncated BPTT in chunks of k = 25 steps, carrying the hidden state across chunks. What is cut?",
        ("The backward pass: no gradient flows from one chunk into the previous one",
         "The output layer's gradient",
         "Nothing: it computes the exact gradient faster",
         "The forward pass: the hidden state is reset to zero at the start of every 25-step chunk"), 0,
        "The forward state still crosses chunk borders, but gradients stop there: dependencies longer than k steps get no learning signal.",
    ),
    Question(
        "ch02-temperature", 2,
        "When sampling from a character language model, what does a temperature close to 0 do?",
        ("It almost always picks the most likely character",
         "Makes the model forget its hidden state",
         "Slows the model down",
         "Makes every character equally likely"), 0,
        "Dividing the logits by a small τ sharpens softmax towards the argmax, so the text gets repetitive; a large τ "
        "flattens it towards uniform.",
    ),
    Question(
        "ch02-bag-of-tokens", 2,
        "'good but not great' is negative and 'not good but great' positive. Why can no bag-of-tokens classifier get both right?",
        ("Both have the same token counts, hence the same input",
         "The reviews are too short for a bag of tokens to pick up a pattern",
         "Bag-of-tokens models cannot output two classes",
         "The word 'but' is unknown"), 0,
        "Counts discard order; two inputs with identical features must receive the same prediction.",
    ),
]
