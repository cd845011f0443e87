"""The static site (`make html`) in Chromium with the network blocked, on a phone (390x844) and a laptop (1366x768).

One item per page and viewport. The site is built once per worker into a temporary
folder and opened from file:// URLs; every request that would leave the machine is
blocked and reported. On every page:

- math is typeset by the site's own MathJax (MathJax output elements present where
  the notebook has formulas) and no `$$` delimiter is left in the visible text;
- every quiz lists its questions (as many as the notebook's quiz stored) with options
  and a folded answer;
- the page never scrolls sideways as a whole (wide tables, code and printed tables
  scroll inside their own box);
- figures are shown at a readable width: at least 34rem wide (or their natural width)
  even on the phone, inside a frame that scrolls; tapping one opens it at full size.
"""

import json
import sys
from pathlib import Path

import pytest
from conftest import LAPTOP, PHONE, ROOT, course_notebooks

sys.path.insert(0, str(ROOT / "tests"))
from tools_loader import load_tool  # noqa: E402

QUIZ_MIME = "application/vnd.course-utils.quiz+json"
BUILDER = load_tool("build_site")
PAGES = {BUILDER.page_stem(p) + ".html": p for p in course_notebooks()}
VIEWPORTS = {"phone": PHONE, "laptop": LAPTOP}


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    _, broken = BUILDER.build(course_notebooks(), out)
    assert broken == []
    return out


def quiz_sizes(notebook):
    """Number of questions of each quiz the notebook stored, in order."""
    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    return [len(out["data"][QUIZ_MIME]["qids"]) for cell in nb["cells"] for out in cell.get("outputs", [])
            if QUIZ_MIME in out.get("data", {})]


def has_math(notebook):
    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    return any("$" in "".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def open_offline(new_context, viewport, url):
    """A page with every non-file request blocked; returns (page, context, list of blocked URLs).

    ``new_context`` is pytest-playwright's: a failing item keeps its trace and screenshot.
    """
    context = new_context(viewport=viewport, is_mobile=viewport is PHONE, has_touch=viewport is PHONE)
    blocked = []

    def route(request_route):
        if request_route.request.url.startswith(("file:", "data:")):
            request_route.continue_()
        else:
            blocked.append(request_route.request.url)
            request_route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.goto(url, wait_until="load")
    # MathJax queues its typesetting after load: wait until its queue is empty
    page.wait_for_function("() => !window.MathJax || (window.MathJax.Hub && window.MathJax.Hub.queue.pending === 0"
                           " && window.MathJax.Hub.queue.running === 0 && window.__mjDone !== false)",
                           timeout=120_000)
    page.wait_for_function("() => new Promise(r => { if (!window.MathJax) return r(true);"
                           " MathJax.Hub.Queue(() => r(true)); })", timeout=120_000)
    return page, context, blocked


JS_PAGE = """() => {
  const text = document.body.innerText;
  const quizzes = Array.from(document.querySelectorAll('.static-quiz')).map(q => ({
      questions: q.querySelectorAll('li.quiz-question').length,
      options: Array.from(q.querySelectorAll('li.quiz-question')).map(li => li.querySelectorAll('.quiz-options li').length),
      answers: q.querySelectorAll('li.quiz-question details').length}));
  const figures = Array.from(document.querySelectorAll('.figure-frame img')).map(img => ({
      shown: img.getBoundingClientRect().width, natural: img.naturalWidth}));
  return {dollars: (text.match(/\\$\\$/g) || []).length,
          math: document.querySelectorAll('.MathJax, .MathJax_Display, mjx-container').length,
          mathErrors: document.querySelectorAll('.MathJax_Error, merror').length,
          quizzes: quizzes, figures: figures,
          overflow: document.scrollingElement.scrollWidth - window.innerWidth,
          rem: parseFloat(getComputedStyle(document.documentElement).fontSize)};
}"""


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("name", ["index.html"] + list(PAGES))
def test_site_page_offline(new_context, site, name, viewport):
    size = VIEWPORTS[viewport]
    page, context, blocked = open_offline(new_context, size, (site / name).as_uri())
    seen = page.evaluate(JS_PAGE)
    shots = ROOT / "build" / "browser" / "site"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / f"{viewport}-{Path(name).stem}.png"))
    assert blocked == [], "the page asked the network for " + ", ".join(blocked[:5])
    assert seen["dollars"] == 0, "raw $$ left in the text: MathJax did not typeset it"
    assert seen["mathErrors"] == 0
    notebook = PAGES.get(name)
    if notebook is not None and has_math(notebook):
        assert seen["math"] > 0, "the notebook has formulas but the page shows no MathJax output"
    expected = quiz_sizes(notebook) if notebook is not None else []
    assert [q["questions"] for q in seen["quizzes"]] == expected
    for quiz in seen["quizzes"]:
        assert min(quiz["options"], default=2) >= 2 and quiz["answers"] == quiz["questions"]
    assert seen["overflow"] <= 1, f"the page scrolls sideways by {seen['overflow']} px"
    readable = 34 * seen["rem"]
    small = [f for f in seen["figures"] if f["shown"] + 1 < min(readable, f["natural"])]
    assert small == [], f"figures shown narrower than min(34rem, natural width): {small[:3]}"


def test_tapping_a_figure_opens_it_at_full_size(new_context, site):
    page, _, _ = open_offline(new_context, PHONE, (site / "04_lstm.html").as_uri())
    img = page.locator(".figure-frame img").first
    img.scroll_into_view_if_needed()
    natural = img.evaluate("el => el.naturalWidth")
    img.click()
    zoomed = page.locator(".zoom-view img")
    assert zoomed.count() == 1 and abs(zoomed.evaluate("el => el.getBoundingClientRect().width") - natural) <= 1
    page.locator(".zoom-view").click()
    assert page.locator(".zoom-view").count() == 0
