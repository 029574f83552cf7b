"""Read-side helpers for committee pages."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from fieldlog.extensions import db
from fieldlog.models import Account, Log, Membership
from fieldlog.vocab import LeaveKind


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


def log_counts(org_id: int, first: date, last: date) -> dict[int, int]:
    """Non-deleted logs per member dated in first..last and made while on this committee
    (within one of her terms on it), in one grouped query."""
    rows = db.session.execute(
        select(Log.account_id, func.count())
        .join(
            Membership,
            and_(
                Membership.account_id == Log.account_id,
                Membership.organisation_id == org_id,
                Membership.joined_on <= Log.happened_on,
                or_(Membership.left_on.is_(None), Membership.left_on >= Log.happened_on),
            ),
        )
        .where(Log.deleted_at.is_(None), Log.happened_on.between(first, last))
        .group_by(Log.account_id)
    ).all()
    return dict(rows)


def rejoinable_term_ids(terms: list[Membership], today: date) -> set[int]:
    """Of the loaded ``terms`` (one committee's), the last one of each former member who
    may re-join: her last term there ended before ``today``, other than by a move (she comes
    back by a move, not a re-join)."""
    last: dict[int, Membership] = {}
    for term in sorted(terms, key=lambda t: t.joined_on):
        last[term.account_id] = term
    return {
        term.id
        for term in last.values()
        if term.left_on is not None
        and term.left_on < today
        and term.leave_kind != LeaveKind.TRANSFERRED
    }
