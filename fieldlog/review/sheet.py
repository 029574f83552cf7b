"""The printable review sheet (述职评议表): one A4 landscape PDF for the review meeting.

Every member of the round with her frozen figures and report status (mid-year: whether she
reported orally; year-end: her written annual report), her attendance at the linked review
meeting (whose date fills 评议会日期), then empty boxes for the votes counted at the meeting
and her result when the round has one. WeasyPrint draws it
from ``templates/review/sheet.html`` and embeds (subsets) the Chinese font, so the PDF reads
on a machine without Chinese fonts.

WeasyPrint needs the system's Pango library and a Chinese font; without them the sheet is
refused with ``fieldlog.pdf.PdfUnavailable`` (never a PDF of empty boxes).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from fieldlog import pdf
from fieldlog.downloads import clean_filename, content_disposition
from fieldlog.extensions import db
from fieldlog.labels import ATTENDANCE, GRADE, RATER_GROUP
from fieldlog.models import DutyType, ReviewEntry, ReviewRound
from fieldlog.review import held
from fieldlog.review.naming import round_label
from fieldlog.vocab import Grade


@dataclass(frozen=True)
class DutyColumn:
    code: str
    name: str


@dataclass(frozen=True)
class SheetRow:
    """One member's line: ``cells`` holds (done, owed) per duty column, None when not owed."""

    number: int
    name: str
    cells: tuple[tuple[int, int] | None, ...]
    overdue: int
    late: int
    excused: int
    completion: int | None
    submitted: bool
    result: Grade | None
    oral_reported: bool = False
    attendance: str | None = None  # at the linked review meeting: present, excused, absent


# Building the sheet ------------------------------------------------------------------------


def duty_columns(entries: Sequence[ReviewEntry], locale: str) -> list[DutyColumn]:
    """The duties in the round's figures, in catalogue order, named in the reader's language."""
    codes: list[str] = []
    for entry in entries:
        for duty in entry.figures.get("duties", []):
            if duty["code"] not in codes:
                codes.append(duty["code"])
    if not codes:
        return []
    known = db.session.scalars(
        select(DutyType).where(DutyType.code.in_(codes)).order_by(DutyType.sort_order)
    ).all()
    columns = [DutyColumn(d.code, d.name(locale)) for d in known]
    named = {c.code for c in columns}
    return columns + [DutyColumn(code, code) for code in codes if code not in named]


def sheet_row(
    number: int,
    entry: ReviewEntry,
    columns: Iterable[DutyColumn],
    held_at: held.HeldAt | None = None,
) -> SheetRow:
    """One member's line of the sheet from her stored figures (and the meeting's roll)."""
    figures = entry.figures or {}
    by_code = {d["code"]: d for d in figures.get("duties", [])}
    cells = []
    for column in columns:
        duty = by_code.get(column.code)
        owed = duty["owed"] if duty else 0
        cells.append((duty["done"], owed) if duty and owed else None)
    totals = figures.get("totals", {})
    return SheetRow(
        number=number,
        name=entry.account.display_name,
        cells=tuple(cells),
        overdue=totals.get("overdue", 0),
        late=totals.get("late", 0),
        excused=totals.get("excused", 0),
        completion=figures.get("completion"),
        submitted=entry.submitted,
        result=entry.result,
        oral_reported=entry.oral_reported,
        attendance=held_at.status_of.get(entry.account_id) if held_at else None,
    )


def sheet_html(round_: ReviewRound, locale: str) -> str:
    """The sheet as print HTML, in ``locale``: ``pdf.render_pdf`` draws it (it loads
    nothing from outside: the printer refuses every URL)."""
    with force_locale(locale):
        columns = duty_columns(round_.entries, locale)
        meeting = held.held_at(round_)
        rows = [sheet_row(i, e, columns, meeting) for i, e in enumerate(round_.entries, start=1)]
        return render_template(
            "review/sheet.html",
            round=round_,
            org=round_.organisation,
            half_label=round_label(round_.half, locale),
            as_of=pdf.day_label(round_.figures_as_of, locale),
            held=meeting,
            # Oral reports are marked at the meeting: the column shows once there are some.
            oral_column=not round_.is_year_end and any(r.oral_reported for r in rows),
            held_on=pdf.day_label(meeting.held_on, locale) if meeting else None,
            attendance_labels=ATTENDANCE,
            columns=columns,
            rows=rows,
            grades=list(GRADE.items()),
            grade_labels=GRADE,
            groups=list(RATER_GROUP.items()),
            page_counter=pdf.page_counter_css(),
            html_lang="zh-CN" if locale.startswith("zh") else "en",
        )


# The file name -----------------------------------------------------------------------------


def sheet_disposition(round_: ReviewRound) -> str:
    """``inline`` with an ASCII file name and the Chinese one (RFC 6266 ``filename*``)."""
    ascii_name = f"review-sheet-{round_.organisation_id}-{round_.half}.pdf"
    org = clean_filename(round_.organisation.name)
    name = _("Review sheet") + f"-{org}-{round_.half}.pdf"
    return content_disposition(name, ascii_name, "inline")
