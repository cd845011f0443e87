"""The version gate of every notebook's setup cell: is the course_utils this kernel runs the right one?

Three things go wrong in practice, most of all on a JupyterHub whose image installed the
course with ``pip install -e .`` while each student works in a copy (``~/course``) that
nbgitpuller keeps up to date:

1. the kernel imports another copy than the one next to the notebook (the image's, or an
   old ``pip install``): the setup cell puts the course folder first on ``sys.path``, and
   ``require`` checks where the module really came from;
2. the copy is too old for the notebook (a helper the notebook calls is missing):
   ``require`` compares versions, as a notebook written for ``minimum`` needs;
3. the copy on disk was updated after the kernel imported it (a running kernel keeps the
   old module): ``require`` compares the version in memory with the one on disk.

Each problem raises a RuntimeError that says what to do. The message ``require`` returns
holds no version number, so a version bump does not change any notebook's stored output.
"""

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def parse_version(version):
    """"1.2.3" -> (1, 2, 3)."""
    return tuple(int(part) for part in version.split(".")[:3])


def version_on_disk(package_dir=PACKAGE):
    """The __version__ written in ``package_dir/__init__.py`` now (None if unreadable)."""
    try:
        text = (Path(package_dir) / "__init__.py").read_text(encoding="utf-8")
    except OSError:
        return None
    match = re.search(r'^__version__ = "([^"]+)"', text, re.M)
    return match.group(1) if match else None


def course_copy(here):
    """The course_utils of the course folder that holds the notebook folder ``here``: ``here`` or the
    nearest parent with a course_utils package (notebooks/.. for a chapter, ../.. for a workbook), or None."""
    here = Path(here).resolve()
    for folder in (here, *here.parents):
        if (folder / "course_utils" / "__init__.py").is_file():
            return folder / "course_utils"
    return None


def problems(installed, minimum, notebook, here, package_dir=PACKAGE):
    """The reasons (readable strings, each ending with what to do) why the notebook should not run."""
    found = []
    restart = "Restart the kernel (Kernel → Restart Kernel…) and run the setup cell again."
    expected = course_copy(here)
    if expected is not None and expected != Path(package_dir).resolve():
        found.append(f"This kernel imported course_utils from {package_dir}, not the copy next to {notebook} "
                     f"({expected}). {restart} Its first lines put the course folder first on sys.path; "
                     "if the problem stays, start from a fresh kernel and run that cell first.")
    on_disk = version_on_disk(package_dir)
    if on_disk is not None and on_disk != installed:
        found.append(f"course_utils was updated on disk (now {on_disk}) after this kernel imported it ({installed}). "
                     f"{restart}")
    have, want = parse_version(installed), parse_version(minimum)
    if have[0] != want[0] or have < want:
        found.append(f"{notebook} needs course_utils {minimum} or newer (same major version); this kernel runs "
                     f"{installed} from {package_dir}. Update the course folder (git pull, or click the course "
                     "link again on a JupyterHub), then restart the kernel; with a local install also run "
                     "`make lab` (it reinstalls when pyproject.toml changed).")
    return found


def describe(here, package_dir=PACKAGE):
    """Which copy is in use, in words (no version, no path: it is stored in the notebooks' outputs)."""
    if course_copy(here) is not None:
        return "the copy next to this notebook"
    return "the installed copy (there is no course_utils folder next to this notebook)"
