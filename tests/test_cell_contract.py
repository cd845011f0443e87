"""The recurrent-cell contract of DESIGN §4, one parametrized test per rule for every cell.

A new cell gets the whole contract by adding one line to CELLS. Sizes are all
different (N ≠ T ≠ D ≠ H), so a message or a result that swaps two axes fails.
"""

import re
from functools import partial
from typing import Callable, NamedTuple

import numpy as np
import pytest

from course_utils import gru, lstm, rnn
from course_utils.gradcheck import check_gradients

N, T, D, H = 2, 3, 4, 5


class Cell(NamedTuple):
    name: str
    init: Callable           # (D, H, rng, dtype) -> params
    step_forward: Callable
    step_backward: Callable
    forward: Callable
    backward: Callable
    pair: bool               # the state is a pair (H, C)
    step_cache_is_a_sequence: bool = False   # gru: a step's cache is a 1-step sequence's, valid for backward


CELLS = [
    Cell("rnn", lambda d, h, r, dt: rnn.init_rnn_params(d, h, r, dtype=dt), rnn.rnn_step_forward,
         rnn.rnn_step_backward, rnn.rnn_forward, rnn.rnn_backward, pair=False),
    Cell("lstm", lambda d, h, r, dt: lstm.init_lstm_params(d, h, r, dtype=dt), lstm.lstm_step_forward,
         lstm.lstm_step_backward, lstm.lstm_forward, lstm.lstm_backward, pair=True),
    Cell("gru", lambda d, h, r, dt: gru.init_gru_params(d, h, r, dtype=dt), gru.gru_step_forward,
         gru.gru_step_backward, gru.gru_forward, gru.gru_backward, pair=False, step_cache_is_a_sequence=True),
    Cell("gru_reset_after", lambda d, h, r, dt: gru.init_gru_params(d, h, r, dtype=dt, reset_after=True),
         partial(gru.gru_step_forward, reset_after=True), gru.gru_step_backward,
         partial(gru.gru_forward, reset_after=True), gru.gru_backward, pair=False, step_cache_is_a_sequence=True),
]
each_cell = pytest.mark.parametrize("cell", CELLS, ids=[c.name for c in CELLS])


def _state(cell, rng, n=N, dtype=np.float64):
    if cell.pair:
        return tuple(rng.normal(size=(n, H)).astype(dtype) for _ in range(2))
    return rng.normal(size=(n, H)).astype(dtype)


def _parts(state):
    return list(state) if isinstance(state, tuple) else [state]


def _setup(cell, rng, dtype=np.float64, t=T):
    params = cell.init(D, H, rng, dtype)
    for key in params:          # non-zero biases: a bias that never reaches the output would pass otherwise
        if key.startswith("b_"):
            params[key] = rng.normal(size=params[key].shape).astype(dtype)
    return params, rng.normal(size=(N, t, D)).astype(dtype), _state(cell, rng, dtype=dtype)


def _state_name(cell, name, part="H"):
    """How a message names a state: 'state0' for one array, 'state0[0] (H0)' for a pair's first part."""
    if not cell.pair:
        return re_escape(name)
    index = 0 if part == "H" else 1
    return re_escape(f"{name}[{index}] (")


def re_escape(text):
    return re.escape(text)


# --- shapes, values, gradients -----------------------------------------------------------

@each_cell
def test_shapes_with_every_size_different(cell, rng):
    params, X, state0 = _setup(cell, rng)
    Hs, state_T, cache = cell.forward(X, state0, params)
    assert Hs.shape == (N, T, H)
    assert [p.shape for p in _parts(state_T)] == [(N, H)] * len(_parts(state0))
    np.testing.assert_array_equal(Hs[:, -1], _parts(state_T)[0])     # H_T is the last hidden state
    dX, dstate0, grads = cell.backward(rng.normal(size=(N, T, H)), cache, _state(cell, rng))
    assert dX.shape == (N, T, D)
    assert [p.shape for p in _parts(dstate0)] == [(N, H)] * len(_parts(state0))
    assert sorted(grads) == sorted(params)
    assert all(grads[k].shape == params[k].shape for k in params)


@each_cell
def test_sequence_backward_matches_finite_differences(cell, rng):
    params, X, state0 = _setup(cell, rng)
    G, G_T = rng.normal(size=(N, T, H)), _state(cell, rng)

    def loss():
        Hs, state_T, _ = cell.forward(X, state0, params)
        return float(np.sum(Hs * G) + sum(np.sum(s * g) for s, g in zip(_parts(state_T), _parts(G_T))))

    _, _, cache = cell.forward(X, state0, params)
    dX, dstate0, grads = cell.backward(G, cache, G_T)
    arrays = dict(params, X=X, **{f"state0_{k}": s for k, s in enumerate(_parts(state0))})
    analytic = dict(grads, X=dX, **{f"state0_{k}": s for k, s in enumerate(_parts(dstate0))})
    errors = check_gradients(loss, arrays, analytic)
    assert max(errors.values()) < 1e-7, errors


@each_cell
def test_steps_chained_equal_the_sequence_forward_and_backward(cell, rng):
    params, X, state0 = _setup(cell, rng)
    Hs, state_T, cache = cell.forward(X, state0, params)
    state, caches = state0, []
    for t in range(T):
        state, step_cache = cell.step_forward(X[:, t], state, params)
        np.testing.assert_allclose(_parts(state)[0], Hs[:, t], rtol=1e-13, atol=1e-15)
        caches.append(step_cache)
    dH = rng.normal(size=(N, T, H))
    dX, dstate0, grads = cell.backward(dH, cache)
    dnext = None
    total = {k: 0 for k in params}
    for t in reversed(range(T)):
        if cell.pair:
            dH_t = dH[:, t] + (0 if dnext is None else dnext[0])
            dX_t, dnext, g = cell.step_backward((dH_t, None if dnext is None else dnext[1]), caches[t])
        else:
            dX_t, dnext, g = cell.step_backward(dH[:, t] + (0 if dnext is None else dnext), caches[t])
        np.testing.assert_allclose(dX_t, dX[:, t], rtol=1e-12, atol=1e-14)
        total = {k: total[k] + g[k] for k in params}
    for a, b in zip(_parts(dnext), _parts(dstate0)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    for k in params:
        np.testing.assert_allclose(total[k], grads[k], rtol=1e-12, atol=1e-14)


@each_cell
def test_none_states_are_zeros(cell, rng):
    params, X, _ = _setup(cell, rng)
    zeros = tuple(np.zeros((N, H)) for _ in range(2)) if cell.pair else np.zeros((N, H))
    H_none, _, cache = cell.forward(X, None, params)
    H_zero, _, _ = cell.forward(X, zeros, params)
    np.testing.assert_array_equal(H_none, H_zero)
    dH = rng.normal(size=(N, T, H))
    for a, b in zip(cell.backward(dH, cache)[1:], cell.backward(dH, cache, zeros)[1:]):
        for x, y in zip(_parts(a) if not isinstance(a, dict) else a.values(),
                        _parts(b) if not isinstance(b, dict) else b.values()):
            np.testing.assert_array_equal(x, y)


# --- dtypes --------------------------------------------------------------------------------

@each_cell
def test_float32_in_float32_out_everywhere(cell, rng):
    params, X, state0 = _setup(cell, rng, dtype=np.float32)
    Hs, state_T, cache = cell.forward(X, state0, params)
    dX, dstate0, grads = cell.backward(np.ones((N, T, H), np.float32), cache, _state(cell, rng, dtype=np.float32))
    step_state, step_cache = cell.step_forward(X[:, 0], state0, params)
    d_step = _state(cell, rng, dtype=np.float32)
    dX_t, dstate_prev, step_grads = cell.step_backward(d_step, step_cache)
    arrays = [Hs, dX, dX_t, *_parts(state_T), *_parts(dstate0), *_parts(step_state), *_parts(dstate_prev),
              *grads.values(), *step_grads.values()]
    assert {a.dtype for a in arrays} == {np.dtype(np.float32)}


@each_cell
def test_bad_dtypes_are_rejected_not_cast(cell, rng):
    params, X, state0 = _setup(cell, rng)
    with pytest.raises(ValueError, match="X must be a float32 or float64 array; got dtype int64"):
        cell.forward(X.astype(np.int64), state0, params)
    with pytest.raises(ValueError, match="X must have the parameters' dtype float64 .*got float32"):
        cell.forward(X.astype(np.float32), state0, params)
    mixed = dict(params)
    last = sorted(mixed)[-1]
    mixed[last] = mixed[last].astype(np.float32)
    with pytest.raises(ValueError, match=r"params must all have one dtype; got \['float32', 'float64'\]"):
        cell.forward(X, state0, mixed)
    bad_state = tuple(s.astype(np.float32) for s in state0) if cell.pair else state0.astype(np.float32)
    with pytest.raises(ValueError, match=_state_name(cell, "state0") + ".*must have the parameters' dtype"):
        cell.forward(X, bad_state, params)
    _, _, cache = cell.forward(X, state0, params)
    for dtype, message in ((np.int64, "must be a float32 or float64 array; got dtype int64"),
                           (np.float32, "must have the parameters' dtype float64 .*got float32")):
        with pytest.raises(ValueError, match="dH " + message):
            cell.backward(np.ones((N, T, H), dtype), cache)
        d_T = tuple(np.ones((N, H), dtype) for _ in range(2)) if cell.pair else np.ones((N, H), dtype)
        with pytest.raises(ValueError, match=_state_name(cell, "dstate_T") + ".*" + message):
            cell.backward(np.ones((N, T, H)), cache, d_T)
    _, step_cache = cell.step_forward(X[:, 0], state0, params)
    for dtype in (np.int64, np.float32):
        d_t = tuple(np.ones((N, H), dtype) for _ in range(2)) if cell.pair else np.ones((N, H), dtype)
        with pytest.raises(ValueError, match=r"(dH_t|dstate_t\[0\] \(dH_t\)) must "):
            cell.step_backward(d_t, step_cache)


# --- shapes in messages ----------------------------------------------------------------------

@each_cell
def test_wrong_shapes_name_the_argument_and_both_shapes(cell, rng):
    params, X, state0 = _setup(cell, rng)
    with pytest.raises(ValueError, match=re_escape(f"X must have shape (N, T, D={D}); got (2, 3, 5)")):
        cell.forward(rng.normal(size=(N, T, D + 1)), state0, params)
    with pytest.raises(ValueError, match=re_escape(f"X_t must have shape (N, D={D}); got (2, 3, 4)")):
        cell.step_forward(X, state0, params)
    wrong = tuple(np.zeros((N, D)) for _ in range(2)) if cell.pair else np.zeros((N, D))
    with pytest.raises(ValueError, match=_state_name(cell, "state0") + ".*" + re_escape(f"must have shape (N={N}, H={H}); got ({N}, {D})")):
        cell.forward(X, wrong, params)
    with pytest.raises(ValueError, match=_state_name(cell, "state_prev") + ".*must have shape"):
        cell.step_forward(X[:, 0], wrong, params)
    _, _, cache = cell.forward(X, state0, params)
    with pytest.raises(ValueError, match=re_escape(f"dH must have shape ({N}, {T}, {H}); got ({N}, {H}, {T})")):
        cell.backward(np.zeros((N, H, T)), cache)                     # T and H swapped
    d_T = tuple(np.zeros(H) for _ in range(2)) if cell.pair else np.zeros(H)
    with pytest.raises(ValueError, match=_state_name(cell, "dstate_T") + ".*" + re_escape(f"must have shape (N={N}, H={H}); got ({H},)")):
        cell.backward(np.zeros((N, T, H)), cache, d_T)
    with pytest.raises(ValueError, match="params must (have|be a dict with) keys"):
        cell.forward(X, state0, {k: v for k, v in list(params.items())[1:]})


# --- edge cases ------------------------------------------------------------------------------

@each_cell
def test_an_empty_sequence_passes_the_state_and_its_gradient_through(cell, rng):
    params, X, state0 = _setup(cell, rng, t=0)
    Hs, state_T, cache = cell.forward(X, state0, params)
    assert Hs.shape == (N, 0, H)
    for a, b in zip(_parts(state_T), _parts(state0)):
        np.testing.assert_array_equal(a, b)
    d_T = _state(cell, rng)
    dX, dstate0, grads = cell.backward(np.zeros((N, 0, H)), cache, d_T)
    assert dX.shape == (N, 0, D)
    for a, b in zip(_parts(dstate0), _parts(d_T)):
        np.testing.assert_array_equal(a, b)
    assert all(not np.any(grads[k]) and grads[k].shape == params[k].shape for k in params)


@each_cell
def test_a_cache_used_with_the_wrong_backward_says_so(cell, rng):
    params, X, state0 = _setup(cell, rng)
    _, _, cache = cell.forward(X, state0, params)
    d_t = _state(cell, rng)
    with pytest.raises(ValueError, match=f"cache must come from {cell.name[:4].rstrip('_')}_step_forward"):
        cell.step_backward(d_t, cache)
    _, step_cache = cell.step_forward(X[:, 0], state0, params)
    if cell.step_cache_is_a_sequence:   # one step IS a sequence of length 1: both backwards agree
        dX, dstate, _ = cell.backward(d_t[:, None], step_cache)
        np.testing.assert_allclose(dX[:, 0], cell.step_backward(d_t, step_cache)[0], rtol=1e-13)
    else:
        with pytest.raises(ValueError, match=f"cache must come from {cell.name}_forward"):
            cell.backward(np.zeros((N, 1, H)), step_cache)
    with pytest.raises(ValueError, match="cache must come from"):
        cell.backward(np.zeros((N, T, H)), ("not", "a", "cache"))


@each_cell
def test_nan_in_one_sample_stays_in_that_sample(cell, rng):
    params, X, state0 = _setup(cell, rng)
    X[0, 1, 2] = np.nan
    Hs, state_T, cache = cell.forward(X, state0, params)
    dH = rng.normal(size=(N, T, H))
    dX, dstate0, _ = cell.backward(dH, cache)
    assert np.isnan(Hs[0, 1:]).all() and np.isnan(dX[0, :2]).any()
    # the other sample gives exactly what it gives on its own
    rest = lambda s: tuple(p[1:] for p in s) if cell.pair else s[1:]  # noqa: E731
    H_alone, _, cache_alone = cell.forward(X[1:], rest(state0), params)
    dX_alone, dstate0_alone, _ = cell.backward(dH[1:], cache_alone)
    np.testing.assert_allclose(Hs[1:], H_alone, rtol=1e-14, atol=0)
    np.testing.assert_allclose(dX[1:], dX_alone, rtol=1e-12, atol=1e-15)
    for a, b in zip(_parts(dstate0), _parts(dstate0_alone)):
        np.testing.assert_allclose(a[1:], b, rtol=1e-12, atol=1e-15)
