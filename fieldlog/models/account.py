"""Accounts and membership terms."""

from __future__ import annotations

import secrets
import unicodedata
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from fieldlog.database import UTCDateTime
from fieldlog.extensions import db
from fieldlog.models.organisation import Organisation, RoleGrant
from fieldlog.timeutil import now_utc


def login_key(username: str) -> str:
    """The form of a login name that identifies an account: what the login looks up and
    what the failed-login throttle counts against. Width (full-width digits from a Chinese
    keyboard), case and surrounding spaces (U+3000 included) make no difference."""
    return unicodedata.normalize("NFKC", username).strip().casefold()


def new_session_token() -> str:
    """A fresh random token; changing it ends every session of the account."""
    return secrets.token_urlsafe(24)


class Account(db.Model):
    """A person who logs in: an executive, a chair, or federation staff."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    # login_key(username), kept by the validator below; unique, so two names that differ
    # only in case or width cannot both exist.
    login_key: Mapped[str] = mapped_column(String(255), unique=True)
    display_name: Mapped[str] = mapped_column(String(40))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str | None] = mapped_column(String(16))
    phone: Mapped[str | None] = mapped_column(String(20))
    # Home organisation: her committee for a member, her federation for staff.
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    # A one-time password (set by an admin, a chair or the roster import) logs in once,
    # before it expires; until she sets her own password she reaches nothing else.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    one_time_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    one_time_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Secret part of her calendar feed URL; None until she turns the feed on.
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    grants: Mapped[list[RoleGrant]] = relationship(lazy="selectin", cascade="all, delete-orphan")
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="account", order_by="Membership.joined_on", lazy="selectin"
    )

    # Flask-Login protocol. The id carries the session token so that rotating the
    # token (logout, password change, deactivation) invalidates copied cookies.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @validates("username")
    def _keep_login_key(self, _key: str, username: str) -> str:
        self.login_key = login_key(username)
        return username

    def current_membership(self, today: date) -> Membership | None:
        """The membership term running on ``today``, if any."""
        for term in reversed(self.memberships):
            if term.joined_on <= today and (term.left_on is None or term.left_on >= today):
                return term
        return None

    def __repr__(self) -> str:
        return f"<Account {self.id} {self.username}>"


class Membership(db.Model):
    """One term of an executive on one organisation's committee."""

    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    joined_on: Mapped[date] = mapped_column(Date)
    join_kind: Mapped[str] = mapped_column(String(16), default="elected")
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("memberships.id"))
    left_on: Mapped[date | None] = mapped_column(Date)
    leave_kind: Mapped[str | None] = mapped_column(String(20))  # advised_to_resign: 17
    leave_reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    account: Mapped[Account] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship(lazy="joined")

    def active_on(self, day: date) -> bool:
        """Whether the term covers ``day``."""
        return self.joined_on <= day and (self.left_on is None or self.left_on >= day)
