"""Database reads for the tracker: membership terms, grouped log counts, excusals.

Every function here runs a fixed number of queries whatever the number of members:
counts are grouped in the database by (member, duty), never fetched per member.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, case, func, or_, select

from fieldlog.extensions import db
from fieldlog.models import Account, DutyType, Excusal, Log, Membership, Organisation
from fieldlog.obligations import DutySpec, Term
from fieldlog.periods import Cadence, Period, parse_period, period_of


@dataclass(frozen=True)
class MemberInfo:
    """A committee member as the tracker shows her: who, where, and her terms there."""

    account_id: int
    name: str
    org_id: int
    terms: tuple[Term, ...]


@dataclass(frozen=True)
class Tally:
    """Grouped count of one member's logs for one duty within one window."""

    count: int
    last_on: date | None
    late: int


def duty_specs(duties: Iterable[DutyType]) -> list[DutySpec]:
    """The rule-relevant part of each duty type."""
    return [
        DutySpec(d.code, Cadence(d.cadence), d.min_count, by_logs=d.completed_by == "logs")
        for d in duties
    ]


def active_duties() -> list[DutyType]:
    """The duty catalogue in display order."""
    query = select(DutyType).where(DutyType.active.is_(True)).order_by(DutyType.sort_order)
    return list(db.session.scalars(query))


def members_of(org_ids: Select | Iterable[int], first: date, last: date) -> list[MemberInfo]:
    """Everyone with a term in these organisations overlapping first..last, by name."""
    org_filter = Membership.organisation_id.in_(org_ids)
    rows = db.session.execute(
        select(
            Membership.account_id,
            Account.display_name,
            Membership.organisation_id,
            Membership.joined_on,
            Membership.left_on,
        )
        .join(Account, Account.id == Membership.account_id)
        .where(org_filter, Membership.joined_on <= last)
        .where(or_(Membership.left_on.is_(None), Membership.left_on >= first))
        .order_by(Account.display_name, Membership.joined_on)
    ).all()
    grouped: dict[tuple[int, int], list] = defaultdict(list)
    names: dict[int, str] = {}
    for account_id, name, org_id, joined_on, left_on in rows:
        grouped[(account_id, org_id)].append(Term(joined_on, left_on))
        names[account_id] = name
    return [MemberInfo(a, names[a], o, tuple(t)) for (a, o), t in grouped.items()]


def subtree_org_ids(root: Organisation) -> Select:
    """Ids of the organisation and everything below it."""
    return select(Organisation.id).where(Organisation.path.startswith(root.path))


def _cutoff(period: Period, tz: str) -> datetime:
    """The first instant after the period's last local day: entries from then on are late."""
    return datetime.combine(period.end + timedelta(days=1), time(), ZoneInfo(tz))


def grouped_counts(
    account_ids: Iterable[int] | Select, windows: Mapping[int, Period], tz: str
) -> dict[tuple[int, int], Tally]:
    """``{(account_id, duty_type_id): Tally}`` for logs inside each duty's period window.

    One query for any number of members: each duty type has its own window (a quarter,
    half-year or year), matched by one condition each, grouped by member and duty.
    """
    if not windows:
        return {}
    in_window = or_(
        *(
            and_(Log.duty_type_id == duty_id, Log.happened_on.between(p.start, p.end))
            for duty_id, p in windows.items()
        )
    )
    late = case(
        *(
            (and_(Log.duty_type_id == duty_id, Log.created_at >= _cutoff(p, tz)), 1)
            for duty_id, p in windows.items()
        ),
        else_=0,
    )
    rows = db.session.execute(
        select(
            Log.account_id,
            Log.duty_type_id,
            func.count(),
            func.max(Log.happened_on),
            func.sum(late),
        )
        .where(Log.deleted_at.is_(None), Log.account_id.in_(account_ids), in_window)
        .group_by(Log.account_id, Log.duty_type_id)
    ).all()
    return {(a, d): Tally(n, last, int(late_n or 0)) for a, d, n, last, late_n in rows}


def excused_keys(
    account_ids: Iterable[int] | Select, period_codes: Iterable[str]
) -> set[tuple[int, int, str]]:
    """``{(account_id, duty_type_id, period_code)}`` of excusals in force."""
    codes = list(period_codes)
    if not codes:
        return set()
    rows = db.session.execute(
        select(Excusal.account_id, Excusal.duty_type_id, Excusal.period_code)
        .where(Excusal.revoked_at.is_(None), Excusal.account_id.in_(account_ids))
        .where(Excusal.period_code.in_(codes))
    ).all()
    return {tuple(r) for r in rows}


def parse_quarter(code: str | None, today: date) -> Period:
    """The quarter named by ``code`` (``2026Q3``), or the current one when absent or bad."""
    if code:
        try:
            period = parse_period(code)
        except ValueError:
            period = None
        if period is not None and period.cadence is Cadence.QUARTER and period.start <= today:
            return period
    return period_of(today, Cadence.QUARTER)
