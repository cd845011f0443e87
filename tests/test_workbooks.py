"""The workbooks: solution sources with nbgrader markers, and the student versions made from them.

nbval replays both (they live under notebooks/); these tests check what nbval cannot: the nbgrader
metadata, that each student version is its source with the solutions and hidden tests taken out
(what `make workbooks` produces; tests/test_workbooks_nbgrader.py checks it with nbgrader itself),
what the check cells print in each version, and the links.
"""

import json
import re
from pathlib import Path

import pytest

from course_utils import checks
from course_utils.checks import NOT_IMPLEMENTED
from test_notebooks import (test_executed_in_order_without_errors, test_no_timestamps_widget_state_or_local_paths,
                            test_setup_cell_checks_the_course_utils_version)

FOLDER = Path(__file__).resolve().parents[1] / "notebooks" / "workbook"
SOLUTIONS = sorted((FOLDER / "solutions").glob("*.ipynb"))
STUDENTS = [FOLDER / path.name for path in SOLUTIONS]
ALL = SOLUTIONS + STUDENTS
STUB = "# YOUR CODE HERE\nraise NotImplementedError()"   # nbgrader's default code stub
ids = lambda p: f"{p.parent.name}/{p.stem}"  # noqa: E731


def load(path):
    return json.loads(path.read_text())


def source(cell):
    return "".join(cell["source"])


def printed(cell):
    return "".join("".join(out.get("text", "")) for out in cell["outputs"])


def grading(cell):
    return cell["metadata"].get("nbgrader", {})


def test_the_workbooks_exist_in_both_versions():
    assert [p.name for p in SOLUTIONS] == ["01_mlp_workbook.ipynb", "02_rnn_workbook.ipynb", "03_gradflow_workbook.ipynb",
                                           "04_lstm_workbook.ipynb", "05_gru_workbook.ipynb",
                                           "06_encoder_decoder_workbook.ipynb"]
    assert sorted(FOLDER.glob("*.ipynb")) == STUDENTS


@pytest.mark.parametrize("path", ALL, ids=ids)
def test_hygiene_as_for_the_chapters(path):
    test_executed_in_order_without_errors(path)
    test_no_timestamps_widget_state_or_local_paths(path)
    test_setup_cell_checks_the_course_utils_version(path)


@pytest.mark.parametrize("path", SOLUTIONS, ids=ids)
def test_nbgrader_metadata_of_the_source(path):
    cells = load(path)["cells"]
    grade_ids = [grading(c)["grade_id"] for c in cells if grading(c)]
    assert len(grade_ids) == len(set(grade_ids))
    tasks = [c for c in cells if grading(c).get("solution")]
    graded = [c for c in cells if grading(c).get("grade")]
    assert len(tasks) == len(graded) >= 4
    for cell in tasks:
        name = grading(cell)["grade_id"]
        assert source(cell).startswith(f"def {name}(")
        assert "### BEGIN SOLUTION" in source(cell) and "### END SOLUTION" in source(cell)
        follower = cells[cells.index(cell) + 1]
        assert grading(follower)["grade_id"] == f"check-{name}", "each task is followed by its check cell"
    for cell in graded:
        name = grading(cell)["grade_id"].removeprefix("check-")
        assert grading(cell)["points"] == 1 and grading(cell)["locked"] and not grading(cell)["solution"]
        assert source(cell).startswith(f'results["{name}"] = checks.check_{name}(')
        # the hidden test makes a failing check an error, which nbgrader scores 0
        assert f'### BEGIN HIDDEN TESTS\nassert results["{name}"]' in source(cell)
        assert hasattr(checks, f"check_{name}")
    for cell in cells:
        if cell["cell_type"] == "code" and not grading(cell).get("solution"):
            assert grading(cell).get("locked"), f"learners edit only the task cells: {source(cell)[:60]}"


def student_source(text):
    """What nbgrader makes of a source cell: solution regions -> the stub, hidden tests removed."""
    def stub(match):
        return "\n".join(match.group(1) + line for line in STUB.splitlines())
    text = re.sub(r"^([ \t]*)### BEGIN SOLUTION\n.*?### END SOLUTION", stub, text, flags=re.S | re.M)
    return re.sub(r"\n?### BEGIN HIDDEN TESTS\n.*?### END HIDDEN TESTS", "", text, flags=re.S)


@pytest.mark.parametrize("path", SOLUTIONS, ids=ids)
def test_student_version_is_the_source_without_solutions_and_hidden_tests(path):
    source_cells, student_cells = load(path)["cells"], load(FOLDER / path.name)["cells"]
    assert [c["id"] for c in student_cells] == [c["id"] for c in source_cells]
    for mine, theirs in zip(source_cells, student_cells):
        assert source(theirs) == student_source(source(mine)), "run `make workbooks`"
        assert "BEGIN SOLUTION" not in source(theirs) and "HIDDEN TESTS" not in source(theirs)


@pytest.mark.parametrize("path", SOLUTIONS, ids=ids)
def test_check_cells_pass_in_the_source_and_say_not_implemented_in_the_student_version(path):
    for version, expected in [(path, "✔ {name}: correct on "), (FOLDER / path.name, "{name}: " + NOT_IMPLEMENTED)]:
        cells = load(version)["cells"]
        for cell in cells:
            if grading(cell).get("grade"):
                name = grading(cell)["grade_id"].removeprefix("check-")
                assert printed(cell).startswith(expected.format(name=name)), (version.name, printed(cell))
        # the last experiment (training, decoding, ...) on the learner's functions, guarded by the checks
        train = next(c for c in cells if c["id"] in ("train", "experiment"))
        assert ("Finish these first" in printed(train)) == (version.parent.name != "solutions"), printed(train)


@pytest.mark.parametrize("path", ALL, ids=ids)
def test_relative_links_resolve(path):
    text = "".join(source(c) for c in load(path)["cells"] if c["cell_type"] == "markdown")
    links = re.findall(r"\]\(([^)#:]+\.ipynb)\)", text)
    assert links
    for link in links:
        # the student version sits next to its chapter's links, and so does each source (solutions/)
        assert (FOLDER / link).resolve().exists(), link


def test_workbook_03_checks_derivatives_by_finite_differences_and_its_clipping_rescues_the_exploding_run():
    cells = {c["id"]: c for c in load(FOLDER / "solutions" / "03_gradflow_workbook.ipynb")["cells"]}
    assert "your J_t against finite differences: relative error < 1e-07 ✓" in printed(cells["fd"])
    assert "your J_1 ⋯ J_5 against finite differences (γ = 0.9): relative error < 1e-07 ✓" in printed(cells["vanish"])
    no_clip, clipped = printed(cells["train"]).split("your clipping, c = 1")
    assert "learned the task (≥ 90 % of 500 test sequences): no" in no_clip and "loss above 0.5" in no_clip
    assert "learned the task (≥ 90 % of 500 test sequences): yes" in clipped and "loss below 0.01" in clipped
    assert "clip_by_global_norm(grads, C)            # yours" in source(cells["train"])   # the learner's function
    student = {c["id"]: c for c in load(FOLDER / "03_gradflow_workbook.ipynb")["cells"]}
    assert printed(student["fd"]) == "Finish step_jacobian first (its check does not pass yet).\n"
    assert printed(student["vanish"]) == "Finish jacobian_product first (its check does not pass yet).\n"
