import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from course_utils import diagrams, formula_sheet
from course_utils.gru import KEYS as GRU_KEYS
from course_utils.lstm import GATES
from tools_loader import load_tool


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_diagram_is_valid_svg_with_bilingual_labels(cell):
    svg = diagrams.cell_diagram(cell)
    root = ET.fromstring(svg)
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    expected = {"lstm": ["forget gate F_t", "遗忘门", "input gate I_t", "输入门", "output gate O_t", "输出门", "细胞状态"],
                "gru": ["reset gate R_t", "重置门", "update gate Z_t", "更新门", "候选隐藏状态"]}[cell]
    for label in expected:
        assert label in texts, label
    # one arrow per input of every equation
    assert len(list(root.iter("{http://www.w3.org/2000/svg}polyline"))) == len(diagrams.wires(cell))


def test_lstm_wires_are_the_equations():
    wires = set(diagrams.wires("lstm"))
    for gate in ("F_t", "I_t", "O_t", "C~_t"):                       # each gate reads X_t and H_{t-1}
        assert {("X_t", gate), ("H_prev", gate)} <= wires
    assert len(GATES) == 4
    assert {("F_t", "F*C"), ("C_prev", "F*C"), ("I_t", "I*C~"), ("C~_t", "I*C~"), ("F*C", "C_t"), ("I*C~", "C_t"),
            ("C_t", "tanh C_t"), ("O_t", "H_t"), ("tanh C_t", "H_t")} <= wires


def test_gru_wires_are_the_equations():
    wires = set(diagrams.wires("gru"))
    # the reset gate acts on H_{t-1} BEFORE the candidate's product; the update gate mixes old and new
    assert {("R_t", "R*H"), ("H_prev", "R*H"), ("R*H", "H~_t"), ("X_t", "H~_t"), ("Z_t", "Z*H"), ("H_prev", "Z*H"),
            ("Z_t", "1-Z"), ("1-Z", "(1-Z)*H~"), ("H~_t", "(1-Z)*H~"), ("Z*H", "H_t"), ("(1-Z)*H~", "H_t")} <= wires
    assert ("R_t", "H_t") not in wires              # the seed text's wrong formula puts r_t in the output
    assert len(GRU_KEYS) == 9


def test_diagram_rejects_unknown_cell():
    with pytest.raises(ValueError, match="cell must be one of"):
        diagrams.cell_diagram("rnn")


@pytest.mark.parametrize("row, column", [
    ("H_t = tanh(X_t W_{xh} + H_{t-1} W_{hh} + b_h)", "h_t = tanh(W_{hx} x_t + W_{hh} h_{t-1} + b_h)"),
    ("dW_{xh} = Σ_t X_t^T dA_t", "dW_{hx} = Σ_t da_t x_t^T"),
    ("dA_t = dA_{t+1} W_{hh}^T", "da_t = W_{hh}^T da_{t+1}"),
    ("H̃_t = tanh(X_t W_{xh} + (R_t ⊙ H_{t-1}) W_{hh} + b_h)", "h̃_t = tanh(W_{hx} x_t + W_{hh} (r_t ⊙ h_{t-1}) + b_h)"),
    ("E_{t,s} = tanh(S_{t-1} W_{sa} + H_s W_{ha} + b_a) v_a", "e_{t,s} = v_a^T tanh(W_{as} s_{t-1} + W_{ah} h_s + b_a)"),
])
def test_to_column_applies_the_one_mapping(row, column):
    assert formula_sheet.to_column(row) == column


def test_the_mapping_holds_numerically():
    # row form X W_xh equals (W_hx x)ᵀ with W_hx = W_xhᵀ, for the RNN step on the sheet
    rng = np.random.default_rng(0)
    X, H, W_xh, W_hh, b = rng.normal(size=(1, 3)), rng.normal(size=(1, 4)), rng.normal(size=(3, 4)), \
        rng.normal(size=(4, 4)), rng.normal(size=4)
    row = np.tanh(X @ W_xh + H @ W_hh + b)
    column = np.tanh(W_xh.T @ X.T + W_hh.T @ H.T + b[:, None])
    np.testing.assert_allclose(row, column.T)


def test_sheet_html_has_every_section_in_both_forms():
    page = formula_sheet.sheet_html()
    assert "@page { size: A4" in page and page.count("<tr><th class='section'") == len(formula_sheet.SECTIONS)
    lines = sum(len(lines) for _, lines in formula_sheet.SECTIONS)
    assert page.count("<td class='row'>") == page.count("<td class='col'>") == lines
    assert "h<sub>t</sub> = tanh(W<sub>hx</sub> x<sub>t</sub>" in page
    for needle in ("clipping", "masked loss", "beam score", "scaled dot", "gradient bound", "backward"):
        assert needle in page


def test_markup_nests_no_html():
    assert formula_sheet.markup_html("H_{t-1} <b>") == "H<sub>t-1</sub> &lt;b&gt;"
    assert formula_sheet.markup_html("X_t^T") == "X<sub>t</sub>ᵀ"


def test_make_formula_sheet_writes_the_file(tmp_path):
    out = tmp_path / "sheet.html"
    assert load_tool("formula_sheet").main(["--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == formula_sheet.sheet_html()


# --- exam-style questions -----------------------------------------------------------------

from course_utils import drills  # noqa: E402
from course_utils.quizbank import all_questions  # noqa: E402
from course_utils.quizbank.exam import EXAM_QUESTIONS, KINDS, ExamQuestion, exam_questions  # noqa: E402


def test_at_least_twenty_exam_questions_of_every_kind_with_chinese_prompts():
    assert len(EXAM_QUESTIONS) >= 20
    assert {q.kind for q in EXAM_QUESTIONS} == set(KINDS)
    assert len({q.qid for q in EXAM_QUESTIONS}) == len(EXAM_QUESTIONS)
    for q in EXAM_QUESTIONS:
        assert re.search(r"[\u4e00-\u9fff]", q.prompt_zh), q.qid
        assert q.prompt and q.answer and 1 <= q.chapter <= 6
        if q.kind == "calculation":
            assert q.drill in drills.KINDS, q.qid
        if q.kind == "drawing":
            assert q.drawing in diagrams.CELLS, q.qid
    # they are not in the multiple-choice bank, which notebooks show as quizzes
    assert not {q.qid for q in EXAM_QUESTIONS} & {q.qid for q in all_questions()}


def test_exam_questions_filter_and_validate():
    assert all(q.kind == "true_false" and q.verdict is not None for q in exam_questions("true_false"))
    assert len(exam_questions("true_false")) >= 5 and all(q.chapter == 6 for q in exam_questions(chapter=6))
    with pytest.raises(ValueError, match="kind must be one of"):
        exam_questions("essay")
    with pytest.raises(ValueError, match="verdict must be given exactly for true_false"):
        ExamQuestion("x", 2, "true_false", "p", "题", "a")
