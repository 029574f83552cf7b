"""Which periods a ledger offers, and the quarters whose grids it holds."""

from __future__ import annotations

from datetime import date

import pytest

from fieldlog.ledgers.spans import quarters_of, span_choices
from fieldlog.periods import parse_period


def test_choices_are_the_begun_periods_of_three_years_newest_first():
    codes = [p.code for p in span_choices(date(2026, 5, 20))]
    assert codes[:5] == ["2026", "2026H1", "2026Q2", "2026Q1", "2025"]
    assert codes[5:12] == ["2025H2", "2025H1", "2025Q4", "2025Q3", "2025Q2", "2025Q1", "2024"]
    assert codes[-1] == "2024Q1" and len(codes) == 4 + 7 + 7


@pytest.mark.parametrize(
    ("span", "today", "quarters"),
    [
        ("2025", date(2026, 5, 20), ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]),
        ("2026", date(2026, 5, 20), ["2026Q1", "2026Q2"]),
        ("2026H1", date(2026, 1, 1), ["2026Q1"]),
        ("2025H2", date(2026, 1, 1), ["2025Q3", "2025Q4"]),
        ("2026Q2", date(2026, 4, 1), ["2026Q2"]),
    ],
)
def test_quarters_of_a_span(span, today, quarters):
    assert [q.code for q in quarters_of(parse_period(span), today)] == quarters
