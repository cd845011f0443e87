"""The Tang-poem language models (course_utils/results/poems*.npz, poems.json) and tools/results_poems.py.

What the chapters claim, checked with tolerances so that the checks hold on any CPU's BLAS
kernels (issue 19): float32 training rounds differently on another machine, and sampling
turns a last-bit difference into another poem, so no number is compared bit for bit.
  * the three cells have the same number of parameters (within 2 %);
  * held-out perplexity: both gated cells beat the RNN, and all three are far below the
    uniform model's (V);
  * form: at temperature 1 the GRU and the LSTM close couplets ("，" then "。") far more often
    than the RNN, and no cell keeps the poem's line length as often as the poems themselves.
The fast tests read the shipped files; the slow one retrains the three models.
"""

import numpy as np
import pytest

from tools_loader import load_tool

from course_utils import poems
from course_utils.results import POEM_CELLS, load_poem_model, load_poems

CE_TOLERANCE = 0.15        # nats per character between a retrained model and the stored one
FORM_TOLERANCE = 0.12      # a form fraction over 120 sampled poems, retrained or resampled


@pytest.fixture(scope="module")
def script():
    return load_tool("results_poems")


@pytest.fixture(scope="module")
def record():
    return load_poems()


@pytest.fixture(scope="module")
def data(script):
    s = script.SETTINGS
    return poems.poem_lm_data(heldout_fraction=s["heldout_fraction"], seed=s["split_seed"], min_count=s["min_count"])


def check_claims(record):
    models = record["models"]
    counts = [models[c]["n_params"] for c in POEM_CELLS]
    assert max(counts) / min(counts) < 1.02
    for cell in ("lstm", "gru"):
        assert models[cell]["heldout_cross_entropy"] < models["rnn"]["heldout_cross_entropy"] - 0.1, cell
    for cell in POEM_CELLS:
        assert models[cell]["heldout_perplexity"] < record["uniform_perplexity"] / 3, cell
        form = models[cell]["form"]["1.0"]["mean"]
        assert form["line_poem_length"] < record["train_form"]["line_poem_length"] - 0.2, cell
        assert form["poem_one_length"] < record["train_form"]["poem_one_length"] - 0.3, cell
    for cell in ("lstm", "gru"):
        punct = {c: models[c]["form"]["1.0"]["mean"]["couplet_punct"] for c in POEM_CELLS}
        assert punct[cell] > punct["rnn"] + 0.2, punct


def test_the_stored_record_matches_the_script_and_the_data(script, record, data):
    assert record["settings"] == script.SETTINGS
    assert record["vocab_size"] == len(data["vocab"]) and record["uniform_perplexity"] == len(data["vocab"])
    assert record["uniform_cross_entropy"] == pytest.approx(np.log(len(data["vocab"])), rel=1e-12)
    assert record["heldout_titles"] == [p.title for p in data["heldout"]]
    assert record["train_form"] == poems.form_stats([p.text for p in data["train"]])
    for cell in POEM_CELLS:
        m = record["models"][cell]
        assert m["heldout_perplexity"] == pytest.approx(np.exp(m["heldout_cross_entropy"]), rel=1e-12)
        for temperature in map(str, script.SETTINGS["temperatures"]):
            per_seed = m["form"][temperature]["per_seed"]
            assert sorted(per_seed) == [str(s) for s in script.SETTINGS["sampling_seeds"]]
            for key, mean in m["form"][temperature]["mean"].items():
                assert mean == pytest.approx(np.mean([s[key] for s in per_seed.values()]), rel=1e-12)
    check_claims(record)


def test_the_shipped_weights_score_the_stated_heldout_cross_entropy(record, data):
    for cell in POEM_CELLS:
        params = load_poem_model(cell)
        stated = record["models"][cell]
        assert sum(v.size for v in params.values()) == stated["n_params"]
        # float32 arithmetic: another BLAS kernel moves the mean by ~1e-6 at most
        assert poems.heldout_cross_entropy(params, data, cell) == pytest.approx(stated["heldout_cross_entropy"],
                                                                               rel=1e-4)


@pytest.mark.slow
def test_resampling_the_shipped_weights_gives_the_stated_form(script, record, data):
    for cell in POEM_CELLS:
        per_seed = script.sampled_form(load_poem_model(cell), data, cell, 1.0)
        stated = record["models"][cell]["form"]["1.0"]["mean"]
        for key, value in stated.items():
            assert script.mean_over_seeds(per_seed, key) == pytest.approx(value, abs=FORM_TOLERANCE), (cell, key)


@pytest.mark.slow
def test_retraining_reproduces_the_claims(script, record, tmp_path):
    retrained = script.main(tmp_path, POEM_CELLS)
    check_claims(retrained)
    for cell in POEM_CELLS:
        new, old = retrained["models"][cell], record["models"][cell]
        assert new["n_params"] == old["n_params"]
        assert new["heldout_cross_entropy"] == pytest.approx(old["heldout_cross_entropy"], abs=CE_TOLERANCE), cell
        for key, value in old["form"]["1.0"]["mean"].items():
            assert new["form"]["1.0"]["mean"][key] == pytest.approx(value, abs=FORM_TOLERANCE), (cell, key)
