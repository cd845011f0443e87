"""Drills on the cells: one RNN, LSTM and GRU step, a scalar BPTT, an output layer with its loss.

Row vectors as in the course: X_t (1, D) times W_x? (D, H). Numbers are drawn from small
round sets so the products can be done by hand; only σ, tanh, exp and ln need a calculator.
"""

import numpy as np

from ..activations import sigmoid
from . import Step, drill, mat, num, par, round_pick, value, vec

WEIGHTS = (-1.0, -0.5, 0.0, 0.5, 1.0)
INPUTS = (-1.0, 0.0, 1.0, 2.0)
STATES = (-0.5, 0.0, 0.5, 1.0)
BIASES = (-0.5, 0.0, 0.5)


def _rowvec_times(x, W):
    """The worked form of x W for a row vector x: x_1·(row 1 of W) + x_2·(row 2 of W)."""
    terms = " + ".join(f"{par(xi)}·{vec(row)}" for xi, row in zip(x, W))
    return f"{terms} = {vec(x @ W)}"


def _pre(x, h, W_x, W_h, b, g):
    A = x @ W_x + h @ W_h + b
    return A, f"A_{g} = X_t W_x{g} + H_(t-1) W_h{g} + b_{g} = {vec(x @ W_x)} + {vec(h @ W_h)} + {vec(b)} = {vec(A)}"


def _weights(rng, shape):
    return round_pick(rng, WEIGHTS, shape)


@drill("rnn_step", "One step of a vanilla RNN", "RNN 单步前向计算")
def rnn_step(rng):
    x, h = round_pick(rng, INPUTS, 2), round_pick(rng, STATES, 2)
    W_xh, W_hh, b_h = _weights(rng, (2, 2)), _weights(rng, (2, 2)), round_pick(rng, BIASES, 2)
    A = x @ W_xh + h @ W_hh + b_h
    question = (f"A vanilla RNN computes H_t = tanh(X_t W_xh + H_(t-1) W_hh + b_h) with row vectors.\n"
                f"X_t = {vec(x)}, H_(t-1) = {vec(h)}, W_xh = {mat(W_xh)}, W_hh = {mat(W_hh)} (rows), "
                f"b_h = {vec(b_h)}.\nCompute H_t.")
    steps = [Step("X_t W_xh", _rowvec_times(x, W_xh), value(x @ W_xh)),
             Step("H_prev W_hh", _rowvec_times(h, W_hh), value(h @ W_hh)),
             Step("A", f"X_t W_xh + H_prev W_hh + b_h = {vec(A)}", value(A)),
             Step("H_t", f"tanh(A) = tanh({vec(A)}) = {vec(np.tanh(A))}", value(np.tanh(A)))]
    return question, steps, {"X_t": x, "H_prev": h, "W_xh": W_xh, "W_hh": W_hh, "b_h": b_h}


def _gated_data(rng, gates):
    """Input weights full (2, 2); recurrent weights diagonal (as many exam papers give them); biases round."""
    data = {"X_t": round_pick(rng, INPUTS, 2), "H_prev": round_pick(rng, STATES, 2)}
    for g in gates:
        data[f"W_x{g}"] = _weights(rng, (2, 2))
        data[f"W_h{g}"] = np.diag(round_pick(rng, WEIGHTS, 2))
        data[f"b_{g}"] = round_pick(rng, BIASES, 2)
    return data


def _given(data, gates):
    return "\n".join(f"  W_x{g} = {mat(data[f'W_x{g}'])}, W_h{g} = diag{vec(np.diag(data[f'W_h{g}']))}, "
                     f"b_{g} = {vec(data[f'b_{g}'])}" for g in gates)


@drill("lstm_step", "One step of an LSTM", "LSTM 单步前向计算")
def lstm_step(rng):
    d = _gated_data(rng, "ifoc")
    d["C_prev"] = round_pick(rng, (-1.0, 0.0, 1.0, 2.0), 2)
    x, h = d["X_t"], d["H_prev"]
    pre = {g: _pre(x, h, d[f"W_x{g}"], d[f"W_h{g}"], d[f"b_{g}"], g) for g in "ifoc"}
    I, F, O = (sigmoid(pre[g][0]) for g in "ifo")
    C_cand = np.tanh(pre["c"][0])
    C = F * d["C_prev"] + I * C_cand
    H = O * np.tanh(C)
    question = ("An LSTM step (row vectors): I_t, F_t, O_t = σ(X_t W_x? + H_(t-1) W_h? + b_?), "
                "C̃_t = tanh(X_t W_xc + H_(t-1) W_hc + b_c),\nC_t = F_t ⊙ C_(t-1) + I_t ⊙ C̃_t, H_t = O_t ⊙ tanh(C_t).\n"
                f"X_t = {vec(x)}, H_(t-1) = {vec(h)}, C_(t-1) = {vec(d['C_prev'])},\n{_given(d, 'ifoc')}\n"
                "Compute the gates, C_t and H_t.")
    steps = [Step(name, f"{pre[g][1]}; {fn}(A_{g}) = {vec(val)}", value(val))
             for name, g, fn, val in (("I_t", "i", "σ", I), ("F_t", "f", "σ", F), ("O_t", "o", "σ", O),
                                      ("C~_t", "c", "tanh", C_cand))]
    steps += [Step("C_t", f"F_t ⊙ C_(t-1) + I_t ⊙ C̃_t = {vec(F)}⊙{vec(d['C_prev'])} + {vec(I)}⊙{vec(C_cand)} = {vec(C)}",
                   value(C)),
              Step("H_t", f"O_t ⊙ tanh(C_t) = {vec(O)} ⊙ {vec(np.tanh(C))} = {vec(H)}", value(H))]
    return question, steps, d


@drill("gru_step", "One step of a GRU", "GRU 单步前向计算")
def gru_step(rng):
    d = _gated_data(rng, "rzh")
    x, h = d["X_t"], d["H_prev"]
    A_r, work_r = _pre(x, h, d["W_xr"], d["W_hr"], d["b_r"], "r")
    A_z, work_z = _pre(x, h, d["W_xz"], d["W_hz"], d["b_z"], "z")
    R, Z = sigmoid(A_r), sigmoid(A_z)
    A_h = x @ d["W_xh"] + (R * h) @ d["W_hh"] + d["b_h"]
    H_cand = np.tanh(A_h)
    H = Z * h + (1 - Z) * H_cand
    question = ("A GRU step (row vectors, Cho et al. 2014, the course's default): R_t, Z_t = σ(X_t W_x? + H_(t-1) W_h? + b_?),\n"
                "H̃_t = tanh(X_t W_xh + (R_t ⊙ H_(t-1)) W_hh + b_h), H_t = Z_t ⊙ H_(t-1) + (1 − Z_t) ⊙ H̃_t.\n"
                f"X_t = {vec(x)}, H_(t-1) = {vec(h)},\n{_given(d, 'rzh')}\nCompute R_t, Z_t, H̃_t and H_t.")
    steps = [Step("R_t", f"{work_r}; σ(A_r) = {vec(R)}", value(R)),
             Step("Z_t", f"{work_z}; σ(A_z) = {vec(Z)}", value(Z)),
             Step("H~_t", f"R_t ⊙ H_(t-1) = {vec(R * h)}; A_h = {vec(x @ d['W_xh'])} + {vec((R * h) @ d['W_hh'])} + "
                          f"{vec(d['b_h'])} = {vec(A_h)}; tanh(A_h) = {vec(H_cand)}", value(H_cand)),
             Step("H_t", f"Z_t ⊙ H_(t-1) + (1 − Z_t) ⊙ H̃_t = {vec(Z * h)} + {vec((1 - Z) * H_cand)} = {vec(H)}",
                  value(H))]
    return question, steps, d


@drill("bptt_scalar", "Backpropagation through time, three scalar steps", "三步标量 BPTT")
def bptt_scalar(rng):
    w, u = rng.choice([0.5, 1.0]), rng.choice([-0.5, 0.5, 1.0])
    x = round_pick(rng, (-1.0, 0.0, 1.0), 3)
    x[0] = rng.choice([-1.0, 1.0])                      # a non-zero start, so every step matters
    h = [0.0]
    for t in range(3):
        h.append(float(np.tanh(w * x[t] + u * h[-1])))
    delta = [0.0] * 4                                   # δ_t = ∂L/∂A_t with L = h_3
    dh = 1.0
    for t in (3, 2, 1):
        delta[t] = dh * (1 - h[t] ** 2)
        dh = delta[t] * u
    dL_du = sum(delta[t] * h[t - 1] for t in (1, 2, 3))
    dL_dw = sum(delta[t] * x[t - 1] for t in (1, 2, 3))
    question = (f"A scalar RNN h_t = tanh(w x_t + u h_(t-1)), h_0 = 0, with w = {num(w)}, u = {num(u)} reads "
                f"x_1, x_2, x_3 = {num(x[0])}, {num(x[1])}, {num(x[2])}. The loss is L = h_3.\n"
                "Run the forward pass, then backpropagate: δ_t = ∂L/∂(w x_t + u h_(t-1)), and find ∂L/∂u and ∂L/∂w.")
    steps = [Step(f"h_{t}", f"tanh({par(w)}·{par(x[t - 1])} + {par(u)}·{par(h[t - 1])}) = {num(h[t])}", h[t])
             for t in (1, 2, 3)]
    steps += [Step("delta_3", f"∂L/∂h_3 · (1 − h_3²) = 1 · (1 − {par(h[3])}²) = {num(delta[3])}", delta[3]),
              Step("delta_2", f"δ_3 · u · (1 − h_2²) = {num(delta[3])}·{par(u)}·(1 − {par(h[2])}²) = {num(delta[2])}",
                   delta[2]),
              Step("delta_1", f"δ_2 · u · (1 − h_1²) = {par(delta[2])}·{par(u)}·(1 − {par(h[1])}²) = {num(delta[1])}",
                   delta[1]),
              Step("dL/du", "Σ_t δ_t h_(t-1) = " + " + ".join(f"{par(delta[t])}·{par(h[t - 1])}" for t in (1, 2, 3))
                   + f" = {num(dL_du)}", dL_du),
              Step("dL/dw", "Σ_t δ_t x_t = " + " + ".join(f"{par(delta[t])}·{par(x[t - 1])}" for t in (1, 2, 3))
                   + f" = {num(dL_dw)}", dL_dw)]
    return question, steps, {"w": w, "u": u, "x": x}


@drill("output_loss", "Output layer, softmax and cross-entropy", "输出层、softmax 与交叉熵")
def output_loss(rng):
    h = round_pick(rng, (-1.0, 0.0, 0.5, 1.0), 2)
    W_hq, b_q = round_pick(rng, (-1.0, 0.0, 1.0), (2, 3)), round_pick(rng, (0.0, 0.5), 3)
    y = int(rng.integers(3))
    O = h @ W_hq + b_q
    P = np.exp(O - O.max()) / np.exp(O - O.max()).sum()
    dO = P - np.eye(3)[y]
    question = (f"An RNN's hidden state H_t = {vec(h)} feeds the output layer O_t = H_t W_hq + b_q with "
                f"W_hq = {mat(W_hq)} (rows), b_q = {vec(b_q)}.\nThe true class is y = {y} (counting from 0). "
                "Compute O_t, P = softmax(O_t), the loss −ln P_y and its gradient ∂L/∂O_t.")
    steps = [Step("O_t", f"{_rowvec_times(h, W_hq)}; + b_q = {vec(O)}", value(O)),
             Step("P", f"exp(O_t) / Σ exp(O_t) = {vec(np.exp(O))} / {num(np.exp(O).sum())} = {vec(P)}", value(P)),
             Step("loss", f"−ln P_{y} = −ln {num(P[y])} = {num(-np.log(P[y]))}", float(-np.log(P[y]))),
             Step("dO", f"P − onehot(y) = {vec(dO)}", value(dO))]
    return question, steps, {"H_t": h, "W_hq": W_hq, "b_q": b_q, "y": y}
