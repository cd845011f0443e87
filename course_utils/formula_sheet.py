"""The printable one-page formula sheet (A4, print CSS), in the course's row form and the column form.

Every line is written once, in the course's row form (DESIGN §3: X_t is a row, X_t W_xh);
the column form most textbooks and papers use is derived from it by ONE mapping, stated
on the sheet and applied by ``to_column``:

    row form   X_t W_ab   (X_t a row vector, W_ab of shape (a, b))
    column     W_ba x_t   (x_t a column vector, W_ba = W_abᵀ of shape (b, a)), vectors lower-case;
               P_tᵀ Q_t (a weight gradient) becomes q_t p_tᵀ, and dA W_abᵀ becomes W_baᵀ da.

So H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h) becomes h_t = tanh(W_hx x_t + W_hh h_{t-1} + b_h),
the textbook's h_t = tanh(W x_t + U h_{t-1} + b) with W = W_hx, U = W_hh.

Lines use a small plain-text markup: X_t, H_{t-1}, W_{xh} get subscripts, ^T a superscript ᵀ.

    html = sheet_html()                 # make formula-sheet writes build/formula_sheet.html
"""

import html
import re

SECTIONS = [   # (title, [(what, row-form line)])
    ("RNN (循环神经网络)", [
        ("forward", "H_t = tanh(X_t W_{xh} + H_{t-1} W_{hh} + b_h),   O_t = H_t W_{hq} + b_q"),
        ("backward", "dA_t = (dH_t + dA_{t+1} W_{hh}^T) ⊙ (1 − H_t²)"),
        ("weights", "dW_{xh} = Σ_t X_t^T dA_t,   dW_{hh} = Σ_t H_{t-1}^T dA_t,   db_h = Σ_t dA_t"),
        ("gradient bound", "‖∂H_T/∂H_t‖ ≤ (‖W_{hh}‖ · max tanh′)^{T−t}: vanishes if < 1, may explode if > 1"),
    ]),
    ("LSTM (长短期记忆网络)", [
        ("gates", "I_t, F_t, O_t = σ(X_t W_{x·} + H_{t-1} W_{h·} + b_·),   C̃_t = tanh(X_t W_{xc} + H_{t-1} W_{hc} + b_c)"),
        ("state", "C_t = F_t ⊙ C_{t-1} + I_t ⊙ C̃_t,   H_t = O_t ⊙ tanh(C_t)"),
        ("backward", "dC_t = dC_{t+1} ⊙ F_{t+1} + dH_t ⊙ O_t ⊙ (1 − tanh²C_t),   dO_t = dH_t ⊙ tanh C_t"),
        ("", "dF_t = dC_t ⊙ C_{t-1},   dI_t = dC_t ⊙ C̃_t,   dC̃_t = dC_t ⊙ I_t;   σ′ = σ(1 − σ), tanh′ = 1 − tanh²"),
        ("cell path", "∂C_t/∂C_{t-1} = diag(F_t) along the direct path: F ≈ 1 keeps the gradient"),
    ]),
    ("GRU (门控循环单元, Cho 2014)", [
        ("gates", "R_t = σ(X_t W_{xr} + H_{t-1} W_{hr} + b_r),   Z_t = σ(X_t W_{xz} + H_{t-1} W_{hz} + b_z)"),
        ("candidate", "H̃_t = tanh(X_t W_{xh} + (R_t ⊙ H_{t-1}) W_{hh} + b_h)"),
        ("state", "H_t = Z_t ⊙ H_{t-1} + (1 − Z_t) ⊙ H̃_t   (libraries: R_t ⊙ (H_{t-1} W_{hh} + b_{hh}))"),
        ("backward", "dZ_t = dH_t ⊙ (H_{t-1} − H̃_t),   dH̃_t = dH_t ⊙ (1 − Z_t),   dH_{t-1} ⊇ dH_t ⊙ Z_t"),
    ]),
    ("Training (训练)", [
        ("masked loss", "L = −(1/Σ m) Σ_{n,t} m_{n,t} log P_{n,t}[y_{n,t}],  P = softmax(O),  dO = (P − Y) ⊙ m / Σ m"),
        ("perplexity", "PPL = exp(L) per token; a uniform model over V tokens scores V"),
        ("clipping", "g ← g · min(1, θ / ‖g‖) with ‖g‖ = sqrt(Σ_k ‖g_k‖²) over all arrays (direction kept)"),
        ("parameters", "RNN DH + H² + H;  LSTM 4(DH + H² + H);  GRU 3(DH + H² + H);  output HV + V"),
        ("deep, bidirectional", "layer l > 1 reads dirs·H inputs; PyTorch h_n (L·dirs, N, H), output (N, T, dirs·H)"),
    ]),
    ("Attention and decoding (注意力与解码)", [
        ("additive", "E_{t,s} = tanh(S_{t-1} W_{sa} + H_s W_{ha} + b_a) v_a"),
        ("dot / general", "E_{t,s} = S_{t-1} H_s^T,   E_{t,s} = S_{t-1} W_{a} H_s^T"),
        ("scaled dot", "E_{t,s} = S_{t-1} H_s^T / √d;   QKV: softmax(Q K^T / √d_k) V"),
        ("weights, context", "α_{t,s} = exp E_{t,s} / Σ_{s′ real} exp E_{t,s′},   C_t = Σ_s α_{t,s} H_s"),
        ("beam score", "score = log P(y_{1..L} | x) / L^λ;   λ = 0 favours short outputs, k = 1 is greedy"),
    ]),
]

_OPERAND = r"(\([^()]*\)|[A-Z]̃?_\{[^}]*\}|[A-Z]̃?_[a-z0-9]+)"   # (…) or a letter with a subscript


def _lower(operand):
    """State letters lower-case in column form: H_{t-1} -> h_{t-1}, (R_t ⊙ H_{t-1}) -> (r_t ⊙ h_{t-1})."""
    return re.sub(r"(?<![A-Za-z])(d?)([A-VX-Z])(̃?)(?=_)", lambda m: m.group(1) + m.group(2).lower() + m.group(3), operand)


def to_column(line):
    """Row form -> column form by the sheet's one mapping (see the module docstring)."""
    # P^T Q (a weight gradient) -> q p^T
    line = re.sub(_OPERAND + r"\^T d" + _OPERAND, lambda m: f"d{_lower(m.group(2))} {_lower(m.group(1))}^T", line)
    # dA W_ab^T -> W_ba^T da ;  X W_ab -> W_ba x
    line = re.sub(r"tanh(\(.*\)) v_a", r"v_a^T tanh\1", line)          # Bahdanau writes v_aᵀ tanh(…)
    line = re.sub(r"(d?)" + _OPERAND + r" W_\{([\w·])([\w·])\}(\^T)?",
                  lambda m: f"W_{{{m.group(4)}{m.group(3)}}}{m.group(5) or ''} {m.group(1)}{_lower(m.group(2))}", line)
    # S W_a H^T (bilinear) -> s^T W_a h ;  S H^T -> s^T h
    line = re.sub(_OPERAND + r" W_\{a\} " + _OPERAND + r"\^T", lambda m: f"{_lower(m.group(1))}^T W_{{a}} {_lower(m.group(2))}", line)
    line = re.sub(_OPERAND + r" " + _OPERAND + r"\^T", lambda m: f"{_lower(m.group(1))}^T {_lower(m.group(2))}", line)
    # weight names W_xh -> W_hx wherever they stand alone (gradient names)
    line = re.sub(r"dW_\{(\w)(\w)\}", lambda m: f"dW_{{{m.group(2)}{m.group(1)}}}", line)
    return _lower(line)


def markup_html(line):
    """X_t -> X<sub>t</sub>, H_{t-1} -> H<sub>t-1</sub>, ^T -> ᵀ, ^{T−t} -> <sup>T−t</sup> (text escaped first)."""
    text = html.escape(line).replace("^T", "ᵀ")
    text = re.sub(r"\^\{([^}]*)\}", r"<sup>\1</sup>", text)
    text = re.sub(r"_\{([^}]*)\}", r"<sub>\1</sub>", text)
    return re.sub(r"_([A-Za-z0-9·,]+)", r"<sub>\1</sub>", text)


SHEET_CSS = """
@page { size: A4; margin: 9mm 9mm; }
body { font-family: "DejaVu Sans", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; font-size: 7.9pt;
       line-height: 1.22; margin: 0 auto; max-width: 192mm; color: #000; }
h1 { font-size: 12pt; margin: 0 0 2pt; } p.map { margin: 0 0 4pt; padding: 3pt 5pt; border: 1px solid #0072B2; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th.section { text-align: left; background: #e8f1f8; font-size: 8.6pt; padding: 2pt 3pt; }
td { border-top: 1px solid #ccc; padding: 1.5pt 3pt; vertical-align: top; }
td.what { width: 13%; color: #333; } td.row, td.col { width: 43.5%; }
sub, sup { font-size: 70%; line-height: 0; }
@media screen { body { margin: 1em auto; font-size: 10pt; } }
@media print { .noprint { display: none; } }
"""


def sheet_html():
    """The whole sheet as one HTML page (one A4 page when printed)."""
    rows = []
    for title, lines in SECTIONS:
        rows.append(f"<tr><th class='section' colspan='3'>{html.escape(title)}</th></tr>")
        rows += [f"<tr><td class='what'>{html.escape(what)}</td><td class='row'>{markup_html(line)}</td>"
                 f"<td class='col'>{markup_html(to_column(line))}</td></tr>" for what, line in lines]
    mapping = markup_html("Row form (this course, NumPy, Keras): X_t is a row (N, D), X_t W_{xh} with W_{xh} (D, H). "
                          "Column form (most textbooks, papers, PyTorch's stored weights): x_t is a column, W_{hx} x_t "
                          "with W_{hx} = W_{xh}^T (H, D); so X W_{ab} ↔ W_{ba} x, P^T dQ ↔ dq p^T, dA W_{ab}^T ↔ W_{ba}^T da. "
                          "Textbook letters: h_t = tanh(W x_t + U h_{t-1} + b) has W = W_{hx}, U = W_{hh}.")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Formula sheet — RNN, LSTM, GRU, attention</title>
<style>{SHEET_CSS}</style></head><body>
<h1>Formula sheet · 公式表 — RNN, LSTM, GRU, encoder–decoder</h1>
<p class="map"><b>One mapping between the two columns · 行向量与列向量形式的对应:</b> {mapping}
N batch, T steps, D inputs, H hidden units, V vocabulary; ⊙ element-wise; σ sigmoid.
<span class="noprint">Print on A4 (one page).</span></p>
<table><tr><th></th><th>row form (this course)</th><th>column form (textbooks)</th></tr>{"".join(rows)}</table>
</body></html>
"""
