"""Committee terms and committee roles: joining, leaving, moving, chair and vice chair.

A person may hold terms on several committees at once (a village chair on her township's
committee); terms on one committee never overlap. A move (调动) ends her term on one
committee and starts one on another the next day.

Split from ``admin.service``, which uses ``membership_errors``, ``start_term`` and
``add_grant`` when it creates an account. Each public change checks access through
``fieldlog.access``, writes the audit trail and flushes; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _

from fieldlog import access, audit
from fieldlog.admin import queries
from fieldlog.admin.rules import date_errors, require
from fieldlog.errors import DomainError, FieldErrors
from fieldlog.extensions import db
from fieldlog.models import Account, Membership, Organisation, RoleGrant
from fieldlog.vocab import AuditAction, JoinKind, LeaveKind, Role

COMMITTEE_ROLES = (Role.CHAIR.value, Role.VICE_CHAIR.value)
# Leaving by herself, being advised to resign and losing the mandate each need a reason.
REASON_NEEDED = (LeaveKind.RESIGNED, LeaveKind.ADVISED_TO_RESIGN, LeaveKind.TERMINATED)


@dataclass(frozen=True)
class MembershipInput:
    """A new term on a committee."""

    joined_on: date | None
    join_kind: str = JoinKind.ELECTED.value
    replaces_id: int | None = None


@dataclass(frozen=True)
class LeaveInput:
    """How and when a committee term ended."""

    left_on: date | None
    leave_kind: str | None
    reason: str | None = None


# Committee terms -------------------------------------------------------------------------


def membership_errors(
    account: Account | None, org: Organisation, data: MembershipInput, today: date
) -> dict[str, str]:
    """Field errors for a new term on ``org``'s committee (``account`` is None when new)."""
    errors = date_errors("joined_on", data.joined_on, today, _("Please enter the date she joined."))
    errors |= _join_kind_errors(org, data, today)
    if account is not None and data.joined_on is not None:
        errors |= _overlap_errors(account, org, data.joined_on)
    return errors


def _join_kind_errors(org: Organisation, data: MembershipInput, today: date) -> dict[str, str]:
    if data.join_kind not in {k.value for k in JoinKind}:
        return {"join_kind": _("Please choose one of the options.")}
    if data.join_kind == JoinKind.REPLACING and data.replaces_id is None:
        return {"replaces_id": _("Choose whom she replaces.")}
    if data.join_kind == JoinKind.REPLACING:
        if data.replaces_id not in queries.replaceable_ids(org.id, today):
            return {"replaces_id": _("Choose a member of this committee.")}
    return {}


def _overlap_errors(account: Account, org: Organisation, joined_on: date) -> dict[str, str]:
    """A new (open) term may not overlap another term on the same committee; terms on
    other committees are her business there."""
    errors: dict[str, str] = {}
    for term in account.memberships:
        if term.organisation_id != org.id:
            continue
        if term.left_on is None or term.left_on >= joined_on:
            errors["joined_on"] = _(
                "She is on the committee of %(org)s from %(d)s. End that term first.",
                org=term.organisation.name,
                d=term.joined_on.isoformat(),
            )
    return errors


def start_term(
    actor: Account | None, account: Account, org: Organisation, data: MembershipInput
) -> Membership:
    """Add and audit a checked term (see ``membership_errors``); flushed for its id."""
    replacing = data.join_kind == JoinKind.REPLACING
    term = Membership(
        account=account,
        organisation_id=org.id,
        joined_on=data.joined_on,
        join_kind=data.join_kind,
        replaces_id=data.replaces_id if replacing else None,
    )
    db.session.add(term)
    db.session.flush()
    snap = audit.snapshot(term, ("account_id", "organisation_id", "joined_on", "join_kind"))
    audit.record(actor, AuditAction.CREATE, "membership", term.id, audit.diff({}, snap))
    return term


def add_membership(
    actor: Account,
    account: Account,
    data: MembershipInput,
    today: date,
    org: Organisation | None = None,
) -> Membership:
    """Start a term for an existing account on ``org``'s committee (her home
    organisation's by default): re-joining, or a seat on a second committee.

    For the committee's chair or an admin above it; an admin adding someone from outside
    the committee must also manage her account.
    """
    org = org or account.organisation
    check_membership(actor, account, data, today, org)
    term = start_term(actor, account, org, data)
    db.session.flush()
    return term


def check_membership(
    actor: Account,
    account: Account,
    data: MembershipInput,
    today: date,
    org: Organisation | None = None,
) -> None:
    """Raise what ``add_membership`` would refuse, and write nothing (the roster preview)."""
    org = org or account.organisation
    require(access.can_manage_committee(actor, org))
    known = any(t.organisation_id == org.id for t in account.memberships)
    require(known or account.organisation_id == org.id or access.can_manage_account(actor, account))
    errors = membership_errors(account, org, data, today)
    if errors:
        raise FieldErrors(errors)


@dataclass(frozen=True)
class MoveInput:
    """A move: the committee she goes to, her first day there, and why."""

    organisation_id: int | None
    moved_on: date | None
    reason: str | None = None


def move_member(actor: Account, term: Membership, data: MoveInput, today: date) -> Membership:
    """Move a member (调动): her term on ``term``'s committee ends the day before
    ``moved_on`` (kind "transferred") and one on the other committee starts that day.

    History stays where it happened: each committee keeps the logs she made while on it.
    Her home organisation follows her when it was the committee she left; her roles on
    that committee end. Returns the new term.
    """
    target = check_move(actor, term, data, today)
    account = term.account
    leave = LeaveInput(data.moved_on - timedelta(days=1), LeaveKind.TRANSFERRED.value, data.reason)
    _close(actor, term, leave)
    joined = MembershipInput(data.moved_on, JoinKind.TRANSFERRED.value)
    new_term = start_term(actor, account, target, joined)
    if account.organisation_id == term.organisation_id:
        audit.record(
            actor,
            AuditAction.UPDATE,
            "account",
            account.id,
            {"organisation_id": [account.organisation_id, target.id]},
        )
        account.organisation_id = target.id
    db.session.flush()
    return new_term


def check_move(actor: Account, term: Membership, data: MoveInput, today: date) -> Organisation:
    """Raise what ``move_member`` would refuse, and write nothing (the roster preview);
    returns the committee she moves to."""
    target = db.session.get(Organisation, data.organisation_id) if data.organisation_id else None
    if target is None:
        raise FieldErrors({"organisation_id": _("Choose the committee she moves to.")})
    require(access.can_move_to(actor, term, target))
    if term.left_on is not None:
        raise DomainError(_("This membership has already ended."))
    errors = _move_errors(term, target, data, today)
    if errors:
        raise FieldErrors(errors)
    return target


def _move_errors(
    term: Membership, target: Organisation, data: MoveInput, today: date
) -> dict[str, str]:
    errors = date_errors("moved_on", data.moved_on, today, _("Please enter her first day there."))
    if not errors and data.moved_on <= term.joined_on:
        errors["moved_on"] = _(
            "She joined on %(d)s; her first day on the other committee must be later.",
            d=term.joined_on.isoformat(),
        )
    if data.moved_on is not None and not errors:
        errors |= {
            "organisation_id" if k == "joined_on" else k: v
            for k, v in _overlap_errors(term.account, target, data.moved_on).items()
        }
    return errors | _reason_errors(LeaveInput(None, LeaveKind.TRANSFERRED.value, data.reason))


def end_membership(actor: Account, term: Membership, data: LeaveInput, today: date) -> Membership:
    """End a committee term; her account and her logs stay. Her chair roles there end too.

    For an admin of the committee and of her account, or the committee's chair; a chair
    cannot end her own term.
    """
    if term.account_id == actor.id and not access.can_manage_term(actor, term):
        raise DomainError(_("You cannot end your own membership. Ask your federation to do it."))
    require(access.can_manage_term(actor, term))
    if term.left_on is not None:
        raise DomainError(_("This membership has already ended."))
    errors = _leave_errors(term, data, today)
    if errors:
        raise FieldErrors(errors)
    _close(actor, term, data)
    db.session.flush()
    return term


def _close(actor: Account, term: Membership, data: LeaveInput) -> None:
    """End a checked term, audited, with her roles on that committee."""
    term.left_on, term.leave_kind = data.left_on, data.leave_kind
    term.leave_reason = (data.reason or "").strip() or None
    changes = audit.diff({}, audit.snapshot(term, ("left_on", "leave_kind", "leave_reason")))
    audit.record(actor, AuditAction.END_MEMBERSHIP, "membership", term.id, changes)
    _revoke_committee_roles(actor, term.account, term.organisation_id)


def _leave_errors(term: Membership, data: LeaveInput, today: date) -> dict[str, str]:
    errors = date_errors("left_on", data.left_on, today, _("Please enter the date she left."))
    if not errors and data.left_on < term.joined_on:
        errors["left_on"] = _(
            "She joined on %(d)s; the date cannot be earlier.", d=term.joined_on.isoformat()
        )
    if data.leave_kind not in {k.value for k in LeaveKind}:
        errors["leave_kind"] = _("Please choose why she left.")
    return errors | _reason_errors(data)


def _reason_errors(data: LeaveInput) -> dict[str, str]:
    reason = (data.reason or "").strip()
    if len(reason) > 200:
        return {"reason": _("Use at most %(max)d characters.", max=200)}
    if not reason and data.leave_kind in REASON_NEEDED:
        return {"reason": _("Please note the reason.")}
    return {}


# Roles -----------------------------------------------------------------------------------


def add_grant(actor: Account | None, account: Account, org: Organisation, role: str) -> RoleGrant:
    """Give ``account`` a checked ``role`` in ``org`` and audit it; flushed for its id."""
    grant = RoleGrant(organisation_id=org.id, role=role)
    account.grants.append(grant)
    db.session.flush()
    changes = {"role": [None, role], "organisation_id": [None, org.id]}
    audit.record(actor, AuditAction.GRANT, "role_grant", grant.id, changes)
    return grant


def _revoke(actor: Account, account: Account, grant: RoleGrant) -> None:
    changes = {"role": [grant.role, None], "organisation_id": [grant.organisation_id, None]}
    audit.record(actor, AuditAction.REVOKE, "role_grant", grant.id, changes)
    account.grants.remove(grant)
    db.session.flush()


def _revoke_committee_roles(actor: Account, account: Account, org_id: int) -> None:
    """End her chair and vice-chair roles in one organisation."""
    for grant in list(account.grants):
        if grant.organisation_id == org_id and grant.role in COMMITTEE_ROLES:
            _revoke(actor, account, grant)


def grant_committee_role(
    actor: Account, account: Account, role: str, today: date, org: Organisation | None = None
) -> RoleGrant:
    """Make a current member of ``org``'s committee (of her only current committee when
    ``org`` is None) its chair or vice chair, replacing her other role there."""
    term_org = _current_committee(account, today, org)
    check_committee_role(actor, account, role, term_org)
    assert term_org is not None  # noqa: S101 - refused above without a current term
    _revoke_committee_roles(actor, account, term_org.id)
    grant = add_grant(actor, account, term_org, role)
    db.session.flush()
    return grant


def _current_committee(
    account: Account, today: date, org: Organisation | None
) -> Organisation | None:
    """The committee of her current term (on ``org`` when given), None without one."""
    current = [
        t
        for t in account.memberships
        if t.active_on(today) and (org is None or t.organisation_id == org.id)
    ]
    if len(current) > 1:
        raise FieldErrors({"role": _("She is on several committees: choose which one.")})
    return current[0].organisation if current else None


def check_committee_role(
    actor: Account, account: Account, role: str, org: Organisation | None
) -> None:
    """Raise what ``grant_committee_role`` would refuse when her current term is on
    ``org``'s committee (None: she has none), and write nothing (the roster preview)."""
    require(access.can_manage_account(actor, account))
    if role not in COMMITTEE_ROLES:
        raise FieldErrors({"role": _("Please choose one of the options.")})
    if org is None:
        raise DomainError(_("Only a current committee member can be chair or vice chair."))
    require(access.can_manage_org(actor, org))
    held = [g for g in account.grants if g.organisation_id == org.id]
    if any(g.role == role for g in held):
        raise FieldErrors({"role": _("She already has this role.")})


def revoke_role(actor: Account, grant: RoleGrant) -> None:
    """Take back a role; an admin cannot take back her own admin role."""
    account = db.session.get(Account, grant.account_id)
    assert account is not None  # noqa: S101 - the foreign key guarantees it
    require(access.can_manage_account(actor, account))
    require(access.can_manage_org(actor, grant.organisation))
    if account.id == actor.id and grant.role == Role.ADMIN:
        raise DomainError(_("You cannot remove your own admin role."))
    _revoke(actor, account, grant)
