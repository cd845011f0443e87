"""Drills on the decoder: attention weights from scores, dot-product attention, a beam-search table."""

from itertools import product

import numpy as np

from . import Step, drill, num, round_pick, value, vec

TOKENS = ("a", "b", "c")
FIRST = ((0.5, 0.3, 0.2), (0.4, 0.35, 0.25), (0.45, 0.35, 0.2))
AFTER = ((0.6, 0.3, 0.1), (0.5, 0.4, 0.1), (0.7, 0.2, 0.1), (0.9, 0.05, 0.05), (0.8, 0.1, 0.1))


def _softmax_steps(E, values, score_name="E"):
    expE = np.exp(E)
    alpha = expE / expE.sum()
    C = alpha @ values
    terms = " + ".join(f"{num(a)}·{vec(v)}" for a, v in zip(alpha, values))
    return [Step(f"exp({score_name})", f"exp({vec(E)}) = {vec(expE)}, sum {num(expE.sum())}", value(expE)),
            Step("alpha", f"exp({score_name}) / sum = {vec(alpha)} (they add up to 1)", value(alpha)),
            Step("C", f"Σ_s α_s H_s = {terms} = {vec(C)}", value(C))]


@drill("attention_weights", "Attention weights and context from given scores", "由打分计算注意力权重与上下文向量")
def attention_weights(rng):
    E = round_pick(rng, (-1.0, 0.0, 1.0, 2.0), 3)
    H = round_pick(rng, (-1.0, 0.0, 1.0, 2.0), (3, 2))
    question = (f"An attention layer scored three encoder states: E = {vec(E)}. The states (values) are "
                f"H_1, H_2, H_3 = {', '.join(vec(h) for h in H)}.\nCompute the weights α = softmax(E) and the "
                "context C = Σ α_s H_s.")
    return question, _softmax_steps(E, H), {"E": E, "H_enc": H}


@drill("dot_attention", "Scaled dot-product attention", "缩放点积注意力")
def dot_attention(rng):
    s = round_pick(rng, (-1.0, 0.0, 1.0, 2.0), 2)
    if not s.any():
        s[0] = 1.0
    H = round_pick(rng, (-1.0, 0.0, 1.0), (3, 2))
    E = H @ s
    question = (f"Query S = {vec(s)}; keys = values H_1, H_2, H_3 = {', '.join(vec(h) for h in H)} (d = 2).\n"
                "Compute the dot-product scores S·H_s, scale them by 1/√d, then the weights and the context.")
    steps = [Step("E", "S·H_s = " + ", ".join(f"{vec(s)}·{vec(h)} = {num(e)}" for h, e in zip(H, E)), value(E)),
             Step("E scaled", f"E / √2 = {vec(E / np.sqrt(2))}", value(E / np.sqrt(2)))]
    steps += _softmax_steps(E / np.sqrt(2), H, "E scaled")
    return question, steps, {"S_prev": s, "H_enc": H}


def _tables(rng):
    while True:
        first = np.array(FIRST[rng.integers(len(FIRST))])[rng.permutation(3)]
        after = np.array([np.array(AFTER[i])[rng.permutation(3)] for i in rng.integers(len(AFTER), size=3)])
        joint = first[:, None] * after
        if len(set(np.round(joint.ravel(), 6))) == 9:          # no ties: one right answer
            return first, after


def _seq(i, j):
    return f"{TOKENS[i]} {TOKENS[j]}"


@drill("beam_search", "Beam search with k = 2", "束搜索(k = 2)")
def beam_search(rng):
    first, after = _tables(rng)
    g1 = int(np.argmax(first))
    g2 = int(np.argmax(after[g1]))
    beam1 = [int(i) for i in np.argsort(-first, kind="stable")[:2]]
    cand = sorted(((first[i] * after[i, j], i, j) for i, j in product(beam1, range(3))), reverse=True)
    (p_best, b1, b2), (p_second, c1, c2) = cand[0], cand[1]
    best_all = max(first[i] * after[i, j] for i, j in product(range(3), repeat=2))
    rows = "\n".join(f"  after {TOKENS[i]}: " + ", ".join(f"P({t}) = {num(after[i, k])}" for k, t in enumerate(TOKENS))
                     for i in range(3))
    question = ("A decoder writes two tokens from {a, b, c}, then <eos> (probability 1). Step 1: "
                + ", ".join(f"P({t}) = {num(first[k])}" for k, t in enumerate(TOKENS)) + f".\nStep 2:\n{rows}\n"
                "Give the greedy output and its probability, the beam (k = 2) after steps 1 and 2 (most probable "
                "first, as 'a b, c a'), and the probability of beam search's answer.")
    steps = [Step("greedy", f"argmax step 1 = {TOKENS[g1]}, then argmax after {TOKENS[g1]} = {TOKENS[g2]}",
                  _seq(g1, g2)),
             Step("P greedy", f"{num(first[g1])} · {num(after[g1, g2])} = {num(first[g1] * after[g1, g2], 4)}",
                  float(first[g1] * after[g1, g2])),
             Step("beam after step 1", "the 2 most probable first tokens: "
                  + ", ".join(f"{TOKENS[i]} ({num(first[i])})" for i in beam1), ", ".join(TOKENS[i] for i in beam1)),
             Step("beam after step 2", "extend both by every token, keep the 2 best of 6: "
                  + ", ".join(f"{_seq(i, j)} = {num(p, 4)}" for p, i, j in cand),
                  f"{_seq(b1, b2)}, {_seq(c1, c2)}"),
             Step("P beam", f"P({_seq(b1, b2)}) = {num(p_best, 4)}"
                  + (" — better than greedy" if p_best > first[g1] * after[g1, g2] + 1e-9 else " — the same as greedy")
                  + (f"; the best of all 9 sequences has {num(best_all, 4)}: k = 2 missed it" if best_all > p_best + 1e-9
                     else "; no sequence is more probable"), float(p_best))]
    return question, steps, {"first": first, "after": after}

