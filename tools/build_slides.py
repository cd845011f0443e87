"""`make slides`: static reveal.js slides of every chapter, for a lecture hall without a network.

    python tools/build_slides.py                       # notebooks/*.ipynb -> build/slides/
    python tools/build_slides.py --out /tmp/s notebooks/04_lstm.ipynb

The slide structure is the cells' ``slideshow.slide_type`` metadata, which
tools/slides.py writes by rule (a horizontal slide per section, vertical slides
within it, fragments for the steps of a derivation, widgets on their own slides,
long code skipped, exercises in the speaker notes). nbconvert's SlidesExporter
renders it with the saved outputs; this script makes the result self-contained:

- reveal.js is the npm package ``reveal.js@REVEAL_VERSION``, fetched once with
  ``npm pack`` into build/slides-cache/ (its sha512 checked against the pinned
  one) and copied into ``<out>/_reveal``; nbconvert's ``reveal_url_prefix`` points
  the pages at that relative folder, and the CDN scripts of nbconvert's template
  (require.js, jQuery, mermaid) are left out: the page loads reveal.js with plain
  ``<script>`` tags;
- formulas are typeset by the static site's own MathJax (tools/site_assets.py),
  copied into ``<out>/_static/mathjax``;
- widgets cannot run without a kernel: as on the static site (tools/build_site.py),
  an experiment shows the figure of its initial settings, a quiz its questions;
  to move the sliders in front of a class, present the notebook live with RISE in
  JupyterLab (README: Presenting in class).

The slides are 1280x720 (a projector); prompts are hidden. A slide whose content
would still be taller than that is scaled down to fit by a few lines of script
(``data-fit`` on the slide gives the factor), so nothing is ever cut; the browser
test (tests/browser/test_slides.py) measures how many slides needed it.
"""

import argparse
import base64
import hashlib
import re
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import nbformat
from jinja2 import DictLoader
from nbconvert import SlidesExporter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_site import notebook_title, static_widgets  # noqa: E402
from slides import QUIZ_MIME, is_widget, plan  # noqa: E402
from site_assets import OFFLINE_HEAD_BLOCKS, copy_mathjax, mathjax_head  # noqa: E402

from course_utils import quizbank  # noqa: E402
from course_utils.labs.quiz import quiz_from_bundle, quiz_html  # noqa: E402

REVEAL_VERSION = "5.2.1"
# `npm view reveal.js@5.2.1 dist.integrity`: a tarball that differs is refused
REVEAL_INTEGRITY = "sha512-r7//6mIM5p34hFiDMvYfXgyjXqGRta+/psd9YtytsgRlrpRzFv4RbH76TXd2qD+7ZPZEbpBDhdRhJaFgfQ7zNQ=="
CACHE = ROOT / "build" / "slides-cache"
REVEAL_DIR = "_reveal"
WIDTH, HEIGHT = 1280, 720

SLIDES_CSS = """
.jp-InputPrompt, .jp-OutputPrompt { display: none; }
.reveal .slides { text-align: left; }
.reveal .slides h1, .reveal .slides h2, .reveal .slides h3, .reveal .slides h4 { text-transform: none; }
.reveal .slides section { padding: 0; }
.reveal .jp-Cell { padding: 2px 0; }
.reveal .jp-InputArea-editor { border: none; }
.reveal pre, .reveal code { font-family: var(--jp-code-font-family); }
.reveal .highlight { margin: 0.4em 0; }
.reveal pre { width: auto; max-width: 100%; box-sizing: border-box; box-shadow: none; margin: 0; }
/* a code line longer than the slide wraps (a projector cannot scroll sideways) */
.reveal .jp-InputArea-editor pre { white-space: pre-wrap; overflow-wrap: anywhere; }
.reveal .jp-RenderedHTMLCommon h1 { font-size: 40px; line-height: 1.2; margin: 0 0 12px; }
.reveal .jp-RenderedHTMLCommon h2 { font-size: 34px; line-height: 1.2; margin: 0 0 10px; }
.reveal .jp-RenderedHTMLCommon h3 { font-size: 27px; line-height: 1.2; margin: 0 0 8px; }
.reveal .jp-RenderedHTMLCommon p { margin: 0 0 10px; }
.reveal .jp-RenderedHTMLCommon table { font-size: 16px; }
.reveal .jp-OutputArea-output img { max-height: 560px; width: auto; max-width: 100%; }
.reveal .figure-frame img { max-height: 560px; width: auto !important; min-width: 0 !important; max-width: 100%; }
.reveal .widget-note, .reveal .static-widget small { font-size: 16px; color: #555; }
.reveal .static-widget { border: 1px dashed #0072B2; padding: 8px 12px; background: #f3f8fc; }
.reveal .static-quiz { font-size: 22px; }
.reveal .static-quiz .quiz-options { list-style: none; padding-left: 10px; }
.reveal .static-quiz .quiz-options li { margin: 6px 0; }
.reveal .static-quiz details summary { font-size: 20px; color: #0072B2; cursor: pointer; }
.reveal .static-quiz h4 { font-size: 24px; margin: 0 0 10px; text-transform: none; }
.reveal .static-quiz .quiz-options { margin: 2px 0 6px; }
"""

# reveal.js as plain scripts (no require.js, no CDN); MathJax re-typesets a slide when it is shown.
# Slides taller than the 1280x720 canvas are scaled to fit (zoom), after MathJax has typeset them.
FOOTER_JS = """
<script src="{prefix}/dist/reveal.js"></script>
<script src="{prefix}/plugin/notes/notes.js"></script>
<script>
function fitSlides() {{
  document.querySelectorAll('.reveal .slides section > section, .reveal .slides > section:not(.stack)').forEach(function (s) {{
    if (s.querySelector('section')) return;
    var display = s.style.display, parentDisplay = s.parentElement.style.display;
    s.style.display = 'block'; s.parentElement.style.display = 'block';   // reveal hides distant slides
    s.style.zoom = 1;
    var h = s.scrollHeight, limit = {height};
    var fit = h > limit ? Math.floor(1000 * limit / h) / 1000 : 1;
    s.style.zoom = fit;
    s.dataset.height = h;
    s.dataset.fit = fit;
    s.style.display = display; s.parentElement.style.display = parentDisplay;
  }});
  Reveal.layout();
}}
Reveal.initialize({{
  controls: true, progress: true, history: true, transition: "none", slideNumber: "c/t",
  width: {width}, height: {height}, margin: 0.02, center: false,
  plugins: [RevealNotes]
}}).then(function () {{
  if (window.MathJax && MathJax.Hub) {{
    MathJax.Hub.Queue(function () {{ fitSlides(); document.body.dataset.slidesReady = 'true'; }});
  }} else {{ fitSlides(); document.body.dataset.slidesReady = 'true'; }}
}});
</script>
"""

TEMPLATE = """{%- extends 'index.html.j2' -%}
{% block html_head_js_jquery %}{% endblock %}
""" + OFFLINE_HEAD_BLOCKS + """{% block notebook_css %}
{{ super() }}
<link rel="stylesheet" href="_static/slides.css">
{% endblock notebook_css %}
{% block footer_js %}
{{ resources.footer_js }}
{% endblock footer_js %}
"""


def fetch_reveal(cache=CACHE):
    """The unpacked reveal.js npm package (a folder), fetched with `npm pack` on first use."""
    unpacked = cache / f"reveal.js-{REVEAL_VERSION}"
    if (unpacked / "dist" / "reveal.js").is_file():
        return unpacked
    cache.mkdir(parents=True, exist_ok=True)
    tarball = cache / f"reveal.js-{REVEAL_VERSION}.tgz"
    if not tarball.is_file():
        if shutil.which("npm") is None:
            raise SystemExit("make slides needs npm once, to fetch reveal.js into build/slides-cache/ "
                             "(apt-get install npm); later builds are offline")
        subprocess.run(["npm", "pack", "--silent", f"reveal.js@{REVEAL_VERSION}", "--pack-destination", str(cache)],
                       check=True, stdout=subprocess.DEVNULL)
    digest = "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if digest != REVEAL_INTEGRITY:
        tarball.unlink()
        raise SystemExit(f"reveal.js {REVEAL_VERSION}: the tarball's checksum {digest} is not the pinned "
                         f"{REVEAL_INTEGRITY}; removed it, run again")
    tmp = cache / "unpacking"
    shutil.rmtree(tmp, ignore_errors=True)
    with tarfile.open(tarball) as archive:
        archive.extractall(tmp, filter="data")
    shutil.rmtree(unpacked, ignore_errors=True)
    (tmp / "package").rename(unpacked)
    shutil.rmtree(tmp)
    return unpacked


def copy_reveal(out_dir):
    """reveal.js's dist/ (script, styles, themes and their fonts) and the notes plugin into ``out_dir``/_reveal."""
    source = fetch_reveal()
    target = Path(out_dir) / REVEAL_DIR
    shutil.copytree(source / "dist", target / "dist", ignore=shutil.ignore_patterns("*.map", "*.esm.js"))
    shutil.copytree(source / "plugin" / "notes", target / "plugin" / "notes",
                    ignore=shutil.ignore_patterns("*.esm.js"))
    shutil.copy(source / "LICENSE", target / "LICENSE")
    return target


def quiz_slide(cell, number, kind, bank):
    """A cell that shows question ``number`` of the quiz ``cell`` shows, its answer folded."""
    bundle = next(o["data"][QUIZ_MIME] for o in cell.outputs if QUIZ_MIME in o.get("data", {}))
    title, questions = quiz_from_bundle(bundle, bank)
    page = quiz_html(questions[number:number + 1], f"{title} ({number + 1}/{len(questions)})")
    page = page.replace("<ol class='quiz-list'>", f"<ol class='quiz-list' start='{number + 1}'>")
    piece = nbformat.v4.new_code_cell("", metadata={"slideshow": {"slide_type": kind},
                                                    "transient": {"remove_source": True}})
    piece.outputs = [nbformat.v4.new_output("display_data", data={"text/html": page})]
    piece.id = f"{cell.get('id', 'cell')}-{number}"
    return piece


def slide_cells(nb, bank):
    """``nb`` as the deck shows it (tools/slides.py's plan): a long Markdown cell cut into its parts,
    a quiz a question per slide, a widget without its code (its figure and a note), a cell that
    displays Markdown as that Markdown."""
    cells = []
    for cell, entries in zip(nb.cells, plan(nb)):
        if cell.cell_type == "code" and is_widget(cell):
            cell.metadata["transient"] = {"remove_source": True}
        if isinstance(entries[0][1], int):
            cells += [quiz_slide(cell, number, kind, bank) for kind, number in entries]
            continue
        if entries[0][1] is None:
            cells.append(cell)
            continue
        for number, (kind, part) in enumerate(entries):   # a long Markdown cell, or Markdown a code cell displays
            piece = nbformat.v4.new_markdown_cell(part, metadata={**cell.metadata, "slideshow": {"slide_type": kind}})
            piece.id = f"{cell.get('id', 'cell')}-{number}"
            cells.append(piece)
    if any(c.metadata.get("slideshow", {}).get("slide_type") != k for c, ((k, _), *_) in zip(nb.cells, plan(nb))):
        raise SystemExit("the slide metadata is out of step with the rules: run .venv/bin/python tools/slides.py")
    nb.cells = cells
    return nb


def make_exporter():
    exporter = SlidesExporter(extra_loaders=[DictLoader({"course_slides.html.j2": TEMPLATE})],
                              template_file="course_slides.html.j2")
    exporter.reveal_url_prefix = REVEAL_DIR
    exporter.reveal_theme = "white"
    exporter.reveal_width, exporter.reveal_height = str(WIDTH), str(HEIGHT)
    return exporter


def chapter_notebooks(root=ROOT):
    """The chapters: notebooks/*.ipynb (the workbooks are not presented)."""
    return sorted((Path(root) / "notebooks").glob("*.ipynb"))


def build(notebooks, out_dir):
    """Write ``<stem>.slides.html`` for each notebook into ``out_dir`` (replaced), with reveal.js and MathJax.

    Returns the list of pages written.
    """
    out_dir = Path(out_dir)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    (out_dir / "_static").mkdir(parents=True)
    copy_reveal(out_dir)
    copy_mathjax(out_dir)
    (out_dir / "_static" / "slides.css").write_text(SLIDES_CSS, encoding="utf-8")
    exporter = make_exporter()
    bank = {q.qid: q for q in quizbank.all_questions()}
    footer = FOOTER_JS.format(prefix=REVEAL_DIR, width=WIDTH, height=HEIGHT)
    written = []
    for path in notebooks:
        path = Path(path)
        nb = nbformat.read(path, as_version=4)
        slide_cells(nb, bank)
        static_widgets(nb, bank)
        nb.metadata["title"] = notebook_title(nb, path.stem)
        body, _ = exporter.from_notebook_node(nb, resources={"mathjax_head": mathjax_head(),
                                                             "footer_js": footer})
        # a quiz is a <section> on the static site; in reveal.js a <section> is a slide
        body = re.sub(r"<section class=(['\"])static-quiz\1>(.*?)</ol>\s*</section>",
                      r"<div class=\1static-quiz\1>\2</ol></div>", body, flags=re.S)
        page = out_dir / f"{path.stem}.slides.html"
        page.write_text(body, encoding="utf-8")
        written.append(page)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", help="default: every chapter, notebooks/*.ipynb")
    parser.add_argument("--out", default=str(ROOT / "build" / "slides"), help="output folder (replaced)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    written = build([Path(p) for p in args.notebooks] or chapter_notebooks(), args.out)
    print(f"wrote {len(written)} slide decks to {args.out} in {time.perf_counter() - start:.1f} s; "
          f"open {written[0]} (offline: reveal.js {REVEAL_VERSION} and MathJax are copied next to them)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
