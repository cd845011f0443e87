"""A thin layer between experiment functions and ipywidgets.

An experiment is a plain function of its controls that returns a ``Result``
(a figure, a text, and the numbers behind them). Tests call the function
directly; notebooks wrap it with ``Experiment(fn, controls)``, which builds the
controls, calls the function on every change and shows what it returned. A
problem the learner caused (a learning rate that makes training diverge, an
unknown character typed in a box) is reported by the function as a readable
``Result(ok=False, text=...)``; anything unexpected is still caught here and
shown as one line, never as a traceback.

Quizzes use the same layer: ``Quiz(questions)`` shows multiple-choice questions
with instant feedback and a running score; ``grade`` is the testable part.
"""

import base64
import contextlib
import html
import io
import json
import time
import warnings
from dataclasses import dataclass, field, replace

import ipywidgets as widgets
import matplotlib.pyplot as plt
from matplotlib.text import Text
from IPython.display import display

from ..quizbank import Question, grade  # noqa: F401  (the data live in the core; re-exported)
from ..textfmt import wrap


@dataclass
class Result:
    """What an experiment returns.

    text : shown under the figure (plain text; keep it short).
    fig : a matplotlib Figure or None.
    values : the numbers behind the figure/text, for tests and benchmarks.
    ok : False when ``text`` explains why nothing sensible could be computed.
    """

    text: str = ""
    fig: object = None
    values: dict = field(default_factory=dict)
    ok: bool = True


def problem(message, **values):
    """A Result that reports a problem the learner can fix (no figure)."""
    return Result(text=message, values=values, ok=False)


def show(result):
    """Show a Result in a notebook cell: its figure (then closed, so it is not shown twice) and its text."""
    if result.fig is not None:
        display(result.fig)
        plt.close(result.fig)
    if result.text:
        print(wrap(result.text))
    return None


# Widget figures are drawn at least at this resolution: a figure made at 72-80 dpi
# shows 10 pt text as 10-11 px, too small on a 1366x768 laptop and on a projector.
WIDGET_DPI = 100


def to_png(fig):
    """Draw a figure to PNG bytes once, at WIDGET_DPI or its own higher dpi, and close it.

    Widgets draw figures themselves (not through the inline backend, whose 'tight'
    bounding box draws every figure twice): with this for the figure a notebook
    stores, with ``fast_png`` (same pixels, faster compression) on every move.
    """
    return _draw(fig)[0]


def fast_png(fig):
    """PNG bytes of ``fig`` drawn once at WIDGET_DPI (or its own higher dpi), with fast compression.

    What a widget sends on every move: zlib level 1 instead of 6 makes encoding
    3-4x faster for a few percent more bytes, which cost nothing on the way to
    the browser. The figure stays open (``clipped_texts`` can still measure it).
    """
    buffer = io.BytesIO()
    fig.set_dpi(max(fig.dpi, WIDGET_DPI))
    fig.savefig(buffer, format="png", dpi=fig.dpi, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def _draw(fig):
    """(PNG bytes, texts outside the image) for ``fig``, which is then closed."""
    buffer = io.BytesIO()
    fig.set_dpi(max(fig.dpi, WIDGET_DPI))  # drawn and measured at the same resolution
    fig.savefig(buffer, format="png", dpi=fig.dpi)
    outside = clipped_texts(fig)
    plt.close(fig)
    return buffer.getvalue(), outside


def clipped_texts(fig, tolerance=1.0):
    """The visible texts (titles, labels, tick labels, legends) that reach outside ``fig``'s image.

    matplotlib reports each drawn text's bounding box in pixels (for an axis: its
    drawn tick labels and label together); one more than ``tolerance`` pixels past
    an edge is cut off in the PNG. Returns a list of readable names.
    """
    renderer = fig.canvas.get_renderer()
    width, height = fig.bbox.width, fig.bbox.height

    def out(box):
        return (box is not None and box.width > 0 and (box.x0 < -tolerance or box.y0 < -tolerance
                or box.x1 > width + tolerance or box.y1 > height + tolerance))

    outside, texts = [], list(fig.texts) + [t for legend in fig.legends for t in legend.get_texts()]
    for ax in fig.axes:
        if not ax.get_visible() or not ax.axison:
            continue
        for axis, name in ((ax.xaxis, "x"), (ax.yaxis, "y")):
            if axis.get_visible() and out(axis.get_tightbbox(renderer)):
                outside.append(f"{name} tick labels or label of '{ax.get_title() or ax.get_label()}'")
        texts += [c for c in ax.get_children() if isinstance(c, Text)]
        if ax.get_legend() is not None:
            texts += ax.get_legend().get_texts()
    for text in texts:
        if text.get_visible() and text.get_text().strip() and out(text.get_window_extent(renderer)):
            outside.append(text.get_text())
    return outside


def render(fn, **controls):
    """Call an experiment and draw its figure to PNG exactly as the widget does.

    Returns (result, seconds). The benchmarks time widget updates with this.
    """
    start = time.perf_counter()
    result = fn(**controls)
    if result.fig is not None:
        fast_png(result.fig)
        plt.close(result.fig)
    return result, time.perf_counter() - start


# Sliders get a track a hand can use (>= 300 px next to a 140 px label and the
# readout) while still fitting a phone-width output area.
SLIDER_LAYOUT = {"width": "100%", "max_width": "640px"}
TEXT_HINT = "<small style='color:#555'>Type, then press Enter (or click outside the box) to update.</small>"
OUTPUT_STYLE = "white-space:pre-wrap;word-break:normal;overflow-wrap:break-word;margin:0.3em 0"


class Experiment:
    """Controls + a figure and a text around ``fn(**controls) -> Result``.

    ``controls`` maps each keyword of ``fn`` to an ipywidgets control. With
    ``button="Train"`` the function runs only when the button is pressed (for
    work over ~0.1 s); otherwise it runs whenever a control changes (sliders
    update when released, text boxes on Enter, which a hint under them says).
    The widget shows the result of the initial values as soon as it is displayed.

    A function can bound a slider by what it was given: ``values["limits"] =
    {"step": 34}`` sets that control's maximum (e.g. a step slider to the length
    of the typed text).

    How a move reaches the screen fast (benchmarks/widget_latency.md): the figure
    goes to one persistent ``ipywidgets.Image`` (its PNG bytes travel as a binary
    buffer; the page swaps one image: no output area is cleared and rebuilt, no
    base64 image inside HTML is rendered again), drawn once at WIDGET_DPI with fast PNG
    compression; the text goes to one persistent HTML widget; what only the tests
    read (texts cut off at the edge, timings) is measured after the figure is sent.
    ``cache`` (default: on without a button; the functions are deterministic in
    their controls) keeps the CACHE_SIZE most recently shown results (PNG bytes,
    text, values), so going back to a setting costs nothing.
    """

    CACHE_SIZE = 64

    def __init__(self, fn, controls, title="", button=None, cache=None):
        self.fn, self.controls, self.title = fn, dict(controls), title
        rows = []
        for control in self.controls.values():
            _prepare(control)
            rows.append(control)
            if isinstance(control, (widgets.Text, widgets.Textarea)):
                rows.append(widgets.HTML(TEXT_HINT))
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%", height="auto",
                                                                       flex="0 1 auto", display="none"))
        self.image.add_class("course-figure")
        self.text = widgets.HTML(layout=widgets.Layout(flex="1 1 22em", min_width="0"))
        self.result_box = widgets.Box([self.image, self.text], layout=widgets.Layout(
            display="flex", flex_flow="row wrap", align_items="flex-start", grid_gap="0.5em 1.5em", width="100%"))
        self.result_box.add_class("course-result")
        # what the browser test reads: texts cut off at the figure's edge, this update's timings
        self.info = widgets.HTML(layout=widgets.Layout(display="none"))
        self.output = widgets.Output()   # anything the function prints or warns
        self.status = widgets.HTML(layout=widgets.Layout(height="1.6em"))  # "computing…" moves nothing
        children = []
        if title:
            children.append(widgets.HTML(f"<b>{_escape(title)}</b>"))
        children.append(widgets.VBox(rows, layout=widgets.Layout(width="100%")))
        if button:
            self.button = widgets.Button(description=button, button_style="primary")
            self.button.on_click(lambda _: self.update())
            children.append(self.button)
        else:
            self.button = None
            for control in self.controls.values():
                control.observe(self._changed, names="value")
        children += [self.status, self.result_box, self.info, self.output]
        self.box = widgets.VBox(children, layout=widgets.Layout(width="100%"))
        self.box.add_class("course-experiment")
        self.cache = {} if (button is None if cache is None else cache) else None
        self.last, self.first_png, self.clipped, self._limiting, self.updates = None, None, [], False, 0
        self.update()

    def values(self):
        return {name: control.value for name, control in self.controls.items()}

    def _changed(self, _change):
        if not self._limiting:
            self.update()

    def _key(self):
        key = tuple(self.values().items())
        try:
            hash(key)
        except TypeError:  # an unhashable control value: not cached
            return None
        return key

    def update(self):
        """Compute (or recall) the result of the current values and show it."""
        start, cpu, began = time.perf_counter(), time.process_time(), time.time()
        key = self._key() if self.cache is not None else None
        hit = key is not None and key in self.cache
        if hit:
            result, png, clipped = self.cache[key] = self.cache.pop(key)  # now the most recently used
            self._show(result, png)
        else:
            self.status.value = "<i>computing…</i>"
            if self.output.outputs:  # the last update's prints and warnings
                self.output.outputs = ()
            with _captured(self.output):
                try:
                    result = self.fn(**self.values())
                except Exception as exc:  # a bug, not a learner's mistake: say so in one line
                    result = problem(f"Could not run with these settings ({type(exc).__name__}: {exc}).")
                png, clipped, fast = None, [], result.fig is not None and self.first_png is not None
                try:
                    if fast:
                        png = fast_png(result.fig)
                    elif result.fig is not None:
                        # the figure the notebook stores (and the static site shows): drawn as to_png draws it
                        png, clipped = _draw(result.fig)
                        self.first_png = png
                except Exception as exc:  # matplotlib could not draw it: one line, as above
                    plt.close(result.fig)
                    result, png, fast = problem(f"Could not draw the figure for these settings "
                                                f"({type(exc).__name__}: {exc})."), None, False
                self._show(result, png)
                self.status.value = ""
                if fast:  # after the figure is on its way: what only the checks read
                    clipped = clipped_texts(result.fig)
                    plt.close(result.fig)
            if key is not None:
                if len(self.cache) >= self.CACHE_SIZE:
                    self.cache.pop(next(iter(self.cache)))
                self.cache[key] = (replace(result, fig=None), png, clipped)  # the PNG, not the Figure
        self.clipped, self.updates = clipped, self.updates + 1
        marks = {"clipped": clipped, "cached": hit, "update": self.updates, "figure": png is not None,
                 "kernel_ms": round(1000 * (time.perf_counter() - start), 1),
                 "cpu_ms": round(1000 * (time.process_time() - cpu), 1),
                 "began": round(1000 * began, 1)}  # epoch ms: the browser test tells the way there from the way back
        self.info.value = ("<span class='course-result-info' data-marks=\""
                           f"{html.escape(json.dumps(marks), quote=True)}\"></span>")
        self._apply_limits(result.values.get("limits", {}))

    def _show(self, result, png):
        """The figure (if any) and then the text; each one message, only when it changed."""
        self.last = result
        if png is not None:
            self.image.value = png
            self.image.layout.display = None
        else:
            self.image.layout.display = "none"
        self.text.value = text_html(result.text, result.ok) if result.text else ""

    def _apply_limits(self, limits):
        """Set the maxima the function asked for; recompute once if a value had to move."""
        before = self.values()
        self._limiting = True
        try:
            for name, maximum in limits.items():
                control = self.controls.get(name)
                if control is not None and hasattr(control, "max") and control.max != maximum:
                    control.max = max(maximum, getattr(control, "min", maximum))
        finally:
            self._limiting = False
        if self.values() != before:
            self.update()

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.box._repr_mimebundle_(**kwargs)
        # Shown when the notebook is opened before running it (no live kernel):
        # a hint instead of the raw widget repr. It is also what nbval compares.
        name = f" '{self.title}'" if self.title else ""
        bundle["text/plain"] = f"Interactive experiment{name}: run this cell to use its controls."
        if self.first_png is not None:  # the static site shows the figure of the initial values
            bundle["image/png"] = base64.b64encode(self.first_png).decode("ascii")
        return bundle


def text_html(text, ok=True):
    """A Result's text as the widget shows it: wrapped at spaces to <= 90 columns, a problem in orange."""
    colour = "inherit" if ok else "#B34700"
    return f"<pre style='color:{colour};{OUTPUT_STYLE}'>{_escape(wrap(text))}</pre>"


@contextlib.contextmanager
def _captured(output):
    """Whatever the function prints or warns goes to ``output``, as text after the update, and only if there
    is any (entering the Output widget itself would cost two messages to the page on every move)."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer), \
            warnings.catch_warnings(record=True) as caught:
        yield
    text = buffer.getvalue() + "".join(f"{w.category.__name__}: {w.message}\n" for w in caught)
    if text:
        output.append_stdout(text)


def _prepare(control):
    """Controls update on release/Enter, show their whole label, and sliders get a usable track."""
    if hasattr(control, "continuous_update"):
        control.continuous_update = False
    # ipywidgets cuts descriptions at ~80 px ("hidden un..."): give them room
    style = getattr(control, "style", None)
    if style is not None and hasattr(style, "description_width") and not style.description_width:
        style.description_width = "140px"
    if type(control).__name__.endswith("Slider") and _narrow(control.layout.width):
        control.layout.width, control.layout.max_width = SLIDER_LAYOUT["width"], SLIDER_LAYOUT["max_width"]


def _narrow(width, minimum_px=560):
    """No width, or one in px that leaves the track under 300 px (140 px label, ~100 px readout)."""
    if not width:
        return True
    return width.endswith("px") and width[:-2].replace(".", "", 1).isdigit() and float(width[:-2]) < minimum_px


def _escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# The quiz widget lives in .quiz; importing it from here keeps the notebooks' imports working.
from .quiz import Quiz  # noqa: E402,F401
