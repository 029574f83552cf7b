"""Record books without an app: the submission window, a book completing its duty in the
pure rules, the shared PDF helpers."""

from __future__ import annotations

from datetime import date

import pytest

from fieldlog import downloads, pdf
from fieldlog.books.service import WindowState, window
from fieldlog.obligations import DutySpec, Entry, Status, Term, year_obligations
from fieldlog.periods import Cadence, Period

OPENS = (12, 1)


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (date(2026, 1, 1), WindowState.EARLY),
        (date(2026, 11, 30), WindowState.EARLY),
        (date(2026, 12, 1), WindowState.OPEN),
        (date(2026, 12, 31), WindowState.OPEN),
        (date(2027, 1, 1), WindowState.LATE),
        (date(2027, 12, 31), WindowState.LATE),
        (date(2028, 1, 1), WindowState.CLOSED),
    ],
)
def test_window_of_the_2026_book(today, state):
    win = window(2026, OPENS)
    assert win.state(today) is state
    assert win.accepts(today) is (state in (WindowState.OPEN, WindowState.LATE))


@pytest.mark.parametrize(
    ("opens", "today", "state"),
    [
        ((9, 1), date(2026, 8, 31), WindowState.EARLY),
        ((9, 1), date(2026, 9, 1), WindowState.OPEN),
        ([11, 15], date(2026, 11, 15), WindowState.OPEN),  # a list, as JSON config gives
        ((1, 1), date(2026, 1, 1), WindowState.OPEN),
    ],
)
def test_the_opening_day_comes_from_configuration(opens, today, state):
    assert window(2026, opens).state(today) is state


def test_window_days():
    win = window(2026, OPENS)
    assert (win.opens, win.due, win.closes) == (
        date(2026, 12, 1),
        date(2026, 12, 31),
        date(2027, 12, 31),
    )


BOOK = DutySpec("record_book", Cadence.YEAR, 1, by_logs=False)
YEAR_2026 = Period(2026, Cadence.YEAR, 1)


@pytest.mark.parametrize(
    ("submitted_on", "late"),
    [(date(2026, 12, 5), 0), (date(2026, 12, 31), 0), (date(2027, 1, 1), 1)],
)
def test_a_book_submitted_on_a_day_is_its_last_on_and_late_after_the_year(submitted_on, late):
    row = year_obligations(
        [BOOK],
        [Term(date(2020, 1, 1))],
        [Entry("record_book", date(2026, 3, 1), date(2026, 3, 1))],  # a log never counts
        2026,
        date(2027, 2, 1),
        completed={("record_book", YEAR_2026): submitted_on},
    )["record_book"][0]
    assert (row.status, row.count, row.last_on, row.late) == (
        Status.DONE,
        1,
        submitted_on,
        late,
    )


def test_without_a_submission_the_book_is_overdue_after_the_year():
    row = year_obligations(
        [BOOK], [Term(date(2020, 1, 1))], [], 2026, date(2027, 2, 1), completed={}
    )["record_book"][0]
    assert (row.status, row.count, row.last_on) == (Status.OVERDUE, 0, None)


@pytest.mark.parametrize(
    ("setting", "expected_at_most"),
    [(1, 1), (3, 3), (0, pdf.MAX_PROCESSES), (None, pdf.MAX_PROCESSES)],
)
def test_pdf_processes(setting, expected_at_most):
    workers = pdf.processes(setting)
    assert 1 <= workers <= expected_at_most
    if setting:
        assert workers == setting


def test_file_names_and_disposition():
    assert downloads.clean_filename(' 甲村/妇联:"执委" ') == "甲村妇联执委"
    assert downloads.content_disposition("甲村.pdf", "a.pdf") == (
        "attachment; filename=\"a.pdf\"; filename*=UTF-8''%E7%94%B2%E6%9D%91.pdf"
    )
    assert pdf.day_label(date(2026, 6, 30), "zh_Hans_CN") == "2026年6月30日"
    assert pdf.day_label(date(2026, 6, 30), "en") == "2026-06-30"
