"""The line between the core and the labs: the core never imports ipywidgets or the labs.

Each check runs in a fresh interpreter, because in this test session other tests
have already imported the labs (and with them ipywidgets).
"""

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import course_utils

PACKAGE = Path(course_utils.__file__).parent
CORE = sorted(m.name for m in pkgutil.iter_modules([str(PACKAGE)]) if m.name != "labs")
LABS = sorted(m.name for m in pkgutil.iter_modules([str(PACKAGE / "labs")]))


def _imported_after(statement, watch="m.split('.')[0] in ('ipywidgets', 'IPython') or m.startswith('course_utils.labs')"):
    """The modules matching ``watch`` (a condition on the name m) that ``statement`` imports, in a fresh interpreter."""
    code = f"import sys; {statement}; print(' '.join(sorted(m for m in sys.modules if {watch})))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_the_core_lists_the_modules_the_issue_names():
    assert {"rnn", "lstm", "gru", "losses", "optim", "gradflow", "compare", "tasks", "seq2seq", "data",
            "sequence", "revision", "quizbank"} <= set(CORE)
    assert {"widgets", "mlp_lab", "rnn_lab", "gradflow_lab", "lstm_lab", "gru_lab", "seq2seq_lab",
            "revision_lab", "setup_check"} <= set(LABS)


def test_importing_the_whole_core_imports_neither_ipywidgets_nor_the_labs():
    imports = "; ".join(f"import course_utils.{name}" for name in CORE)
    assert _imported_after(imports) == []


@pytest.mark.parametrize("lab", ["widgets", "gru_lab"])
def test_the_check_can_fail_a_lab_does_import_ipywidgets(lab):
    assert "ipywidgets" in _imported_after(f"import course_utils.labs.{lab}")


def test_the_data_modules_do_not_import_training():
    assert _imported_after("import course_utils.sequence, course_utils.data",
                           watch="m == 'course_utils.training'") == []
    assert _imported_after("import course_utils.seqmodels", watch="m == 'course_utils.training'") != []
