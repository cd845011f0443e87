"""Printed text wraps at word boundaries; quiz symbols become TeX."""

import pytest

from course_utils.textfmt import WIDTH, math_html, wrap


def test_wrap_breaks_long_lines_at_spaces_only():
    line = "step 175 of training: " + " ".join(f"value {i}.5e+00" for i in range(20))
    wrapped = wrap(line)
    assert wrapped.replace("\n", " ") == line
    for piece in wrapped.split("\n"):
        assert len(piece) <= WIDTH
    # every break falls between two words of the original line
    assert all(not piece.startswith(" ") and not piece.endswith(" ") for piece in wrapped.split("\n"))


def test_wrap_keeps_short_lines_tables_and_indentation():
    table = "rnn   |  32   1,476\nlstm  |  32   5,508"
    assert wrap(table) == table
    bullet = "  - " + "word " * 30
    lines = wrap(bullet.rstrip()).split("\n")
    assert lines[0].startswith("  - ") and all(line.startswith("    ") for line in lines[1:])


def test_wrap_leaves_a_word_longer_than_the_width_whole():
    word = "x" * 120
    assert wrap(f"a {word} b") == f"a\n{word}\nb"


def test_wrap_rejects_non_text():
    with pytest.raises(ValueError, match="text must be a str; got int"):
        wrap(3)


@pytest.mark.parametrize("text, html", [
    ("H_{t-1}", "$H_{t-1}$"),
    ("W_hh and b_h", "$W_{hh}$ and $b_{h}$"),
    ("C̃_t", r"$\tilde{C}_{t}$"),
    ("dL/dH_t?", "dL/$dH_{t}$?"),
    ("W_hfᵀ", r"$W_{hf}^\top$"),
    ("σ_max(W_hh)", r"$\sigma_{\max}$($W_{hh}$)"),
    ("H_enc", r"$H_{\mathrm{enc}}$"),
    ("reset_after=True keeps <eos>", "reset_after=True keeps &lt;eos&gt;"),
    ("costs $5", "costs &#36;5"),
    ("shrinks like 0.9^{t−k} or 1.5^t", "shrinks like $0.9^{t-k}$ or $1.5^{t}$"),
])
def test_math_html_typesets_symbols_and_escapes_the_rest(text, html):
    assert math_html(text) == html
