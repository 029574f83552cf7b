"""fieldlog.periods: every period boundary, leap years, labels, codes, navigation. No app."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from itertools import pairwise

import pytest

from fieldlog.periods import (
    MAX_YEAR,
    MIN_YEAR,
    Cadence,
    Period,
    overlap_days,
    parse_period,
    period_of,
    periods_of_year,
)

D = date
M, Q, H, Y = Cadence.MONTH, Cadence.QUARTER, Cadence.HALF, Cadence.YEAR
ONE_DAY = timedelta(days=1)

# Written out by hand, not computed, so a wrong calendar in periods.py cannot agree with itself.
COMMON_MONTHS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
LEAP_MONTHS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
# 2000 is a leap year (divisible by 400); 1900 and 2100 are not (by 100, not by 400).
YEARS = {2026: COMMON_MONTHS, 2024: LEAP_MONTHS, 2000: LEAP_MONTHS, 1900: COMMON_MONTHS}
YEARS[2100] = COMMON_MONTHS
YEAR_LIST = sorted(YEARS)


def _month_cases() -> list[tuple[date, str, date, date, int]]:
    cases = []
    for year, lengths in YEARS.items():
        for month, length in enumerate(lengths, start=1):
            first, last = D(year, month, 1), D(year, month, length)
            code = f"{year}M{month:02d}"
            cases += [(first, code, first, last, length), (last, code, first, last, length)]
    return cases


# (a day, the code of its period, that period's start, end and length in days)
QUARTER_CASES = [
    (D(2026, 1, 1), "2026Q1", D(2026, 1, 1), D(2026, 3, 31), 90),
    (D(2026, 2, 28), "2026Q1", D(2026, 1, 1), D(2026, 3, 31), 90),
    (D(2026, 3, 31), "2026Q1", D(2026, 1, 1), D(2026, 3, 31), 90),
    (D(2026, 4, 1), "2026Q2", D(2026, 4, 1), D(2026, 6, 30), 91),
    (D(2026, 6, 30), "2026Q2", D(2026, 4, 1), D(2026, 6, 30), 91),
    (D(2026, 7, 1), "2026Q3", D(2026, 7, 1), D(2026, 9, 30), 92),
    (D(2026, 9, 30), "2026Q3", D(2026, 7, 1), D(2026, 9, 30), 92),
    (D(2026, 10, 1), "2026Q4", D(2026, 10, 1), D(2026, 12, 31), 92),
    (D(2026, 12, 31), "2026Q4", D(2026, 10, 1), D(2026, 12, 31), 92),
    (D(2024, 1, 1), "2024Q1", D(2024, 1, 1), D(2024, 3, 31), 91),
    (D(2024, 2, 29), "2024Q1", D(2024, 1, 1), D(2024, 3, 31), 91),
    (D(2024, 3, 31), "2024Q1", D(2024, 1, 1), D(2024, 3, 31), 91),
    (D(2024, 4, 1), "2024Q2", D(2024, 4, 1), D(2024, 6, 30), 91),
    (D(2000, 2, 29), "2000Q1", D(2000, 1, 1), D(2000, 3, 31), 91),
    (D(1900, 2, 28), "1900Q1", D(1900, 1, 1), D(1900, 3, 31), 90),
    (D(1900, 3, 1), "1900Q1", D(1900, 1, 1), D(1900, 3, 31), 90),
    (D(2100, 2, 28), "2100Q1", D(2100, 1, 1), D(2100, 3, 31), 90),
    (D(2100, 3, 1), "2100Q1", D(2100, 1, 1), D(2100, 3, 31), 90),
]

HALF_CASES = [
    (D(2026, 1, 1), "2026H1", D(2026, 1, 1), D(2026, 6, 30), 181),
    (D(2026, 2, 28), "2026H1", D(2026, 1, 1), D(2026, 6, 30), 181),
    (D(2026, 3, 31), "2026H1", D(2026, 1, 1), D(2026, 6, 30), 181),
    (D(2026, 4, 1), "2026H1", D(2026, 1, 1), D(2026, 6, 30), 181),
    (D(2026, 6, 30), "2026H1", D(2026, 1, 1), D(2026, 6, 30), 181),
    (D(2026, 7, 1), "2026H2", D(2026, 7, 1), D(2026, 12, 31), 184),
    (D(2026, 9, 30), "2026H2", D(2026, 7, 1), D(2026, 12, 31), 184),
    (D(2026, 10, 1), "2026H2", D(2026, 7, 1), D(2026, 12, 31), 184),
    (D(2026, 12, 31), "2026H2", D(2026, 7, 1), D(2026, 12, 31), 184),
    (D(2024, 2, 29), "2024H1", D(2024, 1, 1), D(2024, 6, 30), 182),
    (D(2024, 6, 30), "2024H1", D(2024, 1, 1), D(2024, 6, 30), 182),
    (D(2024, 7, 1), "2024H2", D(2024, 7, 1), D(2024, 12, 31), 184),
    (D(2000, 1, 1), "2000H1", D(2000, 1, 1), D(2000, 6, 30), 182),
    (D(1900, 6, 30), "1900H1", D(1900, 1, 1), D(1900, 6, 30), 181),
    (D(2100, 1, 1), "2100H1", D(2100, 1, 1), D(2100, 6, 30), 181),
]

YEAR_CASES = [
    (D(2026, 1, 1), "2026", D(2026, 1, 1), D(2026, 12, 31), 365),
    (D(2026, 6, 30), "2026", D(2026, 1, 1), D(2026, 12, 31), 365),
    (D(2026, 7, 1), "2026", D(2026, 1, 1), D(2026, 12, 31), 365),
    (D(2026, 12, 31), "2026", D(2026, 1, 1), D(2026, 12, 31), 365),
    (D(2024, 2, 29), "2024", D(2024, 1, 1), D(2024, 12, 31), 366),
    (D(2024, 12, 31), "2024", D(2024, 1, 1), D(2024, 12, 31), 366),
    (D(2000, 12, 31), "2000", D(2000, 1, 1), D(2000, 12, 31), 366),
    (D(1900, 1, 1), "1900", D(1900, 1, 1), D(1900, 12, 31), 365),
    (D(2100, 12, 31), "2100", D(2100, 1, 1), D(2100, 12, 31), 365),
]

BOUNDARY_CASES = (
    [(M, *case) for case in _month_cases()]
    + [(Q, *case) for case in QUARTER_CASES]
    + [(H, *case) for case in HALF_CASES]
    + [(Y, *case) for case in YEAR_CASES]
)


@pytest.mark.parametrize(("cadence", "day", "code", "start", "end", "days"), BOUNDARY_CASES)
def test_period_of_every_boundary(cadence, day, code, start, end, days):
    period = period_of(day, cadence)
    assert (period.code, period.start, period.end, period.days) == (code, start, end, days)
    assert period.cadence is cadence
    assert period.contains(day)
    assert period.contains(start) and period.contains(end)
    assert not period.contains(start - ONE_DAY)
    assert not period.contains(end + ONE_DAY)


@pytest.mark.parametrize("cadence", ["month", "quarter", "half", "year"])
def test_period_of_accepts_the_cadence_as_a_string(cadence):
    assert period_of(D(2026, 5, 17), cadence) == period_of(D(2026, 5, 17), Cadence(cadence))


def test_period_of_rejects_an_unknown_cadence():
    with pytest.raises(ValueError):
        period_of(D(2026, 5, 17), "week")


@pytest.mark.parametrize("year", YEAR_LIST)
@pytest.mark.parametrize("cadence", list(Cadence))
def test_every_day_of_the_year_lies_in_its_period_and_periods_chain(year, cadence):
    """Walk day by day: each day is inside its period, and the period changes only by next()."""
    day = D(year, 1, 1)
    seen = [period_of(day, cadence)]
    while day < D(year, 12, 31):
        day += ONE_DAY
        period = period_of(day, cadence)
        assert period.contains(day)
        if period != seen[-1]:
            assert period.start == day
            assert seen[-1].end == day - ONE_DAY
            assert period == seen[-1].next()
            seen.append(period)
    assert seen == periods_of_year(year, cadence)


@pytest.mark.parametrize("year", [MIN_YEAR, 1904, 1999, 2023, 2400, MAX_YEAR])
def test_month_ends_agree_with_the_calendar_module(year):
    for month in range(1, 13):
        period = Period(year, M, month)
        assert period.days == calendar.monthrange(year, month)[1]
    assert Period(year, Y, 1).days == (366 if calendar.isleap(year) else 365)


@pytest.mark.parametrize(
    ("cadence", "months", "per_year"), [(M, 1, 12), (Q, 3, 4), (H, 6, 2), (Y, 12, 1)]
)
def test_cadence_lengths(cadence, months, per_year):
    assert (cadence.months, cadence.per_year) == (months, per_year)


# --- labels and codes --------------------------------------------------------------------

LABELS = [
    (Period(2026, Q, 1), "2026年第1季度", "2026 Q1"),
    (Period(2026, Q, 2), "2026年第2季度", "2026 Q2"),
    (Period(2026, Q, 3), "2026年第3季度", "2026 Q3"),
    (Period(2026, Q, 4), "2026年第4季度", "2026 Q4"),
    (Period(2026, H, 1), "2026年上半年", "2026 H1"),
    (Period(2026, H, 2), "2026年下半年", "2026 H2"),
    (Period(2026, Y, 1), "2026年度", "2026"),
    (Period(2026, M, 1), "2026年1月", "2026-01"),
    (Period(2026, M, 3), "2026年3月", "2026-03"),
    (Period(2026, M, 10), "2026年10月", "2026-10"),
    (Period(2026, M, 12), "2026年12月", "2026-12"),
    (Period(2000, H, 2), "2000年下半年", "2000 H2"),
]


@pytest.mark.parametrize(("period", "zh", "en"), LABELS)
def test_labels(period, zh, en):
    assert period.label("zh") == zh
    assert period.label("en") == en


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("zh", "2026年上半年"), ("zh_Hans_CN", "2026年上半年"), ("zh-CN", "2026年上半年")]
    + [("en", "2026 H1"), ("en_GB", "2026 H1")],
)
def test_label_locale_variants(locale, expected):
    assert Period(2026, H, 1).label(locale) == expected


def test_label_defaults_to_chinese():
    assert Period(2026, Q, 1).label() == "2026年第1季度"


CODES = [
    (Period(2026, Q, 1), "2026Q1"),
    (Period(2026, Q, 4), "2026Q4"),
    (Period(2026, H, 1), "2026H1"),
    (Period(2026, H, 2), "2026H2"),
    (Period(2026, Y, 1), "2026"),
    (Period(2026, M, 1), "2026M01"),
    (Period(2026, M, 9), "2026M09"),
    (Period(2026, M, 12), "2026M12"),
    (Period(MIN_YEAR, Q, 1), "1900Q1"),
    (Period(MAX_YEAR, M, 12), "2999M12"),
]


@pytest.mark.parametrize(("period", "code"), CODES)
def test_codes(period, code):
    assert period.code == code
    assert parse_period(code) == period


@pytest.mark.parametrize("year", [MIN_YEAR, 2000, 2024, 2026, MAX_YEAR])
@pytest.mark.parametrize("cadence", list(Cadence))
def test_code_round_trip_for_every_period_of_a_year(year, cadence):
    for period in periods_of_year(year, cadence):
        assert parse_period(period.code) == period
        assert parse_period(period.code.lower()) == period


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026q1", Period(2026, Q, 1)),
        ("2026h2", Period(2026, H, 2)),
        ("2026m03", Period(2026, M, 3)),
        ("  2026Q3 ", Period(2026, Q, 3)),
        ("2026M3", Period(2026, M, 3)),
        ("1900", Period(1900, Y, 1)),
        ("2999Q4", Period(2999, Q, 4)),
    ],
)
def test_parse_period_tolerates_case_spaces_and_short_months(text, expected):
    assert parse_period(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "2026Q5",
        "2026Q0",
        "2026H3",
        "2026H0",
        "2026M13",
        "2026M00",
        "2026M0",
        "2026M123",
        "1899",
        "1899Q4",
        "3000",
        "3000H1",
        "0000",
        "26Q1",
        "02026Q1",
        "2026-Q1",
        "2026 Q1",
        "2026Q",
        "2026X1",
        "2026Y1",
        "2026Q1x",
        "Q1 2026",
        "20261",
        "2026年第1季度",
        "2026-03",
    ],
)
def test_parse_period_rejects_bad_codes(text):
    with pytest.raises(ValueError):
        parse_period(text)


@pytest.mark.parametrize(
    ("year", "cadence", "index"),
    [(2026, Q, 0), (2026, Q, 5), (2026, H, 0), (2026, H, 3), (2026, M, 0), (2026, M, 13)]
    + [(2026, Y, 0), (2026, Y, 2), (MIN_YEAR - 1, Q, 1), (MAX_YEAR + 1, Y, 1)],
)
def test_period_rejects_out_of_range_values(year, cadence, index):
    with pytest.raises(ValueError):
        Period(year, cadence, index)


# --- navigation and the periods of a year ------------------------------------------------

NEXT = [
    ("2026Q1", "2026Q2"),
    ("2026Q3", "2026Q4"),
    ("2026Q4", "2027Q1"),
    ("2026H1", "2026H2"),
    ("2026H2", "2027H1"),
    ("2026M01", "2026M02"),
    ("2026M11", "2026M12"),
    ("2026M12", "2027M01"),
    ("2026", "2027"),
    ("1999Q4", "2000Q1"),
    ("2099H2", "2100H1"),
]


@pytest.mark.parametrize(("code", "following"), NEXT)
def test_next_and_previous(code, following):
    period, after = parse_period(code), parse_period(following)
    assert period.next() == after
    assert after.previous() == period
    assert after.start == period.end + ONE_DAY


@pytest.mark.parametrize("cadence", list(Cadence))
def test_no_period_before_min_year_nor_after_max_year(cadence):
    with pytest.raises(ValueError):
        periods_of_year(MIN_YEAR, cadence)[0].previous()
    with pytest.raises(ValueError):
        periods_of_year(MAX_YEAR, cadence)[-1].next()


@pytest.mark.parametrize(("cadence", "count"), [(M, 12), (Q, 4), (H, 2), (Y, 1)])
@pytest.mark.parametrize("year", YEAR_LIST)
def test_periods_of_year_are_contiguous_and_cover_the_year(cadence, count, year):
    periods = periods_of_year(year, cadence)
    assert len(periods) == count
    assert [p.index for p in periods] == list(range(1, count + 1))
    assert all(p.year == year and p.cadence is cadence for p in periods)
    assert periods[0].start == D(year, 1, 1)
    assert periods[-1].end == D(year, 12, 31)
    for before, after in pairwise(periods):
        assert before.end + ONE_DAY == after.start
    assert sum(p.days for p in periods) == sum(YEARS[year])


def test_periods_of_year_accepts_the_cadence_as_a_string():
    assert periods_of_year(2026, "half") == [Period(2026, H, 1), Period(2026, H, 2)]


# --- days left ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "today", "left"),
    [
        ("2026Q1", D(2025, 12, 31), 90),  # before: the whole period is still ahead
        ("2026Q1", D(2025, 6, 1), 90),
        ("2026Q1", D(2026, 1, 1), 90),  # first day counts itself
        ("2026Q1", D(2026, 2, 15), 45),
        ("2026Q1", D(2026, 3, 30), 2),
        ("2026Q1", D(2026, 3, 31), 1),  # last day
        ("2026Q1", D(2026, 4, 1), 0),  # after
        ("2026Q1", D(2027, 1, 1), 0),
        ("2024Q1", D(2024, 2, 29), 32),
        ("2026H2", D(2026, 7, 1), 184),
        ("2026H2", D(2026, 12, 18), 14),
        ("2026M02", D(2026, 2, 28), 1),
        ("2024M02", D(2024, 2, 28), 2),
        ("2026", D(2026, 12, 31), 1),
    ],
)
def test_days_left(code, today, left):
    assert parse_period(code).days_left(today) == left


# --- overlap with membership terms -------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "code", "days"),
    [
        # open-ended terms
        (D(2025, 6, 1), None, "2026Q1", 90),
        (D(2026, 1, 1), None, "2026Q1", 90),
        (D(2026, 3, 1), None, "2026Q1", 31),
        (D(2026, 3, 20), None, "2026Q1", 12),
        (D(2026, 3, 31), None, "2026Q1", 1),
        (D(2026, 4, 1), None, "2026Q1", 0),
        (D(2023, 1, 1), None, "2024Q1", 91),
        (D(2026, 7, 1), None, "2026", 184),
        # closed terms
        (D(2025, 1, 1), D(2025, 12, 31), "2026Q1", 0),
        (D(2025, 1, 1), D(2026, 1, 1), "2026Q1", 1),
        (D(2026, 1, 1), D(2026, 2, 10), "2026Q1", 41),
        (D(2025, 3, 1), D(2026, 2, 10), "2026Q1", 41),
        (D(2026, 2, 1), D(2026, 2, 1), "2026Q1", 1),
        (D(2026, 2, 10), D(2026, 3, 31), "2026Q1", 50),
        (D(2026, 3, 31), D(2026, 4, 1), "2026Q1", 1),
        (D(2025, 1, 1), D(2027, 1, 1), "2026Q1", 90),
        (D(2026, 4, 1), D(2026, 6, 30), "2026Q1", 0),
        (D(2024, 2, 1), D(2024, 2, 29), "2024M02", 29),
        (D(2026, 3, 1), D(2026, 2, 1), "2026Q1", 0),  # left before joined: no days, not negative
    ],
)
def test_overlap_days(first, last, code, days):
    assert overlap_days(first, last, parse_period(code)) == days
