"""Tang poems (唐诗三百首) for a character language model, and how to measure poetic form.

The corpus (``corpora/tang300.txt``, 313 poems, see corpora/README.md) is read into
``Poem`` records. A poem's *text* for the language model is its lines joined without
line breaks: the punctuation already marks the structure, e.g. "兰叶春葳蕤，桂华秋皎洁。…".

    poems = load_poems()
    data = poem_lm_data(poems)                 # seeded split BY POEM, vocabulary, id streams
    batch = lm_windows(data["train_ids"], 64, 32, rng)       # course_utils.sequence
    ce = heldout_cross_entropy(params, data, "gru")          # nats per character
    form_stats(["床前明月光，疑是地上霜。"])                    # form measurements

Each poem is framed as <bos> text <eos>; the training stream is the training poems one
after another, so a window may cross from one poem into the next (the <bos> says where).
Characters seen fewer than ``min_count`` times in the training poems become <unk>: with
2 500 distinct characters in 22 000, most appear once or twice and cannot be learned.

Form (格律, as far as counting goes). A *line* (句) is the run of characters between two
punctuation marks (quotation marks are ignored); a *couplet* (联) is two lines, the first
closed by "，" and the second by "。", "？" or "！". A poem's *length* is its most common
line length (ties: the first line's). ``form_stats`` measures, over a list of texts:
  line_5_or_7       fraction of lines with 5 or 7 characters
  line_poem_length  fraction of lines as long as their poem's length
  poem_one_length   fraction of poems whose lines all have one length (at least 2 lines)
  couplet_punct     fraction of couplets punctuated "，" then "。？！"
The last, unfinished line of a text (no closing mark) is not counted.
"""

import re
from collections import Counter
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

import numpy as np

from ._validate import check_positive_int
from .seqmodels import run_ids, sample_ids
from .sequence import build_vocab

LINE_END = "，。？！；：、"
COUPLET_END = "。？！"
QUOTES = "“”‘’"


class Poem(NamedTuple):
    title: str
    author: str
    preface: str    # prose before the poem ("" for all but six), not used by the language model
    lines: tuple    # the couplets as printed, e.g. ("兰叶春葳蕤，桂华秋皎洁。", ...)

    @property
    def text(self):
        """The poem as the language model reads it: its lines joined, no line breaks."""
        return "".join(self.lines)


def parse_poems(text):
    """The corpus format of tools/extract_tang300.py -> list of Poem (blocks separated by a blank line)."""
    poems = []
    for block in text.strip("\n").split("\n\n"):
        rows = block.split("\n")
        head = re.match(r"^《(.+)》(.+)$", rows[0])
        if not head:
            raise ValueError(f"each poem must start with a line '《title》author'; got {rows[0]!r}")
        preface = rows[1][2:] if len(rows) > 1 and rows[1].startswith("序：") else ""
        lines = tuple(rows[2 if preface else 1:])
        if not lines:
            raise ValueError(f"poem {head.group(1)!r} has no lines")
        poems.append(Poem(head.group(1), head.group(2), preface, lines))
    return poems


@lru_cache(maxsize=1)
def _load_poems():
    text = resources.files("course_utils").joinpath("corpora", "tang300.txt").read_text(encoding="utf-8")
    return tuple(parse_poems(text))


def load_poems():
    """The 313 bundled poems, in the anthology's order (a list of Poem)."""
    return list(_load_poems())


def split_poems(poems, heldout_fraction=0.1, seed=0):
    """(train, heldout): a seeded random split BY POEM, so no held-out line was seen in training."""
    if not 0 < heldout_fraction < 1:
        raise ValueError(f"heldout_fraction must be in (0, 1); got {heldout_fraction!r}")
    order = np.random.default_rng(seed).permutation(len(poems))
    n_heldout = max(1, round(heldout_fraction * len(poems)))
    heldout = set(order[:n_heldout].tolist())
    return ([p for i, p in enumerate(poems) if i not in heldout],
            [p for i, p in enumerate(poems) if i in heldout])


def poem_ids(vocab, texts):
    """Texts -> one id stream (L,): <bos> text <eos> for each text, one after another."""
    return np.concatenate([vocab.encode(t, add_bos=True, add_eos=True) for t in texts])


def poem_lm_data(poems=None, heldout_fraction=0.1, seed=0, min_count=4):
    """Everything a poem language model trains and is measured on.

    {"vocab", "train", "heldout" (lists of Poem), "train_ids", "heldout_ids" (id streams)}.
    The vocabulary holds the characters seen at least ``min_count`` times in the TRAINING
    poems only (so the held-out poems cannot leak into it); the rest encode as <unk>.
    """
    check_positive_int("min_count", min_count)
    poems = load_poems() if poems is None else poems
    train, heldout = split_poems(poems, heldout_fraction, seed)
    vocab = build_vocab([p.text for p in train], min_count=min_count)
    return {"vocab": vocab, "train": train, "heldout": heldout,
            "train_ids": poem_ids(vocab, [p.text for p in train]),
            "heldout_ids": poem_ids(vocab, [p.text for p in heldout])}


def heldout_cross_entropy(params, data, cell):
    """Mean cross-entropy (nats per predicted token) of the model on the held-out poems.

    Each poem is read from its <bos> with a fresh zero state; every character and the
    final <eos> is predicted from what precedes it, so a poem of n characters scores n + 1
    predictions. Perplexity is exp of this number.
    """
    total, count = 0.0, 0
    for p in data["heldout"]:
        ids = data["vocab"].encode(p.text, add_bos=True, add_eos=True)
        _, P, _ = run_ids(params, ids[:-1], cell)
        total += float(-np.log(P[np.arange(len(ids) - 1), ids[1:]]).sum())
        count += len(ids) - 1
    return total / count


def sample_poem(params, vocab, cell, rng, temperature=1.0, prompt="", max_chars=120):
    """A poem drawn from the model: <bos> + ``prompt``, continued until <eos> or ``max_chars``.

    Returns (text, probs): the text (prompt included) and, for each generated character,
    the probability the model gave it (at temperature 1) (len(text) - len(prompt),).
    """
    check_positive_int("max_chars", max_chars)
    prompt_ids = vocab.encode(prompt, add_bos=True)
    banned = (vocab.pad_id, vocab.bos_id, vocab.unk_id)
    ids = sample_ids(params, prompt_ids, max_chars, temperature, rng, cell, banned)
    if vocab.eos_id in ids:
        ids = ids[:list(ids).index(vocab.eos_id)]
    full = np.concatenate([prompt_ids, ids])
    _, P, _ = run_ids(params, full[:-1], cell) if len(ids) else (None, np.zeros((0, len(vocab))), None)
    probs = P[np.arange(len(prompt_ids) - 1, len(full) - 1), full[len(prompt_ids):]] if len(ids) else np.zeros(0)
    return prompt + "".join(vocab.decode(ids)), probs


def split_lines(text):
    """The finished lines of a text and their closing marks: [(line, mark), ...] (quotes ignored)."""
    text = "".join(ch for ch in text if ch not in QUOTES)
    return re.findall(f"([^{LINE_END}]*)([{LINE_END}])", text)


def poem_length(lengths):
    """The poem's line length: the most common one, ties broken by the first line's."""
    counts = Counter(lengths)
    best = max(counts.values())
    return next(n for n in lengths if counts[n] == best)


def form_stats(texts):
    """Form measurements over a list of poem texts (see the module docstring), plus counts."""
    n_lines = n_57 = n_poem_len = n_one = n_couplets = n_punct = 0
    for text in texts:
        lines = split_lines(text)
        lengths = [len(line) for line, _ in lines]
        if lengths:
            L = poem_length(lengths)
            n_lines += len(lengths)
            n_57 += sum(n in (5, 7) for n in lengths)
            n_poem_len += sum(n == L for n in lengths)
        n_one += len(lengths) >= 2 and len(set(lengths)) == 1
        for (_, first), (_, second) in zip(lines[0::2], lines[1::2]):
            n_couplets += 1
            n_punct += first == "，" and second in COUPLET_END
    ratio = lambda a, b: a / b if b else float("nan")  # noqa: E731
    return {"poems": len(texts), "lines": n_lines, "couplets": n_couplets,
            "line_5_or_7": ratio(n_57, n_lines), "line_poem_length": ratio(n_poem_len, n_lines),
            "poem_one_length": ratio(n_one, len(texts)), "couplet_punct": ratio(n_punct, n_couplets)}


__all__ = ["Poem", "parse_poems", "load_poems", "split_poems", "poem_ids", "poem_lm_data",
           "heldout_cross_entropy", "sample_poem", "split_lines", "poem_length", "form_stats"]
