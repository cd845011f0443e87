"""Turn a percent-format script into a notebook (an authoring aid, not part of the course).

    python tools/py_to_notebook.py draft.py notebooks/02_rnn.ipynb

Cells start with a line ``# %%`` (code) or ``# %% [markdown]`` (Markdown, each line
prefixed by ``# ``). Tags follow the marker: ``# %% tags=["nbval-ignore-output"]``.
Write the draft, convert it, then run `make execute` and edit the notebook itself
from then on (the notebook is the source of truth; drafts are not committed).
"""

import json
import re
import sys

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

MARKER = re.compile(r"^# %%(?P<md> \[markdown\])?(?: tags=(?P<tags>\[.*\]))?\s*$")


def convert(text):
    cells, kind, tags, lines = [], None, [], []

    def flush():
        if kind is None:
            return
        body = "\n".join(lines).strip("\n")
        if kind == "md":
            body = "\n".join(l[2:] if l.startswith("# ") else l.lstrip("#") for l in body.splitlines())
            cell = new_markdown_cell(body)
        else:
            cell = new_code_cell(body)
        if tags:
            cell.metadata["tags"] = tags
        cells.append(cell)

    for line in text.splitlines():
        m = MARKER.match(line)
        if m:
            flush()
            kind = "md" if m.group("md") else "code"
            tags = json.loads(m.group("tags")) if m.group("tags") else []
            lines = []
        else:
            lines.append(line)
    flush()
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


if __name__ == "__main__":
    src, dst = sys.argv[1:3]
    nbformat.write(convert(open(src, encoding="utf-8").read()), dst)
    print(f"wrote {dst}")
