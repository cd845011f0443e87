"""What each recurrent cell costs, as formulas in D (input size) and H (hidden size).

Per example and per time step (the output layer H W_hq is the same for every cell
and is left out):

    cell               parameters             multiply-adds in matrix products
    RNN                DH + H² + H            DH + H²
    LSTM               4(DH + H² + H)         4(DH + H²)
    GRU (Cho 2014)     3(DH + H² + H)         3(DH + H²)
    GRU (reset-after)  3(DH + H² + H) + H     3(DH + H²)

A matrix product of a (1, a) row with an (a, b) matrix is a·b multiply-adds. The
element-wise work (bias additions, σ, tanh, gating products) grows like H only,
so for H in the tens or more the products dominate. The last column of
``costs`` counts the products of H_{t-1} that must run one after the other in a step:
the Cho GRU needs R_t before it can form (R_t ⊙ H_{t-1}) W_hh, the others can put all
their recurrent matrices side by side and do one product. T does not appear:
the same weights serve every step (parameter sharing).

Chapter 05 shows these in a widget (``labs.gru_lab.cost_experiment``); chapter 07 reuses
them for its formula sheet.
"""

from typing import NamedTuple

from ._validate import check_positive_int

CELLS = ("rnn", "lstm", "gru", "gru_reset_after")
LABELS = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU (Cho 2014)", "gru_reset_after": "GRU (reset-after)"}
BLOCKS = {"rnn": 1, "lstm": 4, "gru": 3, "gru_reset_after": 3}   # sets of (W_x*, W_h*, b_*)
FORMULAS = {   # for a formula sheet
    "rnn": ("DH + H² + H", "DH + H²"),
    "lstm": ("4(DH + H² + H)", "4(DH + H²)"),
    "gru": ("3(DH + H² + H)", "3(DH + H²)"),
    "gru_reset_after": ("3(DH + H² + H) + H", "3(DH + H²)"),
}
SEQUENTIAL_PRODUCTS = {"rnn": 1, "lstm": 1, "gru": 2, "gru_reset_after": 1}


class CellCost(NamedTuple):
    cell: str
    label: str
    params: int            # numbers to learn
    macs: int              # multiply-adds in matrix products, per example and step
    sequential: int        # products of H_{t-1} that must run one after the other
    formula_params: str
    formula_macs: str


def _check(cell, D, H):
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {list(CELLS)}; got {cell!r}")
    check_positive_int("D", D)
    check_positive_int("H", H)


def param_count(cell, D, H):
    """Number of parameters of ``cell`` for input size D and hidden size H (formulas above)."""
    _check(cell, D, H)
    extra = H if cell == "gru_reset_after" else 0   # the bias b_hh inside the reset product
    return BLOCKS[cell] * (D * H + H * H + H) + extra


def macs_per_step(cell, D, H):
    """Multiply-adds of the matrix products for one example and one step: blocks × (DH + H²)."""
    _check(cell, D, H)
    return BLOCKS[cell] * (D * H + H * H)


def costs(D, H):
    """A CellCost for every cell in CELLS, in that order."""
    return [CellCost(c, LABELS[c], param_count(c, D, H), macs_per_step(c, D, H), SEQUENTIAL_PRODUCTS[c],
                     *FORMULAS[c]) for c in CELLS]


def cost_table(D, H):
    """The costs as a text table, with each cell's ratio to the RNN."""
    rows = costs(D, H)
    base = rows[0]
    lines = [f"D = {D}, H = {H}",
             f"{'cell':<18} {'parameters':>11} {'× RNN':>6} {'mult-adds/step':>15} {'× RNN':>6} {'H-products in a row':>20}"]
    for r in rows:
        lines.append(f"{r.label:<18} {r.params:>11,} {r.params / base.params:>6.2f} {r.macs:>15,} "
                     f"{r.macs / base.macs:>6.2f} {r.sequential:>20}")
    return "\n".join(lines)
