"""Drills on sizes and scalars: parameter counts, framework shapes, clipping, perplexity."""

import numpy as np

from ..frameworks import BLOCKS
from . import Step, drill, num, par, value, vec

CELL_NAMES = {"rnn": "vanilla RNN", "lstm": "LSTM", "gru": "GRU"}
# integer triples whose squares add up to a square: global norms come out whole
TRIPLES = ((1, 2, 2, 3), (2, 3, 6, 7), (1, 4, 8, 9), (4, 4, 7, 9), (2, 6, 9, 11), (3, 4, 12, 13), (2, 10, 11, 15))


@drill("param_count", "Counting parameters", "参数量计算")
def param_count(rng):
    cell = str(rng.choice(list(BLOCKS)))
    D, H, V = (int(rng.choice(c)) for c in ((2, 3, 4, 5, 10), (2, 3, 4, 8, 10), (5, 10, 20)))
    G = BLOCKS[cell]
    block = D * H + H * H + H
    question = (f"A {CELL_NAMES[cell]} layer reads inputs of size D = {D} with H = {H} hidden units, and an output "
                f"layer maps H_t to V = {V} scores.\nHow many parameters has the cell (one bias per block, as in this "
                "course), the cell with its output layer, and the cell as PyTorch counts it (two biases per block)?")
    steps = [Step("one block", f"D·H + H·H + H = {D}·{H} + {H}·{H} + {H} = {block}", float(block)),
             Step("cell", f"{G} block{'s' if G > 1 else ''} ({'gates and candidate' if G > 1 else 'no gates'}) "
                          f"× {block} = {G * block}", float(G * block)),
             Step("with output", f"{G * block} + H·V + V = {G * block} + {H * V} + {V} = {G * block + H * V + V}",
                  float(G * block + H * V + V)),
             Step("pytorch cell", f"{G}·(D·H + H·H + 2H) = {G}·({D * H} + {H * H} + {2 * H}) = "
                                  f"{G * (D * H + H * H + 2 * H)}", float(G * (D * H + H * H + 2 * H)))]
    return question, steps, {"cell": cell, "D": D, "H": H, "V": V}


@drill("deep_shapes", "Shapes of a deep bidirectional layer", "深层双向 RNN 的形状")
def deep_shapes(rng):
    cell = str(rng.choice(["lstm", "gru"]))
    N, T, D, H, L = (int(rng.choice(c)) for c in ((2, 4, 8, 32), (5, 10, 20), (3, 8, 16), (4, 8, 16, 32), (2, 3)))
    G = BLOCKS[cell]
    first = 2 * G * (D * H + H * H + 2 * H)
    later = 2 * G * (2 * H * H + H * H + 2 * H)
    total = first + (L - 1) * later
    question = (f"nn.{cell.upper()}(input_size={D}, hidden_size={H}, num_layers={L}, bidirectional=True, "
                f"batch_first=True) reads a batch of N = {N} sequences of T = {T} steps.\n"
                "Give the shapes of output and h_n, and the number of parameters (PyTorch: two biases per block).")
    steps = [Step("output", f"(N, T, num_directions·H) = ({N}, {T}, 2·{H}) — the top layer, both directions",
                  (float(N), float(T), float(2 * H))),
             Step("h_n", f"(num_layers·num_directions, N, H) = ({L}·2, {N}, {H}) — not batch first",
                  (float(2 * L), float(N), float(H))),
             Step("layer 1", f"2 directions × {G}·(D·H + H·H + 2H) = 2·{G}·({D * H} + {H * H} + {2 * H}) = {first}",
                  float(first)),
             Step("parameters", f"layer 1 + {L - 1} × (2·{G}·(2H·H + H·H + 2H) = {later}) = {total} "
                                f"(layers above the first read 2H = {2 * H} inputs)", float(total))]
    return question, steps, {"cell": cell, "N": N, "T": T, "D": D, "H": H, "L": L}


@drill("clipping", "Gradient clipping by global norm", "按全局范数梯度裁剪")
def clipping(rng):
    a, b, c, norm = TRIPLES[rng.integers(len(TRIPLES))]
    k = float(rng.choice([1, 2]))
    signs = rng.choice([-1.0, 1.0], 3)
    dW = np.array([a, b], dtype=float) * signs[:2] * k
    db = np.array([c], dtype=float) * signs[2] * k
    norm = norm * k
    max_norm = float(rng.choice([1.0, 2.0, 5.0]))
    scale = max_norm / norm
    question = (f"The gradients of one update are dW = {vec(dW)} and db = {vec(db)}. Clip them by global norm "
                f"with threshold {num(max_norm)}:\nfind the global norm, the scale factor and the clipped gradients.")
    steps = [Step("norm", f"sqrt({par(dW[0])}² + {par(dW[1])}² + {par(db[0])}²) = sqrt({num(norm ** 2)}) = {num(norm)}",
                  norm),
             Step("scale", f"min(1, threshold / norm) = {num(max_norm)} / {num(norm)} = {num(scale, 4)}", scale),
             Step("dW clipped", f"scale · dW = {vec(dW * scale, 4)}", value(dW * scale)),
             Step("db clipped", f"scale · db = {vec(db * scale, 4)} (the direction is kept; the new norm is "
                                f"{num(max_norm)})", float(db[0] * scale))]
    return question, steps, {"dW": dW, "db": db, "max_norm": max_norm}


@drill("perplexity", "Cross-entropy and perplexity of a language model", "交叉熵与困惑度")
def perplexity(rng):
    p = rng.choice([1.0, 0.5, 0.25, 0.125, 0.0625], size=4, p=[0.1, 0.3, 0.3, 0.2, 0.1])
    V = int(rng.choice([16, 32, 64]))
    nll = np.abs(np.log(p))                            # −ln p, without a −0 for p = 1
    H = float(nll.mean())
    text = "".join(rng.choice(list("abcdefg"), size=5))
    question = (f"A character language model reads '{text}'. The probabilities it gave to the true next characters "
                f"were {', '.join(num(v) for v in p)}.\nCompute −ln p for each, the cross-entropy per character "
                f"(in nats) and the perplexity. How does it compare with a uniform model over V = {V} characters?")
    steps = [Step("-ln p", f"−ln of each = {vec(nll)}", value(nll)),
             Step("cross-entropy", f"mean = {num(nll.sum())} / 4 = {num(H)} nats per character", H),
             Step("perplexity", f"exp(cross-entropy) = exp({num(H)}) = {num(np.exp(H))} — as uncertain as a fair "
                                f"choice among {num(np.exp(H))} characters; the uniform model scores exp(ln {V}) = {V}",
                  float(np.exp(H)))]
    return question, steps, {"p": p, "V": V}
