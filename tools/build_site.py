"""`make html`: the course as a static site, for reading and revising without a kernel.

    python tools/build_site.py                      # every notebook -> site/
    python tools/build_site.py --out /tmp/site notebooks/00_start_here.ipynb

Each notebook is rendered with its saved outputs by nbconvert's HTML exporter
(JupyterLab's look), into one page per notebook plus ``index.html``:

- links between chapters work: ``02_rnn.ipynb#Backpropagation`` becomes
  ``02_rnn.html#Backpropagation``; other relative links that point at a file of
  the repository (a module, a data file) get a copy of that file under ``files/``;
- every page has a viewport meta tag, a shared stylesheet that adapts to a phone
  (prompts hidden; printed tables, wide tables and code scroll sideways; figures
  stay at a readable width and open full size when tapped), and contents /
  previous / next links at the top and bottom;
- formulas are typeset by the site's own copy of MathJax (tools/site_assets.py):
  no CDN, so the site works offline and from any static host;
- widgets cannot run without a kernel: a quiz becomes its questions with the
  answers folded (rendered from the quiz bank, the single source, by the question
  ids the notebook stored); an experiment becomes the figure it showed for its
  initial settings with a one-line note; any other widget shows its text form.

The exit status is 1 when a link to a notebook names one that does not exist
(the pages are still written), so `make html` fails on a broken chapter link.
"""

import argparse
import base64
import html
import re
import shutil
import struct
import sys
import time
from pathlib import Path

import nbformat
from jinja2 import DictLoader
from nbconvert import HTMLExporter
from nbconvert.filters.markdown_mistune import markdown2html_mistune

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))  # site_assets, also when loaded by the tests

from site_assets import OFFLINE_HEAD_BLOCKS, mathjax_head, write_assets  # noqa: E402

from course_utils import quizbank  # noqa: E402
from course_utils.labs.quiz import QUIZ_MIME, quiz_from_bundle, quiz_html  # noqa: E402
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
COURSE_TITLE = "Recurrent Neural Networks from Scratch"
EXPERIMENT_TEXT = "Interactive experiment"  # how labs.widgets.Experiment's text form starts

# The exporter's own page minus require.js (nothing here needs it), minus the
# 250 kB of inlined JupyterLab CSS (every page links one shared copy instead),
# and with the site's own MathJax instead of a CDN's.
PAGE_TEMPLATE = """{%- extends 'index.html.j2' -%}
""" + OFFLINE_HEAD_BLOCKS + """{% block notebook_css %}
<link rel="stylesheet" href="_static/jupyterlab.css">
<link rel="stylesheet" href="_static/site.css">
{% endblock notebook_css %}
{% block body_header %}
<body class="jp-Notebook" data-jp-theme-light="true" data-jp-theme-name="JupyterLab Light">
{{ resources.site_nav }}
<main>
{% endblock body_header %}
{% block body_footer %}
</main>
{{ resources.site_nav }}
<script src="_static/zoom.js"></script>
</body>
{% endblock body_footer %}
"""

INDEX_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{title}</title>
<link rel="stylesheet" href="_static/jupyterlab.css">
<link rel="stylesheet" href="_static/site.css">
{mathjax}
</head>
<body class="jp-Notebook" data-jp-theme-light="true">
<main class="jp-RenderedHTMLCommon">
<h1>{title}</h1>
<p>The course's notebooks with their outputs, for reading and revising without a running
kernel: each quiz lists its questions with the answers folded, and each experiment shows
its figure for the initial settings. To move the sliders, open the notebooks in JupyterLab
(<code>make lab</code>) or on Binder.</p>
<ul class="contents">
{items}
</ul>
</main>
</body>
</html>
"""


def notebook_title(nb, fallback):
    """The first '# ' heading of the first Markdown cell (the notebook's title)."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
            break
    return fallback


def notebook_summary(nb):
    """The first paragraph after the title, as Markdown (shown on the index page)."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            paragraphs = [p.strip() for p in re.split(r"\n\s*\n", cell.source) if p.strip()]
            rest = [p for p in paragraphs if not p.startswith("#")]
            return rest[0] if rest else ""
    return ""


def static_widgets(nb, bank):
    """Replace each widget output by what a page without a kernel can show (see the module docstring).

    ``bank`` maps question ids to quiz bank Questions. Returns the number of widgets replaced.
    """
    count = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            text = data.get("text/plain", "An interactive widget.")
            text = "".join(text) if isinstance(text, list) else text
            # execute_notebooks.py strips the widget view from stored outputs: a quiz is known by its
            # question ids, an experiment by its text form
            if not (WIDGET_MIME in data or QUIZ_MIME in data or text.startswith(EXPERIMENT_TEXT)):
                continue
            if QUIZ_MIME in data:
                title, questions = quiz_from_bundle(data[QUIZ_MIME], bank)
                page = quiz_html(questions, title) + (
                    "<p class='widget-note'>Tap “Answer” to check yourself. In JupyterLab this quiz "
                    "gives instant feedback and a score.</p>")
            elif "image/png" in data:
                png = "".join(data["image/png"]) if isinstance(data["image/png"], list) else data["image/png"]
                name = re.match(r"Interactive experiment '(.*)':", text)
                name = name.group(1) if name else "this experiment"
                page = (figure_html(png, html.escape(name)) + "<p class='widget-note'>" + html.escape(name)
                        + ": the figure for the initial settings; it is interactive in JupyterLab "
                        "(<code>make lab</code>) or on Binder.</p>")
            else:  # an experiment without a figure (flash cards) or another widget: its name and where to use it
                name = re.match(r"Interactive experiment '(.*)':", text)
                label = f"Interactive experiment “{name.group(1)}”." if name else text.split(":")[0] + "."
                page = ("<div class='static-widget'>" + html.escape(label) + "<br><small>Interactive in "
                        "JupyterLab (<code>make lab</code>) or on Binder.</small></div>")
            output["data"] = {"text/html": page}
            count += 1
    nb.metadata.pop("widgets", None)
    return count


def png_width(png_base64):
    """Pixel width of a base64 PNG (from its IHDR header)."""
    head = base64.b64decode(png_base64[:44])
    return struct.unpack(">I", head[16:20])[0]


def figure_html(png_base64, alt="figure"):
    """A figure at its natural width, never narrower than ~34rem (readable), tap to zoom."""
    width = png_width(png_base64)
    return (f"<div class='figure-frame'><img alt='{alt}' src='data:image/png;base64,{png_base64.strip()}' "
            f"style='width:{width}px;min-width:min(34rem,{width}px)'></div>")


IMAGE = re.compile(r'<div class="jp-RenderedImage jp-OutputArea-output[^"]*"[^>]*>\s*'
                   r'<img src="data:image/png;base64,([^"]+)"[^>]*>\s*</div>')
PRINTED = re.compile(r'(<div class="jp-RenderedText jp-OutputArea-output[^"]*"[^>]*>\s*)<pre>(.*?)</pre>', re.S)


def is_table(text):
    """Printed text with aligned columns: two or more lines with a run of 2+ spaces or a '|' inside."""
    lines = [line for line in html.unescape(re.sub(r"<[^>]+>", "", text)).splitlines() if line.strip()]
    return sum(bool(re.search(r"\S( {2,}|\s\|\s)\S", line)) for line in lines) >= 2


def phone_layout(page):
    """Figures in zoomable frames; printed tables marked so they keep their columns."""
    page = IMAGE.sub(lambda m: f'<div class="jp-RenderedImage jp-OutputArea-output">{figure_html(m.group(1))}</div>',
                     page)
    return PRINTED.sub(lambda m: m.group(1) + ('<pre class="printed-table">' if is_table(m.group(2)) else "<pre>")
                       + m.group(2) + "</pre>", page)


LINK = re.compile(r'\b(href|src)="([^"]*)"')


def rewrite_links(page, notebook_dir, site_dir, pages, broken):
    """Point chapter links at the rendered pages and copy linked repository files.

    ``pages`` maps a notebook stem to its page name; a link to a notebook that is
    not among them is appended to ``broken`` and left as it was.
    """
    def fix(match):
        attr, url = match.groups()
        target, _, fragment = html.unescape(url).partition("#")
        if not target or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target) or target.startswith("/"):
            return match.group(0)  # in-page anchor, absolute URL, data: URI
        anchor = f"#{fragment}" if fragment else ""
        if target.endswith(".ipynb"):
            stem = Path(target).stem
            if Path(target).parent.name and f"{Path(target).parent.name}-{stem}" in pages:
                stem = f"{Path(target).parent.name}-{stem}"
            if stem not in pages:
                broken.append(url)
                return match.group(0)
            return f'{attr}="{html.escape(pages[stem] + anchor)}"'
        source = (notebook_dir / target).resolve()
        if source.is_file() and ROOT in source.parents:
            relative = source.relative_to(ROOT)
            copy = site_dir / "files" / relative
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, copy)
            return f'{attr}="{html.escape("files/" + relative.as_posix() + anchor)}"'
        return match.group(0)

    return LINK.sub(fix, page)


def navigation(order, index):
    links = ['<a href="index.html">Contents</a>']
    if index > 0:
        stem, title = order[index - 1]
        links.append(f'<a class="prev" href="{stem}.html">← {html.escape(title)}</a>')
    if index < len(order) - 1:
        stem, title = order[index + 1]
        links.append(f'<a class="next" href="{stem}.html">{html.escape(title)} →</a>')
    return '<nav class="site-nav">' + " ".join(links) + "</nav>"


def make_exporter():
    exporter = HTMLExporter(template_name="lab", extra_loaders=[DictLoader({"site_page.html.j2": PAGE_TEMPLATE})],
                            template_file="site_page.html.j2")
    exporter.exclude_anchor_links = False
    return exporter


def write_static(exporter, site_dir):
    css = []
    for name in ("index.css", "theme-light.css"):
        for folder in exporter.template_paths:
            path = Path(folder) / "static" / name
            if path.is_file():
                css.append(path.read_text(encoding="utf-8"))
                break
        else:
            raise FileNotFoundError(f"nbconvert's lab template has no static/{name}; is nbconvert >= 7 installed?")
    write_assets(site_dir, "\n".join(css))


def course_notebooks(root=ROOT):
    """Every notebook of the course: notebooks/*.ipynb, then the workbooks (notebooks/workbook/*.ipynb)."""
    folder = Path(root) / "notebooks"
    return sorted(folder.glob("*.ipynb")) + sorted((folder / "workbook").glob("*.ipynb"))


def page_stem(path):
    """The page name of a notebook: its stem; a workbook's is prefixed "workbook-" (its stem may be a chapter's)."""
    path = Path(path)
    return f"workbook-{path.stem}" if path.parent.name == "workbook" else path.stem


def chapter_number(stem):
    """'00' for 00_start_here, 'W01' for a workbook such as workbook/01_...; '' if the name has no number."""
    match = re.match(r"(\d+)", stem)
    return match.group(1) if match else ""


def build(notebooks, site_dir):
    """Render ``notebooks`` (paths, in course order) into ``site_dir``.

    Returns (pages written: list of Path, broken notebook links: list of str).
    """
    site_dir = Path(site_dir)
    if site_dir.exists():
        shutil.rmtree(site_dir)
    site_dir.mkdir(parents=True)
    exporter = make_exporter()
    write_static(exporter, site_dir)

    books = [(Path(p), nbformat.read(p, as_version=4)) for p in notebooks]
    bank = {q.qid: q for q in quizbank.all_questions()}
    order = [(page_stem(path), notebook_title(nb, path.stem)) for path, nb in books]
    pages = {stem: f"{stem}.html" for stem, _ in order}
    for path, _ in books:  # a workbook's page is also found by its plain stem, unless a chapter has it
        pages.setdefault(path.stem, f"{page_stem(path)}.html")
    written, broken, items = [], [], []
    for index, (path, nb) in enumerate(books):
        stem, title = order[index]
        static_widgets(nb, bank)
        nb.metadata["title"] = title
        body, _ = exporter.from_notebook_node(nb, resources={"site_nav": navigation(order, index),
                                                             "mathjax_head": mathjax_head()})
        body = phone_layout(body)
        bad = []
        body = rewrite_links(body, path.resolve().parent, site_dir, pages, bad)
        broken += [f"{path.name}: link to {url}, which is not a notebook of the course" for url in bad]
        out = site_dir / pages[stem]
        out.write_text(body, encoding="utf-8")
        written.append(out)
        summary = rewrite_links(markdown2html_mistune(notebook_summary(nb)), path.resolve().parent,
                                site_dir, pages, [])
        number = chapter_number(path.stem)
        number = ("W" if path.parent.name == "workbook" else "") + number
        items.append(f'<li><span class="number">{number}</span><a class="chapter" href="{pages[stem]}">'
                     f'{html.escape(title)}</a>\n{summary}</li>')
    index_page = site_dir / "index.html"
    index_page.write_text(INDEX_TEMPLATE.format(title=html.escape(COURSE_TITLE), items="\n".join(items),
                                                mathjax=mathjax_head()), encoding="utf-8")
    written.insert(0, index_page)
    return written, broken


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", help="default: notebooks/*.ipynb and notebooks/workbook/*.ipynb")
    parser.add_argument("--out", default=str(ROOT / "site"), help="output folder (replaced); default site/")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or course_notebooks()
    start = time.perf_counter()
    written, broken = build(sorted(Path(p) for p in notebooks), args.out)
    print(f"wrote {len(written)} pages to {args.out} in {time.perf_counter() - start:.1f} s; "
          f"open {Path(args.out) / 'index.html'}")
    for problem in broken:
        print("BROKEN LINK:", problem, file=sys.stderr)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
