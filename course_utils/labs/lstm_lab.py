"""Chapter 04's experiments: why the LSTM's cell state carries gradients, measured.

``lstm.lstm_state_gradients`` runs BPTT through an LSTM and keeps what reaches every
state, ∂L/∂H_t and ∂L/∂C_t; ``gradient_flow_experiment`` is the widget that plots their
norms against t next to a vanilla RNN's ∂L/∂H_t on the same input sequence, with
the forget-gate bias as the control.
"""

from functools import lru_cache

import matplotlib.pyplot as plt
import numpy as np

from .._validate import is_number, is_whole
from ..gradflow import gradient_norms
from ..lstm import gate_values, init_lstm_params, lstm_forward, lstm_state_gradients
from ..activations import softmax
from ..plotting import CELL_COLOURS, PALETTE, plain_log_ticks  # plain "1e-5" labels: no mathtext per redraw
from ..rnn import init_rnn_params, rnn_forward
from ..seqmodels import cell_params
from ..sequence import one_hot
from ..tasks import MemorySettings, train_memory_task
from .widgets import Result, problem


# --- the widget: gradient norms against t, LSTM next to RNN ------------------

FLOW_MAX_T = 200


@lru_cache(maxsize=None)
def _flow_setup(hidden_size=32, input_size=4, n=8, seed=0):
    """The fixed random pieces, drawn once: one input sequence, both cells at their
    default initialisation, and the loss L = H_T · u for a unit vector u."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, FLOW_MAX_T, input_size))
    lstm_params = init_lstm_params(input_size, hidden_size, rng)
    rnn_params = init_rnn_params(input_size, hidden_size, rng)
    u = rng.standard_normal(hidden_size)
    dH_T = np.tile(u / np.linalg.norm(u), (n, 1))
    return X, lstm_params, rnn_params, dH_T


@lru_cache(maxsize=None)
def _rnn_norms(T):
    """The RNN's ‖∂L/∂H_t‖ (T,): it does not depend on the LSTM's forget bias, so it is computed once per T."""
    X, _, rnn_params, dH_T = _flow_setup()
    H_rnn, _, _ = rnn_forward(X[:, :T], None, rnn_params)
    return gradient_norms(H_rnn, rnn_params["W_hh"], dH_T)


def flow_norms(forget_bias=1.0, T=100):
    """Mean over the batch of ‖∂L/∂C_t‖, ‖∂L/∂H_t‖ (LSTM) and ‖∂L/∂H_t‖ (RNN), each (T,),
    plus the LSTM's mean forget-gate value."""
    X, lstm_params, _, dH_T = _flow_setup()
    params = dict(lstm_params, b_f=np.full_like(lstm_params["b_f"], forget_bias))
    _, _, cache = lstm_forward(X[:, :T], None, params)
    dH, dC = lstm_state_gradients(np.zeros((X.shape[0], T, dH_T.shape[1])), cache, (dH_T, None))
    F = gate_values(cache)["F"]
    g = dC[:, -1]
    cell_only = [g]
    for t in range(T - 1, 0, -1):   # the cell path alone, from the same ∂L/∂C_T: dC_{t-1} = dC_t ⊙ F_t
        g = g * F[:, t]
        cell_only.append(g)
    cell_only = np.stack(cell_only[::-1], axis=1)
    norm = lambda G: np.linalg.norm(G, axis=-1).mean(axis=0)  # noqa: E731
    return {"C": norm(dC), "H": norm(dH), "rnn": _rnn_norms(T),
            "cell_only": norm(cell_only), "F_mean": float(F.mean())}


def gradient_flow_experiment(forget_bias=1.0, T=100):
    """Widget: ‖∂L/∂C_t‖ and ‖∂L/∂H_t‖ of an LSTM and ‖∂L/∂H_t‖ of a vanilla RNN against t
    (log scale), both freshly initialised, on the same T random inputs; L = H_T · u.

    forget_bias : the LSTM's b_f (every unit), from -10 to 10. Returns a Result with values
    {"C", "H", "rnn"} (each (T,)), "F_mean" and the ratios first/last of each curve.
    """
    if not is_number(forget_bias, -10, 10):
        return problem(f"Choose a forget-gate bias between -10 and 10; got {forget_bias!r}.")
    if not is_whole(T, 2, FLOW_MAX_T):
        return problem(f"Choose a sequence length T between 2 and {FLOW_MAX_T}; got {T!r}.")
    v = flow_norms(forget_bias, T)
    ratios = {k: float(v[k][0] / v[k][-1]) for k in ("C", "H", "rnn")}   # what survives T - 1 steps back
    t = np.arange(1, T + 1)
    fig = plt.figure(figsize=(6.4, 3.3), dpi=80)
    ax = fig.add_axes((0.12, 0.15, 0.85, 0.74))   # fixed margins: one draw per update
    floor = 1e-300                                 # an exact 0 cannot sit on a log axis
    ax.semilogy(t, np.maximum(v["C"], floor), color=CELL_COLOURS["lstm"], lw=2, label="LSTM cell ‖∂L/∂C_t‖")
    ax.semilogy(t, np.maximum(v["H"], floor), color=CELL_COLOURS["lstm"], ls="--", lw=1.2, label="LSTM hidden ‖∂L/∂H_t‖")
    ax.semilogy(t, np.maximum(v["rnn"], floor), color=CELL_COLOURS["rnn"], label="RNN hidden ‖∂L/∂H_t‖")
    ax.semilogy(t, np.maximum(v["cell_only"], floor), color="grey", ls=":", lw=1.5,
                label="direct cell path only")
    ax.set_ylim(max(1e-30, min(np.nanmin(v[k]) for k in ("C", "H", "rnn")) / 3), 10)
    plain_log_ticks(ax)
    ax.set_xlabel("time step t (the loss reads step T)")
    ax.set_ylabel("gradient norm (log scale)")
    verdict = "more" if ratios["C"] > ratios["rnn"] else "less"
    ax.set_title(f"b_f = {forget_bias:.1f} (mean F_t = {v['F_mean']:.2f}): the LSTM cell keeps "
                 f"{verdict} gradient than the RNN", fontsize=10)
    # the LSTM curves rise steeply to the right when it keeps less than the RNN: keep the legend off them
    ax.legend(loc="lower right" if verdict == "more" else "upper left", fontsize=8)
    ax.grid(alpha=0.3)
    text = (f"From t = {T} back to t = 1 ({T - 1} steps): LSTM cell gradient x {ratios['C']:.1e}, "
            f"LSTM hidden gradient x {ratios['H']:.1e}, RNN hidden gradient x {ratios['rnn']:.1e} "
            f"(mean forget gate {v['F_mean']:.3f}).")
    return Result(text=text, fig=fig, values={**v, "ratios": ratios})


# --- the memory task, trained live, and the gates of the trained LSTM --------

# A short run for the notebook (the sweep in tools/results_lag_sweep.py uses
# tasks.MemorySettings: more steps, a smaller learning rate, H = 32). Both cells
# get exactly these settings and exactly the same batches.
LIVE_SETTINGS = MemorySettings(hidden_size=16, n_steps=150, batch_size=32, lr=1e-2)
LIVE_LAG = 50
_LIVE_RUNS = {}


def live_memory_run(cell, lag=LIVE_LAG, progress="none"):
    """``tasks.train_memory_task(cell, lag, settings=LIVE_SETTINGS)``, trained once per
    (cell, lag) and then reused (the notebook trains it; its widgets reuse it)."""
    if (cell, lag) not in _LIVE_RUNS:
        _LIVE_RUNS[cell, lag] = train_memory_task(cell, lag, seed=0, settings=LIVE_SETTINGS, progress=progress)
    return _LIVE_RUNS[cell, lag]


def lstm_states(params, ids, task):
    """Run a trained memory-task LSTM over ids (N, T): (gate values dict of (N, T, H), P (N, V) at the last step)."""
    X = one_hot(ids, task.vocab_size, dtype=params["W_hq"].dtype)
    H, _, cache = lstm_forward(X, None, cell_params(params))
    return gate_values(cache), softmax(H[:, -1] @ params["W_hq"] + params["b_q"])


@lru_cache(maxsize=None)
def memory_unit(lag=LIVE_LAG):
    """The cell-state unit of the live LSTM that holds (part of) the first symbol best, all the way.

    Run 500 test sequences. For each unit and each split of the K classes into a group
    and the rest (one class, or two against two), take the class means of C_t at
    every step after the first symbol, and measure the gap between the group and the
    rest in within-class standard deviations: a positive gap means no class mean of
    the group overlaps one of the rest. The unit and split with the largest gap AT
    ITS WORST STEP hold that distinction from the first symbol to the question.

    Returns (unit index, group (tuple of class indices), worst-step gap).
    """
    task = LIVE_SETTINGS.task
    test = task.test_set(lag, 500)
    C = lstm_states(live_memory_run("lstm", lag).params, test["ids"], task)[0]["C"][:, 1:].astype(np.float64)
    K = task.n_classes
    means = np.stack([C[test["y"] == k].mean(axis=0) for k in range(K)])               # (K, T, H)
    sd = np.sqrt(np.mean([C[test["y"] == k].var(axis=0) for k in range(K)], axis=0))    # (T, H)
    best = (-np.inf, 0, (0,))
    groups = [(k,) for k in range(K)] + [(0, k) for k in range(1, K)] if K == 4 else [(k,) for k in range(K)]
    for group in groups:
        inside, rest = means[list(group)], means[[k for k in range(K) if k not in group]]
        above = ((inside.min(axis=0) - rest.max(axis=0)) / sd).min(axis=0)               # (H,) worst step
        below = ((rest.min(axis=0) - inside.max(axis=0)) / sd).min(axis=0)
        gap = np.maximum(above, below)
        unit = int(np.argmax(gap))
        if gap[unit] > best[0]:
            best = (float(gap[unit]), unit, group)
    return best[1], best[2], best[0]


def parse_memory_sequence(text, task=LIVE_SETTINGS.task):
    """'B cadb ?' -> ids (T,): capitals are signals, lowercase letters distractors, ? the query; spaces ignored."""
    symbols = {task.describe(np.array([i])): i for i in range(task.vocab_size)}
    chars = [c for c in text if not c.isspace()]
    unknown = sorted(set(chars) - set(symbols))
    if not chars or unknown:
        raise ValueError(f"sequence must use only the symbols {' '.join(symbols)}; "
                         + (f"got {' '.join(unknown)}" if unknown else "got an empty sequence"))
    return np.array([symbols[c] for c in chars], dtype=np.int64)


MAX_TYPED = 80


def _stacked_gates(gates, H):
    """I, F, O of one sequence stacked as rows (3H + 2, T), a blank row between gates."""
    blank = np.full((1, gates["I"].shape[1]), np.nan)
    return np.concatenate([gates["I"][0].T, blank, gates["F"][0].T, blank, gates["O"][0].T])


DEFAULT_SEQUENCE = "B" + ("cadbdacbcd" * 5)[:LIVE_LAG - 1] + "?"   # the trained length: lag 50, T = 51


def _bracket(value, levels, above="more than"):
    """'more than 2.0' for the largest level below ``value`` (or 'less than' the smallest).

    A trained network's numbers differ between machines; the stored output states
    only a bound that every machine's run satisfies with room to spare."""
    passed = [level for level in levels if value > level]
    if passed:
        return f"{above} {max(passed):g}"
    return f"{'<' if above == '>' else 'less than'} {min(levels):g}"


def gate_heatmap_experiment(sequence=DEFAULT_SEQUENCE, lag=LIVE_LAG):
    """Widget: the live LSTM's gates I, F, O and its cell state C, units × time, as it
    reads ``sequence`` (A-D signals, a-d distractors, ? the query), and the memory unit's
    C_t for the same sequence started by each signal A-D.

    Values: the gate arrays (T, H), "unit", "prediction" (class index read at the
    last step), "P" and "unit_tracks" (K, T).
    """
    task = LIVE_SETTINGS.task
    if not isinstance(sequence, str):
        return problem(f"Type a sequence of symbols, for example B cadbdacb ?; got {type(sequence).__name__}.")
    try:
        ids = parse_memory_sequence(sequence, task)
    except ValueError as error:
        return problem(f"{error}. Example: B cadbdacb ?")
    if len(ids) > MAX_TYPED:
        return problem(f"Type at most {MAX_TYPED} symbols; got {len(ids)}.")
    if ids[0] >= task.n_classes:
        return problem(f"Start with a signal {' '.join(task.describe(np.arange(task.n_classes)))}: the task asks "
                       f"which signal came first; got {task.describe(ids[:1])}.")
    run = live_memory_run("lstm", lag)
    unit, group, gap = memory_unit(lag)
    letters = task.describe(np.arange(task.n_classes))
    held = "/".join(letters[g] for g in group)
    variants = np.repeat(ids[None, :], task.n_classes, axis=0)
    variants[:, 0] = np.arange(task.n_classes)            # the same sequence, started by A, B, C, D
    all_gates, all_P = lstm_states(run.params, variants, task)
    k = int(ids[0])
    gates = {name: g[k:k + 1] for name, g in all_gates.items()}
    P = all_P[k]
    T, H = len(ids), gates["C"].shape[-1]
    fig, (ax_g, ax_c, ax_u) = plt.subplots(3, 1, figsize=(7, 5.6), dpi=72, height_ratios=(3, 1.1, 1.1))
    fig.subplots_adjust(left=0.12, right=0.9, top=0.95, bottom=0.09, hspace=0.4)  # room for -0.50 ticks + label
    # few text labels: drawing text is most of a redraw's time
    ax_g.imshow(_stacked_gates(gates, H), cmap="viridis", vmin=0, vmax=1, aspect="auto", interpolation="nearest")
    ax_g.set_yticks([H / 2, 1.5 * H + 1, 2.5 * H + 2], labels=["I_t", "F_t", "O_t"])
    ax_g.set_title(f"gates, a row per unit (dark 0, yellow 1); ◀ unit {unit}", fontsize=9, loc="left")
    lim = max(1e-6, float(np.abs(gates["C"]).max()))
    ax_c.imshow(gates["C"][0].T, cmap="RdBu_r", vmin=-lim, vmax=lim, aspect="auto", interpolation="nearest")
    ax_c.set_yticks([])
    ax_c.set_title(f"cell state C_t (blue −{lim:.1f}, red +{lim:.1f}); ◀ unit {unit}", fontsize=9, loc="left")
    for ax, rows in ((ax_g, (unit, H + 1 + unit, 2 * H + 2 + unit)), (ax_c, (unit,))):
        # on the right edge, pointing in: on the left the markers ran into the I_t/F_t/O_t labels
        ax.plot(np.full(len(rows), T - 0.5), rows, "<", color="black", ms=5, clip_on=False)
        ax.set_xlim(-0.5, T - 0.5)
        ax.set_xticks([])
    for c in range(task.n_classes):
        ax_u.plot(all_gates["C"][c, :, unit], color=PALETTE[c], lw=2.2 if c == k else 1, label=letters[c])
    ax_u.set_xlim(-0.5, T - 0.5)
    ticks = sorted(set(range(0, T, 10)) | {T - 1})
    symbols = task.describe(ids)
    ax_u.set_xticks(ticks, labels=[f"{t}:{symbols[t]}" if t in (0, T - 1) else str(t) for t in ticks])
    ax_u.locator_params(axis="y", nbins=3)
    ax_u.set_xlabel("time step t : symbol")
    ax_u.set_ylabel(f"C, unit {unit}")
    ax_u.legend(fontsize=9, loc="upper left", bbox_to_anchor=(1.0, 1.05), frameon=False, handlelength=1.2)
    ax_u.set_title(f"unit {unit}, the same distractors after each first symbol: {held} stays apart",
                   fontsize=9, loc="left")
    answer = int(np.argmax(P))
    if T > 1:   # the gates while the unit holds the symbol: after the first step, up to the question
        middle = slice(1, max(2, T - 1))
        gates_text = (f"On this input, after the first symbol, its forget gate averages "
                      f"{_bracket(gates['F'][0, middle, unit].mean(), (0.5, 0.9))} and its input gate "
                      f"{_bracket(gates['I'][0, middle, unit].mean(), (0.1, 0.2))}.")
    else:
        gates_text = (f"On this one-symbol input its forget gate is {gates['F'][0, 0, unit]:.2f} and its input gate "
                      f"{gates['I'][0, 0, unit]:.2f}.")
    # The text names neither the unit nor the signal it holds, and bounds the numbers: training
    # amplifies the last bit of rounding, so another CPU or NumPy trains another (equally good)
    # network whose memory sits in another unit (DESIGN §6). The figure names them for this run.
    text = (f"Input: {task.describe(ids)}\n"
            f"Memory unit ◀ (its number and the signal it holds are in the figure; another CPU, whose rounding "
            f"trains a slightly different network, may find another unit): from the first symbol to the question, "
            f"its cell state keeps one first signal (or a pair) apart from the others\n(over 500 test sequences "
            f"the class means stay {_bracket(gap, (0.0, 1.0, 2.0))} within-class standard deviations apart, "
            f"at every step).\n{gates_text}\n"
            f"The model answers {letters[answer]} (p {_bracket(P[answer], (0.5, 0.9, 0.99), '>')})"
            + ("." if ids[-1] == task.query_id else "; it was trained to answer only at a ?.")
            + ("" if T == lag + 1 else f" It was trained on sequences of exactly {lag + 1} symbols only, "
               "so at other lengths its answer can be wrong even while the unit keeps its tracks apart."))
    return Result(text=text, fig=fig, values={**{name: g[0] for name, g in gates.items()}, "unit": unit,
                                              "prediction": answer, "P": P,
                                              "unit_tracks": all_gates["C"][:, :, unit]})


# --- the stored lag sweeps (tools/results_lag_sweep.py, read by course_utils.results) ----

def lag_figure(records):
    """Accuracy against lag, one line per cell (mean of the seeds) with every run as a dot."""
    fig, ax = plt.subplots(figsize=(6.4, 3.4), layout="constrained")
    for cell, record in records.items():
        colour = CELL_COLOURS[cell]
        lags = record["lags"]
        ax.plot(lags, [record["mean_accuracy"][str(lag)] for lag in lags], "-o", color=colour,
                label=f"{cell.upper()} (mean of {len(record['seeds'])} seeds)")
        runs = record["runs"]
        ax.scatter([r["lag"] for r in runs], [r["accuracy"] for r in runs], s=10, color=colour, alpha=0.5)
    chance = next(iter(records.values()))["chance"]
    ax.axhline(chance, color="grey", ls=":", label=f"chance (1/K = {chance:.2f})")
    ax.set_xscale("log")
    ax.set_xticks(lags, labels=[str(lag) for lag in lags])
    ax.minorticks_off()
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("lag L (steps between the symbol and the question)")
    ax.set_ylabel("test accuracy")
    ax.set_title("Same data, same training: the RNN falls to chance, the LSTM does not")
    ax.legend(fontsize=8, loc="center left")
    ax.grid(alpha=0.3)
    return fig
