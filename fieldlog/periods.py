"""Calendar periods (month, quarter, half-year, year): pure code, standard library only.

A period is identified by its cadence, its year and its 1-based index within the year
(month 1-12, quarter 1-4, half 1-2, year 1). Codes such as ``2026Q1`` are what URLs and
the API use; labels are what people read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class Cadence(StrEnum):
    """How often a duty falls due."""

    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"

    @property
    def months(self) -> int:
        """Length of one period in months."""
        return _MONTHS[self]

    @property
    def per_year(self) -> int:
        """Number of periods in a calendar year."""
        return 12 // _MONTHS[self]


_MONTHS = {Cadence.MONTH: 1, Cadence.QUARTER: 3, Cadence.HALF: 6, Cadence.YEAR: 12}
_CODE_RE = re.compile(r"^(?P<year>\d{4})(?:(?P<kind>[MQH])(?P<index>\d{1,2}))?$")
_KIND_OF = {"M": Cadence.MONTH, "Q": Cadence.QUARTER, "H": Cadence.HALF}
_LETTER = {Cadence.MONTH: "M", Cadence.QUARTER: "Q", Cadence.HALF: "H"}
MIN_YEAR, MAX_YEAR = 1900, 2999


@dataclass(frozen=True, order=True)
class Period:
    """One calendar period, e.g. the first quarter of 2026."""

    year: int
    cadence: Cadence
    index: int

    def __post_init__(self) -> None:
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise ValueError(f"year out of range: {self.year}")
        if not 1 <= self.index <= self.cadence.per_year:
            raise ValueError(f"{self.cadence} index out of range: {self.index}")

    @property
    def start(self) -> date:
        """The first day of the period."""
        return date(self.year, (self.index - 1) * self.cadence.months + 1, 1)

    @property
    def end(self) -> date:
        """The last day of the period (inclusive)."""
        last_month = self.index * self.cadence.months
        if last_month == 12:
            return date(self.year, 12, 31)
        return date(self.year, last_month + 1, 1) - timedelta(days=1)

    @property
    def days(self) -> int:
        """Number of days in the period."""
        return (self.end - self.start).days + 1

    @property
    def code(self) -> str:
        """Machine code: ``2026M03``, ``2026Q1``, ``2026H2`` or ``2026``."""
        if self.cadence is Cadence.YEAR:
            return f"{self.year}"
        width = 2 if self.cadence is Cadence.MONTH else 1
        return f"{self.year}{_LETTER[self.cadence]}{self.index:0{width}d}"

    def label(self, locale: str = "zh") -> str:
        """Human label: ``2026年第1季度`` in Chinese, ``2026 Q1`` in English."""
        if locale.startswith("zh"):
            return _label_zh(self)
        return _label_en(self)

    def contains(self, day: date) -> bool:
        """Whether ``day`` falls inside the period."""
        return self.start <= day <= self.end

    def days_left(self, today: date) -> int:
        """Days from ``today`` to the period's last day, counting today; 0 once it has ended."""
        if today > self.end:
            return 0
        return (self.end - max(today, self.start)).days + 1

    def next(self) -> Period:
        """The period that follows, of the same cadence."""
        if self.index == self.cadence.per_year:
            return Period(self.year + 1, self.cadence, 1)
        return Period(self.year, self.cadence, self.index + 1)

    def previous(self) -> Period:
        """The period before, of the same cadence."""
        if self.index == 1:
            return Period(self.year - 1, self.cadence, self.cadence.per_year)
        return Period(self.year, self.cadence, self.index - 1)


def _label_zh(p: Period) -> str:
    if p.cadence is Cadence.YEAR:
        return f"{p.year}年度"
    if p.cadence is Cadence.HALF:
        return f"{p.year}年{'上' if p.index == 1 else '下'}半年"
    if p.cadence is Cadence.QUARTER:
        return f"{p.year}年第{p.index}季度"
    return f"{p.year}年{p.index}月"


def _label_en(p: Period) -> str:
    if p.cadence is Cadence.YEAR:
        return f"{p.year}"
    if p.cadence is Cadence.MONTH:
        return f"{p.year}-{p.index:02d}"
    return f"{p.year} {_LETTER[p.cadence]}{p.index}"


def period_of(day: date, cadence: Cadence | str) -> Period:
    """The period of the given cadence that contains ``day``."""
    cadence = Cadence(cadence)
    return Period(day.year, cadence, (day.month - 1) // cadence.months + 1)


def periods_of_year(year: int, cadence: Cadence | str) -> list[Period]:
    """All periods of one cadence in a calendar year, in order."""
    cadence = Cadence(cadence)
    return [Period(year, cadence, i) for i in range(1, cadence.per_year + 1)]


def parse_period(code: str) -> Period:
    """Read a period code (``2026Q1``, ``2026H2``, ``2026M03``, ``2026``); ValueError if bad."""
    match = _CODE_RE.match(code.strip().upper())
    if not match:
        raise ValueError(f"not a period code: {code!r}")
    year = int(match["year"])
    if match["kind"] is None:
        return Period(year, Cadence.YEAR, 1)
    return Period(year, _KIND_OF[match["kind"]], int(match["index"]))


def overlap_days(first: date, last: date | None, period: Period) -> int:
    """Days of ``period`` inside the closed range first..last (``last`` None means open-ended)."""
    start = max(first, period.start)
    end = period.end if last is None else min(last, period.end)
    return max(0, (end - start).days + 1)
