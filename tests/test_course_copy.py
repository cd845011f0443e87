"""Issue 16: the notebooks use the course_utils next to them, even when another copy is installed.

On a JupyterHub the image's editable install of the course shadows the student's ~/course copy
that nbgitpuller updates. Each setup cell puts the course folder first on sys.path, and
course_utils.require checks where the module came from, its version, and whether the file on
disk changed after the kernel imported it. These tests run the setup cell's own lines in a fresh
interpreter, in a fake course folder, with an older course_utils installed earlier on the path.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import course_utils
from course_utils import _gate

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("0*.ipynb")) + sorted((ROOT / "notebooks").glob("workbook/**/0*.ipynb"))


def setup_lines(path):
    """The lines of the notebook's setup cell up to `import course_utils` (the path fix), and its require line."""
    cell = next(c for c in json.loads(path.read_text())["cells"]
                if c["cell_type"] == "code" and "course_utils.require(" in "".join(c["source"]))
    source = "".join(cell["source"]).split("\n")
    head = source[:source.index("import course_utils") + 1]
    require = next(line for line in source if "course_utils.require(" in line)
    return [line for line in head if not line.startswith(("import numpy", "import matplotlib", "import ipywidgets",
                                                           "import time", "import json", "from functools"))], require


@pytest.fixture
def classroom(tmp_path):
    """tmp/course: a copy of the course (notebooks/ and course_utils/); tmp/image: an old course_utils 0.1.0."""
    course = tmp_path / "course"
    shutil.copytree(ROOT / "course_utils", course / "course_utils",
                    ignore=shutil.ignore_patterns("__pycache__", "results", "corpora"))
    (course / "notebooks").mkdir()
    image = tmp_path / "image" / "course_utils"
    image.mkdir(parents=True)
    (image / "__init__.py").write_text('__version__ = "0.1.0"\n\ndef require(minimum, notebook="", here=None):\n'
                                       '    raise RuntimeError("the image\'s old course_utils")\n')
    return course, tmp_path / "image"


def run(code, cwd, shadow):
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(shadow), "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    return done.returncode, done.stdout + done.stderr


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_setup_cell_imports_the_copy_next_to_the_notebook(path, classroom):
    course, image = classroom
    head, require = setup_lines(path)
    code = "\n".join(head + ["print(course_utils.__file__)", require])
    folder = course / path.parent.relative_to(ROOT)            # notebooks/, or notebooks/workbook/...
    folder.mkdir(parents=True, exist_ok=True)
    code, out = run(code, folder, image)
    assert code == 0, out
    first, message = out.splitlines()[:2]
    assert Path(first).resolve() == (course / "course_utils" / "__init__.py").resolve()
    assert message == f"course_utils for {path.stem}: the copy next to this notebook, new enough."


def test_without_the_path_fix_the_installed_copy_shadows_the_course(classroom):
    course, image = classroom
    code, out = run("import course_utils; print(course_utils.__version__)", course / "notebooks", image)
    assert code == 0 and out.strip() == "0.1.0"      # what the hub did before: the image's copy


def test_a_kernel_that_imported_another_copy_is_told_to_restart(classroom):
    course, image = classroom
    (image / "course_utils" / "__init__.py").write_text((course / "course_utils" / "__init__.py").read_text())
    (image / "course_utils" / "_gate.py").write_text((course / "course_utils" / "_gate.py").read_text())
    head, require = setup_lines(NOTEBOOKS[2])
    # the kernel imported the image's (equally new) copy before the setup cell ran
    code = "\n".join(["import course_utils"] + head + [require])
    code, out = run(code, course / "notebooks", image)
    assert code == 1
    assert "not the copy next to 02_rnn" in out and "Restart the kernel" in out


def test_a_copy_updated_on_disk_after_the_import_is_told_to_restart(classroom):
    course, image = classroom
    head, require = setup_lines(NOTEBOOKS[2])
    init = course / "course_utils" / "__init__.py"
    bump = (f"import re, pathlib; p = pathlib.Path({str(init)!r}); "
            "p.write_text(re.sub(r'__version__ = \"[^\"]+\"', '__version__ = \"9.9.9\"', p.read_text()))")
    code = "\n".join(head + [bump, require])          # nbgitpuller updated the folder; the kernel kept running
    code, out = run(code, course / "notebooks", image)
    assert code == 1
    assert "updated on disk (now 9.9.9)" in out and "Restart the kernel" in out


def test_a_notebook_newer_than_its_course_utils_says_what_to_do(tmp_path):
    with pytest.raises(RuntimeError, match=r"02_rnn needs course_utils 9\.0\.0 or newer .*click the course link again"):
        course_utils.require("9.0.0", "02_rnn", here=ROOT / "notebooks")
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    assert "the installed copy" in course_utils.require("0.1.0", "x", here=notebooks)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_setup_cells_require_a_version_that_exists_and_print_none(path):
    _, require = setup_lines(path)
    wanted = require.split('require("')[1].split('"')[0]
    assert _gate.parse_version(wanted) <= _gate.parse_version(course_utils.__version__)
    assert require.startswith("print(course_utils.require(")
    outputs = "".join("".join(o.get("text", "")) for c in json.loads(path.read_text())["cells"] for o in c.get("outputs", []))
    assert course_utils.__version__ not in outputs.replace(f'"{course_utils.__version__}"', "")


def test_the_readme_tells_a_teacher_about_it():
    readme = (ROOT / "README.md").read_text()
    assert "next to the notebooks" in readme and "Restart the kernel" in readme and "tools/api.py --bump" in readme

