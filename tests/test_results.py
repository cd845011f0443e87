"""course_utils.results: the one reader of course_utils/results/."""

import json

import numpy as np
import pytest

from course_utils import results
from course_utils.results import chance_lags


def record(lags, accuracy, chance=0.25, n_test=1000):
    runs = [{"lag": lag, "seed": s, "accuracy": accuracy[lag]} for lag in lags for s in (0, 1)]
    return {"chance": chance, "settings": {"n_test": n_test}, "lags": lags, "runs": runs, "seeds": [0, 1],
            "mean_accuracy": {str(lag): accuracy[lag] for lag in lags}}


def test_chance_lags_uses_three_standard_errors():
    # 3 standard errors at p = 0.25, n = 1000: 0.041
    rec = record([5, 40, 50], {5: 1.0, 40: 0.30, 50: 0.28})
    assert chance_lags(rec) == [50]


def test_a_missing_sweep_names_the_script_that_makes_it(tmp_path, monkeypatch):
    rec = record([5, 50], {5: 1.0, 50: 0.25})
    monkeypatch.setattr(results, "RESULTS", tmp_path)
    with pytest.raises(FileNotFoundError, match=r"run `python tools/results_lag_sweep.py --cell gru`"):
        results.load_sweep("gru")
    with pytest.raises(FileNotFoundError, match=r"--variant gru_bz0"):
        results.load_sweep("gru_bz0")
    (tmp_path / "lag_sweep_gru.json").write_text(json.dumps(rec))
    assert results.load_sweep("gru") == rec
    with pytest.raises(ValueError, match=r"name must be one of \['rnn', 'lstm', 'gru', 'gru_bz0'\]; got 'tcn'"):
        results.load_sweep("tcn")


def test_every_shipped_file_has_a_reader():
    """A new file in course_utils/results/ needs a function here (and a line in its README)."""
    readers = {f"lag_sweep_{name}.json" for name in results.SWEEPS} | {"seq2seq.json"}
    readers |= {f"seq2seq_{name}.npz" for name in results.date_models()}
    readers |= {"poems.json", "rounding.json"} | {f"poems_{cell}.npz" for cell in results.POEM_CELLS}
    shipped = {p.name for p in results.RESULTS.iterdir() if p.suffix in (".json", ".npz")}
    assert shipped == readers
    for name in results.SWEEPS:
        assert results.load_sweep(name)["lags"]
    assert results.load_seq2seq()
    for name in results.date_models():
        params = results.load_date_model(name)
        assert params and all(v.dtype == np.float32 for v in params.values())
    with pytest.raises(ValueError, match="name must be a shipped model"):
        results.load_date_model("big")


def test_poem_models_load_as_float32_and_cannot_be_changed_in_place():
    record = results.load_poems()
    for cell in results.POEM_CELLS:
        params = results.load_poem_model(cell)
        assert all(v.dtype == np.float32 for v in params.values())
        assert sum(v.size for v in params.values()) == record["models"][cell]["n_params"]
        with pytest.raises(ValueError, match="read-only"):
            params["W_hq"][0, 0] = 1.0
    with pytest.raises(ValueError, match=r"cell must be one of \['rnn', 'lstm', 'gru'\]; got 'tcn'"):
        results.load_poem_model("tcn")


def test_a_missing_poem_model_names_the_script(tmp_path, monkeypatch):
    monkeypatch.setattr(results, "RESULTS", tmp_path)
    results._poem_model.cache_clear()
    try:
        with pytest.raises(FileNotFoundError, match=r"run `python tools/results_poems.py --cells lstm`"):
            results.load_poem_model("lstm")
        with pytest.raises(FileNotFoundError, match=r"run `python tools/results_poems.py`"):
            results.load_poems()
    finally:
        results._poem_model.cache_clear()
