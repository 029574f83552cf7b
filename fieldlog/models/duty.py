"""The catalogue of duty types and the logs members keep against them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldlog.database import UTCDateTime
from fieldlog.extensions import db
from fieldlog.models.account import Account
from fieldlog.periods import Cadence
from fieldlog.timeutil import now_utc


class DutyType(db.Model):
    """One duty of the catalogue (the seven ones by default): data, not code."""

    __tablename__ = "duty_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh: Mapped[str] = mapped_column(String(40))
    name_en: Mapped[str] = mapped_column(String(60))
    hint_zh: Mapped[str] = mapped_column(String(200), default="")
    hint_en: Mapped[str] = mapped_column(String(200), default="")
    cadence: Mapped[str] = mapped_column(String(16))
    min_count: Mapped[int] = mapped_column(Integer, default=1)
    # Form fields this duty asks for, and which of them are required.
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    required: Mapped[list[str]] = mapped_column(JSON, default=list)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # "logs": done by enough logs in the period; "book": done when the year's record book
    # is submitted (the record-book duty).
    completed_by: Mapped[str] = mapped_column(String(8), default="logs", server_default="logs")

    @property
    def cadence_enum(self) -> Cadence:
        return Cadence(self.cadence)

    def name(self, locale: str) -> str:
        """The duty's name in the reader's language."""
        return self.name_zh if locale.startswith("zh") else self.name_en

    def hint(self, locale: str) -> str:
        """What counts for this duty, in the reader's language."""
        return self.hint_zh if locale.startswith("zh") else self.hint_en

    def __repr__(self) -> str:
        return f"<DutyType {self.code}>"


class Log(db.Model):
    """One piece of duty work a member did, with the details its duty type asks for."""

    __tablename__ = "logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Generated on the phone/form; a repeated submission with the same id is the same entry.
    client_id: Mapped[str] = mapped_column(String(36), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    duty_type_id: Mapped[int] = mapped_column(ForeignKey("duty_types.id"))
    happened_on: Mapped[date] = mapped_column(Date)
    method: Mapped[str | None] = mapped_column(String(16))
    place: Mapped[str | None] = mapped_column(String(100))
    women_count: Mapped[int | None] = mapped_column(Integer)
    # Sensitive: shown only to the author and her chair, never in aggregates.
    women_names: Mapped[str | None] = mapped_column(String(300))
    topic: Mapped[str | None] = mapped_column(String(120))
    notes: Mapped[str | None] = mapped_column(Text)
    needs: Mapped[str | None] = mapped_column(Text)
    proposal_text: Mapped[str | None] = mapped_column(Text)
    proposal_status: Mapped[str | None] = mapped_column(String(16))
    proposal_answer: Mapped[str | None] = mapped_column(Text)
    help_target: Mapped[str | None] = mapped_column(String(32))
    help_kind: Mapped[str | None] = mapped_column(String(200))
    volunteer_activity: Mapped[str | None] = mapped_column(String(120))
    volunteer_hours: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))

    duty_type: Mapped[DutyType] = relationship(lazy="joined")
    account: Mapped[Account] = relationship(foreign_keys=[account_id], lazy="raise")

    __table_args__ = (
        Index("ix_logs_account_happened", "account_id", "happened_on"),
        Index("ix_logs_duty_happened", "duty_type_id", "happened_on"),
        # The tracker's grouped counts (grids, roll-ups, history): each member's logs in a
        # date range, read from the index alone (see benchmarks/README.md).
        Index(
            "ix_logs_tracker_covering",
            "account_id",
            "happened_on",
            "duty_type_id",
            "deleted_at",
            "created_at",
        ),
    )

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def __repr__(self) -> str:
        return f"<Log {self.id} {self.client_id}>"


class Excusal(db.Model):
    """A chair excused one obligation (member, duty, period) with a reason; reversible."""

    __tablename__ = "excusals"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    duty_type_id: Mapped[int] = mapped_column(ForeignKey("duty_types.id"))
    period_code: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))

    duty_type: Mapped[DutyType] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("account_id", "duty_type_id", "period_code"),)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
