"""Text as a learner reads it: wrapped at word boundaries, and symbols typeset.

JupyterLab shows printed text with ``word-break: break-all``: a line wider than
the output area is cut wherever it reaches the edge ("one m|atrix", "2.1e+0|0").
Text the course prints itself is therefore wrapped here, at spaces, to at most
``WIDTH`` columns, which fits a 1280 px projector with JupyterLab's side bar open.

``math_html`` turns the plain-text symbols of the quiz bank (``H_{t-1}``,
``W_hh``, ``C̃_t``, ``dL/dH_t``) into TeX between ``$`` signs, so that JupyterLab
(HTMLMath) and the static site (MathJax) typeset them like the notebook around them.
"""

import html
import re
import textwrap

WIDTH = 90


# JupyterLab cuts printed lines mid-word (`word-break: break-all` on output <pre>).
# Shown once per notebook (course_utils.require does it in every setup cell), this
# makes every printed line of the page wrap at spaces; a word longer than the line still breaks.
WORD_WRAP_STYLE = ("<style>.jp-OutputArea-output pre, .jp-OutputArea-output.jp-RenderedText pre "
                   "{word-break: normal; overflow-wrap: anywhere;}</style>")


def use_word_wrapping():
    """In a Jupyter kernel, display WORD_WRAP_STYLE (an HTML-only output); elsewhere do nothing."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        return False
    shell = get_ipython()
    if shell is None or shell.__class__.__name__ != "ZMQInteractiveShell":
        return False
    display({"text/html": WORD_WRAP_STYLE}, raw=True)
    return True


def wrap(text, width=WIDTH):
    """Wrap every line of ``text`` longer than ``width`` at spaces; keep the other lines.

    A wrapped line's continuation is indented like the line itself (plus two
    spaces for a bullet such as "- " or "• "), so lists and indented blocks stay readable.
    A single word longer than ``width`` (a URL, a long sample) is left whole.
    """
    if not isinstance(text, str):
        raise ValueError(f"text must be a str; got {type(text).__name__}")
    lines = []
    for line in text.split("\n"):
        if len(line) <= width:
            lines.append(line)
            continue
        indent = line[:len(line) - len(line.lstrip(" "))]
        bullet = re.match(r"(?:[-•*]|\d+[.)]) ", line[len(indent):])
        follow = indent + " " * (len(bullet.group(0)) if bullet else 0)
        lines += textwrap.wrap(line, width=width, initial_indent="", subsequent_indent=follow,
                               break_long_words=False, break_on_hyphens=False,
                               drop_whitespace=True) or [""]
    return "\n".join(lines)


# A symbol with a subscript or superscript: optional d/∂ (a gradient), one Latin or Greek
# letter (optionally with a combining tilde, as in C̃_t), then _x / _{...} / ^x / ^{...} parts,
# then optional ᵀ or ². It must start a word: "reset_after" is not a symbol.
_PART = r"[_^](?:\{[^{}\s]{1,12}\}|[A-Za-z0-9*]{1,5})"
_SYMBOL = re.compile(r"(?<![\w\\])([d∂]?)([A-Za-zα-ωΑ-Ω])(\u0303?)((?:" + _PART + r")+)([ᵀ²]?)")
# A number to a power: 0.9^{t−k}, 1.5^t
_POWER = re.compile(r"(?<![\w.$])(\d+(?:\.\d+)?)(\^(?:\{[^{}\s]{1,12}\}|[A-Za-z0-9]{1,5}))")
_GREEK = {"α": r"\alpha", "β": r"\beta", "λ": r"\lambda", "ρ": r"\rho", "σ": r"\sigma", "Σ": r"\Sigma",
          "Λ": r"\Lambda", "τ": r"\tau"}
_WORDS = {"max": r"\max", "min": r"\min"}


def _tex_part(part):
    kind, body = part[0], part[1:]
    if body.startswith("{"):
        body = body[1:-1]
    body = _WORDS.get(body, body).replace("−", "-")
    if kind == "_" and len(body) > 1 and body.isalpha() and not body.startswith("\\"):
        body = r"\mathrm{" + body + "}" if len(body) > 2 else body
    return f"{kind}{{{body}}}"


def _tex_symbol(match):
    prefix, letter, tilde, parts, after = match.groups()
    letter = _GREEK.get(letter, letter)
    core = rf"\tilde{{{letter}}}" if tilde else letter
    tex = (r"\partial " if prefix == "∂" else prefix) + core
    tex += "".join(_tex_part(p) for p in re.findall(_PART, parts))
    tex += {"ᵀ": r"^\top", "²": "^2", "": ""}[after]
    return f"${tex}$"


def math_html(text):
    """``text`` as HTML: escaped (``<bos>`` stays visible), symbols as inline TeX ``$...$``.

    >>> math_html("H_{t-1} and <eos>")
    '$H_{t-1}$ and &lt;eos&gt;'
    """
    if not isinstance(text, str):
        raise ValueError(f"text must be a str; got {type(text).__name__}")
    escaped = html.escape(text, quote=False).replace("$", "&#36;")
    escaped = _POWER.sub(lambda m: f"${m.group(1)}{_tex_part(m.group(2))}$", escaped)
    return _SYMBOL.sub(_tex_symbol, escaped)
