"""Recording committee meetings and their attendance: the single copy of the rules.

- Only the chair (or vice chair) of the committee records or edits its meetings.
- A meeting is not held in the future.
- Attendance lists exactly the members whose term covers the meeting day, each present,
  excused (with a reason) or absent without excuse.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _

from fieldlog import access
from fieldlog.audit import diff, record, snapshot
from fieldlog.errors import DomainError, FieldErrors, NotAllowed
from fieldlog.extensions import db
from fieldlog.meetings import queries
from fieldlog.models import Account, Attendance, Meeting, Organisation
from fieldlog.vocab import AttendanceStatus, AuditAction, MeetingKind

MAX_REASON = 200
FIELDS = ("held_on", "kind", "topics", "decisions")


@dataclass(frozen=True)
class MeetingInput:
    """What the chair enters: ``attendance`` maps an account id to (status, reason)."""

    held_on: date | None
    kind: str | None
    topics: str = ""
    decisions: str = ""
    attendance: Mapping[int, tuple[str | None, str | None]] = field(default_factory=dict)


def status_field(account_id: int) -> str:
    """Name of the form field holding one member's attendance status."""
    return f"status_{account_id}"


def reason_field(account_id: int) -> str:
    """Name of the form field holding one member's excuse."""
    return f"reason_{account_id}"


def _check_attendance(
    data: MeetingInput, member_ids: list[int], errors: dict[str, list[str]]
) -> dict[int, tuple[str, str | None]]:
    statuses = {s.value for s in AttendanceStatus}
    clean: dict[int, tuple[str, str | None]] = {}
    for account_id in member_ids:
        status, reason = data.attendance.get(account_id, (None, None))
        reason = (reason or "").strip() or None
        if status not in statuses:
            errors[status_field(account_id)] = [_("Please choose present, excused or absent.")]
            continue
        if status == AttendanceStatus.EXCUSED and not reason:
            errors[reason_field(account_id)] = [_("Please give the reason she was excused.")]
            continue
        if reason and len(reason) > MAX_REASON:
            errors[reason_field(account_id)] = [_("At most 200 characters.")]
            continue
        clean[account_id] = (status, reason if status == AttendanceStatus.EXCUSED else None)
    strangers = set(data.attendance) - set(member_ids)
    if strangers and not errors:
        raise DomainError(_("Someone listed was not on the committee on that day."))
    return clean


def _validate(org: Organisation, data: MeetingInput, today: date) -> dict[int, Any]:
    errors: dict[str, list[str]] = {}
    if data.held_on is None:
        errors["held_on"] = [_("Please enter the date of the meeting.")]
    elif data.held_on > today:
        errors["held_on"] = [_("The meeting date cannot be in the future.")]
    if data.kind not in {k.value for k in MeetingKind}:
        errors["kind"] = [_("Please choose the kind of meeting.")]
    if errors.get("held_on"):
        raise FieldErrors(errors)
    assert data.held_on is not None  # noqa: S101 - checked just above
    member_ids = [a.id for a in queries.active_members(org.id, data.held_on)]
    if not member_ids:
        errors["held_on"] = [_("Nobody was on the committee on that day.")]
    clean = _check_attendance(data, member_ids, errors)
    if errors:
        raise FieldErrors(errors)
    return clean


def _check_chair(actor: Account, org_id: int) -> None:
    if not access.is_chair_of(actor, org_id):
        raise NotAllowed(_("Only the chair of this committee records its meetings."))


def _attendance_snapshot(rows: Mapping[int, tuple[str, str | None]]) -> dict[str, list]:
    return {str(k): [status, reason] for k, (status, reason) in sorted(rows.items())}


def record_meeting(actor: Account, org: Organisation, data: MeetingInput, today: date) -> Meeting:
    """Record a meeting of ``org``'s committee with every active member's attendance."""
    _check_chair(actor, org.id)
    clean = _validate(org, data, today)
    meeting = Meeting(
        organisation_id=org.id,
        held_on=data.held_on,
        kind=data.kind,
        topics=data.topics.strip(),
        decisions=data.decisions.strip(),
        created_by_id=actor.id,
        attendance=[
            Attendance(account_id=k, status=status, reason=reason)
            for k, (status, reason) in clean.items()
        ],
    )
    db.session.add(meeting)
    db.session.flush()
    changes = {**snapshot(meeting, FIELDS), "attendance": _attendance_snapshot(clean)}
    record(actor, AuditAction.CREATE, "meeting", meeting.id, changes)
    db.session.flush()
    return meeting


def update_meeting(actor: Account, meeting: Meeting, data: MeetingInput, today: date) -> Meeting:
    """Change a recorded meeting and its attendance (the meeting's attendance is loaded)."""
    _check_chair(actor, meeting.organisation_id)
    org = db.session.get(Organisation, meeting.organisation_id)
    assert org is not None  # noqa: S101 - the foreign key guarantees it
    clean = _validate(org, data, today)
    before = snapshot(meeting, FIELDS)
    old_rows = {a.account_id: a for a in meeting.attendance}
    old = {k: (a.status, a.reason) for k, a in old_rows.items()}
    meeting.held_on = data.held_on  # type: ignore[assignment] - validated above
    meeting.kind = data.kind  # type: ignore[assignment]
    meeting.topics = data.topics.strip()
    meeting.decisions = data.decisions.strip()
    for account_id, row in old_rows.items():
        if account_id not in clean:
            meeting.attendance.remove(row)
    for account_id, (status, reason) in clean.items():
        row = old_rows.get(account_id)
        if row is None:
            meeting.attendance.append(
                Attendance(account_id=account_id, status=status, reason=reason)
            )
        else:
            row.status, row.reason = status, reason
    changes: dict[str, Any] = diff(before, snapshot(meeting, FIELDS))
    if old != clean:
        changes["attendance"] = [_attendance_snapshot(old), _attendance_snapshot(clean)]
    record(actor, AuditAction.UPDATE, "meeting", meeting.id, changes)
    db.session.flush()
    return meeting
