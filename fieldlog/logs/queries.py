"""Read-side helpers for logs and the member's home: everything filtered through access."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import Select, func, select

from fieldlog import access
from fieldlog.errors import NotFound
from fieldlog.extensions import db
from fieldlog.models import Account, DutyType, Log
from fieldlog.obligations import DutySpec, Entry, Obligation, Rules, Term, year_obligations
from fieldlog.periods import Cadence, Period
from fieldlog.timeutil import to_local


def active_duties() -> list[DutyType]:
    """The duty catalogue in display order."""
    return list(
        db.session.scalars(
            select(DutyType).where(DutyType.active.is_(True)).order_by(DutyType.sort_order)
        )
    )


def readable_log(actor: Account, log_id: int) -> Log:
    """A log the actor may read, else ``NotFound`` (no hint whether it exists)."""
    log = db.session.get(Log, log_id)
    if log is None or not access.can_read_log(actor, log):
        raise NotFound("log")
    return log


def filtered_logs(
    actor: Account,
    owner_id: int,
    duty_code: str | None = None,
    period: Period | None = None,
    first: date | None = None,
    last: date | None = None,
) -> Select[tuple[Log]]:
    """Logs of ``owner_id`` visible to ``actor``, newest first, with optional filters."""
    query = access.visible_logs(actor).where(Log.account_id == owner_id)
    if duty_code:
        query = query.join(Log.duty_type).where(DutyType.code == duty_code)
    if period is not None:
        first = max(first, period.start) if first else period.start
        last = min(last, period.end) if last else period.end
    if first:
        query = query.where(Log.happened_on >= first)
    if last:
        query = query.where(Log.happened_on <= last)
    return query.order_by(Log.happened_on.desc(), Log.id.desc())


def rules() -> Rules:
    """The obligation rules from configuration."""
    cfg = current_app.config
    return Rules(
        min_active_days=cfg.get("OBLIGATION_MIN_ACTIVE_DAYS", 30),
        due_soon_days=cfg.get("DUE_SOON_DAYS", 14),
    )


@dataclass(frozen=True)
class DutyRow:
    """One duty on her home page: this period's obligation and missed earlier ones."""

    duty: DutyType
    now: Obligation
    missed: list[Obligation]


def member_year(account: Account, today: date) -> list[DutyRow]:
    """Her duties for the current periods of this year, from one query over her logs."""
    duties = active_duties()
    start = date(today.year, 1, 1)
    rows = db.session.execute(
        select(DutyType.code, Log.happened_on, Log.created_at)
        .join(Log.duty_type)
        .where(Log.account_id == account.id, Log.deleted_at.is_(None))
        .where(Log.happened_on >= start, Log.happened_on <= today)
    ).all()
    tz = current_app.config["TIMEZONE"]
    entries = [Entry(code, day, to_local(created, tz).date()) for code, day, created in rows]
    specs = [DutySpec(d.code, Cadence(d.cadence), d.min_count) for d in duties]
    terms = [Term(t.joined_on, t.left_on) for t in account.memberships]
    year = year_obligations(specs, terms, entries, today.year, today, rules())
    result = []
    for duty in duties:
        row = year[duty.code]
        now = next(o for o in row if o.period.contains(today))
        result.append(DutyRow(duty, now, [o for o in row if o.status == "overdue"]))
    return result


def count_logs(query: Select[tuple[Log]]) -> int:
    """Number of rows a log query would return."""
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
