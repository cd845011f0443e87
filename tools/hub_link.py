"""Build the nbgitpuller link a teacher shares with a class on JupyterHub.

    python tools/hub_link.py --repo URL --hub URL [--branch main] [--notebook 00_start_here.ipynb] [--folder NAME]
    make hub-link REPO=URL HUB=URL [BRANCH=main] [NOTEBOOK=...] [FOLDER=...]

nbgitpuller clones into the folder named by the last part of the repository URL,
*including* a trailing ".git" (``https://host/me/course.git`` becomes ``~/course.git``), so a
link that opens ``lab/tree/course/...`` finds nothing ("Could not find path"). This builder
names the folder after the URL's last part without ".git" and, whenever that differs from
nbgitpuller's own choice, passes it as ``targetPath`` so both agree.
"""

import argparse
import sys
from urllib.parse import quote, urlencode, urlsplit

DEFAULT_NOTEBOOK = "00_start_here.ipynb"


def nbgitpuller_default_folder(repo):
    """The folder nbgitpuller (1.3) clones into when the link has no targetPath: the URL's last part
    after trailing slashes are removed, '.git' included."""
    return repo.rstrip("/").split("/")[-1]


def course_folder(repo):
    """A clean folder name for the course: the repository URL's last part, without '.git'."""
    name = repo.rstrip("/").split("/")[-1]
    if name.endswith(".git"):
        name = name[: -len(".git")]
    if not name:
        raise ValueError(f"repo: expected a repository URL ending in its name, received {repo!r}")
    return name


def hub_link(repo, hub, branch="main", notebook=DEFAULT_NOTEBOOK, folder=None):
    """The nbgitpuller link that clones ``repo`` (``branch``) and opens ``notebooks/<notebook>``
    in JupyterLab inside the folder it was cloned into."""
    for name, value, schemes in (("repo", repo, ("http", "https", "file")), ("hub", hub, ("http", "https"))):
        parts = urlsplit(value)
        if parts.scheme not in schemes or not (parts.netloc or parts.scheme == "file"):
            raise ValueError(f"{name}: expected an http(s) URL such as https://host/path, received {value!r}")
    if not branch or any(c.isspace() for c in branch):
        raise ValueError(f"branch: expected a branch name without spaces, received {branch!r}")
    if not notebook or notebook.startswith("/") or ".." in notebook.split("/"):
        raise ValueError(f"notebook: expected a path inside notebooks/, e.g. {DEFAULT_NOTEBOOK!r}, received {notebook!r}")
    folder = folder or course_folder(repo)
    if "/" in folder or folder in (".", ".."):
        raise ValueError(f"folder: expected one folder name, received {folder!r}")
    if notebook.startswith("notebooks/"):
        notebook = notebook[len("notebooks/"):]
    params = {"repo": repo, "branch": branch}
    if folder != nbgitpuller_default_folder(repo):
        params["targetPath"] = folder
    params["urlpath"] = f"lab/tree/{folder}/notebooks/{notebook}"
    query = urlencode(params, quote_via=quote, safe="")
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", required=True, help="the course repository's clone URL (with or without .git)")
    parser.add_argument("--hub", required=True, help="the hub's address, e.g. https://hub.example.edu")
    parser.add_argument("--branch", default="main")
    parser.add_argument("--notebook", default=DEFAULT_NOTEBOOK, help="a notebook under notebooks/")
    parser.add_argument("--folder", default=None, help="the folder in each student's home (default: the repo's name)")
    args = parser.parse_args(argv)
    try:
        link = hub_link(args.repo, args.hub, args.branch, args.notebook, args.folder)
    except ValueError as err:
        parser.error(str(err))
    print(link)
    return 0


if __name__ == "__main__":
    sys.exit(main())
