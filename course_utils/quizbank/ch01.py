"""Chapter 01 — the MLP recap."""

from . import Question

QUESTIONS = [
    Question(
        "ch01-shapes", 1,
        "A batch X has shape (N, D) = (32, 2) and the first layer has 16 hidden units. What is the shape of W1?",
        ("(32, 16)",
         "(2, 16)",
         "(16, 2)",
         "(16,)"), 1,
        "Row-vector convention: A1 = X W1 + b1, so W1 maps D=2 inputs to H=16 units and is (D, H) = (2, 16).",
    ),
    Question(
        "ch01-softmax-ce-grad", 1,
        "For softmax followed by cross-entropy with label y, what is ∂L/∂z for one example?",
        ("softmax(z) − onehot(y)",
         "softmax(z) ⊙ (1 − softmax(z))",
         "−1 / softmax(z)_y",
         "onehot(y) − softmax(z)"), 0,
        "The two derivatives combine into p − onehot(y): the predicted probabilities minus the target.",
    ),
    Question(
        "ch01-linear-collapse", 1,
        "What does an MLP with two layers and no activation function (f(a) = a) compute?",
        ("A step function, like a perceptron's",
         "Any continuous function, given enough hidden units",
         "A quadratic function of x",
         "Only an affine function of x"), 3,
        "X W1 W2 + (b1 W2 + b2) is one affine map: without a nonlinearity, depth adds nothing.",
    ),
    Question(
        "ch01-gradcheck-h", 1,
        "Why does the gradient check use a central difference (f(x+h) − f(x−h)) / 2h in float64?",
        ("It is cheaper than the backward pass",
         "float32 would make the loss negative",
         "Its error is O(h²), and float64 leaves room for a small h",
         "It avoids computing the loss"), 2,
        "The one-sided difference has O(h) error; float32's ~1e-7 precision would drown the difference. "
        "With both, a correct backward pass agrees to about 1e-8 or better.",
    ),
    Question(
        "ch01-bias-grad", 1,
        "In Y = X W + b with X of shape (N, D), how is db obtained from dY (N, H)?",
        ("db = dY summed over the batch axis",
         "db = dY",
         "db = mean of W",
         "db = Xᵀ dY, like the weight gradient"), 0,
        "b is added to every row, so every example's gradient flows into it: sum dY over n.",
    ),
    Question(
        "ch01-no-memory", 1,
        "Why can't a plain MLP read the sentence 'not good' one word at a time and classify it?",
        ("Backpropagation does not work on words",
         "It keeps no state from one input to the next",
         "Its weights are too small",
         "Softmax cannot output two classes"), 1,
        "Each forward pass starts from scratch; an MLP on word 2 has no trace of word 1, and its input width is fixed.",
    ),
]
