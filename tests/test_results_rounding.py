"""course_utils/results/rounding.json: the longest lag of the memory sweep, retrained under other roundings.

Fast: the record is complete, was made with the stored sweep's settings and options, and its "native"
row is the stored sweep's own L = 100 runs. Slow (`make test-slow`): one retraining under another
mode is reproduced, exactly where the results were made (tests/machine.py).
"""

import pytest

from machine import same_machine
from tools_loader import load_tool

from course_utils.results import load_rounding, load_sweep


def test_the_record_covers_every_mode_cell_and_seed():
    record = load_rounding()
    script = load_tool("results_rounding")
    assert set(record["modes"]) == set(script.MODES) and record["cells"] == list(script.CELLS)
    for mode in script.MODES:
        for cell in script.CELLS:
            accuracies = record["accuracy"][mode][cell]
            assert len(accuracies) == len(record["seeds"]) and all(0 <= a <= 1 for a in accuracies), (mode, cell)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_native_row_is_the_stored_sweep_and_made_with_its_settings(cell):
    record, sweep = load_rounding(), load_sweep(cell)
    assert record["lag"] == max(sweep["lags"]) and record["seeds"] == sweep["seeds"]
    assert record["settings"] == sweep["settings"] and record["cell_options"][cell] == sweep["cell_options"]
    stored = [next(r["accuracy"] for r in sweep["runs"] if r["lag"] == record["lag"] and r["seed"] == seed)
              for seed in record["seeds"]]
    assert record["accuracy"]["native"][cell] == pytest.approx(stored, abs=1e-4)


def test_script_refuses_a_partial_record_in_the_shared_folder(capsys):
    with pytest.raises(SystemExit):
        load_tool("results_rounding").main(["--cells", "lstm"])
    assert "write them elsewhere with --out-dir" in capsys.readouterr().err


@pytest.mark.slow
def test_one_retraining_under_prescott_is_reproduced():
    """The LSTM's seed that rounding decides, retrained with OpenBLAS's Prescott kernels in a fresh process."""
    record, script = load_rounding(), load_tool("results_rounding")
    seed = record["seeds"][1]
    accuracies, _ = script.retrain("lstm", "Prescott", (seed,), lag=record["lag"])
    assert 0 <= accuracies[0] <= 1
    if same_machine():
        assert accuracies[0] == pytest.approx(record["accuracy"]["Prescott"]["lstm"][1], abs=1e-4)
