"""`make html`: the course as a static site, for reading and revising without a kernel.

    python tools/build_site.py                      # every notebook -> site/
    python tools/build_site.py --out /tmp/site notebooks/00_start_here.ipynb

Each notebook is rendered with its saved outputs by nbconvert's HTML exporter
(JupyterLab's look), into one page per notebook plus ``index.html``:

- links between chapters work: ``02_rnn.ipynb#Backpropagation`` becomes
  ``02_rnn.html#Backpropagation``; other relative links that point at a file of
  the repository (a module, a data file) get a copy of that file under ``files/``;
- every page has a viewport meta tag, a shared stylesheet that adapts to a phone
  (prompts hidden, wide tables and code scroll sideways, images shrink), and
  contents / previous / next links at the top and bottom;
- widget outputs cannot run without a kernel: they show their plain-text form and
  a note saying where to use them.

The exit status is 1 when a link to a notebook names one that does not exist
(the pages are still written), so `make html` fails on a broken chapter link.
"""

import argparse
import html
import re
import shutil
import sys
import time
from pathlib import Path

import nbformat
from jinja2 import DictLoader
from nbconvert import HTMLExporter
from nbconvert.filters.markdown_mistune import markdown2html_mistune

ROOT = Path(__file__).resolve().parents[1]
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
COURSE_TITLE = "Recurrent Neural Networks from Scratch"

# The exporter's own page minus require.js (nothing here needs it) and minus the
# 250 kB of inlined JupyterLab CSS: every page links one shared copy instead.
PAGE_TEMPLATE = """{%- extends 'index.html.j2' -%}
{% block html_head_js_requirejs %}{% endblock %}
{% block notebook_css %}
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
</body>
{% endblock body_footer %}
"""

SITE_CSS = """\
/* Readable on a phone as on a desktop: one column, at most ~60 characters of
   prose wider than a phone, code and tables that scroll instead of overflowing. */
body.jp-Notebook { max-width: 62rem; margin: 0 auto; padding: 0 0.75rem 2rem; }
main { padding: 0; }
.site-nav { display: flex; flex-wrap: wrap; gap: 0.5rem 1.25rem; padding: 0.75rem 0;
            border-bottom: 1px solid #ddd; font-family: system-ui, sans-serif; font-size: 0.95rem; }
.site-nav:last-of-type { border-top: 1px solid #ddd; border-bottom: none; }
.site-nav a { text-decoration: none; color: #0072B2; }
.site-nav .next { margin-left: auto; }
a.anchor-link { display: none; }
.jp-Collapser { display: none; }
img, svg { max-width: 100%; height: auto; }
.jp-RenderedHTMLCommon table { display: block; overflow-x: auto; max-width: 100%; }
.jp-RenderedHTMLCommon { overflow-wrap: break-word; }
.jp-OutputArea-output pre, .jp-InputArea-editor pre { overflow-x: auto; white-space: pre; }
.jp-RenderedText pre { white-space: pre-wrap; }
.jp-InputArea-editor { overflow-x: auto; }
.static-widget { border: 1px dashed #0072B2; border-radius: 4px; padding: 0.5rem 0.75rem;
                 background: #f3f8fc; font-family: system-ui, sans-serif; }
.static-widget small { color: #555; }
details { margin: 0.5rem 0; }
summary { cursor: pointer; color: #0072B2; }
.contents { list-style: none; padding: 0; font-family: system-ui, sans-serif; }
.contents li { margin: 0 0 1.25rem; }
.contents .chapter { font-size: 1.1rem; font-weight: 600; text-decoration: none; color: #0072B2; }
.contents p { margin: 0.25rem 0 0; line-height: 1.45; }
@media (max-width: 640px) {
  body.jp-Notebook { padding: 0 0.4rem 1.5rem; }
  .jp-InputPrompt, .jp-OutputPrompt { display: none; }
  .jp-Cell { padding: 0.25rem 0; }
  .jp-RenderedHTMLCommon { padding-right: 0; font-size: 1rem; }
  .jp-RenderedHTMLCommon h1 { font-size: 1.5rem; }
  .jp-RenderedHTMLCommon h2 { font-size: 1.25rem; }
}
"""

INDEX_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{title}</title>
<link rel="stylesheet" href="_static/jupyterlab.css">
<link rel="stylesheet" href="_static/site.css">
</head>
<body class="jp-Notebook" data-jp-theme-light="true">
<main class="jp-RenderedHTMLCommon">
<h1>{title}</h1>
<p>The course's notebooks with their outputs, for reading and revising without a running
kernel. The experiments and quizzes need a kernel: open the notebooks in JupyterLab
(<code>make lab</code>) or on Binder to use them.</p>
<ol class="contents">
{items}
</ol>
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


def static_widgets(nb):
    """Replace each widget output by its text/plain form and a note (no kernel here)."""
    count = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_MIME in data:
                text = data.get("text/plain", "An interactive widget.")
                text = "".join(text) if isinstance(text, list) else text
                output["data"] = {"text/html": (
                    "<div class='static-widget'><b>Interactive widget.</b> " + html.escape(text) + "<br>"
                    "<small>This page is a static copy: open the notebook in JupyterLab or on Binder "
                    "and run the cell to use it.</small></div>")}
                count += 1
    nb.metadata.pop("widgets", None)
    return count


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
    static = site_dir / "_static"
    static.mkdir(parents=True, exist_ok=True)
    css = []
    for name in ("index.css", "theme-light.css"):
        for folder in exporter.template_paths:
            path = Path(folder) / "static" / name
            if path.is_file():
                css.append(path.read_text(encoding="utf-8"))
                break
        else:
            raise FileNotFoundError(f"nbconvert's lab template has no static/{name}; is nbconvert >= 7 installed?")
    (static / "jupyterlab.css").write_text("\n".join(css), encoding="utf-8")
    (static / "site.css").write_text(SITE_CSS, encoding="utf-8")


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
    order = [(path.stem, notebook_title(nb, path.stem)) for path, nb in books]
    pages = {stem: f"{stem}.html" for stem, _ in order}
    written, broken, items = [], [], []
    for index, (path, nb) in enumerate(books):
        stem, title = order[index]
        static_widgets(nb)
        nb.metadata["title"] = title
        body, _ = exporter.from_notebook_node(nb, resources={"site_nav": navigation(order, index)})
        bad = []
        body = rewrite_links(body, path.resolve().parent, site_dir, pages, bad)
        broken += [f"{path.name}: link to {url}, which is not a notebook of the course" for url in bad]
        out = site_dir / pages[stem]
        out.write_text(body, encoding="utf-8")
        written.append(out)
        summary = rewrite_links(markdown2html_mistune(notebook_summary(nb)), path.resolve().parent,
                                site_dir, pages, [])
        items.append(f'<li><a class="chapter" href="{pages[stem]}">{html.escape(title)}</a>\n{summary}</li>')
    index_page = site_dir / "index.html"
    index_page.write_text(INDEX_TEMPLATE.format(title=html.escape(COURSE_TITLE), items="\n".join(items)), encoding="utf-8")
    written.insert(0, index_page)
    return written, broken


# the chapters, then the student versions of the workbooks (notebooks/workbook/), which they link to
COURSE_NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "notebooks" / "workbook").glob("*.ipynb"))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", help="default: every notebooks/*.ipynb, then the workbooks")
    parser.add_argument("--out", default=str(ROOT / "site"), help="output folder (replaced); default site/")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or COURSE_NOTEBOOKS
    start = time.perf_counter()
    written, broken = build(sorted(Path(p) for p in notebooks), args.out)
    print(f"wrote {len(written)} pages to {args.out} in {time.perf_counter() - start:.1f} s; "
          f"open {Path(args.out) / 'index.html'}")
    for problem in broken:
        print("BROKEN LINK:", problem, file=sys.stderr)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
