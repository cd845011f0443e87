from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from course_utils import text_tasks as tt
from course_utils.sequence import bag_of_tokens


def reference_label(words):
    """Independent reading of the grammar: a clause's polarity is its adjective's, flipped by a
    negator in the same clause; after "but" the second clause decides, "and" joins agreeing clauses."""
    clauses, current = [], []
    for w in words:
        if w in ("and", "but"):
            clauses.append(current)
            current = []
        else:
            current.append(w)
    clauses.append(current)
    polarity = [int(any(w in tt.POSITIVE for w in c)) ^ int(any(w in tt.NEGATORS for w in c)) for c in clauses]
    if "and" in words:
        assert polarity[0] == polarity[1]
    if "but" in words:
        assert polarity[0] != polarity[1]
    return polarity[-1]


def test_negation_labels_follow_the_grammar_and_are_balanced():
    reviews, labels = tt.negation_reviews(600, np.random.default_rng(0))
    assert [reference_label(r) for r in reviews] == labels.tolist()
    assert 0.4 < labels.mean() < 0.6
    assert {"but", "and"} <= {w for r in reviews for w in r}


def test_same_bag_of_tokens_can_carry_opposite_labels():
    vocab = tt.sentiment_vocab()
    pairs = [("the film was good but it was not great", "the film was not good but it was great"),
             ("the plot is not bad and the cast is good", "the plot is bad and the cast is not good")]
    for a, b in pairs:
        ids = [vocab.encode(s.split()) for s in (a, b)]
        bags = bag_of_tokens(np.stack(ids), np.array([len(ids[0])] * 2), len(vocab))
        np.testing.assert_array_equal(bags[0], bags[1])
        assert reference_label(a.split()) != reference_label(b.split())
    # in generated data, reviews that share the order-blind key often disagree
    reviews, labels = tt.negation_reviews(2000, np.random.default_rng(0))
    by_key = {}
    for words, label in zip(reviews, labels):
        by_key.setdefault(tt.order_blind_key(words), set()).add(int(label))
    assert sum(len(v) == 2 for v in by_key.values()) >= 5


def test_order_blind_ceiling_is_exact_and_matches_a_large_sample():
    ceiling, per_kind = tt.order_blind_ceiling()
    # by hand: one clause is decided by its words; "and" only when both clauses are negated or
    # neither (1/2 of them, a coin flip otherwise); "but" never (every key occurs for both labels)
    assert per_kind == pytest.approx({"one clause": 1.0, "and": 0.75, "but": 0.5})
    assert ceiling == pytest.approx(0.3 * 1 + 0.3 * 0.75 + 0.4 * 0.5)      # 72.5 %
    reviews, labels = tt.negation_reviews(40000, np.random.default_rng(0))
    groups = {}
    for words, label in zip(reviews, labels):
        groups.setdefault(tt.order_blind_key(words), [0, 0])[label] += 1
    sampled = sum(max(counts) for counts in groups.values()) / len(labels)
    assert abs(sampled - ceiling) < 0.01           # 4.5 standard errors of a 40000-review estimate


def test_negation_data_is_seeded_padded_and_fully_known():
    a = tt.negation_data(50, 20, np.random.default_rng(3))
    b = tt.negation_data(50, 20, np.random.default_rng(3))
    np.testing.assert_array_equal(a["train"]["ids"], b["train"]["ids"])
    train, vocab = a["train"], a["vocab"]
    assert train["ids"].shape == (50, train["lengths"].max())
    assert not np.any(train["ids"] == vocab.unk_id)
    pads = np.arange(train["ids"].shape[1]) >= train["lengths"][:, None]
    assert np.all(train["ids"][pads] == vocab.pad_id) and not np.any(train["ids"][~pads] == vocab.pad_id)
    assert a["train_text"][0].split() == vocab.decode(train["ids"][0])


def test_word_start_tags_and_segment_are_inverse():
    text, tags = tt.word_start_tags(["我们", "学习", "神经网络", "。"])
    assert text == "我们学习神经网络。"
    assert tags.tolist() == [1, 0, 1, 0, 1, 0, 0, 0, 1]
    assert tt.segment(text, tags) == ["我们", "学习", "神经网络", "。"]
    for words in tt.segmented_sentences(50, np.random.default_rng(0)):
        assert tt.segment(*tt.word_start_tags(words)) == words
    with pytest.raises(ValueError, match="one entry per character of text \\(T=2\\); got 3"):
        tt.segment("ab", [1, 0, 1])


def test_segmentation_needs_context_some_characters_take_both_tags():
    data = tt.segmentation_data(300, 100, np.random.default_rng(0))
    train = data["train"]
    real = np.arange(train["ids"].shape[1]) < train["lengths"][:, None]
    both = [c for c in range(len(data["vocab"]))
            if {0, 1} <= set(train["y"][real][train["ids"][real] == c].tolist())]
    assert "学" in [data["vocab"].itos[c] for c in both] and len(both) >= 5
    acc, choice = tt.majority_tag_baseline(train, data["test"], len(data["vocab"]))
    assert 0.6 < acc < 0.97
    assert choice[data["vocab"].stoi["。"]] == 1


def test_majority_tag_baseline_on_a_hand_made_example():
    train = {"ids": np.array([[4, 5, 0], [4, 4, 5]]), "lengths": np.array([2, 3]), "y": np.array([[1, 0, 0], [1, 0, 1]])}
    test = {"ids": np.array([[5, 4]]), "lengths": np.array([2]), "y": np.array([[0, 1]])}
    acc, choice = tt.majority_tag_baseline(train, test, 6)
    # id 4: tags 1, 1, 0 -> 1; id 5: tags 0, 1 -> tie, argmax picks 0
    assert choice[4] == 1 and choice[5] == 0 and acc == 1.0


def test_corpus_is_bundled_small_and_documented():
    text = tt.load_corpus("river_tales")
    assert len(text) > 5000 and text.isascii()
    folder = Path(tt.__file__).parent / "corpora"
    assert sum(f.stat().st_size for f in folder.iterdir()) < 1_000_000
    readme = (folder / "README.md").read_text()
    assert "river_tales.txt" in readme and "license" in readme.lower()
    with pytest.raises(ValueError, match="name must be one of \\['river_tales'\\]"):
        tt.load_corpus("shakespeare")


def test_char_lm_data_splits_at_the_end():
    data = tt.char_lm_data("abcabcabcd", val_fraction=0.2)
    vocab = data["vocab"]
    assert "".join(vocab.decode(np.concatenate([data["train_ids"], data["val_ids"]]))) == "abcabcabcd"
    assert len(data["val_ids"]) == 2 and "d" in vocab
    with pytest.raises(ValueError, match="val_fraction must be in \\(0, 1\\)"):
        tt.char_lm_data("abc", 1.5)


def test_segmentation_grammar_puts_hen_and_zhengzai_only_where_chinese_allows():
    # 很 modifies adjectives and the state verb 喜欢, never an action (*大家很研究文章*);
    # 正在 marks an action in progress, never a state (*正在喜欢*). Checked on many sentences.
    adjectives, actions = set(tt.LEXICON["adjective"]), set(tt.LEXICON["verb"]) - {"喜欢"}
    followers = {"很": Counter(), "正在": Counter()}
    for words in tt.segmented_sentences(20000, np.random.default_rng(5)):
        for word, following in zip(words, words[1:]):
            if word in followers:
                followers[word][following] += 1
        if "一起" in words or "都" in words:
            assert "我" not in words[:2], "".join(words)      # 都 / 一起 need a plural subject
    assert set(followers["很"]) <= adjectives | {"喜欢"}, followers["很"]
    assert set(followers["正在"]) <= actions, followers["正在"]
    assert followers["很"]["喜欢"] > 0 and len(followers["正在"]) == len(actions)   # both constructions occur


def test_segmentation_grammar_objects_and_adjectives_fit_their_words():
    seen_objects, texts = set(), []
    for words in tt.segmented_sentences(5000, np.random.default_rng(6)):
        texts.append("".join(words))
        for i, (word, following) in enumerate(zip(words, words[1:])):
            if word in tt.VERB_OBJECTS:
                assert following in tt.VERB_OBJECTS[word], texts[-1]
                seen_objects.add(following)
            if word == "很" and words[i - 1] in tt.NOUN_ADJECTIVES:
                assert following in tt.NOUN_ADJECTIVES[words[i - 1]], texts[-1]
    assert seen_objects == set(tt.LEXICON["object"])
    for nonsense in ["训练天气", "写数学", "使用天气", "阅读模型", "天气很简单", "天气很难", "我都", "我一起"]:
        assert not any(nonsense in text for text in texts), nonsense
