"""Database reads for record books. Each function runs a fixed number of queries whatever
the number of members."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from fieldlog.extensions import db
from fieldlog.models import (
    Account,
    Attendance,
    Log,
    Meeting,
    Photo,
    RecordBook,
    ReviewEntry,
    ReviewRound,
)
from fieldlog.tracker import queries as tracker_queries
from fieldlog.tracker.queries import MemberInfo
from fieldlog.vocab import ReviewStatus


def year_span(year: int) -> tuple[date, date]:
    """First and last day of ``year``."""
    return date(year, 1, 1), date(year, 12, 31)


def books_of(account_ids: Iterable[int], year: int) -> dict[int, RecordBook]:
    """Each account's book of ``year`` (those that have one), by account id."""
    ids = list(account_ids)
    rows = db.session.scalars(
        select(RecordBook).where(RecordBook.account_id.in_(ids), RecordBook.year == year)
    )
    return {b.account_id: b for b in rows}


def accounts(account_ids: Iterable[int]) -> list[Account]:
    """Accounts with their terms and grants loaded (three queries), in the given order."""
    ids = list(account_ids)
    found = {a.id: a for a in db.session.scalars(select(Account).where(Account.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def logs_of_year(account_ids: Iterable[int], year: int) -> dict[int, list[Log]]:
    """Each account's non-deleted logs dated in ``year``, oldest first (one query)."""
    ids = list(account_ids)
    first, last = year_span(year)
    grouped: dict[int, list[Log]] = {i: [] for i in ids}
    rows = db.session.scalars(
        select(Log)
        .where(Log.account_id.in_(ids), Log.deleted_at.is_(None))
        .where(Log.happened_on.between(first, last))
        .order_by(Log.account_id, Log.happened_on, Log.created_at, Log.id)
    )
    for log in rows:
        grouped[log.account_id].append(log)
    return grouped


def photos_of(log_ids: Iterable[int]) -> dict[int, list[Photo]]:
    """The live photos of these logs, oldest first, by log id (one query, none for no logs)."""
    ids = list(log_ids)
    grouped: dict[int, list[Photo]] = defaultdict(list)
    if not ids:
        return grouped
    rows = db.session.scalars(
        select(Photo)
        .where(Photo.log_id.in_(ids), Photo.deleted_at.is_(None))
        .order_by(Photo.log_id, Photo.id)
    )
    for photo in rows:
        grouped[photo.log_id].append(photo)
    return grouped


def closed_reviews(account_ids: Iterable[int], year: int) -> dict[int, list[ReviewEntry]]:
    """Each account's entries in the closed review rounds of ``year``, by half (one query)."""
    ids = list(account_ids)
    grouped: dict[int, list[ReviewEntry]] = {i: [] for i in ids}
    rows = db.session.scalars(
        select(ReviewEntry)
        .join(ReviewEntry.round)
        .options(contains_eager(ReviewEntry.round))
        .where(ReviewEntry.account_id.in_(ids))
        .where(ReviewRound.half.in_([f"{year}H1", f"{year}H2"]))
        .where(ReviewRound.status == ReviewStatus.CLOSED.value)
        .order_by(ReviewRound.half, ReviewRound.id)
    )
    for entry in rows:
        grouped[entry.account_id].append(entry)
    return grouped


def attendance_of_year(account_ids: Iterable[int], year: int) -> dict[int, list[Attendance]]:
    """Each account's attendance at the committee meetings of ``year``, oldest first."""
    ids = list(account_ids)
    first, last = year_span(year)
    grouped: dict[int, list[Attendance]] = {i: [] for i in ids}
    rows = db.session.scalars(
        select(Attendance)
        .join(Attendance.meeting)
        .options(contains_eager(Attendance.meeting))
        .where(Attendance.account_id.in_(ids), Meeting.held_on.between(first, last))
        .order_by(Meeting.held_on, Meeting.id)
    )
    for row in rows:
        grouped[row.account_id].append(row)
    return grouped


# The chair's view of a committee ------------------------------------------------------------


@dataclass
class CommitteeBook:
    """One member of the committee that year, her book, and logs added after submission."""

    member: MemberInfo
    book: RecordBook | None
    added_after: list[Log] = field(default_factory=list)

    @property
    def submitted(self) -> bool:
        return self.book is not None and self.book.is_submitted


def committee_books(org_id: int, year: int) -> list[CommitteeBook]:
    """Everyone on the committee in ``year``, by name, with her book and the logs of that
    year she added after submitting it (three queries)."""
    first, last = year_span(year)
    members = tracker_queries.members_of([org_id], first, last)
    ids = [m.account_id for m in members]
    books = books_of(ids, year)
    added = added_after_submission(ids, year)
    return [CommitteeBook(m, books.get(m.account_id), added[m.account_id]) for m in members]


def added_after_submission(account_ids: Sequence[int], year: int) -> dict[int, list[Log]]:
    """Per account, her non-deleted logs dated in ``year`` and entered after her book of that
    year was submitted (one query)."""
    first, last = year_span(year)
    grouped: dict[int, list[Log]] = {i: [] for i in account_ids}
    rows = db.session.scalars(
        select(Log)
        .join(RecordBook, (RecordBook.account_id == Log.account_id) & (RecordBook.year == year))
        .where(Log.account_id.in_(list(account_ids)), Log.deleted_at.is_(None))
        .where(Log.happened_on.between(first, last))
        .where(RecordBook.submitted_at.is_not(None), Log.created_at > RecordBook.submitted_at)
        .order_by(Log.account_id, Log.happened_on, Log.id)
    )
    for log in rows:
        grouped[log.account_id].append(log)
    return grouped
