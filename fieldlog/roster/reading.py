"""Reading an uploaded roster: an XLSX or a CSV file into rows of cells, refusing hostile
files before they cost memory or time.

- XLSX: the zip directory is checked first (number of parts, their declared uncompressed
  sizes in total and against their compressed sizes), so a zip bomb is refused before
  openpyxl opens it; Python's zipfile never inflates a part past its declared size.
  Then ``parts.check_parts`` streams the parts to bound what openpyxl would load (shared
  strings, cells, rows). openpyxl then reads it in read-only mode, formulas kept as
  formulas so they can be refused cell by cell, within the time budget. The XML parser is
  expat 2.4+ (entity expansion limited).
- CSV: UTF-8 with or without BOM; UTF-16 with BOM (Excel's "Unicode text"); GBK/GB18030
  from Chinese Excel when the bytes are not UTF-8 but decode strictly as GB18030 into
  Chinese text with no control characters. Anything else is refused.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _

from fieldlog.roster.parts import Budget, LimitExceeded, Limits, check_parts

MAX_PARTS = 500
MAX_UNZIPPED = 64 * 1024 * 1024  # all parts together, as declared in the zip directory
MAX_RATIO = 100  # uncompressed / compressed, for parts larger than RATIO_FROM
RATIO_FROM = 1024 * 1024
MAX_COLUMNS = 30
EMPTY_ROWS_ALLOWED = 1000  # blank rows in a row that end the data
REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and other old Office files
ZIP_MAGIC = b"PK\x03\x04"
CONTROL = {chr(i) for i in range(32)} - {"\t", "\r", "\n"}


class FileRefused(Exception):
    """The file as a whole cannot be read; ``message`` says why, for the page."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    """The cells of a roster: the header row and the non-blank rows below it, each with
    its row number as the spreadsheet shows it. ``formulas`` lists (row, column index)."""

    kind: str
    header: list[Any]
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    formulas: list[tuple[int, int]] = field(default_factory=list)


def read_table(data: bytes, file_name: str, limits: Limits, is_header) -> Table:
    """The roster in ``data``: its first row that ``is_header`` accepts, and the rows
    below it, read within ``limits``. A file named .xlsx must be one. Raises
    ``FileRefused``."""
    try:
        return _read_table(data, file_name, limits, Budget(limits.seconds), is_header)
    except LimitExceeded as exceeded:
        raise FileRefused(exceeded.message) from None


def _read_table(data: bytes, file_name: str, limits: Limits, budget: Budget, is_header) -> Table:
    if not data.strip():
        raise FileRefused(_("The file is empty."))
    if data.startswith(ZIP_MAGIC):
        return _read_xlsx(data, limits, budget, is_header)
    if file_name.lower().endswith((".xlsx", ".xlsm", ".zip")):
        raise _not_readable()
    if data.startswith(OLE_MAGIC):
        raise FileRefused(
            _(
                "This is an old Excel file (.xls). Save it as .xlsx (Excel Workbook) and "
                "upload that."
            )
        )
    return _read_csv(_decode(data), limits.max_rows, budget, is_header)


def _not_readable() -> FileRefused:
    return FileRefused(_("This is not an Excel workbook (.xlsx) or a CSV file FieldLog can read."))


# XLSX --------------------------------------------------------------------------------------


def check_zip(data: bytes, limits: Limits, budget: Budget) -> None:
    """Refuse a damaged zip, one that is not a workbook, or a zip bomb, by its directory;
    then one that holds more than a roster, by streaming its parts."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _not_readable() from None
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            raise _bomb()
        total = 0
        for part in parts:
            total += part.file_size
            big = part.file_size > RATIO_FROM
            if big and part.file_size > MAX_RATIO * max(part.compress_size, 1):
                raise _bomb()
            if part.flag_bits & 0x1:  # encrypted
                raise FileRefused(_("The workbook is protected by a password. Remove it first."))
        if total > MAX_UNZIPPED:
            raise _bomb()
        names = set(archive.namelist())
        if not all(name in names for name in REQUIRED_PARTS):
            raise _not_readable()
        check_parts(archive, limits, budget)


def _bomb() -> FileRefused:
    return FileRefused(
        _("The workbook unpacks to far more data than a roster holds, so it was not opened.")
    )


def _read_xlsx(data: bytes, limits: Limits, budget: Budget, is_header) -> Table:
    check_zip(data, limits, budget)
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 - any failure of a hostile file is "cannot be read"
        raise _not_readable() from None
    try:
        for sheet in book.worksheets:
            table = _sheet_table(sheet, limits.max_rows, budget, is_header)
            if table is not None:
                return table
    except (FileRefused, LimitExceeded):
        raise
    except Exception:  # noqa: BLE001 - broken XML inside the zip
        raise _not_readable() from None
    finally:
        book.close()
    raise _no_header()


def _no_header() -> FileRefused:
    return FileRefused(_("No header row found. Use the template: its first row names the columns."))


def _sheet_table(sheet, max_rows: int, budget: Budget, is_header) -> Table | None:
    """The sheet's roster, or None when no row in its first rows is a header."""
    table: Table | None = None
    blank = 0  # blank rows in a row: after many, the rest are only formatted, not filled
    rows = sheet.iter_rows(max_col=MAX_COLUMNS)
    for number, cells in enumerate(rows, start=1):
        budget.check()
        values = [_xlsx_value(c) for c in cells]
        if not any(v not in (None, "") for v in values):
            blank += 1
            if blank > EMPTY_ROWS_ALLOWED:
                break
            continue
        blank = 0
        if table is None:
            if is_header(values):
                table = Table("xlsx", values)
            elif number > 20:
                return None
            continue
        table.rows.append((number, values))
        table.formulas += [(number, i) for i, c in enumerate(cells) if _is_formula(c)]
        _check_count(table, max_rows)
    return table


def _is_formula(cell) -> bool:
    return getattr(cell, "data_type", None) == "f"


def _xlsx_value(cell) -> Any:
    value = getattr(cell, "value", None)
    if isinstance(value, datetime):
        return value.date()
    return value


def _check_count(table: Table, max_rows: int) -> None:
    if len(table.rows) > max_rows:
        raise FileRefused(
            _(
                "The file has more than %(max)d members. Split it into files of at most "
                "%(max)d rows.",
                max=max_rows,
            )
        )


# CSV ---------------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise _not_readable() from None
    if b"\x00" in data:
        raise _not_readable()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = _gbk(data)
    if any(c in CONTROL for c in text):
        raise _not_readable()
    return text


def _gbk(data: bytes) -> str:
    """Chinese Excel's CSV: accepted only when it decodes strictly and reads as Chinese."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise _not_readable() from None
    if not any("\u4e00" <= c <= "\u9fff" for c in text):
        raise _not_readable()
    return text


def _read_csv(text: str, max_rows: int, budget: Budget, is_header) -> Table:
    first_line = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    table: Table | None = None
    try:
        for number, values in enumerate(reader, start=1):
            budget.check()
            values = values[:MAX_COLUMNS]
            if not any(v.strip() for v in values):
                continue
            if table is None:
                if not is_header(values):
                    raise _no_header()
                table = Table("csv", values)
                continue
            table.rows.append((number, values))
            table.formulas += [(number, i) for i, v in enumerate(values) if v.startswith("=")]
            _check_count(table, max_rows)
    except csv.Error:
        raise _not_readable() from None
    if table is None:
        raise _no_header()
    return table


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a trailing .0 (phone numbers), dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()
