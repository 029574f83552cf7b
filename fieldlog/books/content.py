"""What goes into a record book: her year gathered from the logs, the tracker, the reviews
and the meetings, ready for the PDF and the spreadsheet.

``load_books`` gathers many members' books with one set of grouped queries (a committee's
ZIP costs the same number of queries as one book).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from fieldlog import access, labels
from fieldlog.books import queries
from fieldlog.catalogue import LOG_FIELDS
from fieldlog.models import Account, Attendance, DutyType, Log, Membership, RecordBook, ReviewEntry
from fieldlog.obligations import Obligation
from fieldlog.periods import Cadence, Period, period_of, periods_of_year
from fieldlog.review import figures
from fieldlog.timeutil import to_local
from fieldlog.tracker import chair_data
from fieldlog.tracker import service as tracker
from fieldlog.tracker.chair_data import YearTable
from fieldlog.tracker.queries import active_duties

# Fields whose stored value is a code shown through a label.
CHOICE_LABELS = {
    "method": labels.METHOD,
    "proposal_status": labels.PROPOSAL_STATUS,
    "help_target": labels.HELP_TARGET,
}
PHOTO_FOLDER = ("uploads", "photos")
# Fields printed on one line with their label; the others (free text) get a line each.
SHORT_FIELDS = frozenset(
    {"method", "place", "women_count", "topic", "proposal_status", "help_target"}
    | {"volunteer_activity", "volunteer_hours"}
)
# The form's label for the names asks "optional, private": the book only needs the name.
FIELD_LABELS = {**labels.FIELD, "women_names": _l("Names of the women")}


@dataclass(frozen=True)
class Entry:
    """One log as the book prints it: its filled fields, labelled, in the form's order."""

    log: Log
    duty: DutyType
    fields: list[tuple[str, str, Any]]  # (field name, label, value for print)
    entered_on: date
    late: bool
    photos: list[str] = field(default_factory=list)  # thumbnail names (files in ``Book``)

    @property
    def short(self) -> list[tuple[str, str, Any]]:
        return [f for f in self.fields if f[0] in SHORT_FIELDS]

    @property
    def long(self) -> list[tuple[str, str, Any]]:
        return [f for f in self.fields if f[0] not in SHORT_FIELDS]


@dataclass
class Book:
    """A member's record book of one year."""

    member: Account
    year: int
    as_of: date
    record: RecordBook | None
    names: bool  # whether this copy shows the women's names
    details: bool  # whether it shows free text about the women (not in an admin's copy)
    terms: list[Membership]
    duties: list[DutyType]
    obligations: dict[str, list[Obligation]]
    table: YearTable
    summary: dict[str, Any]
    entries: list[Entry]
    reviews: list[ReviewEntry]
    attendance: list[Attendance]
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def org_names(self) -> list[str]:
        """The committees she sat on that year (her home organisation if none)."""
        names = list(dict.fromkeys(t.organisation.name for t in self.terms))
        return names or [self.member.organisation.name]

    @property
    def proposals(self) -> list[Entry]:
        return [e for e in self.entries if e.log.proposal_text]

    @property
    def help_given(self) -> list[Entry]:
        return [e for e in self.entries if e.log.help_kind or e.log.help_target]

    @property
    def entry_counts(self) -> Counter[str]:
        """Her entries per duty code."""
        return Counter(e.duty.code for e in self.entries)

    @property
    def attendance_counts(self) -> Counter[str]:
        return Counter(a.status for a in self.attendance)

    @property
    def submitted(self) -> bool:
        return self.record is not None and self.record.is_submitted


def terms_in(member: Account, year: int, org_ids: Sequence[int] | None = None) -> list[Membership]:
    """Her committee terms overlapping ``year`` (on ``org_ids`` only, when given), oldest
    first."""
    first, last = queries.year_span(year)
    return [
        t
        for t in member.memberships
        if t.joined_on <= last
        and (t.left_on is None or t.left_on >= first)
        and (org_ids is None or t.organisation_id in org_ids)
    ]


def shows_names(viewer: Account, member: Account, record: RecordBook | None) -> bool:
    """Names appear only when she chose so and the reader may see them (she or her chair)."""
    chosen = record is not None and record.include_names
    return chosen and access.can_see_book_names(viewer, member)


def load_books(
    members: Sequence[Account],
    year: int,
    today: date,
    viewer: Account,
    org_ids: Sequence[int] | None = None,
) -> list[Book]:
    """The books of ``members`` for ``year`` as ``viewer`` may read them: her whole year,
    or (``org_ids``) what she did on those committees, as they keep it (a fixed number of
    queries: the tracker's, then logs, photos, books, reviews and attendance)."""
    ids = [m.id for m in members]
    duties = active_duties()
    years = tracker.members_years(members, year, today, org_ids)
    logs = queries.logs_of_year(ids, year)
    photos = queries.photos_of([log.id for rows in logs.values() for log in rows])
    records = queries.books_of(ids, year)
    reviews = queries.closed_reviews(ids, year)
    attendance = queries.attendance_of_year(ids, year)
    folder = Path(current_app.instance_path).joinpath(*PHOTO_FOLDER)
    tz = current_app.config["TIMEZONE"]
    books = []
    for member in members:
        record = records.get(member.id)
        names = shows_names(viewer, member, record)
        details = access.can_see_book_names(viewer, member)
        terms = terms_in(member, year, org_ids)
        hidden = hidden_fields(names, details)
        entries = [
            _entry(log, hidden, tz)
            for log in logs[member.id]
            if org_ids is None or any(t.active_on(log.happened_on) for t in terms)
        ]
        files = _attach_photos(entries, photos, folder)
        books.append(
            Book(
                member=member,
                year=year,
                as_of=min(today, date(year, 12, 31)),
                record=record,
                names=names,
                details=details,
                terms=terms,
                duties=duties,
                obligations=years[member.id],
                table=chair_data.year_table(years[member.id], duties, year),
                summary=figures.build(years[member.id], _whole_year(year), today),
                entries=entries,
                reviews=reviews[member.id],
                attendance=attendance[member.id],
                files=files,
            )
        )
    return books


def _whole_year(year: int) -> Period:
    """The second half: the review figures' scope that covers the whole year."""
    return periods_of_year(year, Cadence.HALF)[1]


def hidden_fields(names: bool, details: bool) -> frozenset[str]:
    """The log fields a copy of a book leaves out: the women's names unless she chose to
    show them to a reader allowed to see them; all free text about the women in a copy for
    someone other than her and her chair."""
    hidden = set() if details else set(access.WOMEN_DETAIL_FIELDS)
    return frozenset(hidden if names else hidden | {"women_names"})


def _entry(log: Log, hidden: frozenset[str], tz: str) -> Entry:
    entered = to_local(log.created_at, tz).date()
    period = period_of(log.happened_on, log.duty_type.cadence_enum)
    shown = []
    for name in LOG_FIELDS:
        if name in hidden:
            continue
        value = getattr(log, name)
        if value is None or value == "":
            continue
        shown.append((name, FIELD_LABELS[name], _printable(name, value)))
    return Entry(log, log.duty_type, shown, entered, entered > period.end)


def _printable(name: str, value: Any) -> Any:
    """A field's value as read: a label for a code, a plain number for hours."""
    if name in CHOICE_LABELS:
        return CHOICE_LABELS[name].get(value, value)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value


def _attach_photos(entries: list[Entry], photos: dict, folder: Path) -> dict[str, Path]:
    """Each entry's thumbnails that exist on disk; the files the PDF may load."""
    files: dict[str, Path] = {}
    for entry in entries:
        for photo in photos.get(entry.log.id, ()):
            path = folder / photo.thumb_name
            if Path(photo.thumb_name).name == photo.thumb_name and path.is_file():
                files[photo.thumb_name] = path
                entry.photos.append(photo.thumb_name)
    return files
