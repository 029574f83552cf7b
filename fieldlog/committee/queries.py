"""Read-side helpers for committee pages."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from fieldlog.extensions import db
from fieldlog.models import Account, Log, Membership


def committee_terms(org_id: int, today: date, current_only: bool = True) -> list[Membership]:
    """Membership terms of the committee (current ones by default), by name."""
    query = (
        select(Membership)
        .join(Membership.account)
        .options(joinedload(Membership.account))
        .where(Membership.organisation_id == org_id)
        .order_by(Membership.left_on.is_not(None), Account.display_name)
    )
    if current_only:
        query = query.where(
            Membership.joined_on <= today,
            or_(Membership.left_on.is_(None), Membership.left_on >= today),
        )
    return list(db.session.scalars(query).unique())


def log_counts(account_ids: list[int], first: date, last: date) -> dict[int, int]:
    """Non-deleted logs per account dated in first..last, in one grouped query."""
    if not account_ids:
        return {}
    rows = db.session.execute(
        select(Log.account_id, func.count())
        .where(Log.account_id.in_(account_ids), Log.deleted_at.is_(None))
        .where(Log.happened_on.between(first, last))
        .group_by(Log.account_id)
    ).all()
    return dict(rows)


def rejoinable_term_ids(terms: list[Membership], today: date) -> set[int]:
    """Of the loaded ``terms`` (one committee's), the last one of each former member who
    may re-join: her last term there ended before ``today``."""
    last: dict[int, Membership] = {}
    for term in sorted(terms, key=lambda t: t.joined_on):
        last[term.account_id] = term
    return {term.id for term in last.values() if term.left_on is not None and term.left_on < today}
