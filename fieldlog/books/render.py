"""The record book as files: an A4 PDF (WeasyPrint, through ``fieldlog.pdf``), an XLSX of
two sheets (entries, summary) and a ZIP of a committee's PDFs.

A batch of books shares one printer: one font configuration and one parsed stylesheet, so
a committee's fifteen books cost little more than fifteen layouts.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from fieldlog import labels, pdf
from fieldlog.books.content import FIELD_LABELS, Book, hidden_fields
from fieldlog.catalogue import LOG_FIELDS
from fieldlog.downloads import clean_filename
from fieldlog.review.naming import round_label
from fieldlog.spreadsheet import write_sheet
from fieldlog.timeutil import to_local


def _submitted_on(book: Book) -> date | None:
    if not book.submitted:
        return None
    return to_local(book.record.submitted_at, current_app.config["TIMEZONE"]).date()


def book_css(locale: str) -> str:
    """The print stylesheet, with the page counter in ``locale``."""
    with force_locale(locale):
        return render_template("books/book.css", page_counter=pdf.page_counter_css())


def book_html(book: Book, locale: str, printed_on: date) -> str:
    """One book as print HTML (what WeasyPrint draws), in ``locale``."""
    with force_locale(locale):
        return render_template(
            "books/book.html",
            book=book,
            locale=locale,
            html_lang="zh-CN" if locale.startswith("zh") else "en",
            day=lambda d: pdf.day_label(d, locale),
            half_label=lambda code: round_label(code, locale),
            submitted_on=_submitted_on(book),
            printed_on=printed_on,
            duty_names={d.code: d.name(locale) for d in book.duties},
            grade_labels=labels.GRADE,
            meeting_labels=labels.MEETING_KIND,
            attendance_labels=labels.ATTENDANCE,
        )


def pdf_jobs(books: Sequence[Book], locale: str, printed_on: date) -> list[pdf.Job]:
    """Each book as the print HTML WeasyPrint draws and the files it may load: everything
    read from the database, so that the drawing (``draw_pdfs``) needs no transaction.

    Raises ``PdfUnavailable`` when the server lacks Pango or a Chinese font.
    """
    pdf.weasyprint_ready()
    return [(book_html(b, locale, printed_on), b.files) for b in books]


def draw_pdfs(jobs: Sequence[pdf.Job], locale: str) -> list[bytes]:
    """The books of ``pdf_jobs`` as A4 PDF bytes: one shared font configuration and
    stylesheet, and for a committee's batch several processes (config ``PDF_PROCESSES``).
    The slow part: call it with no transaction open (``database.idle``)."""
    workers = pdf.processes(current_app.config.get("PDF_PROCESSES"))
    return pdf.render_batch(book_css(locale), jobs, workers)


def file_names(book: Book, ext: str) -> tuple[str, str]:
    """``(ASCII name, Chinese name)`` of a book's file."""
    ascii_name = f"record-book-{book.member.id}-{book.year}.{ext}"
    name = clean_filename(book.member.display_name) or str(book.member.id)
    return ascii_name, f"{_('Work record book')}-{name}-{book.year}.{ext}"


def zip_pdfs(names: Sequence[str], pdfs: Sequence[bytes]) -> bytes:
    """The books' PDFs in one ZIP under their ``names`` (``file_names``' second), numbered
    in the committee's order. Stored, not deflated: PDFs are compressed already (deflating
    saved 6 % and cost 10 ms a book)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for number, (name, data) in enumerate(zip(names, pdfs, strict=True), start=1):
            archive.writestr(f"{number:02d}-{name}", data)
    return buffer.getvalue()


# The spreadsheet -----------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    """A value as a spreadsheet cell: labels as text, hours as a number."""
    if isinstance(value, Decimal):
        return float(value)
    if value is None or isinstance(value, int | float | date):
        return value
    return str(value)


def entry_columns(book: Book) -> list[str]:
    """The log fields the entries sheet has columns for (names only when shown)."""
    hidden = hidden_fields(book.names, book.details)
    return [f for f in LOG_FIELDS if f not in hidden]


def entry_rows(book: Book, locale: str) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of the entries sheet, in the reader's language (call under a locale)."""
    columns = entry_columns(book)
    header = [_("No."), _("Date"), _("Duty")]
    header += [str(FIELD_LABELS[f]) for f in columns] + [_("Entered on"), _("Entered late")]
    rows = []
    for number, entry in enumerate(book.entries, start=1):
        shown = {name: value for name, _label, value in entry.fields}
        row = [number, entry.log.happened_on, entry.duty.name(locale)]
        row += [_cell(shown.get(f)) for f in columns]
        row += [entry.entered_on, _("Yes") if entry.late else ""]
        rows.append(row)
    return header, rows


def summary_rows(book: Book, locale: str) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of the summary sheet: every duty and period of the year."""
    header = [
        _("Duty"),
        _("Period"),
        _("Status"),
        _("Counted"),
        _("Times needed"),
        _("Entered late"),
    ]
    rows = []
    for duty in book.duties:
        for o in book.obligations.get(duty.code, []):
            status = str(labels.STATUS[o.status])
            rows.append(
                [
                    duty.name(locale),
                    o.period.label(locale),
                    status,
                    o.count,
                    o.required,
                    int(o.completed_late),
                ]
            )
    return header, rows


def book_xlsx(book: Book, locale: str) -> bytes:
    """The book as an XLSX workbook: a sheet of entries and a sheet of the summary."""
    from openpyxl import Workbook

    with force_locale(locale):
        workbook = Workbook()
        entries = workbook.active
        entries.title = _("Entries")
        write_sheet(entries, *entry_rows(book, locale))
        write_sheet(workbook.create_sheet(_("Summary")), *summary_rows(book, locale))
        workbook.properties.title = (
            f"{book.member.display_name} {_('Work record book')} {book.year}"
        )
        buffer = io.BytesIO()
        workbook.save(buffer)
    return buffer.getvalue()
