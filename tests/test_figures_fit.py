"""No widget figure cuts a title, label, tick label or legend at its edge (DESIGN §7).

matplotlib reports every drawn text's bounding box (widgets.clipped_texts); a
figure is measured exactly as a widget draws it (widgets._draw, at WIDGET_DPI).
The fast test covers the settings that used to cut text; the slow one walks every
widget over its control ranges, the cases of benchmarks/widgets_*.py.
"""

import importlib.util
from pathlib import Path

import pytest

from course_utils.labs import gru_lab, lstm_lab, seq2seq_lab, setup_check
from course_utils.labs.widgets import _draw

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def clipped(result):
    assert result.ok, result.text
    return _draw(result.fig)[1]


@pytest.mark.parametrize("make", [
    lambda: setup_check.wave_demo(0.25, 0.0),                               # the longest title
    lambda: gru_lab.cost_experiment(32, 1024),                              # 4,000,000 on the y axis
    lambda: lstm_lab.gate_heatmap_experiment("D"),                          # one symbol: -0.50 ticks
    lambda: seq2seq_lab.attention_experiment("1", seq2seq_lab.load_date_model("attention")),  # short date
    lambda: seq2seq_lab.beam_experiment("Fri, Nov 27 2026", 10, seq2seq_lab.load_date_model("plain_tf1")),
], ids=["wave", "cost H=1024", "gates one symbol", "attention short date", "beam k=10"])
def test_figures_keep_their_text_inside(make):
    assert clipped(make()) == []


def _cases():
    for path in sorted(BENCHMARKS.glob("widgets_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield from module.CASES


@pytest.mark.slow
def test_every_widget_over_its_control_ranges_keeps_its_text_inside():
    problems = []
    for name, fn, settings in _cases():
        for controls in settings:
            result = fn(**controls)
            if result.fig is not None:
                outside = _draw(result.fig)[1]
                if outside:
                    problems.append(f"{name} {controls}: {outside}")
    assert problems == []
