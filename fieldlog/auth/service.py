"""Logging in and out, passwords, language. The single copy of these rules."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from fieldlog import audit
from fieldlog.auth import passwords
from fieldlog.auth.passwords import (
    hash_one_time_password,
    hash_password,
    needs_rehash,
    verify_password,
)
from fieldlog.auth.throttle import current_throttle
from fieldlog.database import idle
from fieldlog.errors import DomainError, FieldErrors
from fieldlog.extensions import db
from fieldlog.models import Account
from fieldlog.models.account import login_key, new_session_token
from fieldlog.timeutil import now_utc
from fieldlog.vocab import AuditAction

MIN_PASSWORD_LENGTH = 8


class TooManyAttempts(DomainError):
    """Login refused for a while after repeated failures."""

    status = 429


def find_account(username: str) -> Account | None:
    """The account with this login name, whatever its case, width or surrounding spaces."""
    key = login_key(username)
    return db.session.scalars(select(Account).where(Account.login_key == key)).first()


def _refused() -> DomainError:
    return DomainError(_("Wrong login name or password."), status=401)


def authenticate(username: str, password: str, address: str) -> Account:
    """Check a login; raise ``TooManyAttempts`` or ``DomainError`` (401) when refused.

    The throttle counts failures against the same key the lookup uses, so a name with
    extra spaces or other letter case is the same login. The password check (argon2, slow
    on purpose) runs with no transaction open, so on SQLite it holds no write lock.
    """
    key = login_key(username)
    throttle = current_throttle()
    if throttle.blocked(key, address):
        raise TooManyAttempts(_("Too many failed logins. Please wait 15 minutes and try again."))
    account, ok, upgraded = _check_password(username, password)
    if account is None or not ok or not account.active:
        throttle.failed(key, address)
        raise _refused()
    now = now_utc()
    if account.must_change_password:
        _use_one_time_password(account, now, key, address)
    elif upgraded:
        account.password_hash = upgraded
    throttle.succeeded(key)
    account.last_login_at = now
    audit.record(account, AuditAction.LOGIN, "account", account.id)
    db.session.flush()
    return account


def _check_password(username: str, password: str) -> tuple[Account | None, bool, str | None]:
    """The account, whether the password matches, and a stronger hash of it when the stored
    one is weaker than today's. The hash is checked with no transaction open; if the stored
    hash changed meanwhile (a password change, or another login upgrading it), the check is
    made again against the new one, so a login never passes on a replaced password."""
    for _attempt in range(3):
        account = find_account(username)
        stored = account.password_hash if account else passwords.dummy_hash()
        account_id = account.id if account else None
        with idle(db.session):
            ok = verify_password(stored, password)
            upgraded = hash_password(password) if ok and needs_rehash(stored) else None
        # A fresh transaction: the account is read again.
        account = db.session.get(Account, account_id) if account_id else None
        if account is None or account.password_hash == stored:
            return account, ok, upgraded
    return account, False, None


def _use_one_time_password(account: Account, now: datetime, key: str, address: str) -> None:
    """A one-time password logs in once, before it expires."""
    expires = account.one_time_expires_at
    if account.one_time_used_at is not None or (expires is not None and expires <= now):
        current_throttle().failed(key, address)
        raise DomainError(
            _(
                "This one-time password has been used or has expired. Ask your chair or "
                "administrator for a new one."
            ),
            status=401,
        )
    account.one_time_used_at = now


def issue_one_time_password(account: Account, password: str, hashed: str | None = None) -> None:
    """Give ``account`` the one-time password ``password`` (``hashed`` when its hash was
    made ahead): it logs in once, within ``ONE_TIME_PASSWORD_DAYS``, and then only lets
    her choose her own password."""
    account.password_hash = hashed or hash_one_time_password(password)
    account.must_change_password = True
    days = current_app.config["ONE_TIME_PASSWORD_DAYS"]
    account.one_time_expires_at = now_utc() + timedelta(days=days)
    account.one_time_used_at = None


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
    account.one_time_expires_at = account.one_time_used_at = None
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
