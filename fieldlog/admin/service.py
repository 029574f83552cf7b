"""Managing organisations, accounts, memberships and roles: the one copy of the admin rules.

Pages and the ``create-admin`` command share these functions. Each checks access through
``fieldlog.access``, writes the audit trail and flushes; the caller commits.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from fieldlog import access, audit, labels
from fieldlog.admin import queries
from fieldlog.auth.passwords import hash_password
from fieldlog.auth.service import check_new_password, end_sessions, find_account
from fieldlog.auth.throttle import current_throttle
from fieldlog.errors import DomainError, FieldErrors, NotAllowed
from fieldlog.extensions import db
from fieldlog.models import Account, Membership, Organisation, RoleGrant
from fieldlog.vocab import AuditAction, JoinKind, LeaveKind, OrgKind, Role

# Lower-case letters and digits that cannot be misread or misheard (no 0/o, 1/l/i).
READABLE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
PASSWORD_GROUPS, PASSWORD_GROUP_SIZE = 4, 3
EARLIEST_DATE = date(1990, 1, 1)  # catches typed years such as 0224
USERNAME_RE = re.compile(r"^[\w.@+-]+$")
MOBILE_RE = re.compile(r"^1\d{10}$")
COMMITTEE_ROLES = (Role.CHAIR.value, Role.VICE_CHAIR.value)
ACCOUNT_AUDITED = ("username", "display_name", "organisation_id", "phone", "active")


@dataclass(frozen=True)
class OrgInput:
    """A new organisation: its name, kind and the organisation above it."""

    name: str
    kind: str
    parent_id: int | None


@dataclass(frozen=True)
class MembershipInput:
    """A new term on a committee."""

    joined_on: date | None
    join_kind: str = JoinKind.ELECTED.value
    replaces_id: int | None = None


@dataclass(frozen=True)
class AccountInput:
    """A new account, optionally with a committee term and roles in her home organisation."""

    display_name: str
    username: str
    organisation_id: int | None
    membership: MembershipInput | None = None
    committee_role: str | None = None
    admin: bool = False


@dataclass(frozen=True)
class LeaveInput:
    """How and when a committee term ended."""

    left_on: date | None
    leave_kind: str | None
    reason: str | None = None


def generate_password() -> str:
    """A one-time password that is easy to read aloud, e.g. ``k7m-29p-qx4-hta``."""
    groups = (
        "".join(secrets.choice(READABLE_ALPHABET) for _ in range(PASSWORD_GROUP_SIZE))
        for _ in range(PASSWORD_GROUPS)
    )
    return "-".join(groups)


def _require(allowed: bool) -> None:
    if not allowed:
        raise NotAllowed(_("This is outside the organisations you manage."))


def _insert(row: object, field: str, message: str) -> None:
    """Add and flush ``row``; a unique clash from a concurrent request becomes a field error."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        raise FieldErrors({field: message}) from None


def _with_path(org: Organisation, parent: Organisation | None) -> Organisation:
    """Give a flushed organisation its tree path (``/1/4/17/``), which needs its id."""
    org.path = f"{parent.path if parent else '/'}{org.id}/"
    return org


# Organisations ---------------------------------------------------------------------------


def _name_taken(name: str, parent_id: int) -> bool:
    query = select(Organisation.id).where(
        Organisation.parent_id == parent_id, func.lower(Organisation.name) == name.casefold()
    )
    return db.session.scalar(query) is not None


def _kind_errors(kind: str, parent: Organisation) -> dict[str, str]:
    if parent.is_grassroots:
        return {"parent_id": _("A village or community has no organisations below it.")}
    allowed = [k for k in OrgKind if k.level == parent.org_kind.level + 1]
    if kind not in {k.value for k in allowed}:
        kinds = " / ".join(str(labels.ORG_KIND[k]) for k in allowed)
        return {
            "kind": _("Below %(parent)s you can add: %(kinds)s.", parent=parent.name, kinds=kinds)
        }
    return {}


def create_organisation(actor: Account, data: OrgInput) -> Organisation:
    """Add an organisation below one the actor manages; kind must fit the level below."""
    name = data.name.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Please enter the name.")
    elif len(name) > 80:
        errors["name"] = _("Use at most %(max)d characters.", max=80)
    parent = db.session.get(Organisation, data.parent_id) if data.parent_id else None
    if parent is None:
        errors["parent_id"] = _("Choose the organisation it belongs to.")
    else:
        _require(access.can_manage_org(actor, parent))
        errors |= _kind_errors(data.kind, parent)
        if name and _name_taken(name, parent.id):
            errors["name"] = _(
                "%(parent)s already has an organisation called %(name)s.",
                parent=parent.name,
                name=name,
            )
    if errors:
        raise FieldErrors(errors)
    org = Organisation(name=name, kind=data.kind, parent_id=parent.id)
    _insert(org, "name", _("This name is already in use here."))
    _with_path(org, parent)
    audit.record(actor, AuditAction.CREATE, "organisation", org.id, _org_changes(org))
    db.session.flush()
    return org


def _org_changes(org: Organisation) -> dict[str, list]:
    return audit.diff({}, audit.snapshot(org, ("name", "kind", "parent_id")))


# Accounts --------------------------------------------------------------------------------


def _account_errors(data: AccountInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    display_name, username = data.display_name.strip(), data.username.strip()
    if not display_name:
        errors["display_name"] = _("Please enter her name.")
    elif len(display_name) > 40:
        errors["display_name"] = _("Use at most %(max)d characters.", max=40)
    if not username:
        errors["username"] = _("Please enter a login name or phone number.")
    elif len(username) > 64 or not USERNAME_RE.match(username):
        errors["username"] = _("Use letters, digits and . _ - @ only, without spaces.")
    elif find_account(username) is not None:
        errors["username"] = _("This login name is already taken.")
    return errors


def _new_account(data: AccountInput, org: Organisation, password: str) -> Account:
    username = data.username.strip()
    return Account(
        username=username,
        display_name=data.display_name.strip(),
        organisation_id=org.id,
        phone=username if MOBILE_RE.match(username) else None,
        password_hash=hash_password(password),
        must_change_password=True,
    )


def create_account(actor: Account, data: AccountInput, today: date) -> tuple[Account, str]:
    """Create an account in the actor's subtree with a one-time password.

    Optionally starts her term on her home organisation's committee and gives her the chair,
    vice-chair and/or admin role there. Returns the account and the one-time password.
    """
    org = db.session.get(Organisation, data.organisation_id) if data.organisation_id else None
    errors = _account_errors(data)
    if org is None:
        errors["organisation_id"] = _("Choose her organisation.")
    else:
        _require(access.can_manage_org(actor, org))
        if data.membership is not None:
            errors |= _membership_errors(None, org, data.membership, today)
    if data.committee_role and data.committee_role not in COMMITTEE_ROLES:
        errors["committee_role"] = _("Please choose one of the options.")
    elif data.committee_role and data.membership is None:
        errors["committee_role"] = _("A chair must be a member of the committee.")
    if errors:
        raise FieldErrors(errors)
    password = generate_password()
    account = _new_account(data, org, password)
    _insert(account, "username", _("This login name is already taken."))
    snap = audit.snapshot(account, ACCOUNT_AUDITED)
    audit.record(actor, AuditAction.CREATE, "account", account.id, audit.diff({}, snap))
    if data.membership is not None:
        _start_term(actor, account, org, data.membership)
    roles = [data.committee_role] if data.committee_role else []
    for role in roles + ([Role.ADMIN.value] if data.admin else []):
        _grant(actor, account, org, role)
    db.session.flush()
    return account, password


def bootstrap_admin(
    username: str, display_name: str, password: str, org_name: str, org_kind: str
) -> Account:
    """The first admin (CLI): her top-level organisation (created if new), account and role."""
    data = AccountInput(display_name=display_name, username=username, organisation_id=None)
    errors = _account_errors(data)
    if errors:
        raise DomainError(" ".join(errors.values()))
    check_new_password(password, username.strip())
    if org_kind not in {k.value for k in OrgKind}:
        raise DomainError(_("Unknown kind of organisation."))
    org = _root_org(org_name.strip(), org_kind)
    account = _new_account(data, org, password)
    account.must_change_password = False
    _insert(account, "username", _("This login name is already taken."))
    snap = audit.snapshot(account, ACCOUNT_AUDITED)
    audit.record(None, AuditAction.CREATE, "account", account.id, audit.diff({}, snap))
    _grant(None, account, org, Role.ADMIN.value)
    db.session.flush()
    return account


def _root_org(name: str, kind: str) -> Organisation:
    if not name or len(name) > 80:
        raise DomainError(_("The organisation name must have 1 to 80 characters."))
    org = db.session.scalars(
        select(Organisation).where(Organisation.parent_id.is_(None), Organisation.name == name)
    ).first()
    if org is not None:
        return org
    org = Organisation(name=name, kind=kind, parent_id=None)
    _insert(org, "name", _("This name is already in use here."))
    _with_path(org, None)
    audit.record(None, AuditAction.CREATE, "organisation", org.id, _org_changes(org))
    return org


def reset_password(actor: Account, account: Account) -> str:
    """Give her a new one-time password and end her sessions; returns the password."""
    _require(access.can_manage_account(actor, account))
    if account.id == actor.id:
        raise DomainError(_("To change your own password, use Change password."))
    password = generate_password()
    account.password_hash = hash_password(password)
    before = account.must_change_password
    account.must_change_password = True
    end_sessions(account)
    # She may be locked out after failed tries; the reset is what she asked for.
    current_throttle().succeeded(account.username)
    changes = {"password_hash": ["***", "***"], "must_change_password": [before, True]}
    audit.record(actor, AuditAction.PASSWORD, "account", account.id, changes)
    db.session.flush()
    return password


def set_active(actor: Account, account: Account, active: bool) -> None:
    """Deactivate (ends her sessions, blocks login) or reactivate an account."""
    _require(access.can_manage_account(actor, account))
    if account.id == actor.id and not active:
        raise DomainError(_("You cannot deactivate your own account."))
    if account.active == active:
        return
    account.active = active
    if not active:
        end_sessions(account)
    action = AuditAction.ACTIVATE if active else AuditAction.DEACTIVATE
    audit.record(actor, action, "account", account.id, {"active": [not active, active]})
    db.session.flush()


# Committee terms -------------------------------------------------------------------------


def _date_errors(field: str, day: date | None, today: date, missing: str) -> dict[str, str]:
    if day is None:
        return {field: missing}
    if day > today:
        return {field: _("The date cannot be in the future.")}
    if day < EARLIEST_DATE:
        return {field: _("Please check the year.")}
    return {}


def _membership_errors(
    account: Account | None, org: Organisation, data: MembershipInput, today: date
) -> dict[str, str]:
    errors = _date_errors(
        "joined_on", data.joined_on, today, _("Please enter the date she joined.")
    )
    if data.join_kind not in {k.value for k in JoinKind}:
        errors["join_kind"] = _("Please choose one of the options.")
    elif data.join_kind == JoinKind.REPLACING and data.replaces_id is None:
        errors["replaces_id"] = _("Choose whom she replaces.")
    elif data.join_kind == JoinKind.REPLACING:
        if data.replaces_id not in queries.replaceable_ids(org.id, today):
            errors["replaces_id"] = _("Choose a member of this committee.")
    if account is not None and data.joined_on is not None:
        for term in account.memberships:
            if term.left_on is None or term.left_on >= data.joined_on:
                errors["joined_on"] = _(
                    "She is on the committee of %(org)s from %(d)s. End that term first.",
                    org=term.organisation.name,
                    d=term.joined_on.isoformat(),
                )
    return errors


def _start_term(
    actor: Account | None, account: Account, org: Organisation, data: MembershipInput
) -> Membership:
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
    actor: Account, account: Account, data: MembershipInput, today: date
) -> Membership:
    """Start a term for an existing account on her home organisation's committee."""
    _require(access.can_manage_account(actor, account))
    errors = _membership_errors(account, account.organisation, data, today)
    if errors:
        raise FieldErrors(errors)
    term = _start_term(actor, account, account.organisation, data)
    db.session.flush()
    return term


def end_membership(actor: Account, term: Membership, data: LeaveInput, today: date) -> Membership:
    """End a committee term; her account and her logs stay. Her chair roles there end too."""
    _require(access.can_manage_account(actor, term.account))
    _require(access.can_manage_org(actor, term.organisation))
    if term.left_on is not None:
        raise DomainError(_("This membership has already ended."))
    errors = _leave_errors(term, data, today)
    if errors:
        raise FieldErrors(errors)
    term.left_on, term.leave_kind = data.left_on, data.leave_kind
    term.leave_reason = (data.reason or "").strip() or None
    changes = audit.diff({}, audit.snapshot(term, ("left_on", "leave_kind", "leave_reason")))
    audit.record(actor, AuditAction.END_MEMBERSHIP, "membership", term.id, changes)
    for grant in list(term.account.grants):
        if grant.organisation_id == term.organisation_id and grant.role in COMMITTEE_ROLES:
            _revoke(actor, term.account, grant)
    db.session.flush()
    return term


def _leave_errors(term: Membership, data: LeaveInput, today: date) -> dict[str, str]:
    errors = _date_errors("left_on", data.left_on, today, _("Please enter the date she left."))
    if not errors and data.left_on < term.joined_on:
        errors["left_on"] = _(
            "She joined on %(d)s; the date cannot be earlier.", d=term.joined_on.isoformat()
        )
    if data.leave_kind not in {k.value for k in LeaveKind}:
        errors["leave_kind"] = _("Please choose why she left.")
    reason = (data.reason or "").strip()
    if len(reason) > 200:
        errors["reason"] = _("Use at most %(max)d characters.", max=200)
    elif not reason and data.leave_kind in (LeaveKind.ADVISED, LeaveKind.TERMINATED):
        errors["reason"] = _("Please note the reason.")
    return errors


# Roles -----------------------------------------------------------------------------------


def _grant(actor: Account | None, account: Account, org: Organisation, role: str) -> RoleGrant:
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


def grant_committee_role(actor: Account, account: Account, role: str, today: date) -> RoleGrant:
    """Make a current committee member its chair or vice chair (replacing her other one)."""
    _require(access.can_manage_account(actor, account))
    if role not in COMMITTEE_ROLES:
        raise FieldErrors({"role": _("Please choose one of the options.")})
    term = account.current_membership(today)
    if term is None or term.left_on is not None:
        raise DomainError(_("Only a current committee member can be chair or vice chair."))
    _require(access.can_manage_org(actor, term.organisation))
    held = [g for g in account.grants if g.organisation_id == term.organisation_id]
    if any(g.role == role for g in held):
        raise FieldErrors({"role": _("She already has this role.")})
    for grant in held:
        if grant.role in COMMITTEE_ROLES:
            _revoke(actor, account, grant)
    grant = _grant(actor, account, term.organisation, role)
    db.session.flush()
    return grant


def revoke_role(actor: Account, grant: RoleGrant) -> None:
    """Take back a role; an admin cannot take back her own admin role."""
    account = db.session.get(Account, grant.account_id)
    assert account is not None  # noqa: S101 - the foreign key guarantees it
    _require(access.can_manage_account(actor, account))
    _require(access.can_manage_org(actor, grant.organisation))
    if account.id == actor.id and grant.role == Role.ADMIN:
        raise DomainError(_("You cannot remove your own admin role."))
    _revoke(actor, account, grant)
