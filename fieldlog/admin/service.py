"""Managing organisations and accounts: with ``admin.terms``, the one copy of the admin rules.

Committee terms and roles live in ``admin.terms``; creating an account uses it to start her
term and give her roles. Pages and the ``create-admin`` command share these functions. Each
checks access through ``fieldlog.access``, writes the audit trail and flushes; the caller
commits.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, replace
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from fieldlog import access, audit, forms, labels
from fieldlog.admin.rules import require
from fieldlog.admin.terms import (
    COMMITTEE_ROLES,
    MembershipInput,
    add_grant,
    membership_errors,
    start_term,
)
from fieldlog.auth.passwords import hash_one_time_password, hash_password
from fieldlog.auth.service import (
    check_new_password,
    end_sessions,
    find_account,
    issue_one_time_password,
)
from fieldlog.auth.throttle import current_throttle
from fieldlog.errors import DomainError, FieldErrors
from fieldlog.extensions import db
from fieldlog.models import Account, Organisation
from fieldlog.vocab import AuditAction, OrgKind, Role

# Lower-case letters and digits that cannot be misread or misheard (no 0/o, 1/l/i).
READABLE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
PASSWORD_GROUPS, PASSWORD_GROUP_SIZE = 4, 3
USERNAME_RE = re.compile(r"^[\w.@+-]+$")
MOBILE_RE = re.compile(r"^1\d{10}$")
PHONE_RE = re.compile(r"^\+?\d[\d-]{4,18}$")
ACCOUNT_AUDITED = ("username", "display_name", "organisation_id", "phone", "active")


@dataclass(frozen=True)
class OrgInput:
    """A new organisation: its name, kind and the organisation above it."""

    name: str
    kind: str
    parent_id: int | None


@dataclass(frozen=True)
class AccountInput:
    """A new account, optionally with a committee term and roles in her home organisation."""

    display_name: str
    username: str
    organisation_id: int | None
    membership: MembershipInput | None = None
    committee_role: str | None = None
    admin: bool = False
    phone: str | None = None


def generate_password() -> str:
    """A one-time password that is easy to read aloud, e.g. ``k7m-29p-qx4-hta``."""
    groups = (
        "".join(secrets.choice(READABLE_ALPHABET) for _ in range(PASSWORD_GROUP_SIZE))
        for _ in range(PASSWORD_GROUPS)
    )
    return "-".join(groups)


@dataclass(frozen=True)
class OneTimePassword:
    """A generated password and its hash, made ahead when many are needed (a roster):
    hashing two thousand takes seconds, better spent with no transaction open."""

    text: str
    hash: str

    @classmethod
    def make(cls) -> OneTimePassword:
        """A new one-time password, hashed."""
        text = generate_password()
        return cls(text, hash_one_time_password(text))


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


def _org_name_errors(name: str) -> dict[str, str]:
    if not name:
        return {"name": _("Please enter the name.")}
    if problem := forms.text_problem(name):
        return {"name": problem}
    if len(name) > 80:
        return {"name": _("Use at most %(max)d characters.", max=80)}
    return {}


def _parent_errors(actor: Account, parent: Organisation, kind: str, name: str) -> dict[str, str]:
    """Her right to add below ``parent``, the kind that fits there and a name unique there."""
    require(access.can_manage_org(actor, parent))
    errors = _kind_errors(kind, parent)
    if name and _name_taken(name, parent.id):
        errors["name"] = _(
            "%(parent)s already has an organisation called %(name)s.",
            parent=parent.name,
            name=name,
        )
    return errors


def create_organisation(actor: Account, data: OrgInput) -> Organisation:
    """Add an organisation below one the actor manages; kind must fit the level below."""
    name = data.name.strip()
    errors = _org_name_errors(name)
    parent = db.session.get(Organisation, data.parent_id) if data.parent_id else None
    if parent is None:
        errors["parent_id"] = _("Choose the organisation it belongs to.")
    else:
        errors |= _parent_errors(actor, parent, data.kind, "" if errors else name)
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
    elif problem := forms.text_problem(display_name):
        errors["display_name"] = problem
    elif len(display_name) > 40:
        errors["display_name"] = _("Use at most %(max)d characters.", max=40)
    if not username:
        errors["username"] = _("Please enter a login name or phone number.")
    elif len(username) > 64 or not USERNAME_RE.match(username):
        errors["username"] = _("Use letters, digits and . _ - @ only, without spaces.")
    elif find_account(username) is not None:
        errors["username"] = _("This login name is already taken.")
    phone = (data.phone or "").strip()
    if phone and not PHONE_RE.match(phone):
        errors["phone"] = _("Use digits and dashes only, e.g. 13812345678.")
    return errors


def _new_account(data: AccountInput, org: Organisation, password_hash: str = "") -> Account:
    username = data.username.strip()
    return Account(
        username=username,
        display_name=data.display_name.strip(),
        organisation_id=org.id,
        phone=(data.phone or "").strip() or (username if MOBILE_RE.match(username) else None),
        password_hash=password_hash,
    )


def create_account(
    actor: Account, data: AccountInput, today: date, password: OneTimePassword | None = None
) -> tuple[Account, str]:
    """Create an account in the actor's subtree with a one-time password (``password``
    when made ahead, else a new one).

    Optionally starts her term on her home organisation's committee and gives her the chair,
    vice-chair and/or admin role there. Returns the account and the one-time password.
    """
    return _create_account(actor, data, _managed_org(actor, data), today, password)


def check_new_account(actor: Account, data: AccountInput, today: date) -> None:
    """Raise what ``create_account`` would refuse (``FieldErrors``, ``NotAllowed``), and
    write nothing: the roster preview asks this for each new person."""
    _check_account(data, _managed_org(actor, data), today)


def _managed_org(actor: Account, data: AccountInput) -> Organisation | None:
    """Her home organisation, if given; ``NotAllowed`` outside the actor's subtree."""
    org = db.session.get(Organisation, data.organisation_id) if data.organisation_id else None
    if org is not None:
        require(access.can_manage_org(actor, org))
    return org


def create_member_account(
    actor: Account, org: Organisation, data: AccountInput, today: date
) -> tuple[Account, str]:
    """A chair's new member: an account at home in ``org`` that joins its committee.

    For the committee's chair or an admin above it; no roles. Returns the account and the
    one-time password, as ``create_account`` does.
    """
    require(access.can_manage_committee(actor, org))
    if data.membership is None or data.committee_role or data.admin:
        raise DomainError(_("A new member joins the committee and gets no role here."))
    return _create_account(actor, replace(data, organisation_id=org.id), org, today)


def _create_account(
    actor: Account,
    data: AccountInput,
    org: Organisation | None,
    today: date,
    password: OneTimePassword | None = None,
) -> tuple[Account, str]:
    """Check and create an account whose access to ``org`` was checked by the caller."""
    _check_account(data, org, today)
    password = password or OneTimePassword.make()
    account = _new_account(data, org)
    issue_one_time_password(account, password.text, password.hash)
    _add_account(actor, account)
    _join_committee(actor, account, org, data)
    db.session.flush()
    return account, password.text


def _check_account(data: AccountInput, org: Organisation | None, today: date) -> None:
    """``FieldErrors`` for everything wrong with a new account (access checked before)."""
    errors = _account_errors(data)
    if org is None:
        errors["organisation_id"] = _("Choose her organisation.")
    elif data.membership is not None:
        errors |= membership_errors(None, org, data.membership, today)
    errors |= _committee_role_errors(data)
    if errors:
        raise FieldErrors(errors)


def _committee_role_errors(data: AccountInput) -> dict[str, str]:
    if data.committee_role and data.committee_role not in COMMITTEE_ROLES:
        return {"committee_role": _("Please choose one of the options.")}
    if data.committee_role and data.membership is None:
        return {"committee_role": _("A chair must be a member of the committee.")}
    return {}


def _add_account(actor: Account | None, account: Account) -> None:
    """Insert a new account and audit it (``actor`` is None for the CLI)."""
    _insert(account, "username", _("This login name is already taken."))
    snap = audit.snapshot(account, ACCOUNT_AUDITED)
    audit.record(actor, AuditAction.CREATE, "account", account.id, audit.diff({}, snap))


def _join_committee(
    actor: Account, account: Account, org: Organisation, data: AccountInput
) -> None:
    """Her optional first term and the roles asked for on the new-account form."""
    if data.membership is not None:
        start_term(actor, account, org, data.membership)
    roles = [data.committee_role] if data.committee_role else []
    for role in roles + ([Role.ADMIN.value] if data.admin else []):
        add_grant(actor, account, org, role)


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
    account = _new_account(data, org, hash_password(password))
    _add_account(None, account)
    add_grant(None, account, org, Role.ADMIN.value)
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
    require(access.can_manage_account(actor, account))
    if account.id == actor.id:
        raise DomainError(_("To change your own password, use Change password."))
    password = generate_password()
    before = account.must_change_password
    issue_one_time_password(account, password)
    end_sessions(account)
    # She may be locked out after failed tries; the reset is what she asked for.
    current_throttle().succeeded(account.login_key)
    changes = {"password_hash": ["***", "***"], "must_change_password": [before, True]}
    audit.record(actor, AuditAction.PASSWORD, "account", account.id, changes)
    db.session.flush()
    return password


def set_active(actor: Account, account: Account, active: bool) -> None:
    """Deactivate (ends her sessions, blocks login) or reactivate an account."""
    require(access.can_manage_account(actor, account))
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
