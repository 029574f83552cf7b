"""Read-side helpers for meeting pages. Each function runs a fixed number of queries."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from fieldlog.extensions import db
from fieldlog.models import Account, Attendance, Meeting, Membership


def active_members(org_id: int, day: date) -> list[Account]:
    """Accounts whose membership term in ``org_id`` covers ``day``, by name (one query)."""
    query = (
        select(Account)
        .join(Membership, Membership.account_id == Account.id)
        .where(
            Membership.organisation_id == org_id,
            Membership.joined_on <= day,
            or_(Membership.left_on.is_(None), Membership.left_on >= day),
        )
        .order_by(Account.display_name, Account.id)
        .distinct()
    )
    return list(db.session.scalars(query).unique())


@dataclass(frozen=True)
class MeetingRow:
    """A meeting in the committee's list, with its attendance counted by status."""

    meeting: Meeting
    counts: Counter[str]


def meetings_of(org_id: int) -> list[MeetingRow]:
    """The committee's meetings, newest first, with attendance counts (two queries)."""
    meetings = list(
        db.session.scalars(
            select(Meeting)
            .where(Meeting.organisation_id == org_id)
            .order_by(Meeting.held_on.desc(), Meeting.id.desc())
        )
    )
    counts: dict[int, Counter[str]] = {m.id: Counter() for m in meetings}
    if meetings:
        rows = db.session.execute(
            select(Attendance.meeting_id, Attendance.status, func.count())
            .where(Attendance.meeting_id.in_(counts))
            .group_by(Attendance.meeting_id, Attendance.status)
        )
        for meeting_id, status, n in rows:
            counts[meeting_id][status] = n
    return [MeetingRow(m, counts[m.id]) for m in meetings]


def meeting_with_attendance(meeting_id: int) -> Meeting | None:
    """One meeting with its attendance rows and their accounts loaded."""
    return db.session.scalars(
        select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(selectinload(Meeting.attendance).joinedload(Attendance.account))
    ).first()


def attendance_of(account_id: int) -> list[Attendance]:
    """The member's own attendance rows with their meetings, newest meeting first."""
    return list(
        db.session.scalars(
            select(Attendance)
            .join(Attendance.meeting)
            .options(joinedload(Attendance.meeting))
            .where(Attendance.account_id == account_id)
            .order_by(Meeting.held_on.desc(), Meeting.id.desc())
        )
    )
