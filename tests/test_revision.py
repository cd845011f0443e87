"""course_utils.revision: glossary, formula sheet, misconceptions, flash cards, timed quiz."""

import json
import re
from pathlib import Path

import numpy as np
import pytest

from course_utils import attention, gru, lstm, quizbank, revision, rnn
from course_utils.quizbank import Question

ROOT = Path(__file__).resolve().parents[1]

# --- glossary ---------------------------------------------------------------------------

REQUIRED_CHINESE = ["遗忘门", "输入门", "输出门", "重置门", "更新门", "细胞状态", "梯度消失", "梯度爆炸",
                    "时间反向传播", "教师强制", "束搜索", "注意力"]


def test_glossary_has_30_terms_with_the_required_ones_and_no_duplicates():
    assert len(revision.GLOSSARY) >= 30
    chinese = [t.chinese for t in revision.GLOSSARY]
    for word in REQUIRED_CHINESE:
        assert any(word in c for c in chinese), word
    english = [t.english.lower() for t in revision.GLOSSARY]
    assert len(set(english)) == len(english)
    assert len(set(chinese)) == len(chinese)


def test_glossary_has_the_terms_the_second_reading_asked_for():
    # issue 11, item 18: each with its Chinese name, in the chapter that introduces it
    wanted = {"sequence labelling": ("序列标注", 2), "jacobian matrix": ("雅可比矩阵", 3), "singular value": ("奇异值", 3),
              "orthogonal initialisation": ("正交初始化", 3), "gating": ("门控", 4), "greedy decoding": ("贪心解码", 6),
              "context vector": ("上下文向量", 6), "scheduled sampling": ("计划采样", 6),
              "length normalisation": ("长度归一化", 6), "reset-after": ("重置后置", 5), "time constant": ("时间常数", 5),
              "query / key / value": ("查询 / 键 / 值", 6)}
    by_name = {t.english.lower(): t for t in revision.GLOSSARY}
    for english, (chinese, chapter) in wanted.items():
        term = next((t for name, t in by_name.items() if name.startswith(english)), None)
        assert term is not None, english
        assert (term.chinese, term.chapter) == (chinese, chapter), term


def test_glossary_entries_are_one_sentence_each_and_cover_every_chapter():
    for term in revision.GLOSSARY:
        assert re.search(r"[\u4e00-\u9fff]", term.chinese), term
        assert term.meaning.endswith(".") and term.meaning[0].isupper(), term
        # one sentence: no full stop followed by a capital inside it
        assert not re.search(r"\.\s+[A-Z]", term.meaning), term
        assert "|" not in term.meaning + term.english + term.chinese  # it lives in a Markdown table
    assert {t.chapter for t in revision.GLOSSARY} == {1, 2, 3, 4, 5, 6}


def _first_use_pairs():
    """'english (中文)' or '**english** (中文, ABBR)' as the notebooks write a key term at first use."""
    pairs = {}
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "markdown":
                text = "".join(cell["source"])
                for english, chinese in re.findall(r"([A-Za-z][A-Za-z\-– ]+?)\**\s?[(（]([\u4e00-\u9fff][^)）]*)[)）]", text):
                    pairs.setdefault(english.lower().strip(), set()).add(chinese.split(",")[0].strip())
    return pairs


def test_glossary_chinese_agrees_with_the_chapters():
    used = _first_use_pairs()
    disagreements = []
    for term in revision.GLOSSARY:
        name = re.sub(r"\s*\(.*\)$", "", term.english).lower()   # "long-term dependency", not its abbreviation
        for english, chinese in used.items():
            if english.endswith(name) and not any(term.chinese in c or c in term.chinese for c in chinese):
                disagreements.append(f"{term.english}: glossary {term.chinese}, notebooks {sorted(chinese)}")
    assert disagreements == []


def test_glossary_table_has_one_row_per_term():
    table = revision.glossary_table().splitlines()
    assert len(table) == 2 + len(revision.GLOSSARY)
    assert "| forget gate | 遗忘门 | 04 |" in revision.glossary_table()


# --- flash cards ----------------------------------------------------------------------------


# --- formula sheet and shapes ---------------------------------------------------------

def _latex(key):
    """W_xi -> W_{xi}; b_hh -> b_{hh}; b_i stays b_i."""
    letter, sub = key.split("_", 1)
    return f"{letter}_{{{sub}}}" if len(sub) > 1 else key


@pytest.mark.parametrize("model, keys", [
    ("RNN", rnn.param_shapes(3, 4)),
    ("LSTM", lstm.param_shapes(3, 4)),
    ("GRU (Cho 2014)", gru.param_shapes(3, 4)),
    ("GRU (reset-after)", gru.param_shapes(3, 4, reset_after=True)),
    ("attention (additive)", attention.KEYS),
])
def test_the_formula_sheet_uses_every_parameter_of_the_code(model, keys):
    column = " ".join(eq for rows in revision.FORMULA_SHEET[model].values() for eq in rows)
    if model == "GRU (reset-after)":   # its gates are written "as in Cho"
        column += " ".join(revision.FORMULA_SHEET["GRU (Cho 2014)"]["gates"])
    for key in keys:
        assert _latex(key) in column, (model, key)


def test_formula_sheet_is_side_by_side_tables_of_at_most_three_models():
    tables = [t.splitlines() for t in revision.formula_sheet().split("\n\n")]
    models = list(revision.FORMULA_SHEET)
    assert [t[0].count("**") // 2 for t in tables] == [3, 2]    # 1366 px fits three columns of equations
    assert "".join(t[0] for t in tables).count("**") // 2 == len(models)
    for table in tables:
        columns = table[0].count(" | ")
        assert all(row.count(" | ") == columns for row in table if not row.startswith("|---"))
    assert "H_t = Z_t \\odot H_{t-1} + (1 - Z_t) \\odot \\tilde{H}_t" in tables[0][4]
    assert "4(DH + H² + H)" in revision.formula_sheet()


def test_formula_sheet_has_backward_rows_and_gradient_paths_for_every_model():
    for model, rows in revision.FORMULA_SHEET.items():
        assert rows["backward"] and rows["to t-1"], model
        assert all(eq.startswith(("d", r"\text", r"\quad")) for eq in rows["to t-1"]), model
    sheet = revision.formula_sheet()
    for formula in (r"dC_{t-1} = dC_t \odot F_t", r"dH_{t-1} = dH_t \odot Z_t", r"dA_t = dH_t \odot (1 - H_t^2)",
                    r"dR_t = dA^h_t \odot (H_{t-1} W_{hh} + b_{hh})", r"m_s \exp(e_{t,s})", r"dS_{t-1}"):
        assert formula in sheet, formula
    assert "backward through step t" in sheet and "gradient paths to step t−1" in sheet


def test_loss_sheet_has_the_shared_formulas():
    sheet = revision.loss_sheet().splitlines()
    assert sheet[0] == "| | formula | note |" and len(sheet) == 2 + len(revision.LOSS_SHEET)
    assert all(row.count(" | ") == 2 for row in sheet if not row.startswith("|---"))
    text = revision.loss_sheet()
    for formula in (r"\sigma'(a) = \sigma(a)\,(1 - \sigma(a))", r"\tanh'(a) = 1 - \tanh^2(a)", "(P - Y)",
                    r"m_{n,t} (P_{n,t} - Y_{n,t})", r"\log P(y \mid x) / L^{\lambda}"):
        assert formula in text, formula


def test_parameter_counts_equal_the_sizes_of_the_real_parameters():
    rng = np.random.default_rng(0)
    D, H, A = 5, 7, 3
    real = {"RNN": rnn.init_rnn_params(D, H, rng), "LSTM": lstm.init_lstm_params(D, H, rng),
            "GRU (Cho 2014)": gru.init_gru_params(D, H, rng),
            "GRU (reset-after)": gru.init_gru_params(D, H, rng, reset_after=True)}
    table = revision.shapes_table(D, H, A)
    for model, params in real.items():
        count = sum(p.size for p in params.values())
        assert re.search(rf"\| {re.escape(model)} \| .* \| {count:,} \|", table), model
    att = attention.init_attention_params(H, H, A, rng)
    assert revision.attention_param_count(H, H, A) == sum(p.size for p in att.values())
    assert f"| {revision.attention_param_count(H, H, A):,} |" in table
    assert "W_xi, W_xf, W_xo, W_xc: (5, 7)" in table


# --- misconceptions -----------------------------------------------------------------------

def test_misconceptions_include_the_seed_errors_and_the_usual_ones():
    seed = [m for m in revision.MISCONCEPTIONS if m.seed_error]
    assert len(seed) == 4   # DESIGN §9
    claims = " ".join(m.claim for m in revision.MISCONCEPTIONS)
    for phrase in ("not shared across time", r"h_{t-1} \odot r_t", "added to the next input", "U and W",
                   "Z_t", "removes vanishing gradients entirely", "between libraries"):
        assert phrase in claims, phrase
    assert all(m.correction and m.claim != m.correction for m in revision.MISCONCEPTIONS)


@pytest.mark.parametrize("index", range(len(revision.MISCONCEPTIONS)))
def test_every_demonstration_is_one_line_and_makes_its_point(index):
    line, ok = revision.MISCONCEPTIONS[index].check()
    assert ok, line
    assert "\n" not in line and line == revision.MISCONCEPTIONS[index].demo()   # deterministic, the same text


def test_a_demonstration_that_misses_its_point_says_so(monkeypatch):
    """The notation demo relies on a swapped W_xh/W_hh being rejected: if rnn accepted it, ok must be False."""
    from course_utils import rnn
    monkeypatch.setattr(rnn, "rnn_step_forward", lambda *args: None)
    line, ok = revision.MISCONCEPTIONS[2].check()
    assert not ok and line == "swapped matrices were NOT caught"


def test_seed_gru_formula_demo_numbers():
    # Z ≈ 1 keeps H_(t-1) = 0.8 exactly; the seed's version scales it by R_t < 1
    line = revision.MISCONCEPTIONS[1].demo()
    assert "gives H_t = 0.800 = H_(t-1)" in line
    assert float(line.rsplit(" ", 1)[1]) < 0.8


def test_beam_demo_shows_a_beam_missing_the_best_sequence():
    # By hand: greedy takes a (0.40) then a (0.4): 0.16. A beam of 2 keeps a and b after step 1, so its
    # best is b a = 0.35 · 0.6 = 0.21. c a = 0.25 · 1.0 = 0.25 is the most probable sequence; only k = 3 keeps c.
    assert revision.MISCONCEPTIONS[8].demo() == (
        "greedy: P = 0.16; beam k = 2: P = 0.21; beam k = 3: P = 0.25; best of all sequences: 0.25")


def test_stack_and_split_gates_round_trip_and_orders_matter(rng):
    params = lstm.init_lstm_params(3, 4, rng)
    W_x, W_h, b = revision.stack_gates(params, "ifgo")
    assert W_x.shape == (3, 16) and W_h.shape == (4, 16) and b.shape == (16,)
    np.testing.assert_array_equal(W_x[:, 8:12], params["W_xc"])   # PyTorch's g block is the candidate
    back = revision.split_gates(W_x, W_h, b, "ifgo")
    assert all(np.array_equal(back[k], params[k]) for k in params)
    wrong = revision.split_gates(W_x, W_h, b, "iofc")
    assert np.array_equal(wrong["W_xo"], params["W_xf"])
    gru_params = gru.init_gru_params(3, 4, rng)
    torch = revision.stack_gates(gru_params, revision.GRU_ORDERS["PyTorch"])
    assert np.array_equal(revision.split_gates(*torch, revision.GRU_ORDERS["Keras"])["W_xz"], gru_params["W_xr"])


# --- the cell-path widget ---------------------------------------------------------------------


# --- the timed quiz ------------------------------------------------------------------------------

Q = [Question("t-1", 1, "2 + 2?", ("3", "4"), 1, "Arithmetic."),
     Question("t-2", 1, "1 + 1?", ("2", "3"), 0, "Also arithmetic.")]


def test_quiz_sheet_prints_every_question_with_its_answer_folded():
    questions = Q + [Question("t-3", 6, "Is <bos> | *a* token_id?", ("yes.", "no"), 0, "It is.")]
    sheet = revision.quiz_sheet(questions)
    assert sheet.count("<details><summary>Answer</summary>") == 3
    assert "**2.** *(chapter 01)* 1 + 1?\n\n- (a) 2\n- (b) 3" in sheet
    assert "(b) 4. Arithmetic." in sheet                     # the right option, lettered, then why
    assert r"Is &lt;bos&gt; \| \*a\* token\_id?" in sheet     # shown as written, not as HTML or emphasis
    assert "(a) yes. It is." in sheet


def test_the_bank_has_40_questions_covering_every_chapter():
    bank = quizbank.all_questions()
    assert len(bank) >= 40
    assert {q.chapter for q in bank} >= {1, 2, 3, 4, 5, 6}
    assert len({q.prompt for q in bank}) == len(bank)
