"""LSTM and GRU cell structure diagrams (画出结构图), drawn by code from the cells' equations, as SVG.

Each diagram is built from a table of the cell's equations: every node (a gate, a
candidate, a product ⊙, a sum +, 1 − z) lists the nodes it reads, exactly as in DESIGN §3,
and the drawing adds one wire per input. Labels are in English and Chinese. SVG text is
drawn by the viewer's browser with its own fonts, so the Chinese labels show wherever a
CJK font is installed (every phone and desktop system has one).

    from IPython.display import SVG
    SVG(cell_diagram("lstm"))
"""

import html

from ._validate import check_choice

# node: (x, y, shape, symbol, English label, Chinese label)
#   shape "box" (a layer with weights: σ or tanh), "op" (pointwise ⊙, +, tanh, 1−), "port" (an input or output)
LSTM_NODES = {
    "C_prev": (40, 70, "port", "C_(t-1)", "previous cell state", "上一细胞状态"),
    "H_prev": (40, 330, "port", "H_(t-1)", "previous hidden state", "上一隐藏状态"),
    "X_t": (150, 390, "port", "X_t", "input", "输入"),
    "F_t": (210, 260, "box", "σ", "forget gate F_t", "遗忘门"),
    "I_t": (300, 260, "box", "σ", "input gate I_t", "输入门"),
    "C~_t": (390, 260, "box", "tanh", "candidate C̃_t", "候选记忆"),
    "O_t": (480, 260, "box", "σ", "output gate O_t", "输出门"),
    "F*C": (210, 70, "op", "⊙", "", ""),
    "I*C~": (345, 170, "op", "⊙", "", ""),
    "C_t": (345, 70, "op", "+", "", ""),
    "tanh C_t": (560, 130, "op", "tanh", "", ""),
    "H_t": (560, 200, "op", "⊙", "", ""),
    "C_out": (660, 70, "port", "C_t", "cell state", "细胞状态"),
    "H_out": (660, 200, "port", "H_t", "hidden state (output)", "隐藏状态"),
}
LSTM_EQUATIONS = {            # node: the nodes it reads (DESIGN §3)
    "F_t": ("X_t", "H_prev"), "I_t": ("X_t", "H_prev"), "C~_t": ("X_t", "H_prev"), "O_t": ("X_t", "H_prev"),
    "F*C": ("F_t", "C_prev"), "I*C~": ("I_t", "C~_t"), "C_t": ("F*C", "I*C~"),
    "tanh C_t": ("C_t",), "H_t": ("O_t", "tanh C_t"), "C_out": ("C_t",), "H_out": ("H_t",),
}

GRU_NODES = {
    "H_prev": (40, 70, "port", "H_(t-1)", "previous hidden state", "上一隐藏状态"),
    "H_bus": (40, 330, "dot", "", "", ""),
    "X_t": (150, 390, "port", "X_t", "input", "输入"),
    "R_t": (210, 260, "box", "σ", "reset gate R_t", "重置门"),
    "Z_t": (320, 260, "box", "σ", "update gate Z_t", "更新门"),
    "R*H": (210, 170, "op", "⊙", "", ""),
    "H~_t": (450, 260, "box", "tanh", "candidate H̃_t", "候选隐藏状态"),
    "1-Z": (390, 120, "op", "1−", "", ""),
    "Z*H": (320, 70, "op", "⊙", "", ""),
    "(1-Z)*H~": (520, 170, "op", "⊙", "", ""),
    "H_t": (560, 70, "op", "+", "", ""),
    "H_out": (660, 70, "port", "H_t", "hidden state (output)", "隐藏状态"),
}
GRU_EQUATIONS = {
    "H_bus": ("H_prev",), "R_t": ("X_t", "H_bus"), "Z_t": ("X_t", "H_bus"), "R*H": ("R_t", "H_prev"),
    "H~_t": ("X_t", "R*H"), "1-Z": ("Z_t",), "Z*H": ("Z_t", "H_prev"), "(1-Z)*H~": ("1-Z", "H~_t"),
    "H_t": ("Z*H", "(1-Z)*H~"), "H_out": ("H_t",),
}

CELLS = {"lstm": (LSTM_NODES, LSTM_EQUATIONS, "LSTM cell · LSTM 单元",
                  "C_t = F_t ⊙ C_(t-1) + I_t ⊙ C̃_t,  H_t = O_t ⊙ tanh(C_t);  gates σ(X_t W_x? + H_(t-1) W_h? + b_?)"),
         "gru": (GRU_NODES, GRU_EQUATIONS, "GRU cell · GRU 单元",
                 "H̃_t = tanh(X_t W_xh + (R_t ⊙ H_(t-1)) W_hh + b_h),  H_t = Z_t ⊙ H_(t-1) + (1 − Z_t) ⊙ H̃_t")}
COLOURS = {"box": "#E69F00", "op": "#FFFFFF", "port": "#56B4E9"}   # Okabe–Ito, as the course's plots
WIDTH, HEIGHT = 720, 470


HALF = {"box": (26, 16), "op": (17, 17), "port": (34, 13), "dot": (3, 3)}   # half width, half height


def _wire(a, b, shape):
    """An elbow wire from node a's centre into node b (of ``shape``): along a's row first, then along b's column.

    The arrow stops at b's border, so its head is not hidden under the node.
    """
    (x1, y1), (x2, y2) = a, b
    points = [(x1, y1)] + ([(x2, y1)] if x1 != x2 and y1 != y2 else []) + [(x2, y2)]
    (px, py), half = points[-2], HALF[shape]
    if px == x2:                                  # last segment vertical
        points[-1] = (x2, y2 + (half[1] if py > y2 else -half[1]))
    else:
        points[-1] = (x2 + (half[0] if px > x2 else -half[0]), y2)
    d = " ".join(f"{x},{y}" for x, y in points)
    return f'<polyline points="{d}" fill="none" stroke="#333" stroke-width="1.6" marker-end="url(#arrow)"/>'


def _node(name, spec):
    x, y, shape, symbol, english, chinese = spec
    esc = html.escape
    parts = []
    if shape == "dot":
        return f'<g class="node" data-node="{esc(name)}"><circle cx="{x}" cy="{y}" r="3" fill="#333"/></g>'
    if shape == "box":
        parts.append(f'<rect x="{x - 26}" y="{y - 16}" width="52" height="32" rx="4" fill="{COLOURS[shape]}" '
                     f'stroke="#333"/>')
    elif shape == "op":
        parts.append(f'<circle cx="{x}" cy="{y}" r="{17 if len(symbol) > 2 else 13}" fill="#fff" stroke="#333"/>')
    else:
        parts.append(f'<rect x="{x - 34}" y="{y - 13}" width="68" height="26" rx="13" fill="{COLOURS[shape]}" '
                     f'stroke="#333"/>')
    parts.append(f'<text x="{x}" y="{y + 5}" text-anchor="middle" font-size="{12 if len(symbol) > 2 else 15}">'
                 f'{esc(symbol)}</text>')
    if english:
        halo = 'stroke="#fff" stroke-width="4" paint-order="stroke"'    # wires under a label stay readable
        if shape == "port":                                             # beside the frame's edge, above the port
            anchor, lx, ly = ("start", x - 34, y - 32) if x < WIDTH / 2 else ("end", x + 34, y - 32)
        else:
            anchor, lx, ly = "middle", x, y + 32
        parts.append(f'<text x="{lx}" y="{ly}" text-anchor="{anchor}" font-size="11" {halo}>{esc(english)}</text>')
        parts.append(f'<text x="{lx}" y="{ly + 13}" text-anchor="{anchor}" font-size="11" {halo}>{esc(chinese)}</text>')
    return f'<g class="node" data-node="{esc(name)}">{"".join(parts)}</g>'


def wires(cell):
    """The (from, to) pairs the diagram draws: one per input of each equation (tests compare them with the cell)."""
    check_choice("cell", cell, CELLS)
    _, equations, _, _ = CELLS[cell]
    return [(src, dst) for dst, inputs in equations.items() for src in inputs]


def cell_diagram(cell):
    """The cell's structure diagram as an SVG string (720 × 470, labels in English and Chinese)."""
    check_choice("cell", cell, CELLS)
    nodes, _, title, equation = CELLS[cell]
    pos = {name: spec[:2] for name, spec in nodes.items()}
    body = [_wire(pos[a], pos[b], nodes[b][2]) for a, b in wires(cell)]
    body += [_node(name, spec) for name, spec in nodes.items()]
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="DejaVu Sans, Noto Sans CJK SC, PingFang SC, '
            f'Microsoft YaHei, sans-serif">'
            '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
            'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#333"/></marker></defs>'
            f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>'
            f'<text x="20" y="26" font-size="16" font-weight="bold">{html.escape(title)}</text>'
            f'<text x="20" y="{HEIGHT - 12}" font-size="11.5">{html.escape(equation)}</text>'
            + "".join(body) + "</svg>")
