"""Read-side helpers of the chair's tracker pages.

Filtering a committee grid, the year's overdue list, excusal reasons and the WeChat
reminder's input. Each runs a fixed number of queries whatever the committee's size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select

from fieldlog import labels
from fieldlog.extensions import db
from fieldlog.models import Account, DutyType, Excusal, Log, Membership
from fieldlog.obligations import Entry, Obligation, Status, year_obligations
from fieldlog.periods import Cadence, Period, parse_period, periods_of_year
from fieldlog.timeutil import to_local
from fieldlog.tracker import queries, service, wechat
from fieldlog.tracker.queries import MemberInfo, duty_specs
from fieldlog.tracker.service import Grid, GridRow

# Grid cells say the same word as every other page (the icon is shown next to it).
CELL_LABEL = labels.STATUS
# The statuses the grid can be filtered by, most urgent first.
FILTER_STATUSES = (
    Status.OVERDUE,
    Status.DUE_SOON,
    Status.OPEN,
    Status.DONE,
    Status.EXCUSED,
    Status.NOT_OWED,
    Status.LEFT,
)
OWING = frozenset({Status.OPEN, Status.DUE_SOON, Status.OVERDUE})
EXCUSABLE = OWING | {Status.UPCOMING}
_NAME_PREFIXES = ("一次", "一本", "一个", "一份")


def short_name(duty: DutyType, locale: str) -> str:
    """A column header: ``联系`` for ``一次联系``; English names stay whole."""
    name = duty.name(locale)
    for prefix in _NAME_PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix):
            return name[len(prefix) :]
    return name


def period_ends(periods: Sequence[Period], locale: str) -> list[tuple[str, date]]:
    """The quarter view's periods grouped by last day: ``[("2026年第4季度、2026年度", end)]``."""
    sep = "、" if locale.startswith("zh") else ", "
    ends: dict[date, list[str]] = {}
    for period in sorted(set(periods), key=lambda p: (p.end, p.cadence.months)):
        ends.setdefault(period.end, []).append(period.label(locale))
    return [(sep.join(labels), end) for end, labels in ends.items()]


def owed_in_order(year_rows: dict[str, list[Obligation]], today: date) -> list[Obligation]:
    """What she owes now: overdue first, then by deadline, duties in catalogue order."""
    order = {code: i for i, code in enumerate(year_rows)}
    urgency = {Status.OVERDUE: 0, Status.DUE_SOON: 1, Status.OPEN: 2}
    return sorted(
        service.owed_now(year_rows, today),
        key=lambda o: (urgency[o.status], o.period.end, order[o.duty_code]),
    )


def is_current(member: MemberInfo, day: date) -> bool:
    """Whether one of her terms on this committee covers ``day``."""
    return any(t.joined_on <= day and (t.left_on is None or t.left_on >= day) for t in member.terms)


def belongs_to(account: Account, org_id: int) -> bool:
    """Whether she has ever had a term on this organisation's committee."""
    return any(t.organisation_id == org_id for t in account.memberships)


@dataclass(frozen=True)
class GridView:
    """A grid narrowed by the filters: the duties shown and each member's cells for them."""

    duties: list[DutyType]
    rows: list[tuple[GridRow, tuple[Obligation, ...]]]


def filter_grid(grid: Grid, duty_code: str | None, status: str | None) -> GridView:
    """Only the chosen duty's column; only members with a shown cell in the chosen status."""
    keep = [i for i, d in enumerate(grid.duties) if not duty_code or d.code == duty_code]
    rows = []
    for row in grid.rows:
        cells = tuple(row.cells[i] for i in keep)
        if status and not any(c.status == status for c in cells):
            continue
        rows.append((row, cells))
    return GridView([grid.duties[i] for i in keep], rows)


def reminder_text(org_name: str, grid: Grid, today: date) -> str:
    """The WeChat reminder for the grid's quarter view: current members and what they owe."""
    names = {d.code: d.name_zh for d in grid.duties}
    debtors = [
        wechat.Debtor(
            row.member.name,
            tuple(
                wechat.Owed(names[c.duty_code], c.period.end, c.status is Status.OVERDUE)
                for c in row.cells
                if c.status in OWING
            ),
        )
        for row in grid.rows
        if is_current(row.member, today)
    ]
    quarter = grid.quarter
    return wechat.reminder(org_name, quarter.label("zh"), quarter.end, today, debtors)


def text_rows(text: str, width: int = 19) -> int:
    """Rows a textarea needs to show ``text`` whole on a phone (``width`` characters a row)."""
    return sum(max(1, -(-len(line) // width)) for line in text.splitlines()) + 1


@dataclass(frozen=True)
class MemberOverdue:
    """One member's overdue obligations of a year, oldest first."""

    member: MemberInfo
    items: list[Obligation]


def _year_codes(year: int) -> list[str]:
    return [p.code for c in Cadence for p in periods_of_year(year, c)]


def overdue_of_year(org_id: int, year: int, today: date) -> list[MemberOverdue]:
    """Everything overdue in ``year`` on this committee, most overdue member first.

    Five queries whatever the size: duties, members' terms, the year's logs, excusals,
    submitted record books.
    """
    duties = queries.active_duties()
    first, last = date(year, 1, 1), min(date(year, 12, 31), today)
    members = queries.members_of([org_id], first, date(year, 12, 31))
    who = select(Membership.account_id).where(Membership.organisation_id == org_id)
    rows = db.session.execute(
        select(Log.account_id, DutyType.code, Log.happened_on, Log.created_at)
        .join(DutyType, DutyType.id == Log.duty_type_id)
        .where(Log.account_id.in_(who), Log.deleted_at.is_(None))
        .where(Log.happened_on.between(first, last))
    ).all()
    tz = current_app.config["TIMEZONE"]
    entries: dict[int, list[Entry]] = defaultdict(list)
    for account_id, code, day, at in rows:
        entries[account_id].append(Entry(code, day, to_local(at, tz).date()))
    code_of = {d.id: d.code for d in duties}
    excused: dict[int, set] = defaultdict(set)
    for account_id, duty_id, period_code in queries.excused_keys(who, _year_codes(year)):
        if duty_id in code_of:
            excused[account_id].add((code_of[duty_id], parse_period(period_code)))
    completed = service.books_completed(duties, who, year)
    specs, rules = duty_specs(duties), service.rules()
    result = []
    for member in members:
        year_rows = year_obligations(
            specs,
            member.terms,
            entries[member.account_id],
            year,
            today,
            rules,
            frozenset(excused[member.account_id]),
            completed.get(member.account_id, {}),
        )
        items = [o for row in year_rows.values() for o in row if o.status is Status.OVERDUE]
        if items:
            items.sort(key=lambda o: (o.period.end, o.period.cadence.months, o.duty_code))
            result.append(MemberOverdue(member, items))
    return sorted(result, key=lambda m: (-len(m.items), m.member.name))


def excusals_of(account_id: int, year: int) -> dict[tuple[str, str], Excusal]:
    """Her excusals in force for ``year``: ``{(duty_code, period_code): Excusal}``."""
    rows = db.session.scalars(
        select(Excusal)
        .where(Excusal.account_id == account_id, Excusal.revoked_at.is_(None))
        .where(Excusal.period_code.in_(_year_codes(year)))
    )
    return {(e.duty_type.code, e.period_code): e for e in rows}


@dataclass(frozen=True)
class YearCell:
    """One cell of her year grid: an obligation spanning ``span`` columns."""

    obligation: Obligation
    span: int


@dataclass(frozen=True)
class YearTable:
    """Her year as a grid: column periods (quarters, or months) and one row per duty."""

    columns: list[Period]
    rows: list[tuple[DutyType, list[YearCell]]]


def year_table(
    year_rows: dict[str, list[Obligation]], duties: Sequence[DutyType], year: int
) -> YearTable:
    """Quarter columns (months when a duty is monthly); a half-year spans two, a year all."""
    monthly = any(d.cadence_enum is Cadence.MONTH for d in duties)
    columns = periods_of_year(year, Cadence.MONTH if monthly else Cadence.QUARTER)
    per_column = 1 if monthly else 3
    rows = [
        (d, [YearCell(o, o.period.cadence.months // per_column) for o in year_rows[d.code]])
        for d in duties
        if d.code in year_rows
    ]
    return YearTable(columns, rows)
