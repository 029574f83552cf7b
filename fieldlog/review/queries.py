"""Read-side helpers for review pages. Each function runs a fixed number of queries."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from fieldlog.extensions import db
from fieldlog.models import ReviewEntry, ReviewRound
from fieldlog.vocab import ReviewStatus


def rounds_of(org_id: int) -> list[ReviewRound]:
    """The committee's review rounds, newest half first."""
    return list(
        db.session.scalars(
            select(ReviewRound)
            .where(ReviewRound.organisation_id == org_id)
            .order_by(ReviewRound.half.desc())
        )
    )


def round_with_entries(round_id: int) -> ReviewRound | None:
    """One round with its entries, their accounts and ratings loaded (three queries)."""
    round_ = db.session.scalars(
        select(ReviewRound)
        .where(ReviewRound.id == round_id)
        .options(selectinload(ReviewRound.entries))
    ).first()
    if round_ is not None:
        round_.entries.sort(key=sort_key)
    return round_


def sort_key(entry: ReviewEntry) -> tuple:
    """Entries in a round: by name."""
    return (entry.account.display_name, entry.account_id)


def entry_of(round_id: int, account_id: int) -> ReviewEntry | None:
    """One member's entry in a round, with the round loaded."""
    return db.session.scalars(
        select(ReviewEntry)
        .where(ReviewEntry.round_id == round_id, ReviewEntry.account_id == account_id)
        .options(selectinload(ReviewEntry.round))
    ).first()


def entries_of(account_id: int) -> list[ReviewEntry]:
    """Her entries in every round, newest half first, rounds loaded."""
    return list(
        db.session.scalars(
            select(ReviewEntry)
            .join(ReviewEntry.round)
            .where(ReviewEntry.account_id == account_id)
            .options(selectinload(ReviewEntry.round))
            .order_by(ReviewRound.half.desc())
        )
    )


def reports_to_write(account_id: int) -> list[ReviewEntry]:
    """Her entries in open rounds whose report she has not submitted (one query)."""
    return list(
        db.session.scalars(
            select(ReviewEntry)
            .join(ReviewEntry.round)
            .where(
                ReviewEntry.account_id == account_id,
                ReviewEntry.report_submitted_at.is_(None),
                ReviewRound.status == ReviewStatus.OPEN.value,
            )
            .options(selectinload(ReviewEntry.round))
            .order_by(ReviewRound.half)
        )
    )
