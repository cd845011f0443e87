"""Exam revision (chapter 07), the data: formula sheet, shapes, glossary, misconceptions, a quiz on paper.

Everything here is data or a thin function over the other modules, so that the
numbers on the revision sheet are the numbers the course's code produces:
parameter counts come from ``compare``, each misconception's demonstration runs
``rnn``/``lstm``/``gru``/``attention``/``seq2seq``/``optim``, and the quizzes
draw from ``quizbank`` (the one place the questions live). The widgets over these data
(flash cards, the cell-path slider, the timed quiz) are in ``labs.revision_lab``.
"""

from itertools import product
from typing import Callable, NamedTuple

import numpy as np

from . import attention, compare, gru, lstm, optim, rnn, seq2seq
from .activations import sigmoid

# --- glossary ------------------------------------------------------------------


class Term(NamedTuple):
    english: str
    chinese: str
    chapter: int      # where the course introduces it
    meaning: str      # one sentence


GLOSSARY = [Term(*row) for row in [
    ("multilayer perceptron (MLP)", "多层感知机", 1, "Layers of affine maps and nonlinearities with no memory: each input is processed on its own."),
    ("activation function", "激活函数", 1, "The elementwise nonlinearity (tanh, sigmoid, ReLU) that lets stacked layers be more than one linear map."),
    ("backpropagation", "反向传播", 1, "The chain rule applied layer by layer from the loss back to every parameter, one local derivative at a time."),
    ("gradient check", "梯度检验", 1, "Comparing a backward pass with central finite differences in float64; a relative error below 1e-7 means they agree."),
    ("softmax", "softmax 函数", 1, "Turns a row of scores into probabilities: exponentiate, then divide by the sum."),
    ("cross-entropy loss", "交叉熵损失", 1, "Minus the log-probability the model gives to the correct class, averaged over examples."),
    ("learning rate", "学习率", 1, "The step size of gradient descent; too large and training diverges."),
    ("recurrent neural network (RNN)", "循环神经网络", 2, "A network that reads a sequence one step at a time and carries a hidden state from step to step."),
    ("hidden state", "隐藏状态", 2, "The vector H_t that summarises what the network has read up to step t."),
    ("time step", "时间步", 2, "One position t of the sequence; the cell runs once per step."),
    ("parameter sharing", "参数共享", 2, "The same weights W_xh, W_hh, b_h are used at every time step, so the parameter count does not depend on T."),
    ("backpropagation through time (BPTT)", "随时间反向传播", 2, "Backpropagation on the network unrolled over the steps; shared weights receive the sum of every step's gradient."),
    ("embedding", "词嵌入（词向量）", 2, "A learned vector per vocabulary item, looked up as the input X_t of a step."),
    ("sequence-to-class", "序列到类别", 2, "A whole sequence in, one label out (sentiment, topic): read everything, classify the last state."),
    ("sentiment analysis", "情感分析", 2, "Classifying a text as positive or negative: the standard many-to-one (sequence-to-class) task."),
    ("synchronous sequence-to-sequence", "同步的序列到序列", 2, "One output per input step (tagging, word segmentation)."),
    ("sequence labelling (tagging)", "序列标注", 2, "Giving every input step its own label, such as a word-segmentation tag per character: the synchronous sequence-to-sequence shape."),
    ("asynchronous sequence-to-sequence", "异步的序列到序列", 2, "Output and input sequences of different lengths (translation, summarisation): needs an encoder–decoder."),
    ("language model", "语言模型", 2, "A model of the probability of the next token given the ones before it; sampling from it generates text."),
    ("perplexity", "困惑度", 2, "The exponential of a language model's average cross-entropy per token: a uniform model over V tokens scores V, lower is better."),
    ("padding and mask", "填充与掩码", 2, "Short sequences are filled up to a common length; the mask keeps the filler out of the loss."),
    ("long-term dependency", "长期依赖（长程依赖）", 3, "An output that depends on an input many steps earlier, which a plain RNN struggles to learn."),
    ("vanishing gradient", "梯度消失", 3, "The gradient shrinks geometrically as it flows back through many steps, so early inputs stop influencing learning."),
    ("exploding gradient", "梯度爆炸", 3, "The gradient grows geometrically through many steps, so one update can wreck the weights."),
    ("Jacobian matrix", "雅可比矩阵", 3, "The matrix of partial derivatives of one step's state with respect to the previous one; BPTT multiplies one per step, so their product decides whether gradients vanish or explode."),
    ("singular value", "奇异值", 3, "How much a matrix stretches a vector along one direction; if the largest singular value of every step's Jacobian is below 1, the gradient must shrink."),
    ("spectral radius", "谱半径", 3, "The largest absolute eigenvalue of W_hh; above 1 repeated products tend to grow, below 1 to shrink."),
    ("orthogonal initialisation", "正交初始化", 3, "Starting W_hh as an orthogonal matrix, whose singular values are all 1, so that at first the recurrence neither shrinks nor stretches the state."),
    ("gradient clipping", "梯度裁剪（梯度截断）", 3, "Rescaling the gradient when its norm exceeds a threshold; it tames explosion but does nothing for vanishing."),
    ("long short-term memory (LSTM)", "长短期记忆网络", 4, "A gated RNN with a cell state that is updated additively, so information and gradients can survive many steps."),
    ("cell state", "细胞状态", 4, "The LSTM's memory C_t, changed only by elementwise forgetting and adding: C_t = F_t ⊙ C_{t-1} + I_t ⊙ C̃_t."),
    ("gating", "门控", 4, "Multiplying a vector elementwise by gate values in (0, 1), so that the network itself decides, per unit and per step, how much passes."),
    ("gate", "门", 4, "A sigmoid layer whose values in (0, 1) scale another vector elementwise, deciding how much passes."),
    ("forget gate", "遗忘门", 4, "F_t decides how much of the old cell state C_{t-1} is kept."),
    ("input gate", "输入门", 4, "I_t decides how much of the candidate C̃_t is written into the cell state (some Chinese texts, the "
     "source blog post included, also call it 更新门, the name this course keeps for the GRU's Z_t)."),
    ("output gate", "输出门", 4, "O_t decides how much of tanh(C_t) is exposed as the hidden output H_t."),
    ("candidate (cell update)", "候选记忆", 4, "C̃_t = tanh(...): the new content proposed for the cell state at this step."),
    ("elementwise product", "逐元素乘积（对位乘）", 4, "The product ⊙ multiplies two arrays of the same shape entry by entry; the shape is unchanged."),
    ("gated recurrent unit (GRU)", "门控循环单元", 5, "A gated RNN with two gates and no separate cell state: the hidden state itself is interpolated."),
    ("reset gate", "重置门", 5, "R_t decides how much of H_{t-1} is used when forming the candidate H̃_t."),
    ("update gate", "更新门", 5, "Z_t interpolates: H_t = Z_t ⊙ H_{t-1} + (1 − Z_t) ⊙ H̃_t, so Z_t = 1 keeps the old state."),
    ("reset-after (library GRU form)", "重置后置", 5, "The GRU form of cuDNN, PyTorch and Keras: the reset gate scales H_{t-1} W_hh + b_hh after the product, instead of H_{t-1} before it (Cho et al.), which needs one more bias b_hh."),
    ("time constant", "时间常数", 5, "For a unit whose update gate stays at z, the state decays like z^k, and τ = −1/ln z is the number of steps until a fraction 1/e is left (about 1/(1 − z) when z is close to 1)."),
    ("candidate hidden state", "候选隐藏状态", 5, "H̃_t = tanh(...): the GRU's proposed new state before interpolation."),
    ("encoder–decoder (seq2seq)", "编码器-解码器", 6, "One RNN reads the source, a second generates the target from the first one's states; lengths may differ."),
    ("machine translation", "机器翻译", 6, "Rewriting a sentence in another language: the standard asynchronous sequence-to-sequence task, scored with BLEU."),
    ("encoder", "编码器", 6, "The RNN that reads the source sequence into states H_enc."),
    ("decoder", "解码器", 6, "The RNN that generates the output one token at a time, starting from <bos> and stopping at <eos>."),
    ("BOS / EOS token", "开始/结束标记", 6, "Special tokens that start the decoder and let it say that the output is complete."),
    ("teacher forcing", "教师强制", 6, "In training, the decoder is fed the true previous token instead of its own prediction."),
    ("mixed teacher forcing", "混合教师强制", 6, "In training, the decoder is fed the true previous token with a fixed probability r and its own previous output otherwise."),
    ("scheduled sampling", "计划采样", 6, "Mixed teacher forcing whose ratio r falls during training, from pure teacher forcing towards feeding the decoder its own tokens (Bengio et al., 2015)."),
    ("exposure bias", "暴露偏差", 6, "At test time the decoder sees its own (possibly wrong) tokens, which teacher forcing never showed it."),
    ("greedy decoding", "贪心解码", 6, "Emit the most probable token at every step; fast, but an early choice cannot be undone."),
    ("length normalisation", "长度归一化", 6, "Ranking finished hypotheses of different lengths by log P / L^λ, because every extra token lowers the raw log-probability."),
    ("beam search", "束搜索", 6, "Keep the k most probable prefixes at every step; usually better than greedy, still not exhaustive."),
    ("attention", "注意力机制", 6, "At every output step, a softmax-weighted average of all encoder states, weighted by relevance to the decoder state."),
    ("query / key / value", "查询 / 键 / 值", 6, "In attention, the query (the decoder state S_{t-1}) is compared with every key to give its score, and the values (here the same encoder states H_s) are averaged with the resulting weights."),
    ("context vector", "上下文向量", 6, "The weighted average C_t = Σ_s α_{t,s} H_s that attention hands to the decoder."),
    ("bidirectional RNN", "双向循环神经网络", 6, "Two independent cells read the sequence left to right and right to left; each step outputs both states concatenated (2H)."),
    ("stacked (deep) RNN", "堆叠/深层 RNN", 6, "Recurrent layers on top of each other, each reading the hidden states of the layer below at every step."),
    ("dot-product attention", "点积注意力", 6, "Attention whose score is the dot product of the query and each key, scaled by 1/√d in transformers."),
]]

DECKS = ("all chapters",) + tuple(f"chapter {c:02d}" for c in sorted({t.chapter for t in GLOSSARY}))


def glossary_table():
    """The glossary as a Markdown table (English | 中文 | chapter | meaning), in course order."""
    rows = ["| English | 中文 | ch. | in one sentence |", "|---|---|---|---|"]
    rows += [f"| {t.english} | {t.chinese} | {t.chapter:02d} | {t.meaning} |" for t in GLOSSARY]
    return "\n".join(rows)


# --- formula sheet -----------------------------------------------------------------

FORMULA_SHEET = {   # model -> rows; each row is a list of LaTeX equations (DESIGN §3 notation)
    "RNN": {
        "gates": [],
        "candidate": [],
        "new state": [r"H_t = \tanh(X_t W_{xh} + H_{t-1} W_{hh} + b_h)"],
        "state carried": [r"H_t \in \mathbb{R}^{N \times H}"],
        "backward": [r"dA_t = dH_t \odot (1 - H_t^2)", r"dW_{xh} \mathrel{+}= X_t^\top dA_t,\ dW_{hh} \mathrel{+}= H_{t-1}^\top dA_t",
                     r"db_h \mathrel{+}= \textstyle\sum_n dA_t,\ dX_t = dA_t W_{xh}^\top"],
        "to t-1": [r"dH_{t-1} = dA_t W_{hh}^\top \;(+\, dO_{t-1} W_{hq}^\top)",
                   r"\text{over } k \text{ steps: a product of } k \text{ Jacobians } \mathrm{diag}(1 - H^2) W_{hh}^\top"],
    },
    "LSTM": {
        "gates": [r"I_t = \sigma(X_t W_{xi} + H_{t-1} W_{hi} + b_i)", r"F_t = \sigma(X_t W_{xf} + H_{t-1} W_{hf} + b_f)",
                  r"O_t = \sigma(X_t W_{xo} + H_{t-1} W_{ho} + b_o)"],
        "candidate": [r"\tilde{C}_t = \tanh(X_t W_{xc} + H_{t-1} W_{hc} + b_c)"],
        "new state": [r"C_t = F_t \odot C_{t-1} + I_t \odot \tilde{C}_t", r"H_t = O_t \odot \tanh(C_t)"],
        "state carried": [r"(H_t, C_t)"],
        "backward": [r"dO_t = dH_t \odot \tanh(C_t)", r"dC_t \mathrel{+}= dH_t \odot O_t \odot (1 - \tanh^2 C_t)",
                     r"dF_t = dC_t \odot C_{t-1},\ dI_t = dC_t \odot \tilde{C}_t,\ d\tilde{C}_t = dC_t \odot I_t",
                     r"dA^g_t = dG_t \odot G_t \odot (1 - G_t) \text{ for } G = I, F, O", r"dA^c_t = d\tilde{C}_t \odot (1 - \tilde{C}_t^2)"],
        "to t-1": [r"dC_{t-1} = dC_t \odot F_t \text{ (the cell path)}",
                   r"dH_{t-1} = \textstyle\sum_{g = i, f, o, c} dA^g_t W_{hg}^\top \;(+\, dO_{t-1} W_{hq}^\top)"],
    },
    "GRU (Cho 2014)": {
        "gates": [r"R_t = \sigma(X_t W_{xr} + H_{t-1} W_{hr} + b_r)", r"Z_t = \sigma(X_t W_{xz} + H_{t-1} W_{hz} + b_z)"],
        "candidate": [r"\tilde{H}_t = \tanh(X_t W_{xh} + (R_t \odot H_{t-1}) W_{hh} + b_h)"],
        "new state": [r"H_t = Z_t \odot H_{t-1} + (1 - Z_t) \odot \tilde{H}_t"],
        "state carried": [r"H_t"],
        "backward": [r"dZ_t = dH_t \odot (H_{t-1} - \tilde{H}_t),\ d\tilde{H}_t = dH_t \odot (1 - Z_t)",
                     r"dA^h_t = d\tilde{H}_t \odot (1 - \tilde{H}_t^2),\ dA^z_t = dZ_t \odot Z_t \odot (1 - Z_t)",
                     r"d(R_t \odot H_{t-1}) = dA^h_t W_{hh}^\top,\ dR_t = d(R_t \odot H_{t-1}) \odot H_{t-1}",
                     r"dA^r_t = dR_t \odot R_t \odot (1 - R_t)"],
        "to t-1": [r"dH_{t-1} = dH_t \odot Z_t \text{ (the direct path)}",
                   r"\quad + d(R_t \odot H_{t-1}) \odot R_t + dA^z_t W_{hz}^\top + dA^r_t W_{hr}^\top"],
    },
    "GRU (reset-after)": {
        "gates": [r"R_t, Z_t \text{ as in Cho}"],
        "candidate": [r"\tilde{H}_t = \tanh(X_t W_{xh} + b_h + R_t \odot (H_{t-1} W_{hh} + b_{hh}))"],
        "new state": [r"H_t = Z_t \odot H_{t-1} + (1 - Z_t) \odot \tilde{H}_t"],
        "state carried": [r"H_t"],
        "backward": [r"dZ_t, d\tilde{H}_t, dA^h_t, dA^z_t \text{ as in Cho}",
                     r"dR_t = dA^h_t \odot (H_{t-1} W_{hh} + b_{hh}),\ dA^r_t = dR_t \odot R_t \odot (1 - R_t)",
                     r"db_{hh} \mathrel{+}= \textstyle\sum_n dA^h_t \odot R_t"],
        "to t-1": [r"dH_{t-1} = dH_t \odot Z_t + (dA^h_t \odot R_t) W_{hh}^\top",
                   r"\quad + dA^z_t W_{hz}^\top + dA^r_t W_{hr}^\top"],
    },
    "attention (additive)": {
        "gates": [r"U_{t,s} = \tanh(S_{t-1} W_{sa} + K_s + b_a),\ K_s = H_s W_{ha}", r"e_{t,s} = U_{t,s} v_a"],
        "candidate": [r"\alpha_{t,s} = m_s \exp(e_{t,s}) / \textstyle\sum_{s'} m_{s'} \exp(e_{t,s'})",
                      r"m_s = 1 \text{ at real source positions, } 0 \text{ on padding}"],
        "new state": [r"C_t = \textstyle\sum_s \alpha_{t,s} H_s"],
        "state carried": [r"\text{none: } \alpha_t \text{ is recomputed every step}"],
        "backward": [r"d\alpha_{t,s} = dC_t \cdot H_s", r"de_{t,s} = \alpha_{t,s} (d\alpha_{t,s} - \textstyle\sum_{s'} \alpha_{t,s'} d\alpha_{t,s'})",
                     r"dU_{t,s} = de_{t,s} v_a^\top,\ dK_{t,s} = dU_{t,s} \odot (1 - U_{t,s}^2)"],
        "to t-1": [r"dS_{t-1} = (\textstyle\sum_s dK_{t,s}) W_{sa}^\top",
                   r"dH_s \mathrel{+}= \alpha_{t,s} dC_t + dK_{t,s} W_{ha}^\top"],
    },
}
SHEET_ROWS = {"gates": "gates / scores", "candidate": "candidate / weights", "new state": "new state / context",
              "state carried": "carried to step t+1", "backward": "backward through step t ($d = \\partial L / \\partial$)",
              "to t-1": "gradient paths to step t−1"}

# What every model shares: derivatives, output layer, losses, decoding. (name, LaTeX equations, note)
LOSS_SHEET = [
    ("σ′ and tanh′", [r"\sigma'(a) = \sigma(a)\,(1 - \sigma(a))", r"\tanh'(a) = 1 - \tanh^2(a)"],
     "why every backward line multiplies by $G(1 - G)$ or $1 - \\tilde{C}^2$: the value, not the pre-activation, is cached"),
    ("output layer", [r"O_t = H_t W_{hq} + b_q", r"P_t = \mathrm{softmax}(O_t),\ P_{n,v} = e^{O_{n,v}} / \textstyle\sum_{v'} e^{O_{n,v'}}"],
     "$P_t$ is $(N, V)$; rows sum to 1"),
    ("softmax + cross-entropy", [r"L = -\tfrac{1}{N} \textstyle\sum_n \log P_{n, y_n}",
                                 r"\log P = O - \mathrm{logsumexp}(O) \;\Rightarrow\; dO = \tfrac{1}{N} (P - Y)"],
     "$Y$: one-hot rows of the targets; the gradient never needs the softmax's own Jacobian"),
    ("masked sequence loss", [r"L = -\textstyle\sum_{n,t} m_{n,t} \log P_{n,t,y_{n,t}} \,/\, \textstyle\sum_{n,t} m_{n,t}",
                              r"dO_{n,t} = m_{n,t} (P_{n,t} - Y_{n,t}) \,/\, \textstyle\sum_{n,t} m_{n,t}"],
     "$m_{n,t} = 1$ at real target tokens (the `<eos>` included), 0 at padding: padding adds neither loss nor gradient"),
    ("BPTT", [r"dW = \textstyle\sum_t dW^{(t)}", r"dH_t = dO_t W_{hq}^\top + (\text{gradient from step } t+1)"],
     "shared weights collect every step's gradient; the state gradient flows back through the paths above"),
    ("clipping", [r"g \leftarrow g \cdot \min(1,\ c / \lVert g \rVert)"], "caps exploding gradients; does nothing for vanishing ones"),
    ("beam search", [r"\log P(y \mid x) = \textstyle\sum_t \log p(y_t \mid y_{<t}, x)",
                     r"\mathrm{score}(y) = \log P(y \mid x) / L^{\lambda}"],
     "$L$ tokens, `<eos>` included; $\\lambda = 0$ favours short outputs, $\\lambda = 1$ compares log P per token"),
]
SOLVES = {
    "RNN": r"memory of the past in $H_t$, any length $T$, with shared weights",
    "LSTM": "long-term dependencies: an additive cell path the gradient can follow",
    "GRU (Cho 2014)": "the LSTM's benefit with two gates and no cell state",
    "GRU (reset-after)": r"the same, with one $H_{t-1}$ product per step (what cuDNN, PyTorch, Keras run)",
    "attention (additive)": "the fixed-size bottleneck of encoder–decoder: every source state stays reachable",
}
COSTS = {
    "RNN": "cheapest; gradients vanish or explode over long spans",
    "LSTM": "4× the RNN's parameters and products per step",
    "GRU (Cho 2014)": r"3× the RNN; two $H_{t-1}$ products in a row each step",
    "GRU (reset-after)": r"3× the RNN + $H$ biases; one $H_{t-1}$ product per step",
    "attention (additive)": r"$H_d A + T_x (A + H_e)$ multiply-adds per output step; the keys $H_s W_{ha}$ once per sequence",
}
COST_KEYS = {"RNN": "rnn", "LSTM": "lstm", "GRU (Cho 2014)": "gru", "GRU (reset-after)": "gru_reset_after"}


def formula_sheet(per_table=3):
    """The formula sheet as Markdown: models side by side, at most ``per_table`` to a table.

    Five columns of equations do not fit a 1366 px laptop or a 1280 px projector (the
    table scrolled sideways); three do, so the sheet is two tables with the same rows.
    """
    models = list(FORMULA_SHEET)
    return "\n\n".join(_sheet_table(models[i:i + per_table]) for i in range(0, len(models), per_table))


def _sheet_table(models):
    rows = ["| | " + " | ".join(f"**{m}**" for m in models) + " |", "|---" * (len(models) + 1) + "|"]
    for key, label in SHEET_ROWS.items():
        cells = ["<br>".join(f"${eq}$" for eq in FORMULA_SHEET[m][key]) or "—" for m in models]
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    params = [compare.FORMULAS[COST_KEYS[m]][0] if m in COST_KEYS else "$H_d A + H_e A + 2A$" for m in models]
    rows.append("| parameters | " + " | ".join(params) + " |")
    rows.append("| solves | " + " | ".join(SOLVES[m] for m in models) + " |")
    rows.append("| costs | " + " | ".join(COSTS[m] for m in models) + " |")
    return "\n".join(rows)


def loss_sheet():
    """The second half of the formula sheet as a Markdown table: what every model shares
    (derivatives, output layer, losses and their gradients, BPTT, clipping, beam score)."""
    rows = ["| | formula | note |", "|---|---|---|"]
    rows += [f"| {name} | " + "<br>".join(f"${eq}$" for eq in eqs) + f" | {note} |" for name, eqs, note in LOSS_SHEET]
    return "\n".join(rows)


def attention_param_count(H_d, H_e, A):
    """W_sa (H_d, A) + W_ha (H_e, A) + b_a (A,) + v_a (A,) = H_d·A + H_e·A + 2A."""
    return H_d * A + H_e * A + 2 * A


def shapes_table(D, H, A=None):
    """Markdown table: each model's parameters with shapes, its parameter count and
    multiply-adds per step (from ``compare``) for input size D and hidden size H;
    attention with query and key size H and attention size A (default H)."""
    A = H if A is None else A
    shapes = {"RNN": rnn.param_shapes(D, H), "LSTM": lstm.param_shapes(D, H),
              "GRU (Cho 2014)": gru.param_shapes(D, H), "GRU (reset-after)": gru.param_shapes(D, H, reset_after=True)}
    costs = {c.cell: c for c in compare.costs(D, H)}
    rows = [f"| model (D = {D}, H = {H}) | parameters and shapes | count | multiply-adds per step |", "|---|---|---|---|"]
    for model, named in shapes.items():
        grouped = {}
        for name, shape in named.items():
            grouped.setdefault(shape, []).append(name)
        listed = "; ".join(f"{', '.join(names)}: {shape}" for shape, names in grouped.items())
        cost = costs[COST_KEYS[model]]
        rows.append(f"| {model} | {listed} | {cost.params:,} | {cost.macs:,} |")
    att_count = attention_param_count(H, H, A)
    rows.append(f"| attention (A = {A}) | W_sa: ({H}, {A}); W_ha: ({H}, {A}); b_a, v_a: ({A},) | {att_count:,} | "
                f"{H * A:,} + T_x·{A + H:,} per output step |")
    return "\n".join(rows)


# --- misconceptions, each with a one-line numerical demonstration ---------------------


class Misconception(NamedTuple):
    chapter: int
    claim: str             # what is often said (or what the source text says)
    correction: str
    check: Callable        # () -> (one line of text computed with the course's code, whether it made its point)
    seed_error: bool = False   # one of the source text's errors (DESIGN §9)

    def demo(self):
        """The demonstration's line of text (``check()[1]`` says whether the numbers made the point)."""
        return self.check()[0]


def _close(a, b):
    return bool(np.max(np.abs(a - b)) < 1e-12)


def _demo_lstm_shared():
    rng = np.random.default_rng(0)
    params = lstm.init_lstm_params(3, 4, rng)
    X = rng.normal(size=(2, 6, 3))
    H_seq, _, _ = lstm.lstm_forward(X, None, params)
    state, steps = None, []
    for t in range(6):   # one params dict, reused at every step
        state, _ = lstm.lstm_step_forward(X[:, t], state, params)
        steps.append(state[0])
    same = _close(np.stack(steps, axis=1), H_seq)
    return (f"the step function applied 6 times with ONE params dict reproduces lstm_forward: "
            f"{same}; parameters for any T: {lstm.param_count(3, 4)}"), same


def _demo_gru_seed_formula():
    rng = np.random.default_rng(1)
    params = gru.init_gru_params(3, 4, rng)
    params["b_z"][:] = 20.0          # Z_t ≈ 1: the gate says "keep the old state"
    X, H_prev = rng.normal(size=(1, 3)), np.full((1, 4), 0.8)
    H_t, cache = gru.gru_step_forward(X, H_prev, params)
    g = gru.gate_values(cache)
    R, Z, H_tilde = g["R"][:, 0], g["Z"][:, 0], g["H~"][:, 0]
    seed = H_prev * R + (1 - Z) * H_tilde
    kept = bool(np.max(np.abs(H_t - H_prev)) < 1e-6 and np.max(np.abs(seed - H_prev)) > 0.1)
    return (f"update gate Z ≈ {Z.mean():.3f} (keep): course formula gives H_t = {H_t.mean():.3f} = H_(t-1); "
            f"the seed's H_(t-1)·R_t + (1 − Z_t)·H̃_t gives {seed.mean():.3f}"), kept


def _demo_notation():
    rng = np.random.default_rng(2)
    params = rnn.init_rnn_params(3, 4, rng)
    swapped = {"W_xh": params["W_hh"], "W_hh": params["W_xh"], "b_h": params["b_h"]}
    try:
        rnn.rnn_step_forward(rng.normal(size=(2, 3)), None, swapped)
    except ValueError as exc:
        return f"names say from-to, so swapped matrices are caught: ValueError: {exc}", True
    return "swapped matrices were NOT caught", False


def _demo_concatenation():
    rng = np.random.default_rng(3)
    params = rnn.init_rnn_params(3, 4, rng)
    X_t, H_prev = rng.normal(size=(2, 3)), rng.normal(size=(2, 4))
    two = X_t @ params["W_xh"] + H_prev @ params["W_hh"]
    one = np.concatenate([X_t, H_prev], axis=1) @ np.vstack([params["W_xh"], params["W_hh"]])
    same = _close(one, two)
    return (f"[X_t, H_(t-1)] (2, 7) @ [W_xh; W_hh] (7, 4) equals X_t W_xh + H_(t-1) W_hh: {same}; "
            f"X_t + H_(t-1) itself is undefined for D = 3, H = 4"), same


def _gru_other_convention(X, params):
    """H_t = (1 − Z_t) ⊙ H_{t-1} + Z_t ⊙ H̃_t, the convention some texts use (Cho form otherwise)."""
    H = np.zeros((X.shape[0], params["W_hh"].shape[0]))
    for t in range(X.shape[1]):
        R = sigmoid(X[:, t] @ params["W_xr"] + H @ params["W_hr"] + params["b_r"])
        Z = sigmoid(X[:, t] @ params["W_xz"] + H @ params["W_hz"] + params["b_z"])
        H_tilde = np.tanh(X[:, t] @ params["W_xh"] + (R * H) @ params["W_hh"] + params["b_h"])
        H = (1 - Z) * H + Z * H_tilde
    return H


def _demo_z_convention():
    rng = np.random.default_rng(4)
    params = gru.init_gru_params(3, 4, rng)
    params["b_z"] = rng.normal(size=4)
    X = rng.normal(size=(2, 5, 3))
    _, H_T, _ = gru.gru_forward(X, None, params)
    flipped = dict(params, W_xz=-params["W_xz"], W_hz=-params["W_hz"], b_z=-params["b_z"])
    differ = not _close(_gru_other_convention(X, params), H_T)
    agree = _close(_gru_other_convention(X, flipped), H_T)
    return (f"same weights, other convention: different outputs ({differ}); negate W_xz, W_hz, b_z "
            f"(σ(−a) = 1 − σ(a)) and they agree: {agree}"), differ and agree


def _demo_lstm_vanishing():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(1, 50, 4))
    kept = []
    for bias in (1.0, 5.0):
        params = lstm.init_lstm_params(4, 8, np.random.default_rng(6), forget_bias=bias)
        _, _, cache = lstm.lstm_forward(X, None, params)
        kept.append(np.prod(lstm.gate_values(cache)["F"][0], axis=0).mean())
    return (f"over 50 steps the cell path multiplies the gradient by Π F_t: mean {kept[0]:.1e} with forget bias 1, "
            f"{kept[1]:.2f} with forget bias 5"), bool(kept[0] < 1e-3 and 0.1 < kept[1] < 1)


LSTM_ORDERS = {"this course (fused)": "ifoc", "PyTorch": "ifgo", "Keras": "ifco", "ONNX": "iofc"}
GRU_ORDERS = {"this course (fused)": "rzh", "PyTorch": "rzn", "Keras": "zrh", "ONNX": "zrh"}
_SAME_BLOCK = {"g": "c", "n": "h"}   # PyTorch's names for the candidate


def stack_gates(params, order):
    """Per-gate params -> (W_x, W_h, b) with the blocks side by side in ``order`` (e.g. "ifgo")."""
    keys = [_SAME_BLOCK.get(g, g) for g in order]
    return (np.hstack([params[f"W_x{k}"] for k in keys]), np.hstack([params[f"W_h{k}"] for k in keys]),
            np.concatenate([params[f"b_{k}"] for k in keys]))


def split_gates(W_x, W_h, b, order):
    """The inverse of ``stack_gates``: stacked blocks read in ``order`` -> per-gate params."""
    H = W_h.shape[0]
    params = {}
    for k, g in enumerate(order):
        g = _SAME_BLOCK.get(g, g)
        block = slice(k * H, (k + 1) * H)
        params.update({f"W_x{g}": W_x[:, block], f"W_h{g}": W_h[:, block], f"b_{g}": b[block]})
    return params


def _demo_gate_order():
    rng = np.random.default_rng(7)
    params = lstm.init_lstm_params(3, 4, rng)
    for g in lstm.GATES:
        params[f"b_{g}"] = rng.normal(size=4)
    X = rng.normal(size=(2, 5, 3))
    H_ref = lstm.lstm_forward(X, None, params)[0]
    torch_layout = stack_gates(params, LSTM_ORDERS["PyTorch"])
    as_keras = lstm.lstm_forward(X, None, split_gates(*torch_layout, LSTM_ORDERS["Keras"]))[0]
    as_onnx = lstm.lstm_forward(X, None, split_gates(*torch_layout, LSTM_ORDERS["ONNX"]))[0]
    same, off = _close(as_keras, H_ref), np.max(np.abs(as_onnx - H_ref))
    return (f"PyTorch blocks (i,f,g,o) read as Keras (i,f,c,o): same outputs {same}; "
            f"read as ONNX (i,o,f,c): outputs off by up to {off:.2f}"), bool(same and off > 0.1)


def _demo_clipping():
    grads = {"W": np.full((2, 2), 1e-4)}
    clipped, norm = optim.clip_by_global_norm(grads, max_norm=1.0)
    big, big_norm = optim.clip_by_global_norm({"W": np.full((2, 2), 50.0)}, max_norm=1.0)
    untouched, capped = _close(clipped["W"], grads["W"]), optim.global_norm(big)
    return (f"a vanishing gradient of norm {norm:.0e} is left as it is ({untouched}); "
            f"an exploding one of norm {big_norm:.0f} is scaled to {capped:.1f}"), bool(untouched and abs(capped - 1) < 1e-12)


def _demo_beam():
    # Tokens a, b, c (ids 4, 5, 6), two steps, then <eos>. c is the least likely first token but is
    # followed by a for sure: c a (0.25) beats b a (0.21) and a a (0.16), yet a beam of 2 drops c at step 1.
    first = {4: 0.40, 5: 0.35, 6: 0.25}
    after = {4: {4: 0.4, 5: 0.3, 6: 0.3}, 5: {4: 0.6, 5: 0.2, 6: 0.2}, 6: {4: 1.0}}

    def step_fn(y_prev, steps):   # the state is the number of steps taken, one per row of the beam
        logp = np.full((len(y_prev), 7), -np.inf)
        for row, (y, n) in enumerate(zip(y_prev, steps)):
            table = first if n == 0 else after[int(y)] if n == 1 else {seq2seq.EOS: 1.0}
            for v, p in table.items():
                logp[row, v] = np.log(p)
        return logp, steps + 1, None

    greedy = seq2seq.greedy_search(step_fn, np.zeros(1, dtype=int), 1, max_len=4)
    beams = [seq2seq.beam_search(step_fn, np.zeros(1, dtype=int), k, max_len=4, length_norm=0.0)[0] for k in (2, 3)]
    best = max(first[a] * after[a].get(b, 0.0) for a, b in product(first, repeat=2))
    p_greedy, p_k2, p_k3 = np.exp(greedy.log_prob()[0]), np.exp(beams[0].log_prob), np.exp(beams[1].log_prob)
    return (f"greedy: P = {p_greedy:.2f}; beam k = 2: P = {p_k2:.2f}; "
            f"beam k = 3: P = {p_k3:.2f}; best of all sequences: {best:.2f}"), bool(p_greedy < p_k2 < best - 1e-9)


def _demo_attention_weights():
    rng = np.random.default_rng(8)
    params = attention.init_attention_params(4, 4, 5, rng)
    S_prev = rng.normal(size=(1, 4))
    alphas = [attention.attention_forward(S_prev, rng.normal(size=(1, 6, 4)), None, params)[1] for _ in range(2)]
    sums_to_one = all(abs(a.sum() - 1) < 1e-12 for a in alphas)
    return (f"same parameters, two source sentences: α = {np.round(alphas[0][0], 2)} and {np.round(alphas[1][0], 2)}; "
            f"each sums to {alphas[0].sum():.2f}"), bool(sums_to_one and not _close(alphas[0], alphas[1]))


MISCONCEPTIONS = [
    Misconception(4, "LSTM parameters are not shared across time: there are different parameters at each step.",
                  "All steps share the same weights. The four sets of parameters belong to the three gates and the "
                  "candidate, not to four time steps; the count $4(DH + H^2 + H)$ has no $T$ in it.",
                  _demo_lstm_shared, True),
    Misconception(5, r"The GRU output is $h_t = h_{t-1} \odot r_t + (1 - z_t) \odot \tilde{h}_t$.",
                  r"The update gate interpolates: $H_t = Z_t \odot H_{t-1} + (1 - Z_t) \odot \tilde{H}_t$. The reset "
                  "gate only acts inside the candidate.", _demo_gru_seed_formula, True),
    Misconception(2, r"U and W may change meaning between sections without a word: the source multiplies the input "
                  r"by U and $h_{t-1}$ by W in its RNN section, but the input by W and $h_{t-1}$ by U in its GRU "
                  r"section ($r_t = \sigma(W_r x_t + U_r h_{t-1} + b_r)$).",
                  "A silent switch of notation is an error, not a style: a reader who carries the RNN section's "
                  "meaning of U into the GRU section misreads every GRU equation. Translate each text into one "
                  "notation and say so: this course names every matrix from–to, $W_{xh}$ $(D, H)$ and $W_{hh}$ "
                  "$(H, H)$, in every chapter, so a swapped matrix is a shape error whenever $D \\ne H$, not a "
                  "silent bug.", _demo_notation, True),
    Misconception(2, "The previous hidden output is added to the next input.",
                  r"It is concatenated with the input, $[X_t, H_{t-1}]$, and multiplied by one stacked matrix, which "
                  r"is the same as $X_t W_{xh} + H_{t-1} W_{hh}$: products are summed, not raw vectors.",
                  _demo_concatenation, True),
    Misconception(5, "$Z_t$ is always the weight of the new candidate.",
                  "Conventions differ: this course, Cho et al., PyTorch and Keras keep the old state with $Z_t$; "
                  "some texts keep it with $1 - Z_t$. The two are the same model with the z-gate's weights negated.",
                  _demo_z_convention),
    Misconception(4, "The LSTM removes vanishing gradients entirely.",
                  r"The cell path scales the gradient by the forget gates, $\prod_t F_t$: it survives only while "
                  r"$F_t \approx 1$ (hence a positive forget bias). The path through $H_t$ and the $W_{h\cdot}$ can "
                  "still vanish or explode.",
                  _demo_lstm_vanishing),
    Misconception(4, "Gate weights can be copied between libraries block by block.",
                  "The stacked order differs: PyTorch i,f,g,o; Keras i,f,c,o; ONNX i,o,f,c; this course's fused "
                  "matrices i,f,o,c. GRU: PyTorch r,z,n; Keras and ONNX z,r,h. PyTorch also stores $(4H, D)$, "
                  "transposed. Reorder the blocks, or the model computes something else.", _demo_gate_order),
    Misconception(3, "Gradient clipping fixes vanishing gradients.",
                  "Clipping only caps the norm of a gradient that is too large; a small gradient is untouched. "
                  "Vanishing needs a different architecture (gates) or initialisation.", _demo_clipping),
    Misconception(6, "Beam search finds the most probable output sequence.",
                  "It keeps only $k$ prefixes, so a sequence whose first tokens look unlikely is pruned before its "
                  "likely ending is seen. A wider beam usually finds a more probable output than greedy decoding "
                  "($k = 1$), but only an exhaustive search is guaranteed to find the best.", _demo_beam),
    Misconception(6, "Attention weights are learned parameters.",
                  r"The parameters are $W_{sa}, W_{ha}, b_a, v_a$; the weights $\alpha$ are recomputed for every input and "
                  "every output step by a softmax over the scores.", _demo_attention_weights),
]


def _markdown_text(text):
    """Plain text that Markdown shows as written: HTML escaped, emphasis/table/link characters escaped."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "".join("\\" + ch if ch in "\\`*_[]|#" else ch for ch in text)


def quiz_sheet(questions):
    """The questions on paper (Markdown): options lettered (a), (b), ...; each answer folded in <details>.

    For reading without a kernel (the static site, a printout); the interactive Quiz uses the same questions.
    """
    blocks = []
    for number, q in enumerate(questions, 1):
        options = "\n".join(f"- ({chr(97 + i)}) {_markdown_text(o)}" for i, o in enumerate(q.options))
        blocks.append(f"**{number}.** *(chapter {q.chapter:02d})* {_markdown_text(q.prompt)}\n\n{options}\n\n"
                      f"<details><summary>Answer</summary>\n\n({chr(97 + q.answer)}) "
                      f"{_markdown_text(q.options[q.answer].rstrip('.'))}. {_markdown_text(q.explanation)}\n\n</details>")
    return "\n\n".join(blocks)
