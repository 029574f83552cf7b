"""Read-side helpers for logs and the member's home: everything filtered through access."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, func, select

from fieldlog import access
from fieldlog.extensions import db
from fieldlog.models import Account, DutyType, Log
from fieldlog.periods import Period
from fieldlog.tracker.queries import active_duties  # noqa: F401 - one catalogue query


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


def count_logs(query: Select[tuple[Log]]) -> int:
    """Number of rows a log query would return."""
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
