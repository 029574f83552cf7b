"""Organisations (the federation tree) and the roles held in them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldlog.database import UTCDateTime
from fieldlog.extensions import db
from fieldlog.timeutil import now_utc
from fieldlog.vocab import OrgKind


class Organisation(db.Model):
    """A federation at one level: district > township/street > village/community.

    ``path`` is the chain of ids from the root (``/1/4/17/``) so that a subtree is one
    prefix comparison instead of a recursive query.
    """

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    path: Mapped[str] = mapped_column(String(255), index=True, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    parent: Mapped[Organisation | None] = relationship(remote_side=[id])

    __table_args__ = (UniqueConstraint("parent_id", "name"),)

    @property
    def org_kind(self) -> OrgKind:
        return OrgKind(self.kind)

    @property
    def is_grassroots(self) -> bool:
        """A village or community: the level whose committee members log duties."""
        return self.org_kind.level == 2

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name}>"


class RoleGrant(db.Model):
    """A role (chair, vice chair, admin) an account holds in one organisation.

    An admin grant covers the organisation's whole subtree; a chair grant covers
    that organisation's committee only.
    """

    __tablename__ = "role_grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    organisation: Mapped[Organisation] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("account_id", "organisation_id", "role"),)
