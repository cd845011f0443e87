"""Presenter mode: give every chapter notebook its slide structure, by rule.

    python tools/slides.py                 # write the metadata into notebooks/*.ipynb
    python tools/slides.py --check         # exit 1 (naming the notebooks) if any is out of step
    python tools/slides.py notebooks/04_lstm.ipynb [--check]

JupyterLab's RISE (jupyterlab-rise, the `teach` extra) presents a notebook live, and
`make slides` (tools/build_slides.py) writes static reveal.js slides; both read each
cell's ``metadata.slideshow.slide_type``. Nobody sets it by hand: this tool derives it
from the cells, deterministically (the same notebook always gets the same metadata;
running it twice changes nothing), and tests/test_slides.py fails when a notebook's
metadata is not what it derives, so an edited notebook is brought back in step with
one command. tools/execute_notebooks.py applies it after every run as well.

The rules, in order, for each cell:

1. The setup cell (the first code cell) is ``skip``: imports and the version gate.
2. ``## Exercises`` and everything after it in that section are ``notes`` (the teacher
   sees them in the speaker view); ``## Appendix...`` sections are ``skip``.
3. A ``#`` or ``##`` heading starts a new horizontal ``slide``: one per section.
4. A widget (a code cell whose output is an experiment or a quiz) gets a vertical
   slide of its own (``subslide``), and the cell after it starts a new one. A quiz is
   shown a question per slide in the static deck (RISE shows the live quiz); one with
   more than ``MAX_QUIZ_QUESTIONS`` questions (the whole bank of 07) is ``skip``.
5. A short code cell that only displays Markdown (07's formula sheet) is shown as that
   Markdown, without the code, in parts as in rule 6 (in RISE: the cell, scrolled).
   A code cell longer than ``MAX_CODE_LINES`` lines, or whose estimated height with
   its outputs is over ``BUDGET_PX``, is ``skip``: it would not fit 1280x720.
6. A Markdown cell taller than a slide, or holding a second ``##`` section, is shown
   in parts, cut between paragraphs, formulas or list items (never inside one): each
   part a vertical slide, or a horizontal one where it starts a section. The cell's own
   type is its first part's; RISE shows the cell whole and scrolls.
7. Anything else joins the current slide as a ``fragment`` (the next step of the
   derivation appears on the next click) while the slide's estimated height stays
   within ``BUDGET_PX``; otherwise it starts a new vertical slide (``subslide``).

Heights are estimated from the text (characters per line, display formulas, table
rows, code lines, figure sizes read from the PNG headers) for the 1280x720 canvas of
tools/build_slides.py; the browser test measures the rendered slides against it.
The notebook-level ``rise`` metadata makes RISE use the same canvas and scroll a
slide that is still too tall (a live widget's output can grow).
"""

import argparse
import base64
import math
import re
import struct
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]

WIDTH, HEIGHT = 1280, 720
BUDGET_PX = 650            # of the 720: the slide's margins and a safety margin for the estimate
MAX_CODE_LINES = 20        # longer code is not shown on a slide
MAX_QUIZ_QUESTIONS = 12    # a quiz is shown a question per slide; a longer one (the whole bank) is skipped
TEXT_LINE_PX = 30          # 20 px Markdown text, line height 1.5
CODE_LINE_PX = 26          # 19 px code, pre line height ~1.35
OUTPUT_LINE_PX = 24        # printed output
CHARS_PER_LINE = 118       # Markdown text at 20 px over ~1240 px
CODE_CHARS_PER_LINE = 108
FIGURE_MAX_PX = 560        # the slides' CSS caps a figure's height at this
CELL_GAP_PX = 14
RISE = {"width": WIDTH, "height": HEIGHT, "scroll": True, "center": False, "transition": "none",
        "slideNumber": "c/t"}

EXPERIMENT_TEXT = "Interactive experiment"
QUIZ_MIME = "application/vnd.course-utils.quiz+json"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
SLIDE_TYPES = ("slide", "subslide", "fragment", "-", "skip", "notes")


def text(value):
    return "".join(value) if isinstance(value, list) else (value or "")


def heading_level(cell):
    """1 for '# ', 2 for '## ' ... of the Markdown cell's first line; 0 if it does not start with a heading."""
    if cell.cell_type != "markdown":
        return 0
    first = cell.source.lstrip().split("\n", 1)[0]
    match = re.match(r"(#{1,6})\s", first)
    return len(match.group(1)) if match else 0


def heading_text(cell):
    return cell.source.lstrip().split("\n", 1)[0].lstrip("#").strip()


def is_widget(cell):
    """A code cell whose output is an experiment, a quiz or another widget."""
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if WIDGET_MIME in data or QUIZ_MIME in data or text(data.get("text/plain")).startswith(EXPERIMENT_TEXT):
            return True
    return False


def displayed_markdown(cell):
    """The Markdown a code cell displays when that is all it shows (display(Markdown(...))), else None."""
    outputs = cell.get("outputs", []) if cell.cell_type == "code" else []
    if not outputs or not all("text/markdown" in o.get("data", {}) for o in outputs):
        return None
    return "\n\n".join(text(o["data"]["text/markdown"]).strip() for o in outputs)


def quiz_questions(cell):
    """The number of questions of the quiz this code cell shows (0: it shows none)."""
    for output in cell.get("outputs", []):
        if QUIZ_MIME in output.get("data", {}):
            return len(output["data"][QUIZ_MIME]["qids"])
    return 0


def wrapped_lines(line, chars=CHARS_PER_LINE):
    return max(1, math.ceil(len(line) / chars))


def markdown_height(source):
    """Estimated height in px of rendered Markdown on the 1280x720 slide."""
    height, in_math, in_code = 0, False, False
    for raw in source.splitlines():
        line = raw.strip()
        if in_code:
            in_code = not line.startswith("```")
            height += CODE_LINE_PX if in_code else 16
            continue
        if line.startswith("```"):
            in_code = True
            height += 16
            continue
        if line.startswith("$$") or in_math:    # display formula: a row per line (or per \\ inside one line)
            opens = line.count("$$")
            rows = max(1, line.count("\\\\") + 1) if line.strip("$") else 0
            height += 44 * rows + (16 if opens else 0)
            if opens % 2:
                in_math = not in_math
            continue
        if not line:
            height += 10
        elif line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            height += {1: 62, 2: 52, 3: 42}.get(level, 36)
        elif line.startswith("|"):   # a table row: wraps like text, in narrower columns
            visible = re.sub(r"\]\([^)]*\)", "]", line)
            height += 0 if re.match(r"^\|[\s:|-]+\|$", line) else 12 + 28 * wrapped_lines(visible, CHARS_PER_LINE * 3 // 4)
        elif line.startswith("<details"):
            height += TEXT_LINE_PX
        else:
            extra = 10 if "$" in line else 0   # inline formulas are taller than a text line
            height += wrapped_lines(re.sub(r"\]\([^)]*\)", "]", line)) * (TEXT_LINE_PX + extra)
    return height


def png_height(png_base64, max_width=WIDTH - 40):
    head = base64.b64decode(text(png_base64)[:44])
    width, height = struct.unpack(">II", head[16:24])
    return min(height * min(1.0, max_width / width), FIGURE_MAX_PX)


def output_height(output):
    if output.get("output_type") == "stream":
        return sum(wrapped_lines(line, CODE_CHARS_PER_LINE) for line in text(output["text"]).splitlines()) * OUTPUT_LINE_PX
    data = output.get("data", {})
    if "image/png" in data:
        return png_height(data["image/png"]) + 8
    if QUIZ_MIME in data:
        return 0   # a quiz always has a slide of its own (rule 4)
    if "text/markdown" in data:
        return markdown_height(text(data["text/markdown"]))
    if "image/svg+xml" in data:
        return 420
    if "text/html" in data:
        return text(data["text/html"]).count("<tr") * 38 or 60
    plain = text(data.get("text/plain"))
    return len(plain.splitlines()) * OUTPUT_LINE_PX


def code_height(cell):
    lines = sum(wrapped_lines(line, CODE_CHARS_PER_LINE) for line in cell.source.splitlines() or [""])
    return 24 + lines * CODE_LINE_PX + sum(output_height(o) for o in cell.get("outputs", []))


def cell_height(cell):
    if cell.cell_type == "markdown":
        return markdown_height(cell.source)
    if cell.cell_type == "code":
        return code_height(cell)
    return 0


def markdown_blocks(source):
    """The Markdown split at blank lines, never inside a fenced code block, a $$ formula, a <details>
    element or an indented continuation of a list item; a heading stays with the block after it."""
    blocks, current, fence, math, details = [], [], False, False, 0
    lines = source.splitlines()
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("```"):
            fence = not fence
        elif not fence:
            math ^= stripped.count("$$") % 2 == 1
            details += (len(re.findall(r"<(details|div|table)\b", stripped))
                        - len(re.findall(r"</(details|div|table)>", stripped)))
        following = next((l for l in lines[index + 1:] if l.strip()), "")
        if (not stripped and current and not (fence or math or details)
                and not following.startswith((" ", "\t"))
                and not re.fullmatch(r"#{1,6}\s.*", "\n".join(current).strip())):
            blocks.append("\n".join(current))
            current = []
        elif stripped or current:
            current.append(line)
    if current:
        blocks.append("\n".join(current))
    return blocks


def markdown_parts(source):
    """``source`` cut into parts that each fit a slide: before every '#'/'##' heading after the
    first block (one slide per section), and wherever the next block would overflow ``BUDGET_PX``."""
    parts, current, used = [], [], 0
    for block in markdown_blocks(source):
        height = markdown_height(block) + 10
        if current and (re.match(r"#{1,2}\s", block) or used + height > BUDGET_PX):
            parts.append("\n\n".join(current))
            current, used = [], 0
        current.append(block)
        used += height
    if current:
        parts.append("\n\n".join(current))
    return parts or [source]


def plan(nb):
    """For every cell of ``nb``, its slides: a list of (slide type, Markdown part or None for the whole cell).

    A Markdown cell taller than a slide, or holding a second section, is shown in parts (the static
    slides of tools/build_slides.py cut it there; RISE shows it whole and scrolls); the cell's own
    slide type is the type of its first part. Every other cell has one entry.
    """
    result = []
    first_code = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), None)
    section = None            # "exercises", "appendix" or None
    used = None               # estimated height of the current slide; None: the next cell starts one
    for index, cell in enumerate(nb.cells):
        level = heading_level(cell)
        if level in (1, 2):
            title = heading_text(cell).lower()
            section = ("exercises" if title.startswith("exercises")
                       else "appendix" if title.startswith("appendix") else None)
        if index == first_code or cell.cell_type == "raw" or section == "appendix":
            result.append([("skip", None)])
            continue
        if section == "exercises":
            result.append([("notes", None)])
            continue
        shown = displayed_markdown(cell)
        if shown is not None and len(cell.source.splitlines()) <= MAX_CODE_LINES:
            parts = markdown_parts(shown)     # the formula sheet of 07: its Markdown, in parts, without the code
            kind = "subslide"
            entries = [(kind, parts[0])]
            entries += [("slide" if re.match(r"#{1,2}\s", part) else "subslide", part) for part in parts[1:]]
            used = markdown_height(parts[-1])
            result.append(entries)
            continue
        if cell.cell_type == "code":
            height = code_height(cell)
            questions = quiz_questions(cell)
            if questions > MAX_QUIZ_QUESTIONS:
                kind = "skip"
            elif questions:
                used = None
                result.append([("subslide", number) for number in range(questions)])
                continue
            elif is_widget(cell):
                kind, used = "subslide", None
            elif len(cell.source.splitlines()) > MAX_CODE_LINES or height > BUDGET_PX:
                kind = "skip"
            elif used is None or used + CELL_GAP_PX + height > BUDGET_PX:
                kind, used = "subslide", height
            else:
                kind, used = "fragment", used + CELL_GAP_PX + height
            result.append([(kind, None)])
            continue
        parts = markdown_parts(cell.source)
        heights = [markdown_height(part) for part in parts]
        if level in (1, 2):
            kind, used = "slide", heights[0]
        elif used is None or len(parts) > 1 or used + CELL_GAP_PX + heights[0] > BUDGET_PX:
            kind, used = "subslide", heights[0]
        else:
            kind, used = "fragment", used + CELL_GAP_PX + heights[0]
        entries = [(kind, parts[0] if len(parts) > 1 else None)]
        for part, height in zip(parts[1:], heights[1:]):
            entries.append(("slide" if re.match(r"#{1,2}\s", part) else "subslide", part))
            used = height
        result.append(entries)
    return result


def slide_types(nb):
    """The slide type of every cell of ``nb``, by the rules of the module docstring (a list of str)."""
    return [entries[0][0] for entries in plan(nb)]


def apply(nb):
    """Write the slide types (and the notebook's RISE settings) into ``nb``; returns the number of cells changed."""
    changed = 0
    for cell, kind in zip(nb.cells, slide_types(nb)):
        if cell.metadata.get("slideshow") != {"slide_type": kind}:
            cell.metadata["slideshow"] = {"slide_type": kind}
            changed += 1
    if nb.metadata.get("rise") != RISE:
        nb.metadata["rise"] = dict(RISE)
        changed += 1
    return changed


def out_of_step(nb):
    """Descriptions of the cells whose slide metadata differ from the rules' (empty: in step)."""
    problems = [f"cell {i} ({cell.cell_type}): {cell.metadata.get('slideshow', {}).get('slide_type')!r}, "
                f"the rules give {kind!r}"
                for i, (cell, kind) in enumerate(zip(nb.cells, slide_types(nb)))
                if cell.metadata.get("slideshow") != {"slide_type": kind}]
    if nb.metadata.get("rise") != RISE:
        problems.append(f"notebook metadata 'rise' is {nb.metadata.get('rise')!r}, the rules give {RISE!r}")
    return problems


def count_slides(nb):
    """The number of slides of ``nb``'s static deck (reveal.js's count: every slide and vertical slide),
    from the cells' slide metadata and the parts that long Markdown cells are shown in."""
    count = 0
    for cell, entries in zip(nb.cells, plan(nb)):
        kinds = [cell.metadata.get("slideshow", {}).get("slide_type", "-")] + [kind for kind, _ in entries[1:]]
        count += sum(kind in ("slide", "subslide") for kind in kinds)
    return count


def chapter_notebooks(root=ROOT):
    return sorted((Path(root) / "notebooks").glob("*.ipynb"))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", help="default: every chapter, notebooks/*.ipynb")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a notebook is out of step")
    args = parser.parse_args(argv)
    paths = [Path(p) for p in args.notebooks] or chapter_notebooks()
    stale = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        if args.check:
            problems = out_of_step(nb)
            if problems:
                stale.append(path)
                print(f"{path}: slide metadata out of step ({len(problems)}): " + "; ".join(problems[:3]))
            continue
        changed = apply(nb)
        if changed:
            nbformat.write(nb, path)
        print(f"{path}: {count_slides(nb)} slides" + (f" ({changed} cells changed)" if changed else " (unchanged)"))
    if stale:
        print("fix: .venv/bin/python tools/slides.py " + " ".join(str(p) for p in stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
