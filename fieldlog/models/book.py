"""A member's year-end work record book (工作记录册) and the photos attached to logs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fieldlog.database import UTCDateTime
from fieldlog.extensions import db
from fieldlog.timeutil import now_utc


class RecordBook(db.Model):
    """Her book for one year. Submitting it completes the record-book duty of that year;
    the chair can reopen it with a reason, and she submits it again."""

    __tablename__ = "record_books"
    __table_args__ = (UniqueConstraint("account_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    # Whether the book shows the names of the women she contacted (her choice).
    include_names: Mapped[bool] = mapped_column(Boolean, default=False)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopened_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    reopen_reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    def __repr__(self) -> str:
        return f"<RecordBook {self.account_id} {self.year} submitted={self.is_submitted}>"


class Photo(db.Model):
    """A photo attached to a log: stored under instance/ as ``stored_name`` (random, never
    derived from the upload), with a thumbnail; metadata stripped on the way in.

    ``client_id`` makes an upload retried by a phone's offline queue land once.
    """

    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    log_id: Mapped[int] = mapped_column(ForeignKey("logs.id"), index=True)
    client_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    thumb_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(32), default="image/jpeg")
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<Photo {self.id} log={self.log_id}>"
