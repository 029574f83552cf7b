"""A member's tracker figures for a review round, as stored (JSON) in her review entry.

The mid-year round looks at the first half (its quarters and the half itself); the year-end
round at the whole year, yearly duties included. Built from ``tracker.service`` obligations,
so the review and the tracker never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from fieldlog.obligations import Obligation, Status
from fieldlog.periods import Period

OWED = (Status.DONE, Status.OPEN, Status.DUE_SOON, Status.OVERDUE, Status.EXCUSED)
COUNTS = ("owed", "done", "overdue", "open", "excused", "late", "logs")


def scope(half: Period) -> tuple[date, date]:
    """First and last day a round of ``half`` looks at: the half, or the whole year in H2."""
    first = date(half.year, 1, 1) if half.index == 2 else half.start
    return first, half.end


def in_scope(period: Period, half: Period) -> bool:
    """Whether an obligation's period belongs to the round of ``half``."""
    first, last = scope(half)
    return period.start >= first and period.end <= last


def build(year: Mapping[str, Sequence[Obligation]], half: Period, as_of: date) -> dict[str, Any]:
    """Figures from her year of obligations (``tracker.service.members_years``)."""
    duties = []
    for code, row in year.items():
        cells = [o for o in row if in_scope(o.period, half)]
        counted = {
            "owed": sum(o.status in OWED for o in cells),
            "done": sum(o.status is Status.DONE for o in cells),
            "overdue": sum(o.status is Status.OVERDUE for o in cells),
            "open": sum(o.status in (Status.OPEN, Status.DUE_SOON) for o in cells),
            "excused": sum(o.status is Status.EXCUSED for o in cells),
            "late": sum(o.completed_late for o in cells),
            "logs": sum(o.count for o in cells),
        }
        duties.append(
            {
                "code": code,
                **counted,
                "cells": [
                    {"period": o.period.code, "status": o.status.value, "count": o.count}
                    for o in cells
                ],
            }
        )
    totals = {key: sum(d[key] for d in duties) for key in COUNTS}
    return {
        "as_of": as_of.isoformat(),
        "half": half.code,
        "duties": duties,
        "totals": totals,
        "completion": completion(totals),
    }


def completion(totals: Mapping[str, int]) -> int | None:
    """Per cent of owed, not excused obligations done; None when nothing was owed."""
    due = totals["owed"] - totals["excused"]
    if due <= 0:
        return None
    return round(100 * totals["done"] / due)
