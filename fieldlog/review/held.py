"""How a round is held (第八条): at a 述职评议会 meeting, with oral reports at mid-year.

- The chair links the round to a 述职评议会 of the same committee held (or announced) on or
  after the half-year began; its date and attendance show on the round page and the sheet.
- At a mid-year round she marks who gave her oral report; the year-end round (年度述职评议)
  asks for a written report instead, which ``service.rate`` requires before rating.

Each change is audited and flushed; the caller commits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from fieldlog.audit import record
from fieldlog.errors import DomainError, FieldErrors
from fieldlog.extensions import db
from fieldlog.models import Account, Attendance, Meeting, ReviewEntry, ReviewRound
from fieldlog.periods import parse_period
from fieldlog.review.service import _check_chair, _check_open
from fieldlog.vocab import AttendanceStatus, AuditAction, MeetingKind


@dataclass(frozen=True)
class HeldAt:
    """The round's meeting: its date, attendance counts and each member's status."""

    meeting_id: int
    held_on: date
    counts: Counter[str] = field(default_factory=Counter)
    status_of: dict[int, str] = field(default_factory=dict)
    reason_of: dict[int, str | None] = field(default_factory=dict)


def review_meetings(round_: ReviewRound) -> list[Meeting]:
    """The 述职评议会 meetings the round may be linked to, newest first (one query)."""
    start = parse_period(round_.half).start
    return list(
        db.session.scalars(
            select(Meeting)
            .where(
                Meeting.organisation_id == round_.organisation_id,
                Meeting.kind == MeetingKind.REVIEW.value,
                Meeting.held_on >= start,
            )
            .order_by(Meeting.held_on.desc(), Meeting.id.desc())
        )
    )


def held_at(round_: ReviewRound) -> HeldAt | None:
    """The linked meeting with its attendance (one query), or None."""
    if round_.meeting_id is None:
        return None
    meeting = db.session.scalars(
        select(Meeting)
        .where(Meeting.id == round_.meeting_id)
        .options(selectinload(Meeting.attendance))
    ).one()
    rows: list[Attendance] = list(meeting.attendance)
    return HeldAt(
        meeting.id,
        meeting.held_on,
        Counter(a.status for a in rows),
        {a.account_id: a.status for a in rows},
        {a.account_id: a.reason for a in rows},
    )


def names(at: HeldAt | None, entries: Sequence[ReviewEntry]) -> dict[str, list[str]]:
    """Who was excused (with the reason) and who was absent, by the round's order."""
    result: dict[str, list[str]] = {"excused": [], "absent": []}
    if at is None:
        return result
    for entry in entries:
        status, name = at.status_of.get(entry.account_id), entry.account.display_name
        reason = at.reason_of.get(entry.account_id)
        if status == AttendanceStatus.EXCUSED:
            result["excused"].append(f"{name}（{reason}）" if reason else name)
        elif status == AttendanceStatus.ABSENT:
            result["absent"].append(name)
    return result


def link_meeting(actor: Account, round_: ReviewRound, meeting_id: int | None) -> ReviewRound:
    """Link the round to one of ``review_meetings`` (None unlinks it)."""
    _check_chair(actor, round_.organisation_id)
    _check_open(round_)
    if meeting_id is not None and meeting_id not in {m.id for m in review_meetings(round_)}:
        raise FieldErrors(
            {
                "meeting_id": _(
                    "Choose a duty review meeting of this committee held after the half-year began."
                )
            }
        )
    before, round_.meeting_id = round_.meeting_id, meeting_id
    if before != meeting_id:
        changes = {"meeting_id": [before, meeting_id]}
        record(actor, AuditAction.UPDATE, "review_round", round_.id, changes)
    db.session.flush()
    return round_


def mark_oral_reports(
    actor: Account, round_: ReviewRound, reported: Collection[int]
) -> ReviewRound:
    """Mark who gave her oral report at a mid-year round (entries loaded): exactly the
    members in ``reported``."""
    _check_chair(actor, round_.organisation_id)
    _check_open(round_)
    if round_.is_year_end:
        raise DomainError(
            _("The annual review asks for a written report: each member submits hers.")
        )
    members = {e.account_id for e in round_.entries}
    if set(reported) - members:
        raise DomainError(_("Someone marked is not in this review."))
    before = sorted(e.account_id for e in round_.entries if e.oral_reported)
    for entry in round_.entries:
        entry.oral_reported = entry.account_id in reported
    after = sorted(e.account_id for e in round_.entries if e.oral_reported)
    if before != after:
        record(actor, AuditAction.UPDATE, "review_round", round_.id, {"oral": [before, after]})
    db.session.flush()
    return round_
