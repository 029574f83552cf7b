"""Record book rules: when a book can be submitted, submitting it, reopening it.

- She submits her own book, from the opening day (config ``RECORD_BOOK_OPENS``, default
  1 December) of the book's year. Up to 31 December it is on time; after that it is handed
  in late (补交: the tracker marks it "recorded late", as for a log entered after its
  period), and it is accepted until the end of the following year. Older books are closed.
- Only members with a committee term in that year have a book.
- Her chair reopens a submitted book with a reason; she can then change it and submit again.
- Whether the book shows the names of the women she contacted is her choice, kept with it.

Every change is audited. Services flush; the view commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from fieldlog import access, audit
from fieldlog.errors import Conflict, DomainError, FieldErrors, NotAllowed
from fieldlog.extensions import db
from fieldlog.models import Account, RecordBook
from fieldlog.pdf import day_label
from fieldlog.timeutil import now_utc
from fieldlog.vocab import AuditAction

MAX_REASON = 200


class WindowState(StrEnum):
    """Where today falls in a book's submission window."""

    EARLY = "early"  # before the opening day
    OPEN = "open"  # opening day to 31 December
    LATE = "late"  # the following year: still accepted, marked late
    CLOSED = "closed"  # later than that


@dataclass(frozen=True)
class Window:
    """The days a year's book can be submitted."""

    year: int
    opens: date
    due: date
    closes: date

    def state(self, today: date) -> WindowState:
        """Early, open, late or closed on ``today``."""
        if today < self.opens:
            return WindowState.EARLY
        if today <= self.due:
            return WindowState.OPEN
        if today <= self.closes:
            return WindowState.LATE
        return WindowState.CLOSED

    def accepts(self, today: date) -> bool:
        """Whether a book can be submitted on ``today``."""
        return self.state(today) in (WindowState.OPEN, WindowState.LATE)


def window(year: int, opens: tuple[int, int] | list[int] | None = None) -> Window:
    """The submission window of ``year``'s book (``opens`` is (month, day), from config)."""
    month, day = opens if opens is not None else current_app.config["RECORD_BOOK_OPENS"]
    return Window(
        year, date(year, int(month), int(day)), date(year, 12, 31), date(year + 1, 12, 31)
    )


def served_in(member: Account, year: int) -> bool:
    """Whether she had a committee term on any day of ``year``."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    return any(
        t.joined_on <= last and (t.left_on is None or t.left_on >= first)
        for t in member.memberships
    )


def book_of(member_id: int, year: int) -> RecordBook | None:
    """Her book of ``year``, if it was ever saved or submitted."""
    return db.session.scalars(
        select(RecordBook).where(RecordBook.account_id == member_id, RecordBook.year == year)
    ).first()


def _own_book(actor: Account, member: Account, year: int) -> RecordBook:
    """Her book row, created on first use; only she changes it, only for a year she served."""
    if actor.id != member.id:
        raise NotAllowed(_("Only she can change or submit her own record book."))
    if not served_in(member, year):
        raise DomainError(
            _(
                "You were not on a committee in %(year)s, so you have no record book for it.",
                year=year,
            )
        )
    book = book_of(member.id, year)
    if book is None:
        book = RecordBook(account_id=member.id, year=year, include_names=False)
        db.session.add(book)
        db.session.flush()
    return book


def _check_window(year: int, today: date, locale: str) -> None:
    win = window(year)
    state = win.state(today)
    if state is WindowState.EARLY:
        raise DomainError(
            _(
                "The record book for %(year)s can be submitted from %(day)s.",
                year=year,
                day=day_label(win.opens, locale),
            )
        )
    if state is WindowState.CLOSED:
        raise DomainError(
            _(
                "The record book for %(year)s could be submitted until %(day)s; it is closed now.",
                year=year,
                day=day_label(win.closes, locale),
            )
        )


def set_names_choice(actor: Account, member: Account, year: int, include: bool) -> RecordBook:
    """Her choice whether the book shows the women's names (not once submitted)."""
    book = _own_book(actor, member, year)
    if book.is_submitted:
        raise Conflict(_("The book is submitted; ask your chair to reopen it to change it."))
    if book.include_names != include:
        audit.record(
            actor,
            AuditAction.UPDATE,
            "record_book",
            book.id,
            {"include_names": [book.include_names, include]},
        )
        book.include_names = include
    db.session.flush()
    return book


def submit(
    actor: Account, member: Account, year: int, include_names: bool, today: date, locale: str = "zh"
) -> RecordBook:
    """Submit her book of ``year`` (audited): this completes her record-book duty."""
    book = _own_book(actor, member, year)
    if book.is_submitted:
        raise Conflict(_("This record book is already submitted."))
    _check_window(year, today, locale)
    before = {"include_names": book.include_names, "submitted_at": None}
    book.include_names = include_names
    book.submitted_at, book.submitted_by_id = now_utc(), actor.id
    changes = audit.diff(before, audit.snapshot(book, ("include_names", "submitted_at")))
    audit.record(
        actor, AuditAction.SUBMIT, "record_book", book.id, {"year": [None, year], **changes}
    )
    db.session.flush()
    return book


def reopen(actor: Account, member: Account, year: int, reason: str) -> RecordBook:
    """Her chair reopens a submitted book with a reason (audited): the duty is owed again
    until she submits it anew."""
    if not access.can_reopen_book(actor, member):
        raise NotAllowed(_("Only the chair of her committee can reopen her record book."))
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON:
        raise FieldErrors({"reason": _("Please give a reason (at most 200 characters).")})
    book = book_of(member.id, year)
    if book is None or not book.is_submitted:
        raise Conflict(_("This record book is not submitted, so there is nothing to reopen."))
    submitted_at = book.submitted_at
    book.submitted_at = book.submitted_by_id = None
    book.reopened_at, book.reopened_by_id, book.reopen_reason = now_utc(), actor.id, reason
    changes = {
        "submitted_at": [submitted_at.isoformat(), None],
        "reopen_reason": [None, reason],
    }
    audit.record(actor, AuditAction.OPEN, "record_book", book.id, changes)
    db.session.flush()
    return book
