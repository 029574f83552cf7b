"""Spreadsheet output shared by ledgers, record books and the roster template.

Every cell that comes from user text goes through ``safe_cell``: a value starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be read as a formula by Excel,
WPS or LibreOffice (CSV/formula injection), so it gets a leading single quote and is kept
as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Column width in Excel units: a CJK character takes about two.
MIN_WIDTH, MAX_WIDTH = 6, 60


def safe_cell(value: Any) -> Any:
    """``value`` unchanged, except text that a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def display_width(value: Any) -> int:
    """Roughly how many Excel width units ``value`` needs (CJK counts double)."""
    text = "" if value is None else str(value)
    longest = max((line for line in text.splitlines() or [""]), key=len)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in longest)


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 CSV with a byte-order mark (so Excel reads Chinese correctly), every text cell
    made safe, quoting as Excel expects, CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell("" if v is None else v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_sheet(sheet, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Fill an openpyxl worksheet: bold frozen header, filters, widths that fit Chinese,
    real dates and numbers as they are, user text made safe."""
    from openpyxl.styles import Alignment, Font

    sheet.append([safe_cell(h) for h in header])
    widths = [display_width(h) for h in header]
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
        for i, value in enumerate(row):
            widths[i] = max(widths[i], display_width(value))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    from openpyxl.utils import get_column_letter

    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(
            MIN_WIDTH, min(MAX_WIDTH, width + 2)
        )
    sheet.freeze_panes = "A2"
    if sheet.max_row > 1:
        sheet.auto_filter.ref = sheet.dimensions
