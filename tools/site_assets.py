"""What the static site ships besides its pages: styles, the tap-to-zoom script, and MathJax.

MathJax 2.7 comes from the PyPI package ``jupyter-server-mathjax`` (the copy the
classic Notebook served; test extra) and is copied into ``_static/mathjax``, so the
site renders its formulas offline and from any static host, with no CDN.
Used by tools/build_site.py.
"""

import shutil
from pathlib import Path

MATHJAX_DIR = "_static/mathjax"
# The package ships the HTML-CSS output with the STIX-Web fonts (not CommonHTML): configure exactly that.
MATHJAX_CONFIG = "TeX-AMS-MML_HTMLorMML-full"


def mathjax_source():
    """The folder holding MathJax.js, from the installed jupyter-server-mathjax."""
    try:
        import jupyter_server_mathjax
    except ImportError as err:
        raise SystemExit("MathJax is missing: .venv/bin/pip install -e '.[test]' (make html does it); "
                         "the site ships its own copy so that it works offline.") from err
    folder = Path(jupyter_server_mathjax.__file__).parent / "static"
    if not (folder / "MathJax.js").is_file():
        raise SystemExit(f"jupyter-server-mathjax has no static/MathJax.js in {folder}")
    return folder


def copy_mathjax(site_dir):
    """Copy MathJax (without other languages' menus and the unused SVG output) into the site."""
    target = Path(site_dir) / MATHJAX_DIR

    def skip(folder, names):
        folder = Path(folder)
        if folder.name == "localization":
            return [n for n in names if n != "en"]
        if folder.name == "output" and folder.parent.name == "jax":
            return [n for n in names if n == "SVG"]
        return []

    shutil.copytree(mathjax_source(), target, ignore=skip)
    return target


# nbconvert template blocks for a page that loads nothing from a CDN: no require.js, no mermaid, and
# MathJax from the copy shipped with the page (``resources.mathjax_head``, from mathjax_head below).
# Used by the site's page template (build_site.py) and the slides' (build_slides.py).
OFFLINE_HEAD_BLOCKS = """{% block html_head_js_requirejs %}{% endblock %}
{% block html_head_js_mermaidjs %}{% endblock %}
{%- block html_head_js_mathjax -%}
{{ resources.mathjax_head }}
{%- endblock html_head_js_mathjax -%}
"""


def mathjax_head(prefix=""):
    """The <script> tags that load the site's own MathJax (``prefix``: path from the page to the site root)."""
    return f"""<script type="text/x-mathjax-config">
MathJax.Hub.Config({{
  tex2jax: {{inlineMath: [['$', '$'], ['\\\\(', '\\\\)']], displayMath: [['$$', '$$'], ['\\\\[', '\\\\]']],
            processEscapes: true, processEnvironments: true}},
  TeX: {{equationNumbers: {{autoNumber: "AMS", useLabelIds: true}}}},
  "HTML-CSS": {{availableFonts: [], preferredFont: null, webFont: "STIX-Web", imageFont: null,
               linebreaks: {{automatic: true}}, scale: 95}},
  displayAlign: "center", messageStyle: "none", menuSettings: {{zoom: "Click"}}
}});
</script>
<script src="{prefix}{MATHJAX_DIR}/MathJax.js?config={MATHJAX_CONFIG},Safe"></script>"""


SITE_CSS = """\
/* Readable on a phone as on a desktop: one column, code and printed tables that
   scroll sideways instead of losing their columns, figures at a readable width. */
body.jp-Notebook { max-width: 62rem; margin: 0 auto; padding: 0 0.75rem 2rem; }
main { padding: 0; }
.site-nav { display: flex; flex-wrap: wrap; gap: 0.5rem 1.25rem; padding: 0.75rem 0;
            border-bottom: 1px solid #ddd; font-family: system-ui, sans-serif; font-size: 0.95rem; }
.site-nav:last-of-type { border-top: 1px solid #ddd; border-bottom: none; }
.site-nav a { text-decoration: none; color: #0072B2; }
.site-nav .next { margin-left: auto; }
a.anchor-link { display: none; }
.jp-Collapser { display: none; }
svg { max-width: 100%; height: auto; }
.jp-RenderedHTMLCommon table { display: block; overflow-x: auto; max-width: 100%; }
.jp-RenderedHTMLCommon { overflow-wrap: break-word; }
.jp-OutputArea-output, .jp-Cell-outputArea { min-width: 0; max-width: 100%; }
.jp-InputArea-editor pre { overflow-x: auto; white-space: pre; }
.jp-InputArea-editor { overflow-x: auto; }
/* printed text wraps at spaces; a printed table keeps its columns and scrolls sideways */
.jp-OutputArea-output pre { white-space: pre-wrap; word-break: normal; overflow-wrap: anywhere; }
.jp-OutputArea-output pre.printed-table { white-space: pre; overflow-x: auto; overflow-wrap: normal; }
/* figures: never narrower than ~34rem (legends stay readable), scroll sideways on a phone, tap to zoom */
.figure-frame { overflow-x: auto; max-width: 100%; }
.figure-frame img { display: block; max-width: 100%; height: auto; cursor: zoom-in; }
/* (each image also gets width: its natural width and min-width: min(34rem, that width) at build time) */
.zoom-view { position: fixed; inset: 0; z-index: 1000; background: rgba(255, 255, 255, 0.97); overflow: auto;
             cursor: zoom-out; padding: 0.5rem; }
.zoom-view img { display: block; width: auto; max-width: none; margin: 0 auto; }
.zoom-view p { font: 0.9rem system-ui, sans-serif; color: #444; margin: 0 0 0.5rem; }
.static-widget { border: 1px dashed #0072B2; border-radius: 4px; padding: 0.5rem 0.75rem;
                 background: #f3f8fc; font-family: system-ui, sans-serif; }
.static-widget small, .widget-note { color: #555; font-family: system-ui, sans-serif; font-size: 0.9rem; }
.static-quiz { border-left: 3px solid #0072B2; padding: 0.25rem 0 0.25rem 0.75rem; font-family: system-ui, sans-serif; }
.static-quiz .quiz-list > li { margin: 0 0 1.1rem; }
.static-quiz .quiz-options { list-style: none; padding-left: 0.5rem; margin: 0.3rem 0; }
.static-quiz .quiz-options li { margin: 0.2rem 0; }
details { margin: 0.5rem 0; }
summary { cursor: pointer; color: #0072B2; }
.contents { list-style: none; padding: 0; font-family: system-ui, sans-serif; }
.contents li { margin: 0 0 1.25rem; }
.contents .number { display: inline-block; min-width: 2.2em; color: #555; font-weight: 600; }
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

# Tap (or click) a figure: it opens at its full size in a scrollable view; tap again to close.
ZOOM_JS = """\
document.addEventListener('click', function (event) {
  var view = document.querySelector('.zoom-view');
  if (view) { view.remove(); return; }
  var img = event.target.closest && event.target.closest('.figure-frame img');
  if (!img) return;
  view = document.createElement('div');
  view.className = 'zoom-view';
  view.innerHTML = '<p>Full size: scroll to move around, tap to close.</p>';
  var copy = img.cloneNode();
  copy.removeAttribute('style');
  copy.style.width = img.naturalWidth + 'px';
  view.appendChild(copy);
  document.body.appendChild(view);
});
"""


def write_assets(site_dir, lab_css):
    """Write the shared styles and script, and copy MathJax, into ``site_dir``/_static."""
    static = Path(site_dir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    (static / "jupyterlab.css").write_text(lab_css, encoding="utf-8")
    (static / "site.css").write_text(SITE_CSS, encoding="utf-8")
    (static / "zoom.js").write_text(ZOOM_JS, encoding="utf-8")
    copy_mathjax(site_dir)
