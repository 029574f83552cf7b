"""The tracker: who owes what, per member, duty and period, and the roll-ups above it.

Statuses come from ``fieldlog.obligations`` (pure); this module only gathers the
inputs with grouped queries and assembles grids and a member's year. Roll-ups above a
committee live in ``rollups``, excusing in ``excusals``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import Select, select

from fieldlog.extensions import db
from fieldlog.models import Account, DutyType, Log, Membership
from fieldlog.obligations import (
    DutySpec,
    Entry,
    Obligation,
    Rules,
    Status,
    StatusMemo,
    Term,
    is_owed,
    left_before_end,
    year_obligations,
)
from fieldlog.periods import Cadence, Period, parse_period, period_of, periods_of_year
from fieldlog.timeutil import to_local
from fieldlog.tracker import queries
from fieldlog.tracker.queries import MemberInfo, duty_specs


def rules() -> Rules:
    """The obligation rules from configuration."""
    cfg = current_app.config
    return Rules(cfg["OBLIGATION_MIN_ACTIVE_DAYS"], cfg["DUE_SOON_DAYS"])


def _tz() -> str:
    return current_app.config["TIMEZONE"]


def duty_windows(duties: Sequence[DutyType], quarter: Period) -> dict[int, Period]:
    """For a quarter view: each duty's own period containing that quarter."""
    return {d.id: period_of(quarter.start, Cadence(d.cadence)) for d in duties}


@dataclass(frozen=True)
class GridRow:
    """One member in a committee grid: her obligation per duty, in catalogue order."""

    member: MemberInfo
    cells: tuple[Obligation, ...]

    def count(self, *statuses: Status) -> int:
        """How many of her cells have one of these statuses."""
        return sum(1 for c in self.cells if c.status in statuses)

    @property
    def overdue(self) -> int:
        return self.count(Status.OVERDUE)

    @property
    def pending(self) -> int:
        return self.count(Status.OPEN, Status.DUE_SOON)


@dataclass
class Grid:
    """A committee (or any set of organisations) for one quarter view."""

    quarter: Period
    duties: list[DutyType]
    rows: list[GridRow] = field(default_factory=list)


def _members_query(org_ids: Select | Iterable[int]) -> Select:
    return select(Membership.account_id).where(Membership.organisation_id.in_(org_ids))


def grid(org_ids: Select | Iterable[int], quarter: Period, today: date) -> Grid:
    """Statuses of every member of these organisations for the quarter view.

    A fixed number of queries: duties, members, one grouped count, submitted record books,
    excusals.
    """
    duties = queries.active_duties()
    members = [m for m in _members_of_year(org_ids, quarter.year) if _serves_in(m.terms, quarter)]
    windows = duty_windows(duties, quarter)
    who = _members_query(org_ids)
    books = {d: windows[d] for d in queries.book_duty_ids(duties)}
    by_logs = {d.id: windows[d.id] for d in duties if d.completed_by == "logs"}
    counts = queries.grouped_counts(org_ids, by_logs, _tz())
    counts.update(_book_tallies(who, books))
    codes = {p.code for p in windows.values()}
    excused = queries.excused_keys(who, codes)
    cells = _Cells(duties, windows, counts, excused, today, rules())
    result = Grid(quarter, duties)
    result.rows = [GridRow(member, cells.row(member)) for member in members]
    result.rows.sort(key=lambda r: (-r.overdue, -r.pending, r.member.name))
    return result


def _book_tallies(
    who: Select | Iterable[int], windows: dict[int, Period]
) -> dict[tuple[int, int | None, int], queries.Tally]:
    """``{(account_id, None, duty_id): Tally}`` for the duties done by a submitted record
    book: one submission, on the day she submitted it (late when after the year), the same
    on every committee she sat on. One query."""
    if not windows:
        return {}
    books = queries.submitted_books(who, {p.year for p in windows.values()}, _tz())
    return {
        (account_id, None, duty_id): queries.Tally(1, day, int(day > period.end))
        for (account_id, year), day in books.items()
        for duty_id, period in windows.items()
        if period.year == year
    }


def _serves_in(terms: Iterable[Term], period: Period) -> bool:
    return any(
        t.joined_on <= period.end and (t.left_on is None or t.left_on >= period.start)
        for t in terms
    )


def _members_of_year(org_ids: Select | Iterable[int], year: int) -> list[MemberInfo]:
    whole = periods_of_year(year, Cadence.YEAR)[0]
    return queries.members_of(org_ids, whole.start, whole.end)


@dataclass(frozen=True)
class _Column:
    duty_id: int
    spec: DutySpec
    period: Period
    code: str
    days_left: int


class _Cells:
    """Builds grid cells; thousands of members share few distinct inputs, so results of the
    pure rules are memoised per grid (same values as calling them cell by cell)."""

    def __init__(self, duties, windows, counts, excused, today: date, rules: Rules) -> None:
        self.columns = [
            _Column(d.id, spec, windows[d.id], windows[d.id].code, windows[d.id].days_left(today))
            for d, spec in zip(duties, duty_specs(duties), strict=True)
        ]
        self.counts, self.excused, self.today, self.rules = counts, excused, today, rules
        self._owed: dict[tuple[Term, ...], tuple[tuple[bool, date | None], ...]] = {}
        self._statuses = StatusMemo(today, rules)
        self._blank: dict[tuple[int, Status], Obligation] = {}

    def row(self, member: MemberInfo) -> tuple[Obligation, ...]:
        owed = self._owed.get(member.terms)
        if owed is None:
            owed = tuple(
                (
                    is_owed(member.terms, c.period, self.rules),
                    left_before_end(member.terms, c.period),
                )
                for c in self.columns
            )
            self._owed[member.terms] = owed
        return tuple(
            self._cell(member, column, *owed_left)
            for column, owed_left in zip(self.columns, owed, strict=True)
        )

    def _cell(
        self, member: MemberInfo, column: _Column, owed: bool, left_on: date | None
    ) -> Obligation:
        # Book duties have no logs counted: their tally, if any, is the submitted book.
        account_id = member.account_id
        tally = self.counts.get((account_id, member.org_id, column.duty_id)) or self.counts.get(
            (account_id, None, column.duty_id)
        )
        count = tally.count if tally else 0
        excused = (account_id, column.duty_id, column.code) in self.excused
        status = self._statuses.status(
            (column.duty_id, count, owed, excused, left_on),
            column.spec,
            column.period,
            count,
            owed=owed,
            excused=excused,
            left_on=left_on,
        )
        if tally is None:  # no logs: identical, immutable cells are shared
            blank = self._blank.get((column.duty_id, status))
            if blank is None:
                blank = self._obligation(column, status, 0, None, 0)
                self._blank[(column.duty_id, status)] = blank
            return blank
        return self._obligation(column, status, count, tally.last_on, tally.late)

    @staticmethod
    def _obligation(column: _Column, status: Status, count: int, last_on, late: int):
        return Obligation(
            duty_code=column.spec.code,
            period=column.period,
            status=status,
            count=count,
            required=column.spec.min_count,
            last_on=last_on,
            days_left=column.days_left,
            late=late,
        )


def member_year(
    account: Account, year: int, today: date, org_ids: Iterable[int] | None = None
) -> dict[str, list[Obligation]]:
    """Her obligations for every period of ``year``, as she sees them or as the committees
    ``org_ids`` see them (see ``members_years``)."""
    return members_years([account], year, today, org_ids)[account.id]


def members_years(
    accounts: Sequence[Account],
    year: int,
    today: date,
    org_ids: Iterable[int] | None = None,
) -> dict[int, dict[str, list[Obligation]]]:
    """Each account's obligations for every period of ``year``, by account id: as she
    sees them (all her terms), or as the committees ``org_ids`` see them (her terms there,
    and only the logs she made while on them).

    Four queries whatever the number of accounts: duties, logs, excusals, submitted record
    books (terms are loaded with the accounts).
    """
    scope = None if org_ids is None else set(org_ids)
    duties = queries.active_duties()
    ids = [a.id for a in accounts]
    rows = db.session.execute(
        select(Log.account_id, DutyType.code, Log.happened_on, Log.created_at)
        .join(Log.duty_type)
        .where(Log.account_id.in_(ids), Log.deleted_at.is_(None))
        .where(Log.happened_on.between(date(year, 1, 1), min(date(year, 12, 31), today)))
    ).all()
    entries: dict[int, list[Entry]] = {i: [] for i in ids}
    for account_id, code, day, at in rows:
        entries[account_id].append(Entry(code, day, to_local(at, _tz()).date()))
    by_id = {d.id: d.code for d in duties}
    excused: dict[int, set] = {i: set() for i in ids}
    for account_id, duty_id, code in queries.excused_keys(ids, _year_codes(year)):
        if duty_id in by_id:
            excused[account_id].add((by_id[duty_id], parse_period(code)))
    completed = books_completed(duties, ids, year)
    specs, tracker_rules = duty_specs(duties), rules()
    return {
        a.id: year_obligations(
            specs,
            [
                Term(t.joined_on, t.left_on)
                for t in a.memberships
                if scope is None or t.organisation_id in scope
            ],
            entries[a.id],
            year,
            today,
            tracker_rules,
            frozenset(excused[a.id]),
            completed.get(a.id, {}),
        )
        for a in accounts
    }


def books_completed(
    duties: Sequence[DutyType], ids: Select | Iterable[int], year: int
) -> dict[int, dict[tuple[str, Period], date]]:
    """Per account, the book duties of ``year`` her submitted book completes, with the day
    she submitted it (``year_obligations``' ``completed``). One query, none without a book
    duty in the catalogue."""
    codes = [d.code for d in duties if d.completed_by == "book"]
    if not codes:
        return {}
    whole = periods_of_year(year, Cadence.YEAR)[0]
    result: dict[int, dict[tuple[str, Period], date]] = {}
    for (account_id, _year), day in queries.submitted_books(ids, [year], _tz()).items():
        result[account_id] = {(code, whole): day for code in codes}
    return result


@dataclass(frozen=True)
class DutyRow:
    """One duty on her home page: this period's obligation and missed earlier ones."""

    duty: DutyType
    now: Obligation
    missed: list[Obligation]


def home_rows(account: Account, today: date) -> tuple[list[DutyRow], dict[str, list[Obligation]]]:
    """Her duties for the current periods, and the whole year's obligations by duty."""
    year = member_year(account, today.year, today)
    rows = []
    for duty in queries.active_duties():
        row = year[duty.code]
        now = next(o for o in row if o.period.contains(today))
        rows.append(DutyRow(duty, now, [o for o in row if o.status is Status.OVERDUE]))
    return rows, year


def _year_codes(year: int) -> list[str]:
    return [p.code for c in Cadence for p in periods_of_year(year, c)]


def owed_now(year_rows: dict[str, list[Obligation]], today: date) -> list[Obligation]:
    """What she still owes: overdue first (oldest first), then open by deadline."""
    items = [
        o
        for row in year_rows.values()
        for o in row
        if o.status in (Status.OVERDUE, Status.DUE_SOON, Status.OPEN) and o.period.start <= today
    ]
    order = {Status.OVERDUE: 0, Status.DUE_SOON: 1, Status.OPEN: 2}
    return sorted(items, key=lambda o: (order[o.status], o.period.end, o.duty_code))
