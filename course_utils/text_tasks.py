"""Chapter 02's three text tasks, generated (seeded) or bundled, ready for ``seqmodels``.

1. ``negation_data`` — sequence -> class. Short film reviews whose sentiment depends on
   WORD ORDER: "not" flips only the adjective after it, and after "but" the second
   clause decides. "good but not great" (negative) and "not good but great" (positive)
   contain the same words, so a bag of tokens cannot tell them apart.
2. ``segmentation_data`` — synchronous sequence -> sequence. Chinese word segmentation
   (分词) as per-character tagging: text with the word boundaries removed, and for each
   character the tag 1 if it starts a word, 0 if it continues one. The same character
   can do both (学 starts 学习 but continues 大学), so a tagger must use the context.
3. ``char_lm_data`` — a character language model on a bundled corpus (``load_corpus``).

Every ``*_data`` function returns a dict with the vocabulary and ``train``/``test``
batches ``{"ids" (N, T), "lengths" (N,), "y"}`` that ``seqmodels`` accepts directly.
"""

from importlib import resources

import numpy as np

from ._validate import check_positive_int
from .sequence import build_vocab, pad_sequences

# --- 1. sentiment with negation -----------------------------------------------------

SUBJECTS = ("the film", "the story", "the acting", "the music", "the ending", "the plot", "the cast", "it")
VERBS = ("was", "is", "felt", "seemed")
POSITIVE = ("good", "great", "fun", "clever", "moving", "funny", "charming", "lovely")
NEGATIVE = ("bad", "dull", "boring", "awful", "weak", "silly", "slow", "messy")
NEGATORS = ("not", "never")
INTENSIFIERS = ("very", "really", "quite", "so")
SENTIMENT_LABELS = ("negative", "positive")


# How reviews are drawn: the share of each kind, and the chance that a clause is negated.
REVIEW_KINDS = (("one clause", 0.3), ("and", 0.3), ("but", 0.4))
P_NEGATE, P_INTENSIFY = 0.5, 0.3


def _clause(polarity, rng, p_negate=P_NEGATE, p_intensify=P_INTENSIFY):
    """'the plot was not very good' with an effective polarity (1 positive, 0 negative)."""
    negated = rng.random() < p_negate
    word_polarity = polarity ^ negated          # "not bad" is positive: the adjective is negative
    adjectives = POSITIVE if word_polarity else NEGATIVE
    words = SUBJECTS[rng.integers(len(SUBJECTS))].split() + [VERBS[rng.integers(len(VERBS))]]
    if negated:
        words.append(NEGATORS[rng.integers(len(NEGATORS))])
    if rng.random() < p_intensify:
        words.append(INTENSIFIERS[rng.integers(len(INTENSIFIERS))])
    words.append(adjectives[rng.integers(len(adjectives))])
    return words


def negation_reviews(n, rng):
    """``n`` reviews (lists of words) and labels (n,) int64, 1 = positive.

    ``REVIEW_KINDS``: 30 % one clause; 30 % two agreeing clauses joined by "and"; 40 % two
    opposite clauses joined by "but", where the second clause is the label.
    """
    check_positive_int("n", n)
    (_, p_one), (_, p_and), _ = REVIEW_KINDS
    reviews, labels = [], np.empty(n, dtype=np.int64)
    for i in range(n):
        label = int(rng.integers(2))
        kind = rng.random()
        if kind < p_one:
            words = _clause(label, rng)
        elif kind < p_one + p_and:
            words = _clause(label, rng) + ["and"] + _clause(label, rng)
        else:
            words = _clause(1 - label, rng) + ["but"] + _clause(label, rng)
        reviews.append(words)
        labels[i] = label
    return reviews, labels


def sentiment_vocab():
    """The fixed word vocabulary of the review grammar (the same for every seed)."""
    words = [w for phrase in SUBJECTS for w in phrase.split()]
    words += [*VERBS, *POSITIVE, *NEGATIVE, *NEGATORS, *INTENSIFIERS, "and", "but"]
    return build_vocab([" ".join(dict.fromkeys(words))], split=str.split)


def encode_batch(vocab, token_lists):
    """Token lists -> {"ids": (N, T) padded with <pad>, "lengths": (N,)}."""
    ids, lengths = pad_sequences([vocab.encode(tokens) for tokens in token_lists], vocab.pad_id)
    return {"ids": ids, "lengths": lengths}


def negation_data(n_train, n_test, rng):
    """Train and test batches of reviews: {"vocab", "train", "test", "train_text", "test_text"}."""
    vocab = sentiment_vocab()
    out = {"vocab": vocab}
    for split, n in (("train", n_train), ("test", n_test)):
        reviews, labels = negation_reviews(n, rng)
        out[split] = {**encode_batch(vocab, reviews), "y": labels}
        out[f"{split}_text"] = [" ".join(r) for r in reviews]
    return out


def order_blind_key(words):
    """What a bag of tokens knows that matters for the label: counts of positive and negative
    adjectives and of negators, and the conjunction. (Subjects, verbs, intensifiers and which
    adjective of a polarity was drawn are independent of the label by construction.)"""
    return (sum(w in POSITIVE for w in words), sum(w in NEGATIVE for w in words),
            sum(w in NEGATORS for w in words), "but" in words, "and" in words)


def order_blind_ceiling():
    """The best accuracy ANY classifier that ignores word order can reach, exactly, with its accuracy per kind.

    Enumerates the generator: for each kind of review (``REVIEW_KINDS``), label and pattern of
    negated clauses (each negated with probability ``P_NEGATE``), the ``order_blind_key`` it
    produces. Reviews with the same key look identical to an order-blind classifier, so its best
    answer for a key is the label more probable under that key. Subjects, verbs, intensifiers
    and which adjective of a polarity is drawn do not depend on the label and cannot help.
    Returns (overall accuracy, {kind: accuracy within that kind}).
    """
    def clause_counts(polarity, negated):        # (positive adjectives, negative adjectives, negators)
        positive_word = polarity ^ negated
        return np.array([positive_word, 1 - positive_word, negated])

    per_kind = {}
    for kind, _ in REVIEW_KINDS:
        joiner = {"one clause": (), "and": ("and",), "but": ("but",)}[kind]
        weight = {}                               # key -> [P(key, label 0), P(key, label 1)] within the kind
        for label in (0, 1):
            polarities = {"one clause": [label], "and": [label, label], "but": [1 - label, label]}[kind]
            for negations in np.ndindex(*(2,) * len(polarities)):
                counts = sum(clause_counts(p, neg) for p, neg in zip(polarities, negations))
                p = 0.5 * np.prod([P_NEGATE if neg else 1 - P_NEGATE for neg in negations])
                key = (*counts.tolist(), "but" in joiner, "and" in joiner)
                weight.setdefault(key, [0.0, 0.0])[label] += p
        per_kind[kind] = float(sum(max(w) for w in weight.values()))
    overall = float(sum(share * per_kind[kind] for kind, share in REVIEW_KINDS))
    return overall, per_kind


# --- 2. word segmentation (分词) as tagging ---------------------------------------------

LEXICON = {
    "time": ("今天", "明天", "昨天", "现在", "晚上", "上午", "每天"),
    "subject": ("我", "我们", "他们", "学生", "大学生", "老师", "中国人", "工人", "大家", "同学们"),
    "place": ("大学", "家里", "网上", "中国", "学校", "图书馆"),
    "adverb": ("都", "一起", "经常", "也", "正在", "很"),
    "verb": ("喜欢", "学习", "研究", "讨论", "训练", "使用", "设计", "阅读", "写"),
    "object": ("神经网络", "语言模型", "中文", "文章", "数据", "生活", "机器学习", "循环神经网络",
               "作业", "人工智能", "模型", "数学", "工作", "天气", "国家"),
    "noun": ("天气", "生活", "工作", "作业", "模型", "数据", "文章"),
    "adjective": ("好", "不错", "简单", "有趣", "重要", "难"),
}
STARTS_WORD, CONTINUES_WORD = 1, 0

# What may follow what, so that every generated sentence is grammatical Chinese:
# 很 modifies adjectives and 喜欢 (a state), never an action (*大家很研究文章*);
# 正在, 经常 and 一起 go with actions, never with 喜欢 (*正在喜欢*); 都 and 一起 need a
# plural subject, so not 我. Each verb takes the objects it makes sense with.
STATIVE_VERBS = ("喜欢",)
ADVERBS_FOR = {"stative": ("很", "也", "都"), "action": ("都", "一起", "经常", "也", "正在")}
PLURAL_ONLY_ADVERBS = ("都", "一起")
SINGULAR_SUBJECTS = ("我",)
VERB_OBJECTS = {
    "喜欢": ("神经网络", "语言模型", "中文", "文章", "数据", "生活", "机器学习", "循环神经网络", "人工智能",
           "模型", "数学", "工作", "天气"),
    "学习": ("神经网络", "语言模型", "中文", "机器学习", "循环神经网络", "人工智能", "数学"),
    "研究": ("神经网络", "语言模型", "中文", "文章", "数据", "机器学习", "循环神经网络", "人工智能", "模型",
           "数学", "天气", "国家"),
    "讨论": LEXICON["object"],
    "训练": ("神经网络", "语言模型", "循环神经网络", "模型"),
    "使用": ("神经网络", "语言模型", "中文", "数据", "机器学习", "循环神经网络", "人工智能", "模型", "数学"),
    "设计": ("神经网络", "语言模型", "循环神经网络", "模型", "作业"),
    "阅读": ("文章", "中文"),
    "写": ("文章", "中文", "作业"),
}
NOUN_ADJECTIVES = {
    "天气": ("好", "不错"),
    "生活": ("好", "不错", "简单", "有趣", "难"),
    "工作": LEXICON["adjective"],
    "作业": LEXICON["adjective"],
    "模型": ("好", "不错", "简单", "有趣", "重要"),
    "数据": ("好", "不错", "有趣", "重要"),
    "文章": LEXICON["adjective"],
}


def segmented_sentences(n, rng):
    """``n`` sentences as lists of words (a seeded grammar over ``LEXICON``), each ending in 。

    Templates: [time] subject [adverb] [在 place] [一起] verb object 。
               [time] 的 noun 很 adjective 。   (time, then 的, as in 今天的天气很好)
    with the constraints above: 很 only before 喜欢, 正在/经常/一起 only before an action verb,
    都/一起 not after 我, a place only with an action verb (and not after 正在, which already
    means "in the middle of"), objects and adjectives that fit their verb or noun.
    """
    check_positive_int("n", n)

    def pick(words):
        return words[rng.integers(len(words))]

    sentences = []
    for _ in range(n):
        if rng.random() < 0.8:
            words = [pick(LEXICON["time"])] if rng.random() < 0.4 else []
            subject = pick(LEXICON["subject"])
            verb = pick(LEXICON["verb"])
            stative = verb in STATIVE_VERBS
            adverb = None
            if rng.random() < 0.5:
                allowed = ADVERBS_FOR["stative" if stative else "action"]
                if subject in SINGULAR_SUBJECTS:
                    allowed = tuple(a for a in allowed if a not in PLURAL_ONLY_ADVERBS)
                adverb = pick(allowed)
            words.append(subject)
            if adverb is not None and adverb != "一起":
                words.append(adverb)
            if not stative and adverb != "正在" and rng.random() < 0.3:
                words += ["在", pick(LEXICON["place"])]
            if adverb == "一起":
                words.append(adverb)
            words += [verb, pick(VERB_OBJECTS[verb])]
        else:
            noun = pick(LEXICON["noun"])
            words = [pick(LEXICON["time"]), "的", noun, "很", pick(NOUN_ADJECTIVES[noun])]
        sentences.append(words + ["。"])
    return sentences


def word_start_tags(words):
    """Words -> (the text without boundaries, tags (T,) int64: 1 where a word starts)."""
    text = "".join(words)
    tags = np.zeros(len(text), dtype=np.int64)
    starts = np.cumsum([0] + [len(w) for w in words[:-1]])
    tags[starts] = STARTS_WORD
    return text, tags


def segment(text, tags):
    """Cut ``text`` before every character tagged 1: ("我们学习", [1, 0, 1, 0]) -> ["我们", "学习"]."""
    if len(text) != len(tags):
        raise ValueError(f"tags must have one entry per character of text (T={len(text)}); got {len(tags)}")
    words = []
    for char, tag in zip(text, tags):
        if tag == STARTS_WORD or not words:
            words.append(char)
        else:
            words[-1] += char
    return words


def segmentation_data(n_train, n_test, rng):
    """Character-tagging batches: {"vocab" (characters), "train", "test", "train_words", "test_words"}.

    ``y`` (N, T) holds the start-of-word tags, ``lengths`` the number of characters.
    """
    sentences = {split: segmented_sentences(n, rng) for split, n in (("train", n_train), ("test", n_test))}
    vocab = build_vocab("".join(words) for words in sentences["train"])
    out = {"vocab": vocab}
    for split, sents in sentences.items():
        texts, tags = zip(*(word_start_tags(words) for words in sents))
        batch = encode_batch(vocab, texts)
        batch["y"], _ = pad_sequences(tags, pad_id=0)
        out[split] = batch
        out[f"{split}_words"] = sents
    return out


def majority_tag_baseline(train, test, V):
    """A context-free tagger: each character gets the tag it had most often in training.

    train, test : batches {"ids", "lengths", "y"} from ``segmentation_data``; V the vocabulary size.
    Returns (per-character accuracy on test, the tag chosen for each id (V,)).
    """
    counts = np.zeros((V, 2), dtype=np.int64)
    real = np.arange(train["ids"].shape[1]) < train["lengths"][:, None]
    np.add.at(counts, (train["ids"][real], train["y"][real]), 1)
    choice = counts.argmax(axis=1)
    real = np.arange(test["ids"].shape[1]) < test["lengths"][:, None]
    return float(np.mean(choice[test["ids"][real]] == test["y"][real])), choice


# --- 3. character language model ------------------------------------------------------

CORPORA = ("river_tales",)


def load_corpus(name="river_tales"):
    """The text of a bundled corpus (see course_utils/corpora/README.md for source and license)."""
    if name not in CORPORA:
        raise ValueError(f"name must be one of {list(CORPORA)}; got {name!r}")
    return resources.files("course_utils").joinpath("corpora", f"{name}.txt").read_text(encoding="utf-8")


def char_lm_data(text, val_fraction=0.1):
    """{"vocab", "train_ids" (L,), "val_ids"}: the last ``val_fraction`` of the text is held out.

    The vocabulary is built from the whole text so that validation has no unknown characters.
    """
    if not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction must be in (0, 1); got {val_fraction!r}")
    vocab = build_vocab([text])
    ids = vocab.encode(text)
    cut = int(len(ids) * (1 - val_fraction))
    return {"vocab": vocab, "train_ids": ids[:cut], "val_ids": ids[cut:]}
