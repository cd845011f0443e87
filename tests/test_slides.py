"""Presenter mode: the slide metadata rules (tools/slides.py) and the static slides (tools/build_slides.py).

The browser half (the slides open offline, count, math, 1280x720 fit) is tests/browser/test_slides.py.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from tools_loader import load_tool

ROOT = Path(__file__).resolve().parents[1]
slides = load_tool("slides")
CHAPTERS = slides.chapter_notebooks()


def test_there_are_chapters():
    assert len(CHAPTERS) >= 8 and all(p.parent.name == "notebooks" for p in CHAPTERS)


def figure_output(height=400, width=640):
    """A display_data output with a PNG of the given size (only its header is read)."""
    import base64
    import struct
    import zlib
    raw = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    raw += struct.pack(">I", zlib.crc32(raw[12:29]))
    return new_output("display_data", data={"image/png": base64.b64encode(raw).decode(), "text/plain": "<Figure>"})


def experiment_cell():
    cell = new_code_cell("Experiment(f, {'x': slider})")
    cell.outputs = [new_output("display_data", data={"text/plain": "Interactive experiment 'x': run this cell to use its controls."}),
                    ]
    return cell


def quiz_cell(n):
    cell = new_code_cell("Quiz(quizbank.for_chapter(4))")
    cell.outputs = [new_output("execute_result", execution_count=1,
                               data={slides.QUIZ_MIME: {"qids": [f"q{i}" for i in range(n)], "title": "t"},
                                     "text/plain": "Quiz"})]
    return cell


def toy_notebook():
    return new_notebook(cells=[
        new_markdown_cell("# Title\n\nWhat you will learn."),                      # 0 slide
        new_code_cell("import numpy as np"),                                    # 1 setup: skip
        new_markdown_cell("## 1. Section\n\nThe equation $$a = b$$"),            # 2 slide
        new_code_cell("a = 1\nprint(a)"),                                       # 3 fragment
        new_markdown_cell("So $a = 1$."),                                       # 4 fragment
        experiment_cell(),                                                      # 5 subslide (widget)
        new_markdown_cell("After the widget."),                                 # 6 subslide (new slide)
        new_code_cell("\n".join(f"x{i} = {i}" for i in range(slides.MAX_CODE_LINES + 1))),  # 7 skip (long)
        new_code_cell("show(fig)", outputs=[figure_output(600)]),               # 8 subslide (would overflow)
        new_markdown_cell("## 2. Long\n\n" + "\n\n".join("word " * 60 for _ in range(20))),  # 9 slide, in parts
        quiz_cell(3),                                                           # 10 a slide per question
        new_markdown_cell("## Exercises\n\n1. Do this."),                       # 11 notes
        new_markdown_cell("More exercises."),                                   # 12 notes
        new_markdown_cell("## Appendix: on paper"),                             # 13 skip
    ])


def test_the_rules_on_a_small_notebook():
    nb = toy_notebook()
    kinds = slides.slide_types(nb)
    assert kinds == ["slide", "skip", "slide", "fragment", "fragment", "subslide", "subslide", "skip", "subslide",
                     "slide", "subslide", "notes", "notes", "skip"]
    plan = slides.plan(nb)
    assert [k for k, _ in plan[10]] == ["subslide"] * 3 and [p for _, p in plan[10]] == [0, 1, 2]
    parts = [part for _, part in plan[9]]
    assert len(parts) >= 2 and parts[0].startswith("## 2. Long")
    assert all(slides.markdown_height(p) <= slides.BUDGET_PX for p in parts)
    assert "".join(parts).replace("\n", "") == nb.cells[9].source.replace("\n", "")  # nothing lost, nothing added


def test_a_long_quiz_is_skipped_and_a_second_section_in_a_cell_gets_its_own_slide():
    nb = new_notebook(cells=[new_markdown_cell("# T"), new_code_cell("setup"),
                             new_markdown_cell("## A\n\ntext\n\n## B\n\nmore"),
                             quiz_cell(slides.MAX_QUIZ_QUESTIONS + 1)])
    plan = slides.plan(nb)
    assert [k for k, _ in plan[2]] == ["slide", "slide"]
    assert plan[3] == [("skip", None)]


def test_blocks_never_cut_a_formula_a_fence_or_a_list_item():
    source = ("Intro.\n\n$$\na = b\n\nc = d\n$$\n\n```python\nx = 1\n\ny = 2\n```\n\n"
              "1. item\n\n   continued\n\n<details><summary>S</summary>\n\nhidden\n\n</details>\n\n### Heading\n\nafter")
    blocks = slides.markdown_blocks(source)
    assert blocks == ["Intro.", "$$\na = b\n\nc = d\n$$", "```python\nx = 1\n\ny = 2\n```",
                      "1. item\n\n   continued", "<details><summary>S</summary>\n\nhidden\n\n</details>",
                      "### Heading\n\nafter"]


def test_apply_is_idempotent_and_counts_slides():
    nb = toy_notebook()
    assert slides.apply(nb) > 0
    assert slides.apply(nb) == 0 and slides.out_of_step(nb) == []
    assert nb.metadata["rise"]["width"] == 1280 and nb.metadata["rise"]["height"] == 720
    # title, section 1, widget, after-widget, figure, section 2 in parts, 3 questions
    assert slides.count_slides(nb) == 5 + len(slides.plan(nb)[9]) + 3
    nb.cells[3].metadata["slideshow"] = {"slide_type": "subslide"}
    assert slides.out_of_step(nb) and slides.count_slides(nb) == 6 + len(slides.plan(nb)[9]) + 3


def test_check_mode_names_the_command(tmp_path, capsys):
    path = tmp_path / "nb.ipynb"
    nbformat.write(toy_notebook(), path)
    assert slides.main([str(path), "--check"]) == 1
    assert f"tools/slides.py {path}" in capsys.readouterr().out
    assert slides.main([str(path)]) == 0
    before = path.read_text()
    assert slides.main([str(path)]) == 0 and path.read_text() == before
    assert slides.main([str(path), "--check"]) == 0


def test_execute_notebooks_keeps_chapters_in_step_and_leaves_workbooks_alone():
    execute = load_tool("execute_notebooks")
    nb = toy_notebook()
    execute.tidy(nb, ROOT / "notebooks" / "99_toy.ipynb")
    assert slides.out_of_step(nb) == []
    other = toy_notebook()
    execute.tidy(other, ROOT / "notebooks" / "workbook" / "solutions" / "99_toy.ipynb")
    assert all("slideshow" not in c.metadata for c in other.cells) and "rise" not in other.metadata


class Sections(HTMLParser):
    """Counts reveal.js's slides: <section> elements without a <section> inside."""

    def __init__(self):
        super().__init__()
        self.stack, self.leaves = [], 0

    def handle_starttag(self, tag, attrs):
        if tag == "section":
            if self.stack:
                self.stack[-1] = True
            self.stack.append(False)

    def handle_endtag(self, tag):
        if tag == "section":
            self.leaves += not self.stack.pop()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """04's slides, built with a stand-in for the reveal.js package (no npm in `make test`)."""
    build = load_tool("build_slides")
    fake = tmp_path_factory.mktemp("reveal")
    for name in ("dist/reveal.js", "dist/reveal.css", "dist/theme/white.css", "plugin/notes/notes.js", "LICENSE"):
        (fake / name).parent.mkdir(parents=True, exist_ok=True)
        (fake / name).write_text("/* stand-in */")
    build.fetch_reveal = lambda cache=None: fake
    out = tmp_path_factory.mktemp("slides")
    nb = nbformat.read(ROOT / "notebooks" / "04_lstm.ipynb", as_version=4)
    slides.apply(nb)   # in step even while a helper's edit of the chapter waits for `tools/slides.py`
    chapter = tmp_path_factory.mktemp("notebooks") / "04_lstm.ipynb"
    nbformat.write(nb, chapter)
    build.build([chapter], out)
    return out, chapter


def test_static_slides_load_nothing_from_the_network(built):
    out, chapter = built
    page = (out / f"{chapter.stem}.slides.html").read_text(encoding="utf-8")
    sources = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', page)
    assert sources and not [s for s in sources if re.match(r"(https?:)?//", s)]
    for source in sources:
        assert (out / source.split("?")[0]).is_file(), f"{source} is not shipped next to the slides"
    assert "_static/mathjax/MathJax.js" in page and "_reveal/dist/reveal.js" in page


def test_static_slides_have_the_slides_the_metadata_gives(built):
    out, chapter = built
    counter = Sections()
    counter.feed((out / f"{chapter.stem}.slides.html").read_text(encoding="utf-8"))
    assert counter.leaves == slides.count_slides(nbformat.read(chapter, as_version=4))


def test_a_checksum_mismatch_of_reveal_is_refused(tmp_path):
    build = load_tool("build_slides")
    (tmp_path / f"reveal.js-{build.REVEAL_VERSION}.tgz").write_bytes(b"not the package")
    with pytest.raises(SystemExit, match="checksum"):
        build.fetch_reveal(tmp_path)
    assert not (tmp_path / f"reveal.js-{build.REVEAL_VERSION}.tgz").exists()
