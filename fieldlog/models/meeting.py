"""Committee meetings and who attended them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldlog.database import UTCDateTime
from fieldlog.extensions import db
from fieldlog.models.account import Account
from fieldlog.timeutil import now_utc


class Meeting(db.Model):
    """One meeting of an organisation's committee, recorded by its chair."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    topics: Mapped[str] = mapped_column(Text, default="")
    decisions: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    attendance: Mapped[list[Attendance]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", lazy="raise"
    )

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.held_on} {self.kind}>"


class Attendance(db.Model):
    """Whether one member came to one meeting: present, excused (with a reason) or absent."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "account_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The unique (meeting_id, account_id) constraint also serves lookups by meeting.
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(200))

    meeting: Mapped[Meeting] = relationship(back_populates="attendance")
    account: Mapped[Account] = relationship(lazy="raise")
