"""`make html`: the static site has a page per notebook, an index, and no broken internal link.

The site is built once into a temporary folder; links are read back from the
written HTML with a real HTML parser (independently of the builder's rewriting).
"""

import html
import json
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from tools_loader import load_tool

from course_utils import quizbank

ROOT = Path(__file__).resolve().parents[1]
# every chapter, then the workbooks (the chapters link to them): one page each
NOTEBOOKS = load_tool("build_site").course_notebooks(ROOT)
STEMS = [load_tool("build_site").page_stem(nb) for nb in NOTEBOOKS]
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
QUIZ_MIME = "application/vnd.course-utils.quiz+json"


def load_builder():
    return load_tool("build_site")


class Page(HTMLParser):
    """Collects the links (href/src), the ids, the viewport meta and the visible text of one page."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.links, self.ids, self.viewport, self.text = [], set(), None, []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("id", "name") if tag == "a" else ("id",):
            if attrs.get(name):
                self.ids.add(attrs[name])
        for name in ("href", "src"):
            if attrs.get(name) is not None:
                self.links.append((tag, attrs[name]))
        if tag == "meta" and attrs.get("name") == "viewport":
            self.viewport = attrs.get("content", "")

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    written, broken = load_builder().build(NOTEBOOKS, out)
    pages = {path.name: Page(path.read_text(encoding="utf-8")) for path in out.glob("*.html")}
    return out, written, broken, pages


def internal(url):
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and not url.startswith("//")


def test_every_notebook_has_a_page_and_the_index_lists_them_all(site):
    out, written, broken, pages = site
    assert broken == []
    assert sorted(p.name for p in written) == sorted(["index.html"] + [f"{stem}.html" for stem in STEMS])
    index_targets = {url for tag, url in pages["index.html"].links if tag == "a"}
    for stem in STEMS:
        assert f"{stem}.html" in index_targets


def test_every_internal_link_resolves_to_a_file_and_an_anchor(site):
    out, _, _, pages = site
    problems = []
    for name, page in pages.items():
        for tag, url in page.links:
            if not internal(url):
                continue
            parts = urlsplit(url)
            target = (out / unquote(parts.path)).resolve() if parts.path else out / name
            if not target.is_file():
                problems.append(f"{name}: <{tag}> {url} -> no such file")
            elif parts.fragment and target.suffix == ".html":
                ids = pages[target.name].ids if target.parent == out else set()
                # as a browser does: the fragment as written, then percent-decoded
                if parts.fragment not in ids and unquote(parts.fragment) not in ids:
                    problems.append(f"{name}: <{tag}> {url} -> no element with that id")
    assert problems == []


def test_chapter_links_in_the_notebooks_point_at_pages_not_notebooks(site):
    _, _, _, pages = site
    for name, page in pages.items():
        for _, url in page.links:
            assert not urlsplit(url).path.endswith(".ipynb"), f"{name} still links to {url}"
    # notebook 00 links to the first chapter in its last cell; on the site that is a page link
    links_00 = {url for _, url in pages["00_start_here.html"].links}
    assert "01_mlp_recap.html" in links_00


def test_pages_are_made_for_phones(site):
    out, _, _, pages = site
    for name, page in pages.items():
        assert page.viewport is not None and "width=device-width" in page.viewport, name
        assert ("link", "_static/site.css") in page.links, name
    css = (out / "_static" / "site.css").read_text()
    assert "@media (max-width:" in css and "max-width: 100%" in css


def test_pages_have_previous_and_next_links_in_course_order(site):
    _, _, _, pages = site
    stems = STEMS
    for i, stem in enumerate(stems):
        links = {url for tag, url in pages[f"{stem}.html"].links if tag == "a"}
        assert "index.html" in links
        if i > 0:
            assert f"{stems[i - 1]}.html" in links
        if i < len(stems) - 1:
            assert f"{stems[i + 1]}.html" in links


def test_outputs_are_kept_quizzes_become_questions_and_experiments_figures(site):
    _, _, _, pages = site
    bank = {q.qid: q for q in quizbank.all_questions()}
    for nb_path, stem in zip(NOTEBOOKS, STEMS):
        nb = json.loads(nb_path.read_text())
        raw = (site[0] / f"{stem}.html").read_text(encoding="utf-8")
        text = "".join(pages[f"{stem}.html"].text)
        experiments = quizzes = 0
        for cell in nb["cells"]:
            for out in cell.get("outputs", []):
                data = out.get("data", {})
                if out["output_type"] == "stream" and out["name"] == "stdout" and "".join(out["text"]).strip():
                    first_line = "".join(out["text"]).strip().splitlines()[0]  # (a lone newline chunk: skipped)
                    assert html.escape(first_line, quote=False) in raw or first_line in text, \
                        f"{nb_path.name}: output {first_line!r} missing"
                if QUIZ_MIME in data:
                    quizzes += 1
                    for qid in data[QUIZ_MIME]["qids"]:  # every question, from the quiz bank, answer folded
                        assert f'id="quiz-{qid}"' in raw
                        letter = "ABCDEFGHIJ"[bank[qid].answer]
                        item = raw.split(f'id="quiz-{qid}"', 1)[1].split("</li>\n", 1)[0]
                        assert f"<summary>Answer</summary><p><b>{letter}</b>:" in item.replace("\n", "")
                if "".join(data.get("text/plain", "")).startswith("Interactive experiment"):
                    experiments += 1
        assert text.count("the figure for the initial settings; it is interactive in JupyterLab") + \
            text.count("Interactive in JupyterLab") == experiments
        assert raw.count('class="static-quiz"') == quizzes
        assert ": run this cell to" not in text  # no widget's "run this cell" hint on a page without a kernel
        assert WIDGET_MIME not in raw  # no widget view left for a (missing) widget manager


def test_math_is_rendered_by_the_sites_own_mathjax(site):
    out, _, _, pages = site
    assert (out / "_static" / "mathjax" / "MathJax.js").is_file()
    for name, page in pages.items():
        scripts = [url for tag, url in page.links if tag == "script"]
        assert any(url.startswith("_static/mathjax/MathJax.js?config=") for url in scripts), name
        assert all(not urlsplit(url).scheme for url in scripts), f"{name} loads a script from the network"


def test_the_index_numbers_chapters_like_their_files(site):
    out, _, _, pages = site
    raw = (out / "index.html").read_text(encoding="utf-8")
    assert '<span class="number">00</span><a class="chapter" href="00_start_here.html">' in raw
    assert "<ol" not in raw  # an ordered list would number chapter 00 as "1."


def test_printed_tables_keep_their_columns_and_prose_wraps():
    builder = load_builder()
    assert builder.is_table("cell   H  params\nrnn   32   1,476\nlstm  32   5,508")
    assert not builder.is_table("Training diverged at step 1: the loss became inf.\nTry a smaller rate.")
    page = ('<div class="jp-RenderedText jp-OutputArea-output" data-mime-type="text/plain">\n'
            "<pre>a   1\nb   2\n</pre></div>")
    assert '<pre class="printed-table">' in builder.phone_layout(page)


def test_a_figure_is_framed_at_its_natural_width_for_tap_to_zoom():
    import base64
    import io

    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(4, 2), dpi=100)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    png = base64.b64encode(buffer.getvalue()).decode()
    builder = load_builder()
    assert builder.png_width(png) == 400
    assert "width:400px;min-width:min(34rem,400px)" in builder.figure_html(png)


def test_workbooks_are_part_of_the_course_and_named_by_folder(tmp_path):
    builder = load_builder()
    (tmp_path / "notebooks" / "workbook").mkdir(parents=True)
    for path in ("notebooks/01_a.ipynb", "notebooks/workbook/01_a.ipynb"):
        (tmp_path / path).write_text("{}")
    found = builder.course_notebooks(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["notebooks/01_a.ipynb",
                                                                   "notebooks/workbook/01_a.ipynb"]
    assert [builder.page_stem(p) for p in found] == ["01_a", "workbook-01_a"]


def test_a_link_to_a_missing_notebook_is_reported(tmp_path):
    source = tmp_path / "nb"
    source.mkdir()
    nb = {"cells": [{"cell_type": "markdown", "id": "a1", "metadata": {},
                     "source": "# Title\n\nSee [chapter 9](09_missing.ipynb) and [data](data.csv)."}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (source / "01_demo.ipynb").write_text(json.dumps(nb))
    written, broken = load_builder().build([source / "01_demo.ipynb"], tmp_path / "site")
    assert [p.name for p in written] == ["index.html", "01_demo.html"]
    assert broken == ["01_demo.ipynb: link to 09_missing.ipynb, which is not a notebook of the course"]
