"""fieldlog.obligations: who owes what, and the status of each (duty, period). No app."""

from __future__ import annotations

from datetime import date

import pytest

from fieldlog.obligations import (
    DutySpec,
    Entry,
    Obligation,
    Rules,
    Status,
    Term,
    active_days,
    current,
    is_owed,
    left_before_end,
    missed,
    status_of,
    within,
    year_obligations,
)
from fieldlog.periods import Cadence, Period, parse_period, periods_of_year

D = date
P = parse_period
M, Q, H, Y = Cadence.MONTH, Cadence.QUARTER, Cadence.HALF, Cadence.YEAR
LONG_AGO = D(2020, 1, 1)

CONTACT = DutySpec("contact", Q)
TALK_TWICE = DutySpec("talk", Q, min_count=2)
SURVEY = DutySpec("survey", H)
HELP = DutySpec("help", Y)
MONTHLY = DutySpec("monthly_contact", M)


def T(joined: date, left: date | None = None) -> Term:
    return Term(joined, left)


def E(code: str, happened: date, entered: date | None = None) -> Entry:
    return Entry(code, happened, entered or happened)


# --- who owes a period: the N-days rule --------------------------------------------------

OWED = [
    # (terms, period, expected active days, owed with the default N = 30)
    ([T(D(2026, 3, 20))], "2026Q1", 12, False),  # joined 20 March: no Q1 contact owed
    ([T(D(2026, 3, 1))], "2026Q1", 31, True),  # joined 1 March: owes Q1
    ([T(D(2026, 3, 2))], "2026Q1", 30, True),  # exactly N days
    ([T(D(2026, 3, 3))], "2026Q1", 29, False),  # one day short
    ([T(D(2026, 3, 20))], "2026Q2", 91, True),
    ([T(LONG_AGO, D(2026, 2, 10))], "2026Q1", 41, True),  # left 10 Feb: Jan 1-Feb 10 = 41
    ([T(LONG_AGO, D(2026, 2, 10))], "2026Q2", 0, False),  # nothing after Q1
    ([T(LONG_AGO, D(2026, 2, 10))], "2026H1", 41, True),
    ([T(LONG_AGO, D(2026, 2, 10))], "2026H2", 0, False),
    ([T(LONG_AGO, D(2026, 1, 30))], "2026Q1", 30, True),
    ([T(LONG_AGO, D(2026, 1, 29))], "2026Q1", 29, False),
    ([T(LONG_AGO, D(2025, 12, 31))], "2026Q1", 0, False),
    # two terms adding up
    ([T(D(2025, 5, 1), D(2026, 1, 15)), T(D(2026, 3, 17))], "2026Q1", 30, True),
    ([T(D(2025, 5, 1), D(2026, 1, 15)), T(D(2026, 3, 18))], "2026Q1", 29, False),
    ([T(D(2026, 1, 1), D(2026, 1, 20)), T(D(2026, 3, 1), D(2026, 3, 10))], "2026Q1", 30, True),
    ([], "2026Q1", 0, False),
    # months: N is capped at the month's length, so a whole month always counts
    ([T(D(2026, 2, 1))], "2026M02", 28, True),
    ([T(D(2026, 2, 2))], "2026M02", 27, False),
    ([T(D(2024, 2, 1))], "2024M02", 29, True),
    ([T(D(2024, 2, 2))], "2024M02", 28, False),
    ([T(D(2026, 4, 1))], "2026M04", 30, True),
    ([T(D(2026, 4, 2))], "2026M04", 29, False),
    ([T(D(2026, 3, 2))], "2026M03", 30, True),
    ([T(D(2026, 3, 3))], "2026M03", 29, False),
    # halves and years use the plain N
    ([T(D(2026, 12, 2))], "2026H2", 30, True),
    ([T(D(2026, 12, 3))], "2026H2", 29, False),
    ([T(D(2026, 12, 2))], "2026", 30, True),
    ([T(D(2026, 12, 3))], "2026", 29, False),
]


@pytest.mark.parametrize(("terms", "code", "days", "owed"), OWED)
def test_active_days_and_is_owed(terms, code, days, owed):
    assert active_days(terms, P(code)) == days
    assert is_owed(terms, P(code), Rules()) is owed


def test_default_rules():
    assert Rules() == Rules(min_active_days=30, due_soon_days=14)


@pytest.mark.parametrize(
    ("n", "terms", "code", "owed"),
    [
        (1, [T(D(2026, 3, 31))], "2026Q1", True),
        (1, [T(D(2026, 4, 1))], "2026Q1", False),
        (59, [T(D(2026, 2, 1))], "2026Q1", True),  # Feb 1-Mar 31 = 59 days
        (60, [T(D(2026, 2, 1))], "2026Q1", False),
        (100, [T(LONG_AGO)], "2026Q1", True),  # N above the quarter's 90 days: capped
        (100, [T(D(2026, 1, 2))], "2026Q1", False),
        # N = 0 still needs one active day: never owed by someone not on the committee then
        (0, [T(D(2026, 4, 1))], "2026Q1", False),
        (0, [], "2026Q1", False),
        (0, [T(D(2026, 3, 31))], "2026Q1", True),
    ],
)
def test_is_owed_with_other_rules(n, terms, code, owed):
    assert is_owed(terms, P(code), Rules(min_active_days=n)) is owed


# --- status of one obligation ------------------------------------------------------------

Q2 = P("2026Q2")  # 1 April - 30 June, 91 days

STATUS = [
    # (spec, count, today, owed, excused, expected)
    (CONTACT, 0, D(2026, 3, 31), True, False, Status.UPCOMING),
    (CONTACT, 0, D(2026, 3, 31), False, True, Status.UPCOMING),
    (CONTACT, 0, D(2026, 4, 1), True, False, Status.OPEN),
    (CONTACT, 0, D(2026, 6, 16), True, False, Status.OPEN),  # 15 days left
    (CONTACT, 0, D(2026, 6, 17), True, False, Status.DUE_SOON),  # 14 days left: inclusive
    (CONTACT, 0, D(2026, 6, 30), True, False, Status.DUE_SOON),  # last day
    (CONTACT, 0, D(2026, 7, 1), True, False, Status.OVERDUE),
    (CONTACT, 0, D(2027, 2, 1), True, False, Status.OVERDUE),
    (CONTACT, 1, D(2026, 4, 1), True, False, Status.DONE),
    (CONTACT, 1, D(2026, 6, 30), True, False, Status.DONE),
    (CONTACT, 3, D(2026, 7, 1), True, False, Status.DONE),
    (CONTACT, 1, D(2026, 5, 1), False, False, Status.DONE),  # done even when not owed
    (CONTACT, 1, D(2026, 5, 1), True, True, Status.DONE),  # done beats excused
    (CONTACT, 0, D(2026, 5, 1), False, False, Status.NOT_OWED),
    (CONTACT, 0, D(2026, 7, 1), False, False, Status.NOT_OWED),  # never overdue if not owed
    (CONTACT, 0, D(2026, 5, 1), False, True, Status.NOT_OWED),
    (CONTACT, 0, D(2026, 5, 1), True, True, Status.EXCUSED),
    (CONTACT, 0, D(2026, 6, 30), True, True, Status.EXCUSED),
    (CONTACT, 0, D(2026, 7, 1), True, True, Status.EXCUSED),  # never overdue if excused
    # two logs needed
    (TALK_TWICE, 1, D(2026, 5, 1), True, False, Status.OPEN),
    (TALK_TWICE, 1, D(2026, 6, 20), True, False, Status.DUE_SOON),
    (TALK_TWICE, 1, D(2026, 7, 1), True, False, Status.OVERDUE),
    (TALK_TWICE, 2, D(2026, 5, 1), True, False, Status.DONE),
    (TALK_TWICE, 2, D(2026, 7, 1), True, False, Status.DONE),
    (TALK_TWICE, 1, D(2026, 7, 1), False, False, Status.NOT_OWED),
]


@pytest.mark.parametrize(("spec", "count", "today", "owed", "excused", "expected"), STATUS)
def test_status_of(spec, count, today, owed, excused, expected):
    assert status_of(spec, Q2, count, today, owed=owed, excused=excused) is expected


LEFT_STATUS = [
    # (spec, count, today, left_on, expected): her terms ended on left_on, before Q2's end
    (CONTACT, 0, D(2026, 5, 1), D(2026, 4, 10), Status.LEFT),
    (CONTACT, 0, D(2026, 7, 1), D(2026, 4, 10), Status.LEFT),  # never overdue once she left
    (CONTACT, 0, D(2026, 6, 29), D(2026, 6, 29), Status.NOT_OWED),  # leaving today: still here
    (CONTACT, 0, D(2026, 6, 30), D(2026, 6, 29), Status.LEFT),
    (CONTACT, 1, D(2026, 7, 1), D(2026, 4, 10), Status.DONE),  # done stays done
    (TALK_TWICE, 1, D(2026, 7, 1), D(2026, 4, 10), Status.LEFT),
    (CONTACT, 0, D(2026, 3, 1), D(2026, 2, 10), Status.LEFT),  # a later period, after she left
    (CONTACT, 0, D(2026, 3, 1), D(2026, 5, 10), Status.UPCOMING),  # she leaves later on
]


@pytest.mark.parametrize(("spec", "count", "today", "left_on", "expected"), LEFT_STATUS)
def test_status_of_after_leaving(spec, count, today, left_on, expected):
    for owed, excused in ((True, False), (False, False), (True, True)):
        status = status_of(spec, Q2, count, today, owed=owed, excused=excused, left_on=left_on)
        assert status is expected


def test_status_table_covers_every_status():
    assert {row[-1] for row in STATUS} | {row[-1] for row in LEFT_STATUS} == set(Status)


@pytest.mark.parametrize(
    ("terms", "code", "left_on"),
    [
        ([T(LONG_AGO)], "2026Q2", None),
        ([T(LONG_AGO, D(2026, 6, 30))], "2026Q2", None),  # served to the last day
        ([T(LONG_AGO, D(2026, 6, 29))], "2026Q2", D(2026, 6, 29)),
        ([T(LONG_AGO, D(2026, 2, 10))], "2026Q2", D(2026, 2, 10)),  # left before it began
        ([T(D(2026, 7, 1))], "2026Q2", None),  # joined after: not owed, not "left"
        ([], "2026Q2", None),
        # left and came back within the period: the later term reaches its end
        ([T(LONG_AGO, D(2026, 4, 30)), T(D(2026, 6, 1))], "2026Q2", None),
        ([T(LONG_AGO, D(2026, 4, 30)), T(D(2026, 5, 10), D(2026, 6, 1))], "2026Q2", D(2026, 6, 1)),
        # a move: two committees' terms, back to back; together they reach the end
        ([T(LONG_AGO, D(2026, 5, 14)), T(D(2026, 5, 15))], "2026Q2", None),
    ],
)
def test_left_before_end(terms, code, left_on):
    assert left_before_end(terms, P(code)) == left_on


@pytest.mark.parametrize(
    ("day", "inside"),
    [
        (D(2026, 3, 31), False),
        (D(2026, 4, 1), True),
        (D(2026, 4, 30), True),
        (D(2026, 5, 1), False),
        (D(2026, 6, 1), True),
        (D(2030, 1, 1), True),
    ],
)
def test_within(day, inside):
    assert within([T(D(2026, 4, 1), D(2026, 4, 30)), T(D(2026, 6, 1))], day) is inside


def test_status_of_defaults_to_owed_and_not_excused():
    assert status_of(CONTACT, Q2, 0, D(2026, 7, 1)) is Status.OVERDUE


@pytest.mark.parametrize(
    ("due_soon_days", "today", "expected"),
    [
        (0, D(2026, 6, 30), Status.OPEN),  # 1 day left > 0
        (1, D(2026, 6, 30), Status.DUE_SOON),
        (1, D(2026, 6, 29), Status.OPEN),
        (30, D(2026, 6, 1), Status.DUE_SOON),  # 30 days left
        (30, D(2026, 5, 31), Status.OPEN),
        (91, D(2026, 4, 1), Status.DUE_SOON),
    ],
)
def test_due_soon_window_comes_from_the_rules(due_soon_days, today, expected):
    rules = Rules(due_soon_days=due_soon_days)
    assert status_of(CONTACT, Q2, 0, today, rules=rules) is expected


# --- a member's year ---------------------------------------------------------------------

SPECS = [CONTACT, TALK_TWICE, SURVEY, HELP]
SINCE_2025 = [T(D(2025, 6, 1))]
ENTRIES = [
    # out of date order on purpose: last_on must be the latest, not the last seen
    E("contact", D(2026, 3, 31)),  # Q1's last day
    E("contact", D(2026, 1, 1), entered=D(2026, 4, 2)),  # Q1's first day, entered late
    E("contact", D(2026, 2, 15), entered=D(2026, 3, 31)),  # entered on the last day: not late
    E("contact", D(2026, 4, 1), entered=D(2026, 4, 10)),  # Q2's first day
    E("contact", D(2025, 12, 31), entered=D(2026, 1, 1)),  # last year: not in this row
    E("talk", D(2026, 6, 30)),  # one of two in Q2
    E("talk", D(2026, 7, 1)),
    E("talk", D(2026, 8, 1)),  # two in Q3: done
    E("survey", D(2026, 6, 30), entered=D(2026, 7, 1)),  # H1, late
    E("unknown_duty", D(2026, 5, 1)),  # a code with no spec: ignored
]
TODAY = D(2026, 8, 15)  # in Q3 and H2; 47 days left in Q3


def _row(code: str, **kw) -> list[Obligation]:
    kw.setdefault("terms", SINCE_2025)
    kw.setdefault("entries", ENTRIES)
    kw.setdefault("today", TODAY)
    return year_obligations(SPECS, kw["terms"], kw["entries"], 2026, kw["today"])[code]


def test_year_obligations_has_one_row_per_duty_in_catalogue_order():
    result = year_obligations(SPECS, SINCE_2025, ENTRIES, 2026, TODAY)
    assert list(result) == ["contact", "talk", "survey", "help"]
    assert [len(row) for row in result.values()] == [4, 4, 2, 1]
    for spec in SPECS:
        row = result[spec.code]
        assert [o.period for o in row] == periods_of_year(2026, spec.cadence)
        assert all(o.duty_code == spec.code and o.required == spec.min_count for o in row)


@pytest.mark.parametrize(
    ("code", "index", "status", "count", "late", "last_on", "days_left"),
    [
        ("contact", 0, Status.DONE, 3, 1, D(2026, 3, 31), 0),
        ("contact", 1, Status.DONE, 1, 0, D(2026, 4, 1), 0),
        ("contact", 2, Status.OPEN, 0, 0, None, 47),
        ("contact", 3, Status.UPCOMING, 0, 0, None, 92),
        ("talk", 0, Status.OVERDUE, 0, 0, None, 0),
        ("talk", 1, Status.OVERDUE, 1, 0, D(2026, 6, 30), 0),  # one of two is not enough
        ("talk", 2, Status.DONE, 2, 0, D(2026, 8, 1), 47),
        ("survey", 0, Status.DONE, 1, 1, D(2026, 6, 30), 0),
        ("survey", 1, Status.OPEN, 0, 0, None, 139),
        ("help", 0, Status.OPEN, 0, 0, None, 139),
    ],
)
def test_year_obligations_tallies(code, index, status, count, late, last_on, days_left):
    obligation = _row(code)[index]
    assert obligation.status is status
    assert obligation.is_done is (status is Status.DONE)
    assert (obligation.count, obligation.late, obligation.last_on) == (count, late, last_on)
    assert obligation.days_left == days_left


@pytest.mark.parametrize(
    ("spec", "happened_on", "code"),
    [
        (CONTACT, D(2026, 1, 1), "2026Q1"),
        (CONTACT, D(2026, 3, 31), "2026Q1"),
        (CONTACT, D(2026, 4, 1), "2026Q2"),
        (CONTACT, D(2026, 6, 30), "2026Q2"),
        (CONTACT, D(2026, 7, 1), "2026Q3"),
        (CONTACT, D(2026, 9, 30), "2026Q3"),
        (CONTACT, D(2026, 10, 1), "2026Q4"),
        (CONTACT, D(2026, 12, 31), "2026Q4"),
        (SURVEY, D(2026, 6, 30), "2026H1"),
        (SURVEY, D(2026, 7, 1), "2026H2"),
        (HELP, D(2026, 1, 1), "2026"),
        (HELP, D(2026, 12, 31), "2026"),
        (MONTHLY, D(2026, 1, 31), "2026M01"),
        (MONTHLY, D(2026, 2, 1), "2026M02"),
        (MONTHLY, D(2026, 2, 28), "2026M02"),
        (MONTHLY, D(2026, 3, 1), "2026M03"),
    ],
)
def test_an_entry_on_a_boundary_day_counts_in_its_own_period_only(spec, happened_on, code):
    row = year_obligations([spec], SINCE_2025, [E(spec.code, happened_on)], 2026, D(2027, 1, 5))[
        spec.code
    ]
    counts = {o.period.code: o.count for o in row}
    assert counts.pop(code) == 1
    assert set(counts.values()) <= {0}


def test_leap_day_entry_counts_in_february():
    row = year_obligations([MONTHLY], [T(LONG_AGO)], [E(MONTHLY.code, D(2024, 2, 29))], 2024, TODAY)
    assert [o.count for o in row[MONTHLY.code]] == [0, 1] + [0] * 10


@pytest.mark.parametrize(
    ("entered_on", "late"),
    [(D(2026, 3, 1), 0), (D(2026, 3, 31), 0), (D(2026, 4, 1), 1), (D(2026, 12, 1), 1)],
)
def test_late_means_entered_after_the_period_ended(entered_on, late):
    entries = [E("contact", D(2026, 3, 1), entered=entered_on)]
    first_quarter = year_obligations([CONTACT], SINCE_2025, entries, 2026, TODAY)["contact"][0]
    assert (first_quarter.count, first_quarter.late) == (1, late)


def test_unknown_duty_codes_are_ignored():
    only_unknown = [E("unknown_duty", D(2026, 5, 1)), E("Contact", D(2026, 5, 1))]
    row = year_obligations([CONTACT], SINCE_2025, only_unknown, 2026, TODAY)["contact"]
    assert [o.count for o in row] == [0, 0, 0, 0]


def test_entries_may_be_any_iterable():
    row = year_obligations([CONTACT], SINCE_2025, iter(ENTRIES), 2026, TODAY)["contact"]
    assert [o.count for o in row] == [3, 1, 0, 0]


def test_year_obligations_applies_the_n_days_rule():
    joined_20_march = [T(D(2026, 3, 20))]
    row = _row("contact", terms=joined_20_march, entries=[])
    assert [o.status for o in row] == [
        Status.NOT_OWED,
        Status.OVERDUE,
        Status.OPEN,
        Status.UPCOMING,
    ]


def test_year_obligations_member_who_left_on_10_february():
    left = [T(LONG_AGO, D(2026, 2, 10))]
    row = _row("contact", terms=left, entries=[], today=D(2026, 11, 1))
    assert [o.status for o in row] == [Status.LEFT] * 4  # owes nothing, never overdue


def test_year_obligations_of_one_committee_count_only_her_days_there():
    """She moved from X to Y on 15 May: X's Q2 keeps her April log and reads "left" without
    it; Y's Q2 counts only what she did from 15 May; her own view counts both."""
    x, y = [T(LONG_AGO, D(2026, 5, 14))], [T(D(2026, 5, 15))]
    april = E("contact", D(2026, 4, 20), D(2026, 4, 20))
    june = E("contact", D(2026, 6, 2), D(2026, 6, 2))
    today = D(2026, 9, 1)
    q2 = 1  # index of the quarter in the row

    def q2_of(terms, entries):
        return _row("contact", terms=terms, entries=entries, today=today)[q2]

    assert (q2_of(x, [april, june]).status, q2_of(x, [april, june]).count) == (Status.DONE, 1)
    assert q2_of(x, [june]).status is Status.LEFT
    assert (q2_of(y, [april, june]).status, q2_of(y, [april, june]).count) == (Status.DONE, 1)
    assert q2_of(y, [april]).status is Status.OVERDUE  # 47 days in Y: owed, not done there
    assert q2_of(x + y, [april]).status is Status.DONE
    assert q2_of(x + y, [april, june]).count == 2


@pytest.mark.parametrize(
    ("entered", "late", "completed_late"),
    [
        ([D(2026, 6, 1)], 0, False),
        ([D(2026, 7, 2)], 1, True),
        ([D(2026, 6, 1), D(2026, 7, 2)], 1, False),  # on time already: 补记 not shown
    ],
)
def test_completed_late_only_when_a_late_entry_was_needed(entered, late, completed_late):
    entries = [E("contact", D(2026, 5, 5), day) for day in entered]
    q2 = _row("contact", terms=[T(LONG_AGO)], entries=entries, today=D(2026, 9, 1))[1]
    assert q2.late == late and q2.completed_late is completed_late


def test_year_obligations_uses_the_rules_and_excusals():
    result = year_obligations(
        [CONTACT, TALK_TWICE],
        [T(D(2026, 3, 25))],  # 7 days of Q1
        [],
        2026,
        D(2026, 6, 26),  # 5 days left in Q2
        rules=Rules(min_active_days=7, due_soon_days=3),
        excused=frozenset({("contact", P("2026Q2"))}),
    )
    later = [Status.UPCOMING, Status.UPCOMING]
    # Q1 is owed with N = 7 (not with the default 30); 5 days left is not "soon" with 3.
    assert [o.status for o in result["contact"]] == [Status.OVERDUE, Status.EXCUSED, *later]
    assert [o.status for o in result["talk"]] == [Status.OVERDUE, Status.OPEN, *later]


def test_year_obligations_with_no_specs_is_empty():
    assert year_obligations([], SINCE_2025, ENTRIES, 2026, TODAY) == {}


# --- current and missed ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "code"),
    [
        (D(2026, 1, 1), "2026Q1"),
        (D(2026, 3, 31), "2026Q1"),
        (D(2026, 4, 1), "2026Q2"),
        (D(2026, 9, 30), "2026Q3"),
        (D(2026, 10, 1), "2026Q4"),
        (D(2026, 12, 31), "2026Q4"),
    ],
)
def test_current_is_the_period_containing_today(today, code):
    row = _row("contact", today=today)
    assert current(row, today).period == P(code)


def test_current_returns_the_obligation_itself():
    row = _row("contact")
    assert current(row, TODAY) is row[2]


@pytest.mark.parametrize("today", [D(2025, 12, 31), D(2027, 1, 1)])
def test_current_outside_the_row_year_raises(today):
    with pytest.raises(ValueError):
        current(_row("contact"), today)


@pytest.mark.parametrize(
    ("terms", "entries", "excused", "today", "missed_codes"),
    [
        (SINCE_2025, [], frozenset(), TODAY, ["2026Q1", "2026Q2"]),
        (SINCE_2025, [], frozenset(), D(2026, 3, 31), []),  # last day of Q1: not yet missed
        (SINCE_2025, [], frozenset(), D(2026, 4, 1), ["2026Q1"]),
        (SINCE_2025, [], frozenset(), D(2027, 1, 1), ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]),
        (SINCE_2025, ENTRIES, frozenset(), TODAY, []),
        (SINCE_2025, [E("contact", D(2026, 5, 5))], frozenset(), TODAY, ["2026Q1"]),
        ([T(D(2026, 3, 20))], [], frozenset(), TODAY, ["2026Q2"]),  # Q1 was not owed
        (SINCE_2025, [], frozenset({("contact", P("2026Q1"))}), TODAY, ["2026Q2"]),
    ],
)
def test_missed_lists_only_overdue_periods(terms, entries, excused, today, missed_codes):
    row = year_obligations([CONTACT], terms, entries, 2026, today, excused=excused)["contact"]
    assert [o.period.code for o in missed(row)] == missed_codes
    assert all(o.status is Status.OVERDUE for o in missed(row))


def test_obligation_is_frozen():
    obligation = Obligation("contact", P("2026Q1"), Status.OPEN, 0, 1)
    with pytest.raises(AttributeError):
        obligation.count = 1  # type: ignore[misc]
    assert obligation.period == Period(2026, Q, 1)


# --- duties completed other than by logs (the record book) -----------------------------

BOOK = DutySpec("record_book", Cadence.YEAR, 1, by_logs=False)


@pytest.mark.parametrize(
    ("logs", "completed", "today", "expected"),
    [
        (0, False, date(2026, 11, 27), Status.OPEN),
        (3, False, date(2026, 11, 27), Status.OPEN),  # logs do not complete a book duty
        (3, False, date(2027, 1, 2), Status.OVERDUE),
        (0, True, date(2026, 11, 27), Status.DONE),  # the submitted book does
        (0, True, date(2027, 1, 2), Status.DONE),
    ],
)
def test_book_duty_is_done_by_submission_only(logs, completed, today, expected):
    entries = [
        Entry("record_book", date(2026, 3, i + 1), date(2026, 3, i + 1)) for i in range(logs)
    ]
    year = Period(2026, Cadence.YEAR, 1)
    done = frozenset({("record_book", year)}) if completed else frozenset()
    row = year_obligations([BOOK], [Term(date(2020, 1, 1))], entries, 2026, today, completed=done)
    assert row["record_book"][0].status is expected
