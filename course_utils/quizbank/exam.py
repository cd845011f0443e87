"""Exam-style questions as papers phrase them, each with its Chinese prompt (part of the quiz bank).

Five kinds, as set in Chinese and international finals:

    true_false   判断题    a statement; answer True/False with a one-line reason
    term         名词解释  explain a term in two or three sentences
    short        简答题    a short answer, compared with the model answer
    calculation  计算题    a hand calculation: ``drill`` names the drills generator (course_utils.drills)
    drawing      画图题    a structure diagram: ``drawing`` names the diagram (course_utils.diagrams)

``exam_questions()`` returns them; the practice paper (``make practice-paper``) prints a seeded
selection with the answers in its key. The multiple-choice bank (``all_questions``) is separate.
"""

from dataclasses import dataclass

KINDS = {"true_false": ("True or false", "判断题"), "term": ("Explain the term", "名词解释"),
         "short": ("Short answer", "简答题"), "calculation": ("Calculation", "计算题"),
         "drawing": ("Drawing", "画图题")}


@dataclass(frozen=True)
class ExamQuestion:
    """One exam-style question. ``answer`` is the verdict and reason (true_false) or the model answer."""
    qid: str
    chapter: int
    kind: str
    prompt: str
    prompt_zh: str
    answer: str
    verdict: bool = None      # true_false only
    drill: str = None         # calculation only: a course_utils.drills kind
    drawing: str = None       # drawing only: a course_utils.diagrams cell

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {list(KINDS)}; got {self.kind!r} in {self.qid}")
        if (self.kind == "true_false") != (self.verdict is not None):
            raise ValueError(f"verdict must be given exactly for true_false questions; {self.qid} is {self.kind}")


def _tf(qid, chapter, prompt, prompt_zh, verdict, reason):
    return ExamQuestion(qid, chapter, "true_false", prompt, prompt_zh, reason, verdict=verdict)


EXAM_QUESTIONS = [
    _tf("exam-lstm-shared", 4, "An LSTM uses different weights at each time step.", "LSTM 在每个时间步使用不同的参数。",
        False, "The same W_x·, W_h·, b_· are used at every step; the four sets belong to the three gates and the candidate."),
    _tf("exam-gru-output", 5, "In the GRU's output H_t = Z_t ⊙ H_{t-1} + (1 − Z_t) ⊙ H̃_t the reset gate does not appear.",
        "GRU 的输出 H_t = Z_t ⊙ H_{t-1} + (1 − Z_t) ⊙ H̃_t 中不含重置门。",
        True, "R_t acts only inside the candidate H̃_t; a formula with r_t in the output line (as in the seed notes) is wrong."),
    _tf("exam-clipping-vanishing", 3, "Gradient clipping solves the vanishing-gradient problem.",
        "梯度裁剪（梯度截断）可以解决梯度消失问题。",
        False, "Clipping only scales a gradient whose norm exceeds the threshold (explosion); small gradients pass unchanged."),
    _tf("exam-lstm-no-vanishing", 4, "An LSTM cannot suffer from vanishing gradients.", "LSTM 完全不会出现梯度消失。",
        False, "The cell path carries gradient only while F_t ≈ 1; with small forget gates, and through the gates, it still shrinks."),
    _tf("exam-beam-k1", 6, "Beam search with beam width k = 1 is greedy search.", "束宽 k = 1 的束搜索就是贪心搜索。",
        True, "Keeping one prefix and extending it by its most probable token is exactly the greedy rule."),
    _tf("exam-bidir-params", 6, "A bidirectional LSTM layer has twice the parameters of a one-directional LSTM with the same D and H.",
        "相同 D、H 下，双向 LSTM 层的参数量是单向 LSTM 的两倍。",
        True, "Two independent cells, so 2 · 4(DH + H² + H) parameters; the output is 2H wide."),
    _tf("exam-teacher-forcing", 6, "With teacher forcing, the decoder is fed its own previous prediction during training.",
        "教师强制训练时，解码器的输入是它自己上一步的预测。",
        False, "It is fed the true previous token y_{t-1}; feeding its own predictions is what scheduled sampling (计划采样) mixes in."),
    _tf("exam-uniform-ppl", 2, "The perplexity of a uniform model over a vocabulary of V tokens is V.",
        "在大小为 V 的词表上均匀分布的模型，困惑度为 V。",
        True, "Its cross-entropy is ln V per token, and exp(ln V) = V."),
    ExamQuestion("exam-term-bptt", 2, "term", "Backpropagation through time (BPTT).", "随时间反向传播（BPTT）",
                 "Backpropagation applied to the RNN unrolled over its T steps: the gradient reaching H_t is the output's "
                 "plus what flows back from H_{t+1} through W_hh; the shared weights receive the sum over all steps. "
                 "Truncated BPTT stops the backward pass after k steps to save time and memory."),
    ExamQuestion("exam-term-teacher-forcing", 6, "term", "Teacher forcing.", "教师强制",
                 "Training a decoder with the true previous token as its input at every step, so each step learns from "
                 "a correct history. At test time the model must feed its own outputs, which causes exposure bias."),
    ExamQuestion("exam-term-exposure-bias", 6, "term", "Exposure bias.", "暴露偏差",
                 "The mismatch between training on true prefixes and generating from the model's own: a single wrong "
                 "token at test time leads into states never seen in training. Scheduled sampling reduces it."),
    ExamQuestion("exam-term-attention", 6, "term", "Attention mechanism.", "注意力机制",
                 "At every decoder step, a score between the decoder state (query) and each encoder state (key) is "
                 "turned into weights by a softmax, and the weighted average of the encoder states (values) is the "
                 "context; it removes the fixed-size bottleneck of an encoder–decoder."),
    ExamQuestion("exam-term-perplexity", 2, "term", "Perplexity.", "困惑度",
                 "The exponential of the average per-token cross-entropy, exp(−(1/T) Σ ln p(x_t | x_<t)); it is the "
                 "number of equally likely choices the model is as uncertain as. Lower is better; a uniform model scores V."),
    ExamQuestion("exam-short-vanishing", 3, "short",
                 "Why do the gradients of a vanilla RNN vanish or explode over long time spans?",
                 "为什么普通 RNN 在长时间跨度上会出现梯度消失或梯度爆炸？",
                 "∂H_T/∂H_t is a product of T − t Jacobians diag(1 − H_k²) W_hhᵀ. Its norm is at most "
                 "(‖W_hh‖ · max tanh′)^{T−t}: below 1 it shrinks geometrically (vanishing; tanh′ ≤ 1 makes this the "
                 "common case), with a large W_hh it can grow geometrically (exploding). So long-range dependencies "
                 "(长程依赖) get almost no gradient."),
    ExamQuestion("exam-short-lstm-cell", 4, "short", "How does the LSTM's cell state help with long-term dependencies?",
                 "LSTM 的细胞状态如何缓解长期依赖问题？",
                 "The cell state is updated additively, C_t = F_t ⊙ C_{t-1} + I_t ⊙ C̃_t, so ∂C_t/∂C_{t-1} = diag(F_t) "
                 "on the direct path, with no squashing nonlinearity and no weight matrix. With forget gates near 1 "
                 "(initialised by a forget bias) the gradient survives many steps; the gates learn what to keep and write."),
    ExamQuestion("exam-short-lstm-gru", 5, "short", "Compare the LSTM and the GRU: gates, state and parameters.",
                 "比较 LSTM 与 GRU：门、状态与参数量。",
                 "LSTM: input, forget and output gates plus a candidate, two state vectors (H_t, C_t), 4(DH + H² + H) "
                 "parameters. GRU: reset and update gates plus a candidate, one state H_t interpolated by the update "
                 "gate, 3(DH + H² + H) parameters. Both keep gradients alive through a gated additive path; which is "
                 "better depends on the task and on the keep-gate initialisation."),
    ExamQuestion("exam-short-beam", 6, "short",
                 "Why use beam search instead of greedy decoding, and what does length normalisation fix?",
                 "为什么用束搜索而不是贪心解码？长度归一化解决什么问题？",
                 "Greedy decoding commits to the most probable token at each step and cannot undo it, so it can miss "
                 "a more probable whole sequence; beam search keeps the k best prefixes. Every token multiplies the "
                 "probability by a number below 1, so raw log P favours short outputs; dividing by L^λ (长度归一化) "
                 "compares sequences of different lengths fairly."),
    ExamQuestion("exam-short-scaled", 6, "short", "Why is the dot-product attention score divided by √d in transformers?",
                 "为什么 Transformer 的点积注意力要除以 √d？",
                 "For query and key entries with mean 0 and variance 1 the dot product has variance d. With large d the "
                 "scores spread widely, the softmax puts almost all weight on one position and its gradient nearly "
                 "vanishes; dividing by √d keeps the variance about 1 for any d."),
    ExamQuestion("exam-short-task-shapes", 2, "short",
                 "Name the task shapes an RNN can handle, with one example each.",
                 "RNN 可以处理哪几种输入输出结构？各举一例。",
                 "One-to-many (one input, a sequence out: image captioning, music generation); many-to-one "
                 "(N inputs, 1 output: sentiment analysis 情感分析); many-to-many synchronous (one output per input: "
                 "tagging 序列标注, 分词); many-to-many asynchronous (N inputs, M outputs: machine translation 机器翻译, "
                 "with an encoder–decoder)."),
    ExamQuestion("exam-calc-lstm", 4, "calculation", "Compute one LSTM step by hand (2-dimensional vectors).",
                 "手算一步 LSTM 前向传播（二维向量）。", "See the worked solution of the drill.", drill="lstm_step"),
    ExamQuestion("exam-calc-params", 5, "calculation", "Count the parameters of a recurrent layer and its output layer.",
                 "计算循环层及输出层的参数量。", "See the worked solution of the drill.", drill="param_count"),
    ExamQuestion("exam-calc-beam", 6, "calculation", "Fill in a beam-search table with k = 2.",
                 "填写 k = 2 的束搜索表。", "See the worked solution of the drill.", drill="beam_search"),
    ExamQuestion("exam-calc-ppl", 2, "calculation", "Compute the cross-entropy and the perplexity from given probabilities.",
                 "由给定概率计算交叉熵和困惑度。", "See the worked solution of the drill.", drill="perplexity"),
    ExamQuestion("exam-draw-lstm", 4, "drawing", "Draw the structure of an LSTM cell and label the gates.",
                 "画出 LSTM 单元的结构图，并标出各个门。",
                 "Three σ gates and a tanh candidate read [X_t, H_{t-1}]; C_{t-1} → ⊙F_t → +(I_t ⊙ C̃_t) → C_t; "
                 "H_t = O_t ⊙ tanh(C_t).", drawing="lstm"),
    ExamQuestion("exam-draw-gru", 5, "drawing", "Draw the structure of a GRU cell and label the gates.",
                 "画出 GRU 单元的结构图，并标出各个门。",
                 "σ gates R_t and Z_t read [X_t, H_{t-1}]; the candidate reads X_t and R_t ⊙ H_{t-1}; "
                 "H_t = Z_t ⊙ H_{t-1} + (1 − Z_t) ⊙ H̃_t.", drawing="gru"),
]


def exam_questions(kind=None, chapter=None):
    """The exam-style questions, optionally only one ``kind`` and/or one ``chapter``."""
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind must be one of {list(KINDS)}; got {kind!r}")
    return [q for q in EXAM_QUESTIONS if (kind is None or q.kind == kind) and (chapter is None or q.chapter == chapter)]
