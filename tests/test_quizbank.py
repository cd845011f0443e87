"""The quiz bank must not be answerable by guessing a position or picking the longest option."""

from collections import Counter

import pytest

from course_utils import quizbank

BANK = quizbank.all_questions()
CHAPTERS = sorted({q.chapter for q in BANK})


def _length_rank(question):
    """0 if the right answer is the longest option, 1 if second longest, ...; ties share the better rank."""
    lengths = [len(option) for option in question.options]
    return sorted(lengths, reverse=True).index(lengths[question.answer])


def _strictly_longest(question):
    right = len(question.options[question.answer])
    return all(right > len(o) for i, o in enumerate(question.options) if i != question.answer)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_no_position_holds_more_than_40_percent_of_right_answers(chapter):
    questions = [q for q in BANK if q.chapter == chapter]
    counts = Counter(q.answer for q in questions)
    position, most = counts.most_common(1)[0]
    assert most <= max(2, 0.4 * len(questions)), (
        f"chapter {chapter:02d}: option {position + 1} is right in {most} of {len(questions)} questions "
        f"({dict(sorted(counts.items()))}); put new right answers at the positions used least"
    )


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_right_answer_is_the_longest_option_in_at_most_a_third(chapter):
    questions = [q for q in BANK if q.chapter == chapter]
    longest = [q.qid for q in questions if _strictly_longest(q)]
    assert len(longest) <= len(questions) / 3, (
        f"chapter {chapter:02d}: the right answer is the longest option in {len(longest)} of "
        f"{len(questions)} questions: {longest}"
    )


def test_no_length_rank_gives_the_answer_away():
    # Shortening every right answer just below one padded distractor would make
    # "pick the second longest" the new trick: no rank may hold half the bank.
    ranks = Counter(_length_rank(q) for q in BANK)
    rank, most = ranks.most_common(1)[0]
    assert most < len(BANK) / 2, f"the right answer has length rank {rank} in {most} of {len(BANK)} questions: {ranks}"


def test_options_are_distinct():
    for q in BANK:
        assert len(set(q.options)) == len(q.options), q.qid


def test_the_checks_catch_a_biased_bank():
    biased = [quizbank.Question(f"x{i}", 1, "?", ("right and long", "no", "nope", "not"), 0, "") for i in range(6)]
    assert all(_strictly_longest(q) for q in biased) and {_length_rank(q) for q in biased} == {0}
