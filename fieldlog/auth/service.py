"""Logging in and out, passwords, language. The single copy of these rules."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from fieldlog import audit
from fieldlog.auth import passwords
from fieldlog.auth.passwords import hash_password, needs_rehash, verify_password
from fieldlog.auth.throttle import current_throttle
from fieldlog.errors import DomainError, FieldErrors
from fieldlog.extensions import db
from fieldlog.models import Account
from fieldlog.models.account import new_session_token
from fieldlog.timeutil import now_utc
from fieldlog.vocab import AuditAction

MIN_PASSWORD_LENGTH = 8


class TooManyAttempts(DomainError):
    """Login refused for a while after repeated failures."""

    status = 429


def find_account(username: str) -> Account | None:
    """The account with this login name, ignoring case and surrounding spaces."""
    name = username.strip().casefold()
    return db.session.scalars(select(Account).where(func.lower(Account.username) == name)).first()


def authenticate(username: str, password: str, address: str) -> Account:
    """Check a login; raise ``TooManyAttempts`` or ``DomainError`` (401) when refused."""
    throttle = current_throttle()
    if throttle.blocked(username, address):
        raise TooManyAttempts(_("Too many failed logins. Please wait 15 minutes and try again."))
    account = find_account(username)
    ok = verify_password(account.password_hash if account else passwords.DUMMY_HASH, password)
    if account is None or not ok or not account.active:
        throttle.failed(username, address)
        raise DomainError(_("Wrong login name or password."), status=401)
    throttle.succeeded(username)
    if needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    account.last_login_at = now_utc()
    audit.record(account, AuditAction.LOGIN, "account", account.id)
    db.session.flush()
    return account


def end_sessions(account: Account) -> None:
    """Invalidate every session of the account, including copied cookies."""
    account.session_token = new_session_token()


def logout(account: Account) -> None:
    """Log out everywhere this session's cookie may have been copied."""
    end_sessions(account)
    audit.record(account, AuditAction.LOGOUT, "account", account.id)
    db.session.flush()


def check_new_password(new: str, username: str) -> None:
    """Raise ``FieldErrors`` when a new password is too weak."""
    if len(new) < MIN_PASSWORD_LENGTH:
        raise FieldErrors({"new_password": _("Use at least 8 characters.")})
    if new.casefold() == username.casefold() or len(set(new)) < 4:
        raise FieldErrors({"new_password": _("This password is too easy to guess.")})


def change_password(account: Account, current: str, new: str) -> None:
    """Change her own password after checking the current one; other sessions end."""
    if not verify_password(account.password_hash, current):
        raise FieldErrors({"current_password": _("The current password is wrong.")})
    if current == new:
        raise FieldErrors({"new_password": _("Choose a password different from the current one.")})
    check_new_password(new, account.username)
    account.password_hash = hash_password(new)
    account.must_change_password = False
    end_sessions(account)
    audit.record(account, AuditAction.PASSWORD, "account", account.id)
    db.session.flush()


def set_locale(account: Account | None, locale: str, languages: tuple[str, ...]) -> str:
    """Remember her language on the account (when logged in); returns the chosen locale."""
    if locale not in languages:
        raise DomainError(_("Unknown language."), status=400)
    if account is not None and account.locale != locale:
        account.locale = locale
        db.session.flush()
    return locale


def load_session_account(session_id: str) -> Account | None:
    """Flask-Login's user loader: ``id:token``; a rotated token or inactive account is None."""
    account_id, _sep, token = session_id.partition(":")
    if not account_id.isdigit() or not token:
        return None
    account = db.session.get(Account, int(account_id))
    if account is None or not account.active or account.session_token != token:
        return None
    return account
