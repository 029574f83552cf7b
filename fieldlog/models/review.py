"""The semiannual duty-report review (述职评议): rounds, each member's entry, ratings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldlog.database import UTCDateTime
from fieldlog.extensions import db
from fieldlog.models.account import Account
from fieldlog.models.meeting import Meeting
from fieldlog.models.organisation import Organisation
from fieldlog.timeutil import now_utc
from fieldlog.vocab import Grade, ReviewStatus


class ReviewRound(db.Model):
    """One committee's review of one half-year (``half`` is a period code: ``2026H1``).

    ``rule`` is the grading rule copied from configuration when the round opened, so a later
    change of configuration does not change a past result. ``meeting`` is the 述职评议会
    it is held at, once the chair links it.
    """

    __tablename__ = "review_rounds"
    __table_args__ = (UniqueConstraint("organisation_id", "half"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    half: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(12), default=ReviewStatus.OPEN.value)
    rule: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    figures_as_of: Mapped[date] = mapped_column(Date)
    figures_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    meeting: Mapped[Meeting | None] = relationship(lazy="raise")
    entries: Mapped[list[ReviewEntry]] = relationship(
        back_populates="round", cascade="all, delete-orphan", lazy="raise"
    )

    @property
    def is_open(self) -> bool:
        return self.status == ReviewStatus.OPEN

    @property
    def year(self) -> int:
        return int(self.half[:4])

    @property
    def is_year_end(self) -> bool:
        """The second half's review is the annual one (年度述职评议): it covers the whole
        year and asks each member for a written report."""
        return self.half.endswith("H2")

    def __repr__(self) -> str:
        return f"<ReviewRound {self.id} {self.organisation_id} {self.half} {self.status}>"


class ReviewEntry(db.Model):
    """One member in a round: her frozen tracker figures, her report, her result.

    ``figures`` is the tracker's view of her half (see ``fieldlog.review.figures``);
    ``computed_grade`` comes from the ratings by the round's rule, ``override_grade`` from
    the chair (with a reason).
    """

    __tablename__ = "review_entries"
    __table_args__ = (UniqueConstraint("round_id", "account_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("review_rounds.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    report_body: Mapped[str] = mapped_column(Text, default="")
    report_saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    report_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rating_mode: Mapped[str] = mapped_column(String(12), default="counts")
    computed_grade: Mapped[str | None] = mapped_column(String(16))
    override_grade: Mapped[str | None] = mapped_column(String(16))
    override_reason: Mapped[str | None] = mapped_column(String(200))
    # Mid-year: the chair marks that she gave her oral report at the review meeting.
    oral_reported: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    round: Mapped[ReviewRound] = relationship(back_populates="entries")
    account: Mapped[Account] = relationship(lazy="joined")
    ratings: Mapped[list[ReviewRating]] = relationship(
        back_populates="entry",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="ReviewRating.id",
    )

    @property
    def result(self) -> Grade | None:
        """The grade that counts: the chair's override, else the computed one."""
        value = self.override_grade or self.computed_grade
        return Grade(value) if value else None

    @property
    def submitted(self) -> bool:
        return self.report_submitted_at is not None


class ReviewRating(db.Model):
    """Votes for one grade from one group (counts mode), or one rater's grade (``votes`` 1)."""

    __tablename__ = "review_ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("review_entries.id"), index=True)
    rater_group: Mapped[str] = mapped_column(String(16))
    rater: Mapped[str | None] = mapped_column(String(40))
    grade: Mapped[str] = mapped_column(String(16))
    votes: Mapped[int] = mapped_column(Integer, default=1)

    entry: Mapped[ReviewEntry] = relationship(back_populates="ratings")
