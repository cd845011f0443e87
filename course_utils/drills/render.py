"""Drills as text and as a printable practice paper with an answer key (the widget is labs.drills_lab).

    print(as_text(generate("gru_step", 4), solution=True))
    parse_answers(drill, "R_t = 0.56, 0.62; Z_t = 0.27 0.27")   # -> {"R_t": "0.56, 0.62", "Z_t": "0.27 0.27"}
    html = practice_paper(seed=1)                              # make practice-paper SEED=1
"""

import html

import numpy as np

from ..diagrams import cell_diagram
from ..quizbank.exam import KINDS as EXAM_KINDS
from ..quizbank.exam import exam_questions
from . import KINDS, generate, num, vec

# Part B of the paper: how many exam-style questions of each kind (计算题 are part A's drills)
EXAM_PART = {"true_false": 4, "term": 2, "short": 2, "drawing": 1}

# the order of the chapters: 02 RNN, 03 clipping, 04 LSTM, 05 GRU, 06b deep layers, 06 attention and decoding
COURSE_ORDER = ("rnn_step", "output_loss", "bptt_scalar", "perplexity", "param_count", "clipping", "lstm_step",
                "gru_step", "deep_shapes", "attention_weights", "dot_attention", "beam_search")

PAPER_CSS = """
@page { size: A4; margin: 16mm 15mm; }
body { font-family: "Noto Sans", "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
       sans-serif; font-size: 10.5pt; line-height: 1.35; max-width: 180mm; margin: 1em auto; color: #111; }
h1 { font-size: 16pt; margin: 0 0 2pt; } h2 { font-size: 12pt; margin: 14pt 0 4pt; }
.meta { color: #444; margin-bottom: 8pt; }
.q { break-inside: avoid; page-break-inside: avoid; border-top: 1px solid #bbb; padding-top: 4pt; }
pre { white-space: pre-wrap; font-family: "DejaVu Sans Mono", "Noto Sans Mono CJK SC", monospace; font-size: 9.5pt; margin: 3pt 0; }
table.boxes { border-collapse: collapse; width: 100%; margin: 4pt 0 6pt; }
table.boxes td { border: 1px solid #888; padding: 3pt 6pt; height: 14pt; }
table.boxes td.name { width: 28%; font-family: monospace; background: #f4f4f4; }
.key { break-before: page; page-break-before: always; }
.lines { border-bottom: 1px dotted #888; height: 16pt; } .zh { color: #333; }
.key svg { max-width: 100%; height: auto; }
ol.steps { margin: 2pt 0 6pt 1.2em; padding: 0; } ol.steps li { margin: 1pt 0; }
@media print { body { margin: 0; max-width: none; } .noprint { display: none; } }
"""


def _shown(value):
    if isinstance(value, str):
        return value
    return vec(value) if isinstance(value, tuple) else num(value)


def as_text(drill, solution=False):
    """The drill as plain text: title (English and Chinese), question, the boxes to fill, and the worked solution."""
    lines = [f"{drill.title} ({drill.title_zh}) — drill '{drill.kind}', seed {drill.seed}", drill.question,
             "Fill in: " + "; ".join(s.name for s in drill.steps)]
    if solution:
        lines.append("Worked solution (解题步骤):")
        lines += [f"  {i}. {s.name}: {s.work}" for i, s in enumerate(drill.steps, 1)]
    return "\n".join(lines)


def parse_answers(drill, text):
    """'R_t = 0.56, 0.62; Z_t = 0.27 0.27' (or one value per line, in step order) -> {step name: text}."""
    if not isinstance(text, str):
        raise ValueError(f"text must be a string of answers; got {type(text).__name__}")
    names = [s.name for s in drill.steps]
    parts = [p.strip() for chunk in text.split("\n") for p in chunk.split(";")]
    answers = {}
    for position, part in enumerate(p for p in parts if p):
        if "=" in part:
            name, _, given = part.partition("=")
            name = name.strip()
            if name not in names:
                raise ValueError(f"answer names must be among {names}; got {name!r}")
        elif position < len(names):
            name, given = names[position], part
        else:
            raise ValueError(f"text must have at most {len(names)} answers (one per step); got more")
        answers[name] = given.strip()
    return answers


def _question_html(number, drill):
    rows = "".join(f"<tr><td class='name'>{html.escape(s.name)}</td><td></td></tr>" for s in drill.steps)
    return (f"<div class='q'><h2>{number}. {html.escape(drill.title)} / {html.escape(drill.title_zh)}</h2>"
            f"<pre>{html.escape(drill.question)}</pre><table class='boxes'>{rows}</table></div>")


def _key_html(number, drill):
    steps = "".join(f"<li><b>{html.escape(s.name)}</b> = {html.escape(_shown(s.value))}<br>"
                    f"<small>{html.escape(s.work)}</small></li>" for s in drill.steps)
    return f"<div class='q'><h2>{number}. {html.escape(drill.title_zh)}</h2><ol class='steps'>{steps}</ol></div>"


def exam_selection(seed, counts=None):
    """The exam-style questions of part B: ``counts`` {kind: n} drawn with ``seed``, in kind order."""
    counts = EXAM_PART if counts is None else counts
    rng = np.random.default_rng([int(seed), 7])
    chosen = []
    for kind, n in counts.items():
        pool = exam_questions(kind)
        if not 0 <= n <= len(pool):
            raise ValueError(f"counts['{kind}'] must be between 0 and {len(pool)}; got {n!r}")
        chosen += [pool[i] for i in sorted(rng.choice(len(pool), size=n, replace=False))]
    return chosen


def _exam_html(number, q):
    english, chinese = EXAM_KINDS[q.kind]
    space = 1 if q.kind == "true_false" else 6 if q.kind == "drawing" else 4
    return (f"<div class='q'><h2>{number}. {chinese} · {english}</h2><p>{html.escape(q.prompt)}<br>"
            f"<span class='zh'>{html.escape(q.prompt_zh)}</span></p>" + "<div class='lines'></div>" * space + "</div>")


def _exam_key_html(number, q):
    verdict = "" if q.verdict is None else f"<b>{'True · 对' if q.verdict else 'False · 错'}.</b> "
    figure = cell_diagram(q.drawing) if q.drawing else ""
    return (f"<div class='q'><h2>{number}. {EXAM_KINDS[q.kind][1]}</h2><p>{verdict}{html.escape(q.answer)}</p>"
            f"{figure}</div>")


def practice_paper(seed=0, kinds=None):
    """A printable HTML practice paper (A4 print CSS): part A one drill of every kind, part B exam-style
    questions from the quiz bank (``exam_selection``), then the answer key on a new page.

    Same seed, same paper. ``kinds`` chooses and orders the drill types (default: all, in course order).
    """
    kinds = [k for k in COURSE_ORDER if k in KINDS] + sorted(set(KINDS) - set(COURSE_ORDER)) if kinds is None else list(kinds)
    unknown = [k for k in kinds if k not in KINDS]
    if unknown or not kinds:
        raise ValueError(f"kinds must be a non-empty list from {sorted(KINDS)}; got {kinds!r}")
    drills = [generate(kind, seed) for kind in kinds]
    exam = exam_selection(seed)
    first = len(drills) + 1
    questions = "".join(_question_html(i, d) for i, d in enumerate(drills, 1))
    exam_part = "".join(_exam_html(i, q) for i, q in enumerate(exam, first))
    keys = "".join(_key_html(i, d) for i, d in enumerate(drills, 1))
    exam_keys = "".join(_exam_key_html(i, q) for i, q in enumerate(exam, first))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Practice paper {seed} — RNN, LSTM, GRU, encoder–decoder</title>
<style>{PAPER_CSS}</style></head><body>
<h1>Practice paper · 计算题练习卷 (seed {seed})</h1>
<div class="meta">Recurrent Neural Networks from Scratch · {len(drills)} hand calculations (计算题) and {len(exam)} exam-style questions · a calculator for σ,
tanh, exp, ln · give 3 decimals; an answer within 0.01 + 1 % of the key counts as right.
<span class="noprint">Print with your browser (A4; the answer key starts on a new page).</span></div>
<h2>Part A — calculations · 计算题</h2>{questions}
<h2>Part B — exam-style questions · 判断、名词解释、简答、画图</h2>{exam_part}
<div class="key"><h1>Answer key · 参考答案</h1>{keys}{exam_keys}</div>
</body></html>
"""
