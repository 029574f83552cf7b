"""What typed input may hold: the one rule for text, strict dates and database ids. Pure.

Text: every control character is refused except tab and line feed (a carriage return only
right before a line feed, as browsers send a textarea's line ends), and so is a lone
surrogate (half of a UTF-16 pair, which no encoding can store). Such characters are
invisible, break spreadsheets and XML (an XLSX file cannot hold them), and PostgreSQL
cannot store NUL at all. ``fieldlog.forms`` applies the rule to every form field; the API,
sync, roster cells and review ratings and reports call it too; exports drop whatever such
characters older data still holds with ``clean``.
"""

from __future__ import annotations

import re
from datetime import date

# C0 controls but tab and LF, DEL and the C1 controls, lone surrogates, and a CR not
# followed by LF.
_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]|\r(?!\n)")
# What ``clean`` turns into a line feed rather than dropping: line and page breaks.
_BREAKS = frozenset("\r\x0b\x0c\x85")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DIGITS = re.compile(r"[0-9]{1,10}")

MAX_ID = 2**31 - 1
"""The largest value of an ``integer`` column (PostgreSQL's is 4 bytes, signed)."""


def first_bad(text: str) -> str | None:
    """The first character ``text`` may not hold, or None when it is clean."""
    match = _BAD.search(text)
    return match.group() if match else None


def is_clean(text: str) -> bool:
    """Whether ``text`` holds no character the rule refuses."""
    return _BAD.search(text) is None


def clean(text: str) -> str:
    """``text`` with refused characters removed: a line or page break becomes a line feed,
    anything else is dropped. For data stored before the rule, and for exports."""
    if is_clean(text):
        return text
    return _BAD.sub(lambda m: "\n" if m.group() in _BREAKS else "", text)


def iso_date(text: str) -> date | None:
    """A calendar day written exactly ``YYYY-MM-DD`` (``2026-03-01``), else None.

    ``date.fromisoformat`` alone would also take ``20260301`` and ``2026-W09-7``, and
    ``strptime`` takes ``2026-3-1``.
    """
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:  # 2026-02-30
        return None


def digits_up_to(limit: int) -> str:
    """A regular expression matching exactly the numbers from 0 to ``limit`` written in
    ASCII digits (longer forms only without leading zeros), e.g. for a URL converter."""
    text = str(limit)
    options = [f"[0-9]{{1,{len(text) - 1}}}"] if len(text) > 1 else []
    for i, digit in enumerate(text):
        low = 1 if i == 0 and len(text) > 1 else 0
        if int(digit) > low:
            rest = len(text) - i - 1
            options.append(f"{text[:i]}[{low}-{int(digit) - 1}][0-9]{{{rest}}}")
    options.append(text)
    return "(?:" + "|".join(options) + ")"


def database_id(text: str) -> int | None:
    """A whole number written in ASCII digits that fits an ``integer`` column, else None."""
    if not _DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if value <= MAX_ID else None
