import datetime as dt

import numpy as np
import pytest

from course_utils import dates

FRIDAY = dt.date(2026, 11, 27)   # a Friday (any calendar)


def test_the_examples_of_the_issue():
    assert dates.format_date(FRIDAY, "D Month YYYY") == "27 November 2026"
    assert dates.format_date(FRIDAY, "MM/DD/YY") == "11/27/26"
    assert dates.format_date(FRIDAY, "Wkd, Mon D YYYY") == "Fri, Nov 27 2026"
    assert dates.format_date(FRIDAY, "YYYY年M月D日") == "2026年11月27日"
    assert dates.format_date(FRIDAY, "YYYY年M月D日 星期W") == "2026年11月27日 星期五"
    assert dates.to_iso(FRIDAY) == "2026-11-27"


@pytest.mark.parametrize("fmt, pattern", [
    ("D Month YYYY", "%d %B %Y"), ("MM/DD/YY", "%m/%d/%y"), ("Wkd, Mon D YYYY", "%a, %b %d %Y"),
    ("Month D, YYYY", "%B %d, %Y"), ("DD.MM.YYYY", "%d.%m.%Y"), ("DD-MM-YYYY", "%d-%m-%Y"),
    ("YYYY/MM/DD", "%Y/%m/%d"), ("YYYYMMDD", "%Y%m%d"), ("M/D/YYYY", "%m/%d/%Y"), ("D Mon YYYY", "%d %b %Y"),
    ("DD MON YYYY", "%d %b %Y"), ("Weekday, D Month YYYY", "%A, %d %B %Y"), ("YYYY-MM-DD", "%Y-%m-%d"),
])
def test_formats_parse_back_with_the_standard_library(fmt, pattern):
    # strptime is an independent parser (C locale: English names); %y uses the same 1969/2068 pivot
    # only for 69..99, so two-digit years are checked within 1969..2049 here and by the pivot test below.
    rng = np.random.default_rng(1)
    for ordinal in rng.integers(dt.date(1969, 1, 1).toordinal(), dates.LAST_DAY.toordinal(), size=200):
        day = dt.date.fromordinal(int(ordinal))
        text = dates.format_date(day, fmt)
        assert dt.datetime.strptime(text, pattern).date() == day, text


def test_weekdays_ordinals_and_two_digit_years():
    assert dates.format_date(dt.date(2000, 1, 1), "Weekday, D Month YYYY") == "Saturday, 1 January 2000"
    assert dates.format_date(dt.date(1969, 7, 20), "YYYY年M月D日 星期W") == "1969年7月20日 星期日"
    assert [dates._ordinal(d) for d in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "31st"]
    assert dates.format_date(dt.date(1950, 3, 4), "MM/DD/YY") == "03/04/50"
    assert dates.format_date(dt.date(2049, 3, 4), "Mon D, 'YY") == "Mar 4, '49"


def test_every_day_in_every_format_fits_and_uses_known_characters():
    day, longest = dates.FIRST_DAY, 0
    allowed = set(dates.SOURCE_CHARS)
    while day <= dates.LAST_DAY:
        for fmt in dates.FORMATS:
            text = dates.format_date(day, fmt)
            longest = max(longest, len(text))
            assert set(text) <= allowed, text
        day += dt.timedelta(days=37)   # a stride that visits every month and weekday
    assert longest <= dates.MAX_SOURCE_LEN
    # the stated longest string is reached (a Wednesday in September with a two-digit day) and never exceeded
    assert longest == dates.LONGEST_SOURCE == len(dates.format_date(dt.date(2026, 9, 30), "Weekday, D Month YYYY"))
    assert all(len(dates.format_date(dt.date(2026, 9, 30), fmt)) <= dates.LONGEST_SOURCE for fmt in dates.FORMATS)


def test_split_is_disjoint_complete_and_seeded():
    train, held = dates.split_days(np.random.default_rng(0), heldout_fraction=0.1)
    n_days = dates.LAST_DAY.toordinal() - dates.FIRST_DAY.toordinal() + 1
    assert len(train) + len(held) == n_days == 36525
    assert np.intersect1d(train, held).size == 0
    assert abs(len(held) - 0.1 * n_days) < 1
    train2, held2 = dates.split_days(np.random.default_rng(0), heldout_fraction=0.1)
    np.testing.assert_array_equal(held, held2)


def test_make_date_data_draws_heldout_pairs_from_heldout_days_only():
    data = dates.make_date_data(300, 200, np.random.default_rng(3))
    held = set(data["heldout_days"].tolist())
    for target in data["heldout_targets"]:
        assert dt.date.fromisoformat(target).toordinal() in held
    for target in data["train_targets"]:
        assert dt.date.fromisoformat(target).toordinal() not in held
    assert len(set(data["heldout_formats"])) > 10   # formats are mixed
    again = dates.make_date_data(300, 200, np.random.default_rng(3))
    assert again["train_sources"] == data["train_sources"]


def test_is_valid_iso():
    assert dates.is_valid_iso("2026-11-27")
    assert not dates.is_valid_iso("2026-02-30")
    assert not dates.is_valid_iso("2026-1-27")
    assert not dates.is_valid_iso("20261127")


def test_messages():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="fmt must be one of .*got 'DD/MM'"):
        dates.format_date(FRIDAY, "DD/MM")
    with pytest.raises(ValueError, match="day must be a datetime.date between 1950-01-01 and 2049-12-31"):
        dates.format_date(dt.date(2050, 1, 1), "YYYYMMDD")
    with pytest.raises(ValueError, match=r"heldout_fraction must be in \(0, 1\); got 1.5"):
        dates.split_days(rng, 1.5)
    with pytest.raises(ValueError, match="rng must be a numpy.random.Generator"):
        dates.split_days(0)
    with pytest.raises(ValueError, match="n must be a positive integer; got 0"):
        dates.sample_pairs(np.arange(5) + 730000, 0, rng)
    with pytest.raises(ValueError, match="days must be a non-empty 1-D int array"):
        dates.sample_pairs(np.array([]), 3, rng)
    with pytest.raises(ValueError, match="formats must be names from .*got 'ISO'"):
        dates.sample_pairs(np.arange(5) + 730000, 3, rng, formats=["ISO"])


def test_vocabularies_encode_every_source_and_target():
    src, tgt = dates.source_vocab(), dates.target_vocab()
    assert len(tgt) == 4 + 11 and tgt.itos[4:] == list("-0123456789")
    assert src.itos[:4] == ["<pad>", "<bos>", "<eos>", "<unk>"] and len(src) == 4 + len(dates.SOURCE_CHARS)
    data = dates.make_date_data(200, 10, np.random.default_rng(0))
    for text in data["train_sources"]:
        ids = src.encode(text)
        assert src.unk_id not in ids and "".join(src.decode(ids)) == text
    assert "".join(tgt.decode(tgt.encode("2026-11-27", add_eos=True))) == "2026-11-27"


def test_check_source_messages():
    assert dates.check_source("27 November 2026") == "27 November 2026"
    with pytest.raises(ValueError, match="Type a date first"):
        dates.check_source("   ")
    with pytest.raises(ValueError, match="That is 40 characters; the model reads at most 32"):
        dates.check_source("1" * 40)
    with pytest.raises(ValueError, match=r"never seen the character\(s\) '!' 'I'.*letters .*: ABCDEFGJ"):
        dates.check_source("FRIDAY!")
