"""The Tang-poem corpus (tools/extract_tang300.py -> corpora/tang300.txt) and course_utils.poems."""

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from tools_loader import load_tool

from course_utils import poems
from course_utils import seqmodels as sm

CORPORA = Path(poems.__file__).parent / "corpora"
ESC = "\x1b"

# Two records as fortunes-zh writes them: colour codes, a preface wrapped mid-sentence,
# a space-only separator line, a trailing "%".
FORTUNE_SAMPLE = (
    f"{ESC}[32m《静夜思》{ESC}[m\n{ESC}[33m作者：李白{ESC}[m\n床前明月光，疑是地上霜。\n举头望明月，低头思故乡。\n%\n"
    f"{ESC}[32m《某诗・并序》{ESC}[m\n{ESC}[33m作者：某人{ESC}[m\n序文第一行，\n接着写完。\n  \n"
    "春眠不觉晓，处处闻啼鸟。\n%\n"
)


@pytest.fixture(scope="module")
def extract():
    return load_tool("extract_tang300")


def test_extraction_drops_colours_labels_and_layout_and_keeps_every_character(extract):
    parsed = extract.parse_fortunes(FORTUNE_SAMPLE)
    assert parsed == [
        {"title": "静夜思", "author": "李白", "preface": "", "lines": ["床前明月光，疑是地上霜。", "举头望明月，低头思故乡。"]},
        {"title": "某诗・并序", "author": "某人", "preface": "序文第一行，接着写完。", "lines": ["春眠不觉晓，处处闻啼鸟。"]},
    ]
    text = extract.format_poems(parsed)
    assert ESC not in text and "作者" not in text and "%" not in text
    assert text == ("《静夜思》李白\n床前明月光，疑是地上霜。\n举头望明月，低头思故乡。\n\n"
                    "《某诗・并序》某人\n序：序文第一行，接着写完。\n春眠不觉晓，处处闻啼鸟。\n")
    # what the script writes is what the course reads back
    assert poems.parse_poems(text) == [
        poems.Poem("静夜思", "李白", "", ("床前明月光，疑是地上霜。", "举头望明月，低头思故乡。")),
        poems.Poem("某诗・并序", "某人", "序文第一行，接着写完。", ("春眠不觉晓，处处闻啼鸟。",))]


def test_extraction_is_deterministic_and_writes_the_file(extract, tmp_path):
    source = tmp_path / "tang300"
    source.write_text(FORTUNE_SAMPLE, encoding="utf-8")
    outputs = []
    for name in ("a.txt", "b.txt"):
        extract.main([str(source), "--out", str(tmp_path / name)])
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1] and outputs[0].decode("utf-8").startswith("《静夜思》李白\n")


@pytest.mark.parametrize("record, message", [
    (f"{ESC}[32m《静夜思》{ESC}[m\n床前明月光，疑是地上霜。\n", "must have a title, an author"),
    ("静夜思\n作者：李白\n床前明月光，疑是地上霜。\n", "must start with 《title》 and 作者：name"),
])
def test_extraction_names_a_malformed_record(extract, record, message):
    with pytest.raises(ValueError, match=message):
        extract.parse_record(record)


def test_bundled_corpus_has_the_anthologys_shape():
    all_poems = poems.load_poems()
    assert len(all_poems) == 313
    assert all_poems[0].title == "感遇・其一" and all_poems[0].author == "张九龄"
    assert sum(bool(p.preface) for p in all_poems) == 6
    text = (CORPORA / "tang300.txt").read_text(encoding="utf-8")
    assert ESC not in text and "作者：" not in text
    verse = "".join(p.text for p in all_poems)
    assert len(verse) == 22200 and len(set(verse)) == 2448
    # every printed line is a finished sentence, and 5- and 7-character lines dominate
    assert all(line[-1] in poems.LINE_END for p in all_poems for line in p.lines)
    lengths = Counter(len(line) for p in all_poems for line, _ in poems.split_lines(p.text))
    assert lengths[7] == 1726 and lengths[5] == 1339 and sum(lengths.values()) == 3128
    assert sum(f.stat().st_size for f in CORPORA.iterdir()) < 1_000_000
    readme = (CORPORA / "README.md").read_text(encoding="utf-8")
    assert "tang300.txt" in readme and "fortunes-zh" in readme and "2.98" in readme and "public domain" in readme


def test_parse_poems_names_a_malformed_block():
    with pytest.raises(ValueError, match="must start with a line '《title》author'; got '静夜思'"):
        poems.parse_poems("静夜思\n床前明月光，疑是地上霜。\n")
    with pytest.raises(ValueError, match="poem '静夜思' has no lines"):
        poems.parse_poems("《静夜思》李白\n")


def test_split_is_by_poem_seeded_and_disjoint():
    all_poems = poems.load_poems()
    train, heldout = poems.split_poems(all_poems, 0.1, seed=0)
    assert len(heldout) == 31 and len(train) == 282
    assert not set(train) & set(heldout) and len(set(train) | set(heldout)) == 313
    assert poems.split_poems(all_poems, 0.1, seed=0) == (train, heldout)
    assert poems.split_poems(all_poems, 0.1, seed=1)[1] != heldout
    with pytest.raises(ValueError, match=r"heldout_fraction must be in \(0, 1\); got 1.5"):
        poems.split_poems(all_poems, 1.5)


def test_vocabulary_comes_from_the_training_poems_only():
    data = poems.poem_lm_data(min_count=8)
    counts = Counter("".join(p.text for p in data["train"]))
    kept = set(data["vocab"].itos[4:])
    assert kept == {ch for ch, n in counts.items() if n >= 8}
    # the streams are <bos> text <eos> per poem, in order
    first = data["train"][0].text
    assert data["train_ids"][0] == data["vocab"].bos_id
    assert data["vocab"].decode(data["train_ids"][1:len(first) + 1], strip=False) == \
        [ch if ch in kept else "<unk>" for ch in first]
    assert (data["train_ids"] == data["vocab"].eos_id).sum() == len(data["train"])
    assert (data["heldout_ids"] == data["vocab"].bos_id).sum() == len(data["heldout"])


def test_split_lines_ignores_quotes_and_drops_the_unfinished_line():
    assert poems.split_lines("“床前明月光，疑是地上霜。”举头") == [("床前明月光", "，"), ("疑是地上霜", "。")]
    assert poems.split_lines("") == []


def test_poem_length_is_the_most_common_length_ties_go_to_the_first_line():
    assert poems.poem_length([7, 5, 5]) == 5
    assert poems.poem_length([7, 5, 5, 7]) == 7
    assert poems.poem_length([5]) == 5


def test_form_stats_on_hand_made_poems():
    regular = "床前明月光，疑是地上霜。举头望明月，低头思故乡。"   # 4 lines of 5, two couplets
    mixed = "君不见黄河之水天上来，奔流到海不复回。问君何，不可。"   # lengths 9, 7, 3, 2
    broken = "春眠不觉晓。处处闻啼鸟，夜来风"                      # 5, 5 + unfinished; couplet closed by 。 then ，
    stats = poems.form_stats([regular, mixed, broken])
    assert stats["poems"] == 3 and stats["lines"] == 10 and stats["couplets"] == 5
    assert stats["line_5_or_7"] == pytest.approx(7 / 10)
    # poem lengths: 5, 9 (tie broken by the first line), 5 -> lines matching: 4 + 1 + 2
    assert stats["line_poem_length"] == pytest.approx(7 / 10)
    assert stats["poem_one_length"] == pytest.approx(2 / 3)
    assert stats["couplet_punct"] == pytest.approx(4 / 5)
    empty = poems.form_stats(["春眠"])
    assert empty["lines"] == 0 and np.isnan(empty["line_poem_length"]) and empty["poem_one_length"] == 0


def test_training_poems_keep_their_form_most_of_the_time():
    data = poems.poem_lm_data()
    stats = poems.form_stats([p.text for p in data["train"]])
    assert 0.9 < stats["poem_one_length"] < 1 and 0.95 < stats["line_poem_length"] < 1


@pytest.fixture(scope="module")
def tiny():
    """A tiny untrained model on a tiny vocabulary, to check the measurements against seqmodels."""
    data = poems.poem_lm_data(poems.load_poems()[:40], heldout_fraction=0.1, min_count=3)
    V = len(data["vocab"])
    params = sm.init_model("gru", V, 6, V, np.random.default_rng(0), embed_dim=4)
    return data, params


def test_heldout_cross_entropy_equals_seqmodels_evaluate_poem_by_poem(tiny):
    data, params = tiny
    total = count = 0
    for p in data["heldout"]:
        ids = data["vocab"].encode(p.text, add_bos=True, add_eos=True)
        loss, _ = sm.evaluate(params, {"ids": ids[None, :-1], "y": ids[None, 1:]}, "gru", "tag")
        total += loss * (len(ids) - 1)
        count += len(ids) - 1
    assert poems.heldout_cross_entropy(params, data, "gru") == pytest.approx(total / count, rel=1e-12)


def test_sample_poem_keeps_the_prompt_and_reports_each_new_characters_probability(tiny):
    data, params = tiny
    vocab = data["vocab"]
    text, probs = poems.sample_poem(params, vocab, "gru", np.random.default_rng(3), 1.0, prompt="春", max_chars=12)
    assert text.startswith("春") and len(probs) == len(text) - 1 <= 12
    assert "<unk>" not in text and np.all((probs > 0) & (probs <= 1))
    # the probability of each new character is the model's, read from run_ids on the whole text
    ids = vocab.encode(text, add_bos=True)
    _, P, _ = sm.run_ids(params, ids[:-1], "gru")
    np.testing.assert_allclose(probs, P[np.arange(1, len(ids) - 1), ids[2:]], rtol=1e-12)
    again, _ = poems.sample_poem(params, vocab, "gru", np.random.default_rng(3), 1.0, prompt="春", max_chars=12)
    assert again == text
    with pytest.raises(ValueError, match="max_chars must be a positive integer"):
        poems.sample_poem(params, vocab, "gru", np.random.default_rng(3), max_chars=0)
