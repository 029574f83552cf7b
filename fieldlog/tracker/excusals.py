"""Excusing one obligation (member, duty, period) with a reason: audited and reversible."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from fieldlog import access, audit
from fieldlog.errors import DomainError, FieldErrors, NotAllowed
from fieldlog.extensions import db
from fieldlog.models import Account, DutyType, Excusal
from fieldlog.periods import Cadence, Period, parse_period
from fieldlog.timeutil import now_utc
from fieldlog.vocab import AuditAction

MAX_REASON = 200


def _check_excusable(actor: Account, member: Account, duty: DutyType, period: Period) -> None:
    if actor.id == member.id:
        raise NotAllowed(_("You cannot excuse your own duties; another chair or vice chair can."))
    if not access.can_excuse(actor, member, period.start, period.end):
        raise NotAllowed(_("Only her chair can excuse her duties."))
    if Cadence(duty.cadence) is not period.cadence:
        raise DomainError(_("This period does not match the duty."), status=400)


def excuse(actor: Account, member: Account, duty: DutyType, period: Period, reason: str) -> Excusal:
    """Excuse one obligation with a reason (audited); re-excusing a revoked one revives it."""
    _check_excusable(actor, member, duty, period)
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON:
        raise FieldErrors({"reason": _("Please give a reason (at most 200 characters).")})
    excusal = db.session.scalars(
        select(Excusal).where(
            Excusal.account_id == member.id,
            Excusal.duty_type_id == duty.id,
            Excusal.period_code == period.code,
        )
    ).first()
    if excusal is not None and excusal.is_active:
        raise DomainError(_("This duty is already excused."), status=409)
    if excusal is None:
        excusal = Excusal(
            account_id=member.id,
            duty_type_id=duty.id,
            period_code=period.code,
            reason=reason,
            created_by_id=actor.id,
        )
        db.session.add(excusal)
    else:
        excusal.reason, excusal.created_by_id, excusal.created_at = reason, actor.id, now_utc()
        excusal.revoked_at = excusal.revoked_by_id = None
    db.session.flush()
    audit.record(
        actor,
        AuditAction.CREATE,
        "excusal",
        excusal.id,
        {
            "member": [None, member.id],
            "duty": [None, duty.code],
            "period": [None, period.code],
            "reason": [None, reason],
        },
    )
    db.session.flush()
    return excusal


def revoke_excusal(actor: Account, excusal: Excusal) -> None:
    """Take an excusal back (audited); the obligation counts again."""
    member = db.session.get(Account, excusal.account_id)
    period = parse_period(excusal.period_code)
    if member is None or not access.can_excuse(actor, member, period.start, period.end):
        raise NotAllowed(_("Only her chair can excuse her duties."))
    if not excusal.is_active:
        raise DomainError(_("This excusal was already taken back."), status=409)
    excusal.revoked_at = now_utc()
    excusal.revoked_by_id = actor.id
    audit.record(
        actor, AuditAction.DELETE, "excusal", excusal.id, {"period": [excusal.period_code, None]}
    )
    db.session.flush()
