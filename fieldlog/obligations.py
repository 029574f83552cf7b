"""What a member owes, per duty and period, and whether she has done it. Pure code.

Inputs are plain values: duty specs, membership terms, the dates of her logs, today.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from fieldlog.periods import Cadence, Period, overlap_days, period_of, periods_of_year


class Status(StrEnum):
    """State of one obligation (member, duty, period)."""

    DONE = "done"
    OPEN = "open"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    EXCUSED = "excused"
    NOT_OWED = "not_owed"
    UPCOMING = "upcoming"


@dataclass(frozen=True)
class Rules:
    """Tunable parts of the rules (from configuration)."""

    min_active_days: int = 30
    due_soon_days: int = 14


@dataclass(frozen=True)
class DutySpec:
    """The part of a duty type the rules need.

    ``by_logs`` is False for a duty completed by something other than counting logs (the
    record book, done when the year's book is submitted); its logs are then not counted.
    """

    code: str
    cadence: Cadence
    min_count: int = 1
    by_logs: bool = True


@dataclass(frozen=True)
class Term:
    """A membership term; ``left_on`` None while she is still on the committee."""

    joined_on: date
    left_on: date | None = None


@dataclass(frozen=True)
class Entry:
    """One non-deleted log: which duty, the day it happened, the day it was entered."""

    duty_code: str
    happened_on: date
    entered_on: date


@dataclass(frozen=True)
class Obligation:
    """The computed state of one (duty, period) for one member."""

    duty_code: str
    period: Period
    status: Status
    count: int
    required: int
    last_on: date | None = None
    days_left: int = 0
    late: int = 0

    @property
    def is_done(self) -> bool:
        return self.status is Status.DONE


@dataclass
class _Tally:
    count: int = 0
    late: int = 0
    last_on: date | None = None


def active_days(terms: Iterable[Term], period: Period) -> int:
    """Days of ``period`` on which she was a member."""
    return sum(overlap_days(t.joined_on, t.left_on, period) for t in terms)


def is_owed(terms: Sequence[Term], period: Period, rules: Rules) -> bool:
    """She owes a period's duty when active for at least N days of it (N capped at its length).

    At least one day is always needed: N = 0 in configuration must not make a period owed by
    someone who was never on the committee during it.
    """
    needed = max(1, min(rules.min_active_days, period.days))
    return active_days(terms, period) >= needed


def status_of(
    spec: DutySpec,
    period: Period,
    count: int,
    today: date,
    *,
    owed: bool = True,
    excused: bool = False,
    rules: Rules = Rules(),  # noqa: B008 - frozen, safe as a default
) -> Status:
    """The status of one obligation given how many logs count towards it."""
    if today < period.start:
        return Status.UPCOMING
    if count >= spec.min_count:
        return Status.DONE
    if not owed:
        return Status.NOT_OWED
    if excused:
        return Status.EXCUSED
    if today > period.end:
        return Status.OVERDUE
    if period.days_left(today) <= rules.due_soon_days:
        return Status.DUE_SOON
    return Status.OPEN


def _tally(entries: Iterable[Entry], specs: Sequence[DutySpec]) -> dict[tuple[str, Period], _Tally]:
    cadence_of = {s.code: s.cadence for s in specs if s.by_logs}
    tallies: dict[tuple[str, Period], _Tally] = {}
    for entry in entries:
        cadence = cadence_of.get(entry.duty_code)
        if cadence is None:
            continue
        period = period_of(entry.happened_on, cadence)
        tally = tallies.setdefault((entry.duty_code, period), _Tally())
        tally.count += 1
        tally.late += entry.entered_on > period.end
        if tally.last_on is None or entry.happened_on > tally.last_on:
            tally.last_on = entry.happened_on
    return tallies


def year_obligations(
    specs: Sequence[DutySpec],
    terms: Sequence[Term],
    entries: Iterable[Entry],
    year: int,
    today: date,
    rules: Rules = Rules(),  # noqa: B008
    excused: frozenset[tuple[str, Period]] = frozenset(),
    completed: Collection[tuple[str, Period]] = frozenset(),
) -> dict[str, list[Obligation]]:
    """Every period of ``year`` for each duty, in order: ``{duty_code: [Obligation, ...]}``.

    ``completed`` lists (duty, period) pairs done other than by logs (a submitted book). As a
    mapping to the day each was done, that day is its ``last_on``, and a day after the
    period's end makes it late, as an entry made after the period would be.
    """
    tallies = _tally(entries, specs)
    for key in completed:
        tally = tallies.setdefault(key, _Tally())
        tally.count = max(tally.count, 1)
        day = completed[key] if isinstance(completed, Mapping) else None
        if day is not None:
            tally.last_on = day
            tally.late = int(day > key[1].end)
    result: dict[str, list[Obligation]] = {}
    for spec in specs:
        row = []
        for period in periods_of_year(year, spec.cadence):
            tally = tallies.get((spec.code, period), _Tally())
            status = status_of(
                spec,
                period,
                tally.count,
                today,
                owed=is_owed(terms, period, rules),
                excused=(spec.code, period) in excused,
                rules=rules,
            )
            row.append(
                Obligation(
                    duty_code=spec.code,
                    period=period,
                    status=status,
                    count=tally.count,
                    required=spec.min_count,
                    last_on=tally.last_on,
                    days_left=period.days_left(today),
                    late=tally.late,
                )
            )
        result[spec.code] = row
    return result


def current(row: Sequence[Obligation], today: date) -> Obligation:
    """The obligation of the period containing ``today`` from one duty's year row."""
    for obligation in row:
        if obligation.period.contains(today):
            return obligation
    raise ValueError("today is not in this year's row")


def missed(row: Sequence[Obligation]) -> list[Obligation]:
    """Earlier periods of the row that ended without the duty done."""
    return [o for o in row if o.status is Status.OVERDUE]
