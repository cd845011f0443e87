"""Every drill's worked solution is recomputed with the course_utils function it mirrors."""

import numpy as np
import pytest
from tools_loader import load_tool

from course_utils import compare, drills, frameworks, seq2seq
from course_utils.activations import softmax
from course_utils.attention_scores import score_forward
from course_utils.birnn import init_stacked_params, stacked_forward
from course_utils.drills import check, generate, parse_value
from course_utils.drills.render import as_text, parse_answers, practice_paper
from course_utils.labs.drills_lab import drill_experiment
from course_utils.gru import gru_step_forward
from course_utils.losses import sequence_cross_entropy, softmax_cross_entropy
from course_utils.lstm import lstm_step_forward
from course_utils.optim import clip_by_global_norm
from course_utils.rnn import rnn_backward, rnn_forward, rnn_step_forward

SEEDS = range(6)


def values(drill):
    return {s.name: s.value for s in drill.steps}


def close(got, expected):
    np.testing.assert_allclose(np.ravel(got), np.ravel(expected), rtol=1e-12, atol=1e-12)


def test_at_least_ten_kinds_each_with_a_bilingual_title():
    assert len(drills.KINDS) >= 10
    for kind in drills.KINDS:
        d = generate(kind, 0)
        assert d.title and any("\u4e00" <= ch <= "\u9fff" for ch in d.title_zh), kind
        assert len(d.steps) >= 3 and d.question


@pytest.mark.parametrize("seed", SEEDS)
def test_rnn_step(seed):
    d = generate("rnn_step", seed)
    g = {k: np.asarray(v)[None] if k in ("X_t", "H_prev") else v for k, v in d.data.items()}
    H_t, _ = rnn_step_forward(g["X_t"], g["H_prev"], {"W_xh": g["W_xh"], "W_hh": g["W_hh"], "b_h": g["b_h"]})
    close(values(d)["H_t"], H_t)


@pytest.mark.parametrize("seed", SEEDS)
def test_lstm_step(seed):
    d = generate("lstm_step", seed)
    params = {k: v for k, v in d.data.items() if k[:2] in ("W_", "b_")}
    (H_t, C_t), _ = lstm_step_forward(d.data["X_t"][None], (d.data["H_prev"][None], d.data["C_prev"][None]), params)
    close(values(d)["H_t"], H_t)
    close(values(d)["C_t"], C_t)


@pytest.mark.parametrize("seed", SEEDS)
def test_gru_step(seed):
    d = generate("gru_step", seed)
    params = {k: v for k, v in d.data.items() if k[:2] in ("W_", "b_")}
    H_t, _ = gru_step_forward(d.data["X_t"][None], d.data["H_prev"][None], params)
    close(values(d)["H_t"], H_t)


@pytest.mark.parametrize("seed", SEEDS)
def test_bptt_scalar(seed):
    d = generate("bptt_scalar", seed)
    params = {"W_xh": np.array([[d.data["w"]]]), "W_hh": np.array([[d.data["u"]]]), "b_h": np.zeros(1)}
    H, _, cache = rnn_forward(d.data["x"].reshape(1, 3, 1), None, params)
    dH = np.zeros((1, 3, 1))
    dH[0, -1, 0] = 1.0                                     # L = h_3
    _, _, grads = rnn_backward(dH, cache)
    v = values(d)
    close([v["h_1"], v["h_2"], v["h_3"]], H.ravel())
    close(v["dL/du"], grads["W_hh"])
    close(v["dL/dw"], grads["W_xh"])


@pytest.mark.parametrize("seed", SEEDS)
def test_output_loss(seed):
    d = generate("output_loss", seed)
    O = d.data["H_t"] @ d.data["W_hq"] + d.data["b_q"]
    loss, dO = softmax_cross_entropy(O[None], np.array([d.data["y"]]))
    close(values(d)["P"], softmax(O))
    close(values(d)["loss"], loss)
    close(values(d)["dO"], dO)


@pytest.mark.parametrize("seed", SEEDS)
def test_param_count(seed):
    d = generate("param_count", seed)
    cell, D, H, V = (d.data[k] for k in ("cell", "D", "H", "V"))
    v = values(d)
    assert v["cell"] == compare.param_count(cell, D, H)
    assert v["pytorch cell"] == frameworks.param_count(cell, D, H, biases_per_block=2)
    from course_utils.seqmodels import init_model, n_params
    assert v["with output"] == n_params(init_model(cell, D, H, V, np.random.default_rng(0)))


@pytest.mark.parametrize("seed", SEEDS)
def test_deep_shapes(seed):
    d = generate("deep_shapes", seed)
    cell, N, T, D, H, L = (d.data[k] for k in ("cell", "N", "T", "D", "H", "L"))
    torch = frameworks.pytorch_shapes(cell, N, T, D, H, L, bidirectional=True)
    v = values(d)
    assert v["output"] == torch["output"] and v["h_n"] == torch["h_n"]
    assert v["parameters"] == frameworks.param_count(cell, D, H, L, True, biases_per_block=2)
    if N * T * H <= 256:                                  # and the course's own deep layer agrees
        out, h_n, _ = stacked_forward(np.zeros((N, T, D)), init_stacked_params(cell, D, H, L, np.random.default_rng(0),
                                                                               bidirectional=True), cell, True)
        assert out.shape == v["output"] and h_n.shape == v["h_n"]


@pytest.mark.parametrize("seed", SEEDS)
def test_clipping(seed):
    d = generate("clipping", seed)
    clipped, norm = clip_by_global_norm({"W": d.data["dW"], "b": d.data["db"]}, d.data["max_norm"])
    v = values(d)
    close(v["norm"], norm)
    close(v["dW clipped"], clipped["W"])
    close(v["db clipped"], clipped["b"])


@pytest.mark.parametrize("seed", SEEDS)
def test_perplexity(seed):
    d = generate("perplexity", seed)
    p = d.data["p"]
    V = d.data["V"]
    # logits whose softmax gives the true next character probability p_t (the rest spread evenly)
    Z = np.log(np.where(np.arange(V) == 0, p[:, None], (1 - p[:, None]) / (V - 1) + 1e-300))[None]
    loss, _ = sequence_cross_entropy(Z, np.zeros((1, len(p)), dtype=np.int64))
    close(values(d)["cross-entropy"], loss)
    close(values(d)["perplexity"], np.exp(loss))


@pytest.mark.parametrize("seed", SEEDS)
def test_attention_weights(seed):
    d = generate("attention_weights", seed)
    E, H = d.data["E"], d.data["H_enc"]
    alpha = softmax(E)
    close(values(d)["alpha"], alpha)
    close(values(d)["C"], alpha @ H)


@pytest.mark.parametrize("seed", SEEDS)
def test_dot_attention(seed):
    d = generate("dot_attention", seed)
    C, alpha, _ = score_forward("scaled_dot", d.data["S_prev"][None], d.data["H_enc"][None], None, {})
    close(values(d)["alpha"], alpha)
    close(values(d)["C"], C)


@pytest.mark.parametrize("seed", range(12))
def test_beam_search(seed):
    d = generate("beam_search", seed)
    first, after = d.data["first"], d.data["after"]
    ids = {4: "a", 5: "b", 6: "c"}

    def step_fn(y_prev, steps):            # a, b, c are ids 4, 5, 6; after two tokens only <eos>
        logp = np.full((len(y_prev), 7), -np.inf)
        for row, (y, n) in enumerate(zip(y_prev, steps)):
            table = first if n == 0 else after[int(y) - 4] if n == 1 else None
            if table is None:
                logp[row, seq2seq.EOS] = 0.0
            else:
                logp[row, 4:] = np.log(table)
        return logp, steps + 1, None

    greedy = seq2seq.greedy_search(step_fn, np.zeros(1, dtype=int), 1, max_len=4)
    beam = seq2seq.beam_search(step_fn, np.zeros(1, dtype=int), 2, max_len=4, length_norm=0.0)
    v = values(d)
    assert v["greedy"] == " ".join(ids[t] for t in greedy.sequences()[0])
    close(v["P greedy"], np.exp(greedy.log_prob()[0]))
    assert v["beam after step 2"].split(", ") == [" ".join(ids[t] for t in h.tokens[:-1]) for h in beam]
    close(v["P beam"], np.exp(beam[0].log_prob))


def test_check_names_the_first_wrong_intermediate():
    d = generate("rnn_step", 2)
    v = values(d)
    wrong_A = tuple(a + 0.5 for a in v["A"])
    result = check(d, {"X_t W_xh": v["X_t W_xh"], "A": wrong_A, "H_t": v["H_t"]})
    assert not result.ok and result.first_wrong == "A" and "First wrong step: A" in result.message
    rounded = {name: tuple(round(x, 3) for x in val) for name, val in v.items()}
    assert check(d, rounded).ok
    partial = check(d, {"A": v["A"]})
    assert not partial.ok and partial.first_wrong is None and "enter the final answer H_t" in partial.message


def test_tolerance_and_strings():
    assert drills.agrees(0.468, 0.462) and not drills.agrees(0.48, 0.462)
    assert drills.agrees(101.0, 100.0) and not drills.agrees(102.5, 100.0)
    assert not drills.agrees((1.0,), (1.0, 2.0))
    assert drills.agrees("A  C, c c", "a c, c c") and not drills.agrees("c c, a c", "a c, c c")
    assert parse_value("[0.46, -0.76]") == (0.46, -0.76) and parse_value("2") == 2.0
    assert parse_value("b a") == "b a"


def test_answers_from_text_and_the_widget_function():
    d = generate("gru_step", 4)
    v = values(d)
    text = "R_t = " + ", ".join(f"{x:.3f}" for x in v["R_t"]) + "; Z_t = 9, 9"
    assert parse_answers(d, text) == {"R_t": text.split(";")[0].split("=")[1].strip(), "Z_t": "9, 9"}
    result = drill_experiment("gru_step", 4, text)
    assert result.ok and result.values["first_wrong"] == "Z_t" and "First wrong step: Z_t" in result.text
    positional = "\n".join(", ".join(f"{x:.3f}" for x in s.value) for s in d.steps)
    assert drill_experiment("gru_step", 4, positional).values["ok"]
    solved = drill_experiment("gru_step", 4, "", show_solution=True)
    assert "Worked solution" in solved.text and d.steps[-1].work in solved.text


@pytest.mark.parametrize("kind, seed, answers, message", [
    ("lstm", 0, "", "Choose a drill type"),
    ("rnn_step", -1, "", "seed must be a whole number"),
    ("rnn_step", 1.5, "", "seed must be a whole number"),
    ("rnn_step", True, "", "seed must be a whole number"),
    ("rnn_step", 0, "Q = 1", "answer names must be among"),
    ("rnn_step", 0, "1;2;3;4;5", "at most 4 answers"),
])
def test_widget_rejects_bad_controls_with_a_message(kind, seed, answers, message):
    result = drill_experiment(kind, seed, answers)
    assert not result.ok and message in result.text


def test_generate_is_seeded_and_validated():
    assert as_text(generate("clipping", 5), True) == as_text(generate("clipping", 5), True)
    assert generate("clipping", 5).question != generate("clipping", 6).question or \
        generate("clipping", 5).question != generate("clipping", 7).question
    with pytest.raises(ValueError, match="kind must be one of"):
        generate("lstm", 0)
    with pytest.raises(ValueError, match="seed must be a non-negative integer; got -2"):
        generate("rnn_step", -2)
    with pytest.raises(ValueError, match="answers must use the step names"):
        check(generate("rnn_step", 0), {"B": 1})


def test_practice_paper_has_every_question_and_its_key():
    page = practice_paper(seed=3)
    from course_utils.drills.render import EXAM_PART
    assert page.count("<div class='q'>") == 2 * (len(drills.KINDS) + sum(EXAM_PART.values()))
    assert "Answer key · 参考答案" in page and "@page { size: A4" in page and "page-break-before" in page
    for kind in drills.KINDS:
        assert generate(kind, 3).title_zh in page
    assert practice_paper(seed=3) == page
    with pytest.raises(ValueError, match="kinds must be a non-empty list"):
        practice_paper(seed=3, kinds=["nope"])


def test_make_practice_paper_writes_the_file(tmp_path, capsys):
    out = tmp_path / "paper.html"
    assert load_tool("practice_paper").main(["--seed", "2", "--out", str(out), "--kinds", "rnn_step", "beam_search"]) == 0
    page = out.read_text(encoding="utf-8")
    assert page == practice_paper(2, ["rnn_step", "beam_search"])
    assert "wrote" in capsys.readouterr().out


def test_practice_paper_part_b_draws_exam_questions_with_their_answers():
    from course_utils.drills.render import EXAM_PART, exam_selection
    chosen = exam_selection(3)
    assert [q.kind for q in chosen] == [k for k, n in EXAM_PART.items() for _ in range(n)]
    assert exam_selection(3) == chosen and len({q.qid for q in chosen}) == len(chosen)
    page = practice_paper(seed=3)
    for q in chosen:
        assert q.prompt_zh in page
    assert page.count("<svg") == sum(q.drawing is not None for q in chosen)      # the diagram in the key
    with pytest.raises(ValueError, match=r"counts\['term'\] must be between 0 and"):
        exam_selection(3, {"term": 99})
