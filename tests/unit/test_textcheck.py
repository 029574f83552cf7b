"""The text rule, strict dates and database ids (``fieldlog.textcheck``): every boundary."""

from __future__ import annotations

import re
from datetime import date

import pytest

from fieldlog import textcheck

ALLOWED = ["", "王芳", "a\tb", "a\nb", "a\r\nb", "\u00a0", "\u3000", "😀", "\ufeff", "~"]
REFUSED = [
    *(chr(c) for c in range(0x00, 0x09)),
    "\x0b",
    "\x0c",
    "\r",
    "a\rb",
    "a\r",
    "\r\r\n",
    *(chr(c) for c in range(0x0E, 0x20)),
    "\x7f",
    "\x80",
    "\x85",
    "\x9f",
    "\ud800",
    "\udfff",
    "a\udc00b",
]


@pytest.mark.parametrize("text", ALLOWED)
def test_allowed_text(text):
    assert textcheck.is_clean(text) and textcheck.first_bad(text) is None
    assert textcheck.clean(text) == text


@pytest.mark.parametrize("text", REFUSED)
def test_refused_text(text):
    assert not textcheck.is_clean(text)
    assert textcheck.first_bad(text) is not None
    assert textcheck.is_clean(textcheck.clean(text))


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("甲\x0b乙", "甲\n乙"),
        ("甲\x0c乙", "甲\n乙"),
        ("甲\r乙", "甲\n乙"),
        ("甲\x85乙", "甲\n乙"),
        ("甲\r\n乙", "甲\r\n乙"),
        ("\x1b[31m红", "[31m红"),
        ("a\x00b\ud800c\x7f", "abc"),
    ],
)
def test_clean_turns_breaks_into_line_feeds_and_drops_the_rest(text, cleaned):
    assert textcheck.clean(text) == cleaned


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-03-01", date(2026, 3, 1)),
        ("0001-01-01", date(1, 1, 1)),
        ("2024-02-29", date(2024, 2, 29)),
        ("2026-1-1", None),
        ("2026-01-1", None),
        ("20260101", None),
        ("2026-W09-7", None),
        ("2026/03/01", None),
        (" 2026-03-01", None),
        ("2026-03-01\n", None),
        ("2026-02-29", None),
        ("2026-13-01", None),
        ("２０２６-03-01", None),
        ("", None),
    ],
)
def test_iso_date_is_yyyy_mm_dd_only(text, day):
    assert textcheck.iso_date(text) == day


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0", 0),
        ("1", 1),
        ("2147483647", 2**31 - 1),
        ("2147483648", None),
        ("9999999999", None),
        ("99999999999", None),
        ("9" * 5000, None),
        ("-1", None),
        ("+1", None),
        ("1.0", None),
        (" 1", None),
        ("١", None),
        ("", None),
    ],
)
def test_database_id(text, value):
    assert textcheck.database_id(text) == value


@pytest.mark.parametrize("limit", [0, 5, 9, 10, 99, 100, 101, 305, 1000, 2**31 - 1])
def test_digits_up_to_matches_exactly_zero_to_the_limit(limit):
    pattern = re.compile(textcheck.digits_up_to(limit))
    numbers = {*range(0, 1200), limit - 1, limit, limit + 1, limit * 10, 2**31, 2**63}
    for n in numbers:
        if n >= 0:
            assert bool(pattern.fullmatch(str(n))) == (n <= limit), (limit, n)
    assert not pattern.fullmatch("-1") and not pattern.fullmatch("")
