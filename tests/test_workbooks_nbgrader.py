"""nbgrader itself on the workbooks (`make test-workbooks`; also part of `make test-slow`, which CI runs).

Needs the `teach` extra (nbgrader). A few minutes on the 2-core test machine: nbgrader
generates every assignment, then autogrades three students' submissions of every workbook.
"""

import importlib.util
import json
import shutil

import pytest

from tools_loader import load_tool

pytestmark = pytest.mark.slow
workbooks = load_tool("workbooks")


@pytest.fixture(autouse=True)
def nbgrader_installed():
    if importlib.util.find_spec("nbgrader") is None:
        pytest.fail("nbgrader is not installed: `make test-workbooks` installs the teach extra (pip install -e '.[teach]')")


def cells(path):
    return [(c["id"], c["cell_type"], "".join(c["source"]), c["metadata"].get("nbgrader"))
            for c in json.loads(path.read_text())["cells"]]


def test_committed_student_versions_are_what_nbgrader_generates(tmp_path):
    generated = workbooks.generate(out=tmp_path, course=tmp_path / "course", run=False)
    assert [p.name for p in generated] == [p.name for p in workbooks.solutions()]
    for path in generated:
        assert cells(path) == cells(workbooks.WORKBOOKS / path.name), f"run `make workbooks` ({path.name})"


def test_autograde_gives_full_marks_to_the_solutions_zero_to_untouched_and_names_each_cell(tmp_path, capsys):
    submissions = tmp_path / "submissions"
    for path in workbooks.solutions():
        for student, notebook in [("solved", path), ("untouched", workbooks.WORKBOOKS / path.name)]:
            (submissions / student).mkdir(parents=True, exist_ok=True)
            shutil.copy(notebook, submissions / student / path.name)
    # one bug: tanh' written as 1 - H in rnn_step_backward, which rnn_backward also uses
    rnn = next(p for p in workbooks.solutions() if p.stem == "02_rnn_workbook")
    buggy = rnn.read_text().replace("dA_t = dH_t * (1 - H_t**2)", "dA_t = dH_t * (1 - H_t)")
    assert buggy != rnn.read_text()
    (submissions / "one_bug" / "02_rnn_workbook").mkdir(parents=True)
    (submissions / "one_bug" / "02_rnn_workbook" / rnn.name).write_text(buggy)   # nbgrader's own layout
    # workbook 03: clipping that rescales even below the threshold; the experiment cell then waits for it
    gradflow = next(p for p in workbooks.solutions() if p.stem == "03_gradflow_workbook")
    buggy = gradflow.read_text().replace("scale = min(1.0, max_norm / norm) if norm > 0 else 1.0", "scale = max_norm / norm")
    assert buggy != gradflow.read_text()
    (submissions / "one_bug" / gradflow.name).write_text(buggy)
    # workbook 04, one bug: the cell gradient from step t+1 not added in lstm_step_backward
    lstm = next(p for p in workbooks.solutions() if p.stem == "04_lstm_workbook")
    buggy = lstm.read_text().replace("dC_t = dC_next + dH_t * O_t", "dC_t = dH_t * O_t")
    assert buggy != lstm.read_text()
    (submissions / "one_bug" / lstm.name).write_text(buggy)
    # and in workbook 06: log-probabilities multiplied in beam_search (the last experiment then says so, no error)
    s2s = next(p for p in workbooks.solutions() if p.stem == "06_encoder_decoder_workbook")
    buggy = s2s.read_text().replace("live_logp[:, None] + logp", "live_logp[:, None] * logp")
    assert buggy != s2s.read_text()
    (submissions / "one_bug" / s2s.name).write_text(buggy)
    # workbook 05: dZ_t with the wrong sign in gru_step_backward, which gru_backward also uses
    gru = next(p for p in workbooks.solutions() if p.stem == "05_gru_workbook")
    buggy = gru.read_text().replace("dZ_t = dH_t * (H_prev - H_tilde)", "dZ_t = dH_t * (H_tilde - H_prev)")
    assert buggy != gru.read_text()
    (submissions / "one_bug" / gru.name).write_text(buggy)

    workbooks.autograde(submissions, course=tmp_path / "course")
    table = workbooks.scores(tmp_path / "course")
    for path in workbooks.solutions():
        n_checks = len(workbooks.graded_cells(path))
        assert table["solved", path.stem]["total"] == n_checks >= 4
        assert table["untouched", path.stem]["total"] == 0
    row = table["one_bug", "02_rnn_workbook"]
    assert row["total"] == 4 and row["check-rnn_step_backward"] == row["check-rnn_backward"] == 0
    row = table["one_bug", "03_gradflow_workbook"]
    assert row["total"] == 3 and row["check-clip_by_global_norm"] == 0
    row = table["one_bug", "04_lstm_workbook"]
    assert row["total"] == 2 and row["check-lstm_step_backward"] == row["check-lstm_backward"] == 0
    row = table["one_bug", "05_gru_workbook"]
    assert row["total"] == 2 and row["check-gru_step_backward"] == row["check-gru_backward"] == 0
    row = table["one_bug", "06_encoder_decoder_workbook"]
    assert row["total"] == 4 and row["check-beam_search"] == 0
    printed = capsys.readouterr().out
    assert "one_bug" in printed and "4/6" in printed and "0/6" in printed and "3/4" in printed and "0/4" in printed
    assert "2/4" in printed and "4/5" in printed and "0/5" in printed
    feedback = tmp_path / "course" / "feedback" / "one_bug" / "02_rnn_workbook" / "02_rnn_workbook.html"
    assert "tanh&#39; is written as 1 − tanh" in feedback.read_text() or "is written as 1 − tanh" in feedback.read_text()
    feedback = tmp_path / "course" / "feedback" / "one_bug" / "03_gradflow_workbook" / "03_gradflow_workbook.html"
    assert "rescaled even when its norm is below c" in feedback.read_text()
    feedback = (tmp_path / "course" / "feedback" / "one_bug" / "04_lstm_workbook" / "04_lstm_workbook.html").read_text()
    assert "along the cell from step t+1" in feedback and "Finish these first" in feedback
    feedback = tmp_path / "course" / "feedback" / "one_bug" / "06_encoder_decoder_workbook" / "06_encoder_decoder_workbook.html"
    assert "log-probabilities are multiplied" in feedback.read_text()
    feedback = tmp_path / "course" / "feedback" / "one_bug" / "05_gru_workbook" / "05_gru_workbook.html"
    assert "dZ_t has the wrong sign" in feedback.read_text()
