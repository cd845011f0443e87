"""Presenter mode in Chromium at a projector's 1280x720.

Static slides (`make slides`, tools/build_slides.py) of one chapter, opened from file://
with every other request blocked:
- they load (reveal.js and MathJax from the folder, nothing from the network);
- they have as many slides as tools/slides.py's metadata gives (count_slides), not a
  number written here;
- formulas are typeset (MathJax output present, no error, no raw `$$` left);
- every slide fits the 1280x720 canvas as it is, without the scale-to-fit safety net of
  build_slides.py (its natural height is at most 720 px) and nothing sticks out sideways;
  each slide is saved as a screenshot to build/browser/slides/ for a person to read.

Live, with a kernel (JupyterLab on a copy of notebooks/, the `teach` extra installed):
- RISE (jupyterlab-rise) opens the chapter as a deck with the slides its metadata gives;
- a widget on a live slide responds: jupyterlab-slideshow presents the notebook inside
  JupyterLab, the widget's cell is the current slide, a slider moved with the keyboard
  redraws its figure. (RISE itself cannot show ipywidgets 8 widgets: its stand-alone page
  fails to load the widget manager, jupyterlab-contrib/rise#119; see the README.)
"""

import importlib.util
import json
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "tests"))
from lab import JS_DISPLAYED, JS_KERNEL_IDLE, JS_PICK_CONTROL, JS_READY, JS_RUN_ALL, move_control, wait_for_change  # noqa: E402
from tools_loader import load_tool  # noqa: E402

# the static site's offline page opener (tests/browser/test_site.py; tests/test_site.py has the same name)
_spec = importlib.util.spec_from_file_location("browser_test_site", Path(__file__).with_name("test_site.py"))
_site = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_site)
open_offline = _site.open_offline

slides = load_tool("slides")
CHAPTER = ROOT / "notebooks" / "04_lstm.ipynb"     # formulas, figures, widgets and a quiz
LIVE = "00_start_here.ipynb"                        # its widget check runs in seconds
PROJECTOR = {"width": 1280, "height": 720}
SHOTS = ROOT / "build" / "browser" / "slides"


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    """Every chapter's slides, built once (`make slides`)."""
    build = load_tool("build_slides")
    out = tmp_path_factory.mktemp("slides")
    build.build(slides.chapter_notebooks(), out)
    return out


@pytest.fixture(scope="module")
def deck(decks):
    return decks / f"{CHAPTER.stem}.slides.html"


def offline_page(new_context, url):
    """The slides at ``url`` with every non-file request blocked (test_site's), once laid out."""
    page, _, blocked = open_offline(new_context, PROJECTOR, url)
    page.wait_for_function("() => document.body.dataset.slidesReady === 'true'", timeout=120_000)
    return page, blocked


JS_SLIDES = """() => {
  const leaves = Array.from(document.querySelectorAll('.reveal .slides section')).filter(s => !s.querySelector('section'));
  return {total: Reveal.getTotalSlides(), leaves: leaves.length,
          heights: leaves.map(s => +s.dataset.height), fits: leaves.map(s => +s.dataset.fit),
          math: document.querySelectorAll('.MathJax, .MathJax_Display').length,
          mathErrors: document.querySelectorAll('.MathJax_Error, merror').length,
          dollars: (document.querySelector('.reveal').innerText.match(/\\$\\$/g) || []).length,
          fragments: document.querySelectorAll('.reveal .fragment').length,
          indices: leaves.map(s => { const i = Reveal.getIndices(s); return [i.h, i.v || 0]; })};
}"""

# On the current slide: how far its content reaches past the canvas's right edge, and the
# code blocks whose lines are wider than their box (cut off on the projector).
JS_SIDEWAYS = """() => {
  const slide = Reveal.getCurrentSlide();
  const box = slide.getBoundingClientRect();
  let right = 0;
  slide.querySelectorAll('*').forEach(el => { const r = el.getBoundingClientRect();   // (MathJax's hidden MathML copy aside)
    if (r.width && r.height && !el.closest('.MJX_Assistive_MathML')) right = Math.max(right, r.right - box.right); });
  const cut = Array.from(slide.querySelectorAll('pre')).filter(p => p.scrollWidth > p.clientWidth + 1)
                   .map(p => p.innerText.split('\\n').find(l => l.length > 0).slice(0, 60));
  return {right: right, cut: cut};
}"""


def test_static_slides_open_offline_count_math_and_fit(new_context, deck):
    nb = nbformat.read(CHAPTER, as_version=4)
    expected = slides.count_slides(nb)
    page, blocked = offline_page(new_context, deck.as_uri())
    seen = page.evaluate(JS_SLIDES)
    assert blocked == [], "the slides asked the network for " + ", ".join(blocked[:5])
    assert seen["total"] == seen["leaves"] == expected, (
        f"reveal.js counts {seen['total']} slides, tools/slides.py's metadata gives {expected}")
    assert seen["math"] > 0 and seen["mathErrors"] == 0 and seen["dollars"] == 0
    assert seen["fragments"] > 0, "no derivation step is a fragment"
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for number, ((h, v), height) in enumerate(zip(seen["indices"], seen["heights"]), 1):
        page.evaluate(f"Reveal.slide({h}, {v}, 999)")    # every fragment shown
        page.wait_for_timeout(50)
        sideways = page.evaluate(JS_SIDEWAYS)
        page.screenshot(path=str(SHOTS / f"{CHAPTER.stem}-{number:02d}.png"))
        if height > PROJECTOR["height"]:
            problems.append(f"slide {number}: {height:.0f} px tall")
        if sideways["right"] > 1 or sideways["cut"]:
            problems.append(f"slide {number}: {sideways['right']:.0f} px past the right edge, code cut: {sideways['cut']}")
    (SHOTS / f"{CHAPTER.stem}-measured.json").write_text(json.dumps(
        {"slides": seen["total"], "expected": expected, "heights": seen["heights"]}, indent=1))
    assert problems == [], f"slides that do not fit 1280x720 (tallest {max(seen['heights']):.0f} px): " + "; ".join(problems)
    assert all(fit == 1 for fit in seen["fits"])


@pytest.mark.parametrize("name", [p.stem for p in slides.chapter_notebooks()])
def test_every_chapter_fits_the_projector(new_context, decks, name):
    """Each chapter's deck: the metadata's slide count, formulas typeset, every slide within 1280x720."""
    nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    page, blocked = offline_page(new_context, (decks / f"{name}.slides.html").as_uri())
    seen = page.evaluate(JS_SLIDES)
    assert blocked == [] and seen["mathErrors"] == 0 and seen["dollars"] == 0
    assert seen["total"] == slides.count_slides(nb)
    problems = [f"slide {n}: {h:.0f} px tall" for n, h in enumerate(seen["heights"], 1) if h > PROJECTOR["height"]]
    for number, (h, v) in enumerate(seen["indices"], 1):
        page.evaluate(f"Reveal.slide({h}, {v}, 999)")
        sideways = page.evaluate(JS_SIDEWAYS)
        if sideways["right"] > 1 or sideways["cut"]:
            problems.append(f"slide {number}: {sideways['right']:.0f} px past the right edge, code cut: {sideways['cut']}")
    assert problems == [], "; ".join(problems)


def metadata_slides(nb):
    """RISE's count: a slide or vertical slide per cell marked so (it shows long cells whole)."""
    kinds = [c.metadata.get("slideshow", {}).get("slide_type") for c in nb.cells]
    return sum(kind in ("slide", "subslide") for kind in kinds)


def installed(module):
    return importlib.util.find_spec(module) is not None


@pytest.mark.skipif(not installed("jupyterlab_rise"), reason="jupyterlab-rise (the `teach` extra) is not installed")
def test_rise_presents_the_chapter_by_its_metadata(new_context, lab_server):
    nb = nbformat.read(ROOT / "notebooks" / LIVE, as_version=4)
    context = new_context(viewport=PROJECTOR)
    page = context.new_page()
    page.goto(f"{lab_server.url}/rise/{LIVE}?token={lab_server.token}")
    page.wait_for_function("() => document.querySelectorAll('.reveal .slides section').length > 0", timeout=120_000)
    page.wait_for_timeout(1000)
    leaves = page.evaluate("() => Array.from(document.querySelectorAll('.reveal .slides section'))"
                           ".filter(s => !s.querySelector('section')).length")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "rise-00.png"))
    lab_server.shutdown_kernels()
    assert leaves == metadata_slides(nb)


@pytest.mark.skipif(not installed("jupyterlab_slideshow") and not Path(sys.prefix, "share/jupyter/labextensions/"
                    "jupyterlab-slideshow").is_dir(), reason="jupyterlab-slideshow (the `teach` extra) is not installed")
def test_a_widget_on_a_live_slide_responds(new_context, lab_server):
    nb = nbformat.read(ROOT / "notebooks" / LIVE, as_version=4)
    widget_cell = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and slides.is_widget(c))
    assert nb.cells[widget_cell].metadata["slideshow"]["slide_type"] == "subslide"
    context = new_context(viewport=PROJECTOR)
    page = context.new_page()
    try:
        page.goto(f"{lab_server.url}/lab/tree/{LIVE}?reset&token={lab_server.token}", wait_until="domcontentloaded")
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                               " && window.jupyterapp.shell.currentWidget.sessionContext", timeout=300_000)
        page.evaluate(JS_READY)
        page.wait_for_function(JS_KERNEL_IDLE, timeout=300_000, polling=250)
        page.evaluate(JS_RUN_ALL)
        page.wait_for_function("() => window.__browserTest !== undefined", timeout=300_000, polling=250)
        page.wait_for_function(JS_KERNEL_IDLE, timeout=300_000, polling=250)
        page.wait_for_function("() => document.querySelector('.jupyter-widgets .widget-slider') !== null", timeout=60_000)
        # present from the widget's slide: make its cell the active one, then start the deck
        page.evaluate(f"() => {{ const panel = window.jupyterapp.shell.currentWidget;"
                      f" panel.content.activeCellIndex = {widget_cell}; }}")
        page.evaluate("() => window.jupyterapp.commands.execute('deck:start')")
        page.wait_for_function("() => document.querySelector('.jp-deck-mod-onscreen') !== null", timeout=30_000)
        page.wait_for_timeout(1500)
        cell = page.locator(".jp-Notebook .jp-Cell").nth(widget_cell)
        assert "jp-deck-mod-onscreen" in (cell.get_attribute("class") or ""), "the widget's cell is not on screen"
        box = cell.bounding_box()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "live-widget-before.png"))
        assert box and box["y"] >= 0 and box["y"] + box["height"] <= PROJECTOR["height"] + 1, \
            f"the widget's slide does not fit the projector: {box}"
        picked = page.evaluate(JS_PICK_CONTROL)
        assert picked is not None and picked["kind"] == "slider"
        before = page.evaluate(JS_DISPLAYED)["html"]
        move_control(page, picked)
        assert wait_for_change(page, before, 60), "moving the slider on the live slide did not redraw the figure"
        page.screenshot(path=str(SHOTS / "live-widget-after.png"))
    finally:
        context.close()
        lab_server.shutdown_kernels()
