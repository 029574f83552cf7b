"""Which periods a ledger can cover: pure code over ``fieldlog.periods``."""

from __future__ import annotations

from datetime import date

from fieldlog.periods import Cadence, Period, periods_of_year

YEARS_BACK = 2  # this year and the two before


def span_choices(today: date) -> list[Period]:
    """Years, half-years and quarters that have begun, newest year first, each year
    followed by its halves and quarters (latest first)."""
    spans: list[Period] = []
    for year in range(today.year, today.year - YEARS_BACK - 1, -1):
        for cadence in (Cadence.YEAR, Cadence.HALF, Cadence.QUARTER):
            spans += [p for p in reversed(periods_of_year(year, cadence)) if p.start <= today]
    return spans


def quarters_of(span: Period, today: date) -> list[Period]:
    """The quarters of ``span`` that have begun, in order."""
    quarters = periods_of_year(span.year, Cadence.QUARTER)
    return [q for q in quarters if span.start <= q.start <= min(span.end, today)]
