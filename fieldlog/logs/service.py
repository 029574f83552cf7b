"""Creating, changing and deleting logs: the one copy of the rules, for pages and API."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, fields
from datetime import date
from decimal import Decimal
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from fieldlog import access, audit
from fieldlog.catalogue import LOG_FIELDS
from fieldlog.errors import Conflict, FieldErrors, NotAllowed
from fieldlog.extensions import db
from fieldlog.models import Account, DutyType, Log
from fieldlog.timeutil import now_utc
from fieldlog.vocab import AuditAction, HelpTarget, Method, ProposalStatus

MIN_VOLUNTEER_HOURS = HOURS_STEP = Decimal("0.5")
MAX_VOLUNTEER_HOURS = Decimal(100)
CHOICES: dict[str, frozenset[str]] = {
    "method": frozenset(Method),
    "proposal_status": frozenset(ProposalStatus),
    "help_target": frozenset(HelpTarget),
}
AUDITED = ("duty_type_id", "happened_on", *LOG_FIELDS)


@dataclass(frozen=True)
class LogInput:
    """What a member submits for one log; fields her duty does not ask for are ignored."""

    happened_on: date | None = None
    method: str | None = None
    place: str | None = None
    women_count: int | None = None
    topic: str | None = None
    needs: str | None = None
    proposal_text: str | None = None
    proposal_status: str | None = None
    proposal_answer: str | None = None
    help_target: str | None = None
    help_kind: str | None = None
    volunteer_activity: str | None = None
    volunteer_hours: Decimal | None = None
    women_names: str | None = None
    notes: str | None = None

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> LogInput:
        """Build from a dict (form data), keeping only known fields; blank text is None."""
        names = {f.name for f in fields(cls)}
        clean = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in data.items()}
        return cls(**{k: v for k, v in clean.items() if k in names})


def duty_by_code(code: str) -> DutyType | None:
    """An active duty type by its code."""
    return db.session.scalars(
        select(DutyType).where(DutyType.code == code, DutyType.active.is_(True))
    ).first()


def normalise_client_id(raw: str | None) -> str:
    """A canonical UUID string; a fresh one when none was sent."""
    if not raw:
        return str(uuid.uuid4())
    try:
        return str(uuid.UUID(str(raw)))
    except ValueError:
        raise FieldErrors({"client_id": _("Not a valid entry id.")}) from None


def _check_date(actor: Account, day: date | None, today: date) -> dict[str, str]:
    if day is None:
        return {"happened_on": _("Please enter the date.")}
    if day > today:
        return {"happened_on": _("The date cannot be in the future.")}
    terms = actor.memberships
    if not any(t.active_on(day) for t in terms):
        first = min((t.joined_on for t in terms), default=None)
        if first is not None and day < first:
            return {
                "happened_on": _("The date is before you joined the committee (%(d)s).", d=first)
            }
        if terms and all(t.left_on is not None for t in terms):
            last = max(t.left_on for t in terms if t.left_on is not None)
            if day > last:
                return {
                    "happened_on": _(
                        "You left the committee on %(d)s; nothing after that day can be added.",
                        d=last,
                    )
                }
        return {"happened_on": _("You were not on the committee on that date.")}
    return {}


def _check_values(duty: DutyType, data: LogInput) -> dict[str, str]:
    """Problems with the values: a choice that is not one (whatever the field), and the
    rules of the fields ``duty`` asks for (the others are not stored)."""
    errors: dict[str, str] = {}
    sent = asdict(data)
    for name, allowed in CHOICES.items():
        if sent.get(name) is not None and sent[name] not in allowed:
            errors[name] = _("Please choose one of the options.")
    values = {name: value for name, value in sent.items() if name in duty.fields}
    for name in duty.required:
        if values.get(name) in (None, ""):
            errors[name] = _("This is required for this duty.")
    limit = current_app.config["MAX_WOMEN_PER_LOG"]
    count = values.get("women_count")
    if count is not None and not 0 <= count <= limit:
        errors["women_count"] = _("Enter a whole number from 0 to %(n)s.", n=limit)
    hours = values.get("volunteer_hours")
    if hours is not None and not valid_hours(hours):
        errors["volunteer_hours"] = _("Enter hours from 0.5 to 100, in steps of 0.5 (e.g. 2.5).")
    return errors


def valid_hours(hours: Decimal) -> bool:
    """Volunteer hours: a number from 0.5 to 100 in steps of 0.5, as the form asks."""
    if not hours.is_finite() or not MIN_VOLUNTEER_HOURS <= hours <= MAX_VOLUNTEER_HOURS:
        return False
    return hours % HOURS_STEP == 0


def validate(actor: Account, duty: DutyType, data: LogInput, today: date) -> dict[str, Any]:
    """The values to store for this duty; raises ``FieldErrors`` listing every problem."""
    errors = _check_date(actor, data.happened_on, today) | _check_values(duty, data)
    if errors:
        raise FieldErrors(errors)
    values = asdict(data)
    kept = {name: values[name] if name in duty.fields else None for name in LOG_FIELDS}
    if "proposal_status" in duty.fields and not kept["proposal_status"]:
        kept["proposal_status"] = ProposalStatus.SUBMITTED.value
    return {"happened_on": data.happened_on, **kept}


def find_by_client_id(client_id: str) -> Log | None:
    """The log carrying this client id, deleted or not."""
    return db.session.scalars(select(Log).where(Log.client_id == client_id)).first()


def _existing_for(actor: Account, client_id: str) -> Log | None:
    existing = find_by_client_id(client_id)
    if existing is not None and existing.account_id != actor.id:
        raise Conflict(_("This entry id is already in use."))
    if existing is not None and existing.is_deleted:
        raise Conflict(_("This entry was deleted."))
    return existing


def create_log(
    actor: Account, duty: DutyType, data: LogInput, today: date, client_id: str | None = None
) -> tuple[Log, bool]:
    """Save a new log, or return the one already saved under the same ``client_id``.

    Returns ``(log, created)``. Safe against double taps and retries: the client id is
    unique, and a concurrent insert of the same id is caught and resolved to the winner.
    """
    cid = normalise_client_id(client_id)
    existing = _existing_for(actor, cid)
    if existing is not None:
        return existing, False
    if not actor.memberships:
        raise NotAllowed(_("Only committee members keep duty logs."))
    values = validate(actor, duty, data, today)
    log = Log(client_id=cid, account_id=actor.id, created_by_id=actor.id, duty_type_id=duty.id)
    for name, value in values.items():
        setattr(log, name, value)
    try:
        with db.session.begin_nested():
            db.session.add(log)
    except IntegrityError:
        winner = _existing_for(actor, cid)
        if winner is None:
            raise
        return winner, False
    audit.record(
        actor, AuditAction.CREATE, "log", log.id, audit.diff({}, audit.snapshot(log, AUDITED))
    )
    db.session.flush()
    return log, True


def update_log(
    actor: Account, log: Log, data: LogInput, today: date, expected_version: int | None = None
) -> Log:
    """Change her own log; refuses with ``Conflict`` if it changed since she loaded it."""
    if not access.can_edit_log(actor, log):
        raise NotAllowed(_("You can only change your own entries."))
    if expected_version is not None and expected_version != log.version:
        raise Conflict(_("This entry was changed elsewhere. Reload it and try again."))
    before = audit.snapshot(log, AUDITED)
    for name, value in validate(actor, log.duty_type, data, today).items():
        setattr(log, name, value)
    changes = audit.diff(before, audit.snapshot(log, AUDITED))
    if changes:
        log.version += 1
        log.updated_at = now_utc()
        audit.record(actor, AuditAction.UPDATE, "log", log.id, changes)
    db.session.flush()
    return log


def holds_values(actor: Account, log: Log, data: LogInput, today: date) -> bool:
    """Whether the log already holds exactly what ``data`` would store."""
    try:
        values = validate(actor, log.duty_type, data, today)
    except FieldErrors:
        return False
    return all(getattr(log, name) == value for name, value in values.items())


def replay_edit(
    actor: Account, log: Log, data: LogInput, today: date, expected_version: int
) -> bool:
    """An edit queued on a phone against ``expected_version``, perhaps sent more than once.

    Applied while the log is still at that version. Once the log has moved on, the edit
    is accepted without change only if the log already holds exactly these values (the
    same edit sent again after its answer was lost); anything else is a ``Conflict``,
    never an overwrite. Returns whether the log changed now.
    """
    if expected_version == log.version:
        before = log.version
        update_log(actor, log, data, today, expected_version)
        return log.version != before
    if not access.can_edit_log(actor, log):
        raise NotAllowed(_("You can only change your own entries."))
    if holds_values(actor, log, data, today):
        return False
    raise Conflict(_("This entry was changed elsewhere. Reload it and try again."))


def delete_log(actor: Account, log: Log) -> None:
    """Soft-delete her own log; it stops counting and disappears from lists."""
    if not access.can_delete_log(actor, log):
        raise NotAllowed(_("You can only delete your own entries."))
    log.deleted_at = now_utc()
    log.deleted_by_id = actor.id
    log.version += 1
    audit.record(actor, AuditAction.DELETE, "log", log.id)
    db.session.flush()


def usual_method(actor: Account) -> str:
    """The method of her latest log, as the default for the next one."""
    method = db.session.scalars(
        select(Log.method)
        .where(Log.account_id == actor.id, Log.method.is_not(None), Log.deleted_at.is_(None))
        .order_by(Log.created_at.desc())
        .limit(1)
    ).first()
    return method or Method.VISIT.value
