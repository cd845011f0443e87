"""Student versions of the workbooks and autograding, with nbgrader (the `teach` extra).

    python tools/workbooks.py generate              # make workbooks
    python tools/workbooks.py autograde SUBMISSIONS  # make autograde SUBMISSIONS=...

The solutions, with nbgrader's markers and cell metadata, are the source:
notebooks/workbook/solutions/<name>.ipynb. Each is one nbgrader assignment called <name>.
Both commands work in a scratch nbgrader course directory, build/nbgrader/ (made afresh):

generate   runs `nbgrader generate_assignment` (solutions -> stubs that raise NotImplementedError,
           hidden tests removed, outputs cleared) and writes the student version to
           notebooks/workbook/<name>.ipynb, executed so that it shows "not implemented yet".
autograde  SUBMISSIONS holds one folder per student with that student's notebooks, either
           <student>/<name>.ipynb or nbgrader's <student>/<name>/<name>.ipynb (what
           `nbgrader collect` makes). It runs `nbgrader autograde` (hidden tests restored, every
           check cell worth its points if it runs without error) and `nbgrader generate_feedback`,
           prints a score table and says where the feedback HTML files are.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKBOOKS = ROOT / "notebooks" / "workbook"
COURSE = ROOT / "build" / "nbgrader"
CONFIG = """\
c = get_config()  # noqa: F821
c.CourseDirectory.root = {root!r}
c.CourseDirectory.db_url = "sqlite:///{root}/gradebook.db"
c.ClearSolutions.code_stub = {{"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}}
c.ExecutePreprocessor.timeout = 300   # the workbooks' last cells train a model for a few seconds
c.Execute.timeout = 300
"""


def solutions():
    return sorted((WORKBOOKS / "solutions").glob("*.ipynb"))


def nbgrader(course, *args):
    """Run one nbgrader command in the scratch course; its log goes to <course>/nbgrader.log."""
    bin_dir = str(Path(sys.executable).parent)   # nbgrader runs `alembic` from the same environment
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    with open(course / "nbgrader.log", "a") as log:
        done = subprocess.run([os.path.join(bin_dir, "nbgrader"), *args], cwd=course, env=env,
                              stdout=log, stderr=subprocess.STDOUT)
    if done.returncode:
        raise SystemExit(f"`nbgrader {' '.join(args)}` failed; see {course / 'nbgrader.log'}")


def fresh_course(course=COURSE):
    """A course directory with the solutions as sources, every assignment generated (the gradebook knows them)."""
    course = Path(course)
    shutil.rmtree(course, ignore_errors=True)
    course.mkdir(parents=True)
    (course / "nbgrader_config.py").write_text(CONFIG.format(root=str(course)))
    for path in solutions():
        target = course / "source" / path.stem / path.name
        target.parent.mkdir(parents=True)
        shutil.copy(path, target)
        nbgrader(course, "generate_assignment", path.stem, "--force")
    return course


def generate(out=WORKBOOKS, course=COURSE, run=True):
    """Write the student versions into ``out`` (executed in a fresh kernel when ``run``); returns their paths."""
    course = fresh_course(course)
    sys.path.insert(0, str(ROOT / "tools"))
    from execute_notebooks import execute

    written = []
    for path in solutions():
        student = Path(out) / path.name
        shutil.copy(course / "release" / path.stem / path.name, student)
        written.append(student)
        if run:
            print(f"{student.relative_to(ROOT)}: generated, executed in {execute(student):.1f} s", flush=True)
    return written


def collect(submissions, course):
    """Copy each student's notebooks into <course>/submitted/<student>/<name>/<name>.ipynb."""
    names = {path.stem for path in solutions()}
    found = []
    for student in sorted(p for p in Path(submissions).iterdir() if p.is_dir()):
        for notebook in sorted(student.rglob("*.ipynb")):
            if notebook.stem in names and ".ipynb_checkpoints" not in notebook.parts:
                target = course / "submitted" / student.name / notebook.stem / notebook.name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(notebook, target)
                found.append((student.name, notebook.stem))
    return found


def scores(course=COURSE):
    """{(student, workbook): {check cell: points, ..., "total": points}} from the gradebook."""
    from nbgrader.api import Gradebook

    table = {}
    with Gradebook(f"sqlite:///{course}/gradebook.db") as gradebook:
        for path in solutions():
            for submission in gradebook.find_assignment(path.stem).submissions:
                notebook = gradebook.find_submission_notebook(path.stem, path.stem, submission.student_id)
                row = {grade.name: grade.score for grade in notebook.grades}
                table[submission.student_id, path.stem] = {**row, "total": submission.score}
    return table


def graded_cells(path):
    """[(grade_id, points)] of a workbook's check cells, in notebook order."""
    cells = json.loads(Path(path).read_text())["cells"]
    meta = [c["metadata"].get("nbgrader", {}) for c in cells]
    return [(m["grade_id"], m["points"]) for m in meta if m.get("grade")]


def score_table(course=COURSE):
    """One row per student and workbook: the points of each check cell and the total."""
    table, lines = scores(course), []
    for path in solutions():
        students = sorted(student for student, name in table if name == path.stem)
        if not students:
            continue
        cells = graded_cells(path)
        names = [grade_id.removeprefix("check-") for grade_id, _ in cells]
        width = max(len("student"), *map(len, students))
        lines += [f"\n{path.stem}", f"{'student':<{width}}  " + "  ".join(names) + "  total"]
        for student in students:
            row = table[student, path.stem]
            points = "  ".join(f"{row.get(g, 0):>{len(n)}g}" for (g, _), n in zip(cells, names))
            lines.append(f"{student:<{width}}  {points}  {row['total']:g}/{sum(p for _, p in cells):g}")
    return "\n".join(lines)


def autograde(submissions, course=COURSE):
    course = fresh_course(course)
    found = collect(submissions, course)
    if not found:
        raise SystemExit(f"no workbook found in {submissions}: expected <student>/<name>.ipynb with <name> one of "
                         f"{[p.name for p in solutions()]}")
    for assignment in sorted({name for _, name in found}):
        nbgrader(course, "autograde", assignment, "--force")
        nbgrader(course, "generate_feedback", assignment, "--force")
    print(score_table(course))
    print(f"\nfeedback (one HTML file per student and workbook): {course / 'feedback'}/")


def main(args):
    if args[:1] == ["generate"] and len(args) == 1:
        generate()
    elif args[:1] == ["autograde"] and len(args) == 2:
        autograde(args[1])
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
