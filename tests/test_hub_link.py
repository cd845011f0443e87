"""tools/hub_link.py: the nbgitpuller link opens the notebook in the folder nbgitpuller clones into."""

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import hub_link  # noqa: E402


def _query(link):
    parts = urlsplit(link)
    return parts, {k: v[0] for k, v in parse_qs(parts.query, strict_parsing=True).items()}


def _cloned_folder(params):
    """Where nbgitpuller 1.3 clones (handlers.py): targetPath if given, else the repo URL's last part."""
    return params.get("targetPath", params["repo"].rstrip("/").split("/")[-1])


def test_plain_url_opens_notebook_in_the_repos_folder_without_target_path():
    link = hub_link.hub_link("https://github.com/me/rnn-course", "https://hub.example.edu/")
    parts, params = _query(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "hub.example.edu", "/hub/user-redirect/git-pull")
    assert params == {"repo": "https://github.com/me/rnn-course", "branch": "main",
                      "urlpath": "lab/tree/rnn-course/notebooks/00_start_here.ipynb"}


@pytest.mark.parametrize("repo, target", [("https://github.com/me/rnn-course.git", "rnn-course"),
                                          ("https://github.com/me/rnn-course.git/", "rnn-course"),
                                          ("https://github.com/me/rnn-course/", None)])
def test_a_url_ending_in_git_gets_a_target_path_and_urlpath_opens_the_cloned_folder(repo, target):
    _, params = _query(hub_link.hub_link(repo, "https://hub.example.edu", branch="teach-2027",
                                         notebook="notebooks/02_rnn.ipynb"))
    assert params.get("targetPath") == target
    assert params["branch"] == "teach-2027"
    assert params["urlpath"] == f"lab/tree/{_cloned_folder(params)}/notebooks/02_rnn.ipynb"


def test_every_reserved_character_is_percent_encoded():
    link = hub_link.hub_link("https://host/a b/course.git", "https://hub", branch="fix/slides", folder="my course")
    query = urlsplit(link).query
    assert " " not in query and "://" not in query and "/" not in query
    _, params = _query(link)
    assert params["branch"] == "fix/slides"
    assert params["urlpath"] == "lab/tree/my course/notebooks/00_start_here.ipynb" == f"lab/tree/{_cloned_folder(params)}/notebooks/00_start_here.ipynb"


@pytest.mark.parametrize("kwargs, message", [
    (dict(repo="github.com/me/course", hub="https://hub"), "repo: expected an http(s) URL"),
    (dict(repo="https://github.com/me/course", hub="hub.example.edu"), "hub: expected an http(s) URL"),
    (dict(repo="https://github.com/me/course", hub="https://hub", branch="a b"), "branch: expected a branch name"),
    (dict(repo="https://github.com/me/course", hub="https://hub", notebook="../etc/passwd"), "notebook: expected a path"),
    (dict(repo="https://github.com/me/course", hub="https://hub", folder="a/b"), "folder: expected one folder name"),
    (dict(repo="https://github.com/.git", hub="https://hub"), "repo: expected a repository URL ending in its name"),
])
def test_bad_arguments_name_themselves(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        hub_link.hub_link(**kwargs)


def test_command_line_prints_the_link_and_rejects_bad_input():
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "hub_link.py"), "--repo", "https://g/me/c.git",
                          "--hub", "https://hub"], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == hub_link.hub_link("https://g/me/c.git", "https://hub")
    bad = subprocess.run([sys.executable, str(ROOT / "tools" / "hub_link.py"), "--repo", "x", "--hub", "https://hub"],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "repo: expected" in bad.stderr
