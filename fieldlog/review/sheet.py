"""The printable review sheet (述职评议表): one A4 landscape PDF for the review meeting.

Every member of the round with her frozen figures and report status, then empty boxes for
the votes counted at the meeting and her result when the round has one. WeasyPrint draws it
from ``templates/review/sheet.html`` and embeds (subsets) the Chinese font, so the PDF reads
on a machine without Chinese fonts.

WeasyPrint needs the system's Pango library and a Chinese font; without them the sheet is
refused with ``SheetUnavailable`` (never a PDF of empty boxes).
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from fieldlog.errors import DomainError
from fieldlog.extensions import db
from fieldlog.labels import GRADE, RATER_GROUP
from fieldlog.models import DutyType, ReviewEntry, ReviewRound
from fieldlog.periods import parse_period
from fieldlog.vocab import Grade

FILENAME_UNSAFE = set('\\/:*?"<>|')


class SheetUnavailable(DomainError):
    """The server cannot draw the PDF (no Pango library or no Chinese font)."""

    status = 503


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


# The server's fonts -----------------------------------------------------------------------

_font_found = False


def cjk_font_installed() -> bool:
    """Whether fontconfig (the library Pango draws with) knows a font covering Chinese.

    A positive answer is kept for the life of the process; a negative one is asked again,
    so installing ``fonts-noto-cjk`` takes effect without a restart.
    """
    global _font_found
    if not _font_found:
        _font_found = _fontconfig_count(b":lang=zh") > 0
    return _font_found


class _FcFontSet(ctypes.Structure):
    _fields_ = [("nfont", ctypes.c_int), ("sfont", ctypes.c_int), ("fonts", ctypes.c_void_p)]


def _fontconfig_count(pattern: bytes) -> int:
    """Number of fonts matching a fontconfig pattern; 0 when fontconfig is not there.

    Asks libfontconfig itself rather than running ``fc-list``: Pango depends on the
    library, while the ``fc-list`` program is often missing from slim server images.
    """
    name = ctypes.util.find_library("fontconfig") or "libfontconfig.so.1"
    try:
        fc = ctypes.CDLL(name)
    except OSError:
        return 0
    fc.FcNameParse.restype = ctypes.c_void_p
    fc.FcObjectSetCreate.restype = ctypes.c_void_p
    fc.FcObjectSetAdd.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    fc.FcFontList.restype = ctypes.POINTER(_FcFontSet)
    fc.FcFontList.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    for free in (fc.FcPatternDestroy, fc.FcObjectSetDestroy, fc.FcFontSetDestroy):
        free.argtypes = [ctypes.c_void_p]
    if not fc.FcInit():
        return 0
    pat, objects = fc.FcNameParse(pattern), fc.FcObjectSetCreate()
    fc.FcObjectSetAdd(objects, b"family")
    fonts = fc.FcFontList(None, pat, objects)
    count = fonts.contents.nfont if fonts else 0
    if fonts:
        fc.FcFontSetDestroy(ctypes.cast(fonts, ctypes.c_void_p))
    fc.FcObjectSetDestroy(objects)
    fc.FcPatternDestroy(pat)
    return count


def _weasyprint() -> Any:
    """WeasyPrint, imported only when a sheet is drawn: without Pango its import fails."""
    try:
        import weasyprint
    except (ImportError, OSError) as error:
        raise SheetUnavailable(
            _(
                "The server is missing the PDF library (WeasyPrint with Pango), "
                "so the PDF cannot be made."
            )
        ) from error
    return weasyprint


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


def sheet_row(number: int, entry: ReviewEntry, columns: Iterable[DutyColumn]) -> SheetRow:
    """One member's line of the sheet from her stored figures."""
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
    )


def page_counter_css() -> Markup:
    """The CSS ``content`` value for "page N of M" in the current language."""
    marked = _("Page %(page)s of %(pages)s", page="\0page\0", pages="\0pages\0")
    parts = []
    for i, piece in enumerate(marked.split("\0")):
        if i % 2:
            parts.append(f"counter({'pages' if piece == 'pages' else 'page'})")
        elif piece:
            escaped = piece.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
            parts.append(f'"{escaped}"')
    return Markup(" ".join(parts))  # noqa: S704 - our own catalogue's text, CSS-escaped


def day_label(day: date, locale: str) -> str:
    """A calendar day as people write it: ``2026年6月30日`` or ``2026-06-30``."""
    if locale.startswith("zh"):
        return f"{day.year}年{day.month}月{day.day}日"
    return day.isoformat()


def sheet_html(round_: ReviewRound, locale: str) -> str:
    """The sheet as print HTML (what WeasyPrint draws), in ``locale``."""
    with force_locale(locale):
        columns = duty_columns(round_.entries, locale)
        rows = [sheet_row(i, e, columns) for i, e in enumerate(round_.entries, start=1)]
        return render_template(
            "review/sheet.html",
            round=round_,
            org=round_.organisation,
            half_label=parse_period(round_.half).label(locale),
            as_of=day_label(round_.figures_as_of, locale),
            columns=columns,
            rows=rows,
            grades=list(GRADE.items()),
            grade_labels=GRADE,
            groups=list(RATER_GROUP.items()),
            page_counter=page_counter_css(),
            html_lang="zh-CN" if locale.startswith("zh") else "en",
        )


def render_sheet(round_: ReviewRound, locale: str) -> bytes:
    """The review sheet of ``round_`` (entries loaded) as an A4 PDF.

    Raises SheetUnavailable when the server lacks Pango or a Chinese font.
    """
    weasyprint = _weasyprint()
    if not cjk_font_installed():
        raise SheetUnavailable(
            _("The server has no Chinese font (fonts-noto-cjk), so the PDF cannot be made.")
        )
    html = sheet_html(round_, locale)
    # The sheet loads nothing from outside; refuse every URL rather than trust its text.
    fetcher = weasyprint.urls.URLFetcher(allowed_protocols=(), allow_redirects=False)
    return weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf()


# The file name -----------------------------------------------------------------------------


def content_disposition(round_: ReviewRound) -> str:
    """``inline`` with an ASCII file name and the Chinese one (RFC 6266 ``filename*``)."""
    ascii_name = f"review-sheet-{round_.organisation_id}-{round_.half}.pdf"
    org = "".join(
        c for c in round_.organisation.name if c not in FILENAME_UNSAFE and c.isprintable()
    )
    name = _("Review sheet") + f"-{org.strip()}-{round_.half}.pdf"
    return f"inline; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
