"""What PyTorch and Keras recurrent layers return, as shapes, next to the course's stacked layers (chapter 06b).

Exams and interviews ask for these shapes; the rules, in the course's letters
(N batch, T steps, D inputs, H hidden units, L layers, dirs = 2 if bidirectional else 1,
G blocks per cell: 1 RNN, 4 LSTM, 3 GRU):

PyTorch ``nn.RNN/nn.LSTM/nn.GRU(D, H, num_layers=L, bidirectional=..., batch_first=True)``
    output (N, T, dirs·H)     the top layer at every step, directions concatenated
    h_n    (L·dirs, N, H)     the last state of every layer and direction — NOT batch first,
                              even with batch_first=True; index layer·dirs + direction
    c_n    (L·dirs, N, H)     LSTM only
    weight_ih_l{k}[_reverse] (G·H, D_k), weight_hh_l{k} (G·H, H), bias_ih_l{k}, bias_hh_l{k} (G·H,)
                              with D_0 = D and D_k = dirs·H: column form, W x, two biases per block

Keras ``LSTM/GRU/SimpleRNN(H, return_sequences=..., return_state=...)`` (one layer per object;
every layer below the top of a stack needs return_sequences=True)
    output (N, T, H) with return_sequences, else (N, H) the last step
    states [h (N, H), c (N, H)] for LSTM, [h (N, H)] for GRU/SimpleRNN, with return_state
    kernel (D, G·H), recurrent_kernel (H, G·H): row form like this course; bias (G·H,),
    or (2, 3H) for the GRU with reset_after=True (Keras's default in TensorFlow 2)
    ``Bidirectional(...)`` concatenates: (N, T, 2H) / (N, 2H); states [h_f, (c_f,) h_b, (c_b)]
"""

from ._validate import check_choice, check_positive_int

BLOCKS = {"rnn": 1, "lstm": 4, "gru": 3}


def _check(cell, sizes):
    check_choice("cell", cell, BLOCKS)
    for name, value in sizes.items():
        check_positive_int(name, value)


def pytorch_shapes(cell, N, T, D, H, num_layers=1, bidirectional=False):
    """Shapes of output, h_n (and c_n) and every parameter of nn.RNN/LSTM/GRU with batch_first=True."""
    _check(cell, {"N": N, "T": T, "D": D, "H": H, "num_layers": num_layers})
    dirs, G = (2 if bidirectional else 1), BLOCKS[cell]
    shapes = {"input": (N, T, D), "output": (N, T, dirs * H), "h_n": (num_layers * dirs, N, H)}
    if cell == "lstm":
        shapes["c_n"] = (num_layers * dirs, N, H)
    for k in range(num_layers):
        D_k = D if k == 0 else dirs * H
        for suffix in ("", "_reverse")[:dirs]:
            shapes[f"weight_ih_l{k}{suffix}"] = (G * H, D_k)
            shapes[f"weight_hh_l{k}{suffix}"] = (G * H, H)
            shapes[f"bias_ih_l{k}{suffix}"] = (G * H,)
            shapes[f"bias_hh_l{k}{suffix}"] = (G * H,)
    return shapes


def keras_shapes(cell, N, T, D, H, return_sequences=False, return_state=False, bidirectional=False):
    """Shapes of a Keras layer's outputs (a list when return_state) and weights (one layer)."""
    _check(cell, {"N": N, "T": T, "D": D, "H": H})
    dirs, G = (2 if bidirectional else 1), BLOCKS[cell]
    out = (N, T, dirs * H) if return_sequences else (N, dirs * H)
    n_states = 2 if cell == "lstm" else 1
    outputs = [out] + ([(N, H)] * n_states * dirs if return_state else [])
    weights = {"kernel": (D, G * H), "recurrent_kernel": (H, G * H),
               "bias": (2, G * H) if cell == "gru" else (G * H,)}
    return {"outputs": outputs, "weights": weights, "copies of the weights": dirs}


def param_count(cell, D, H, num_layers=1, bidirectional=False, biases_per_block=2):
    """Σ over layers and directions of G·(D_k·H + H·H + biases·H).

    biases_per_block=2 is PyTorch (bias_ih and bias_hh); 1 is this course's b (and Keras's
    SimpleRNN/LSTM). A course GRU with reset_after=True has 3 + 1 biases of size H per block set
    (b_r, b_z, b_h, b_hh): count it as 1 per block plus H.
    """
    _check(cell, {"D": D, "H": H, "num_layers": num_layers})
    if biases_per_block not in (1, 2):
        raise ValueError(f"biases_per_block must be 1 or 2; got {biases_per_block!r}")
    dirs, G = (2 if bidirectional else 1), BLOCKS[cell]
    total = 0
    for k in range(num_layers):
        D_k = D if k == 0 else dirs * H
        total += dirs * G * (D_k * H + H * H + biases_per_block * H)
    return total


def shapes_table(cell, N, T, D, H, num_layers=1, bidirectional=False):
    """A printable side-by-side of the PyTorch names and shapes (what a student is asked to write)."""
    shapes = pytorch_shapes(cell, N, T, D, H, num_layers, bidirectional)
    dirs = 2 if bidirectional else 1
    head = (f"nn.{ {'rnn': 'RNN', 'lstm': 'LSTM', 'gru': 'GRU'}[cell] }(input_size={D}, hidden_size={H}, "
            f"num_layers={num_layers}, bidirectional={bidirectional}, batch_first=True), batch N={N}, T={T}")
    lines = [head]
    for name in ("input", "output", "h_n", "c_n"):
        if name in shapes:
            lines.append(f"  {name:<8} {shapes[name]}")
    lines.append(f"  parameters: {param_count(cell, D, H, num_layers, bidirectional)} "
                 f"(PyTorch, 2 biases per block; {param_count(cell, D, H, num_layers, bidirectional, 1)} with one), "
                 f"{num_layers * dirs} weight sets")
    return "\n".join(lines)
