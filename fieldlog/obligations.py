"""What a member owes, per duty and period, and whether she has done it. Pure code.

Inputs are plain values: duty specs, membership terms, the dates of her logs, today.

The terms given are the scope of the question: all her terms for her own view, or her
terms on one committee for that committee's view. Only logs dated within the terms count,
so a committee she left keeps the work she did while on it, and a committee she moved to
starts from her first day there. A period she left before its end is owed nothing unless
it was done (done stays done); periods that ended while she served keep their status.
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
    LEFT = "left"  # her term ended before the period did: owes nothing (unless done)
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

    @property
    def completed_late(self) -> bool:
        """Done only thanks to entries made after the period ended (shown as 补记)."""
        return self.is_done and self.count - self.late < self.required


@dataclass
class _Tally:
    count: int = 0
    late: int = 0
    last_on: date | None = None


def active_days(terms: Iterable[Term], period: Period) -> int:
    """Days of ``period`` on which she was a member."""
    return sum(overlap_days(t.joined_on, t.left_on, period) for t in terms)


def within(terms: Iterable[Term], day: date) -> bool:
    """Whether ``day`` falls in one of the terms."""
    return any(t.joined_on <= day and (t.left_on is None or day <= t.left_on) for t in terms)


def left_before_end(terms: Iterable[Term], period: Period) -> date | None:
    """The day she left, when every term begun by the period's end had ended before it.

    None while a term reaches the period's last day (or runs on), and when no term had
    begun by then (she joined later: the period is simply not owed).
    """
    begun = [t for t in terms if t.joined_on <= period.end]
    if not begun or any(t.left_on is None or t.left_on >= period.end for t in begun):
        return None
    return max(t.left_on for t in begun if t.left_on is not None)


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
    left_on: date | None = None,
    rules: Rules = Rules(),  # noqa: B008 - frozen, safe as a default
) -> Status:
    """The status of one obligation given how many logs count towards it.

    ``left_on`` is the day she left when her terms end before the period does: nothing is
    owed then; once that day has passed the period reads "left" rather than "not owed".
    """
    gone = left_on is not None and left_on < today
    if today < period.start:
        return Status.LEFT if gone else Status.UPCOMING
    if count >= spec.min_count:
        return Status.DONE
    if left_on is not None:
        return Status.LEFT if gone else Status.NOT_OWED
    if not owed:
        return Status.NOT_OWED
    if excused:
        return Status.EXCUSED
    if today > period.end:
        return Status.OVERDUE
    if period.days_left(today) <= rules.due_soon_days:
        return Status.DUE_SOON
    return Status.OPEN


class StatusMemo:
    """``status_of`` for a page of many cells with few distinct inputs: a grid of hundreds of
    members asks a handful of different questions, each answered once. ``key`` stands for the
    cell's spec and period (the caller's cheap key: a duty id or a window index) and must be
    followed by what else decides the answer."""

    def __init__(self, today: date, rules: Rules) -> None:
        self.today, self.rules = today, rules
        self._seen: dict[tuple, Status] = {}

    def status(
        self,
        key: tuple,
        spec: DutySpec,
        period: Period,
        count: int,
        *,
        owed: bool,
        excused: bool,
        left_on: date | None,
    ) -> Status:
        status = self._seen.get(key)
        if status is None:
            status = status_of(
                spec,
                period,
                count,
                self.today,
                owed=owed,
                excused=excused,
                left_on=left_on,
                rules=self.rules,
            )
            self._seen[key] = status
        return status


def _tally(
    entries: Iterable[Entry], specs: Sequence[DutySpec], terms: Sequence[Term]
) -> dict[tuple[str, Period], _Tally]:
    cadence_of = {s.code: s.cadence for s in specs if s.by_logs}
    tallies: dict[tuple[str, Period], _Tally] = {}
    for entry in entries:
        cadence = cadence_of.get(entry.duty_code)
        if cadence is None or not within(terms, entry.happened_on):
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

    Only entries dated within ``terms`` count (see the module's docstring). ``completed``
    lists (duty, period) pairs done other than by logs (a submitted book). As a mapping to
    the day each was done, that day is its ``last_on``, and a day after the period's end
    makes it late, as an entry made after the period would be.
    """
    tallies = _tally(entries, specs, terms)
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
                left_on=left_before_end(terms, period),
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
