"""environment.yml (conda, Binder) and pyproject.toml (pip, `make`) must list the same packages."""

import re
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest itself depends on tomli there
    import tomli as tomllib

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name_and_spec(requirement):
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement)
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def pyproject_requirements():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for extra in ("lab", "test", "browser", "teach", "hub"):
        reqs += project["optional-dependencies"][extra]
    return dict(_name_and_spec(r) for r in reqs)


def conda_requirements():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    reqs = [d for d in env["dependencies"] if isinstance(d, str) and not d.startswith(("python", "pip"))]
    return dict(_name_and_spec(r) for r in reqs), env


def test_same_packages_and_versions():
    conda, _ = conda_requirements()
    assert conda == pyproject_requirements()


def test_conda_installs_the_course_package_and_a_supported_python():
    _, env = conda_requirements()
    pip_sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict)]
    assert pip_sections == [["-e ."]]
    python = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python")]
    assert python == ["python>=3.10"]
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert requires == ">=3.10"
