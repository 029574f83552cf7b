"""Spreadsheet output shared by ledgers, record books and the roster template.

Every cell that comes from user text goes through ``safe_cell``: control characters that
older data may still hold are dropped (an XLSX file cannot carry them), and a value
starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be read as a
formula by Excel, WPS or LibreOffice (CSV/formula injection), so it gets a leading single
quote and is kept as text.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from html import escape
from math import isfinite
from typing import IO, Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 (so XLSX) cannot carry at all, and lone surrogates, which no encoding
# can write: data stored before the text rule (``textcheck``) may hold them. Dropped.
UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Column width in Excel units: a CJK character takes about two.
MIN_WIDTH, MAX_WIDTH = 6, 60


def safe_cell(value: Any) -> Any:
    """``value`` unchanged, except text: without the characters a spreadsheet file cannot
    hold (``UNWRITABLE``: openpyxl refuses them), and quoted when a spreadsheet would run
    it as a formula."""
    if isinstance(value, str):
        value = UNWRITABLE.sub("", value)
        if value.startswith(FORMULA_STARTS):
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
    buffer = io.BytesIO()
    write_csv(buffer, header, rows)
    return buffer.getvalue()


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


def write_csv(binary: IO[bytes], header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """``csv_bytes`` written into a binary file as the rows come (a ledger of any size)."""
    text = io.TextIOWrapper(binary, encoding="utf-8", newline="", write_through=False)
    text.write("\ufeff")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell("" if v is None else v) for v in row])
    text.flush()
    text.detach()  # leave ``binary`` open for the caller


# Streaming XLSX ----------------------------------------------------------------------------
# openpyxl takes about 10 µs a cell (a district's year of logs is millions of cells) and
# keeps a whole normal workbook in memory. Ledgers write their large sheets here instead:
# rows go straight to XML in temporary files, with the same rules as ``write_sheet``.

MAX_CELL_TEXT = 32767  # Excel's limit for one cell
SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")
EXCEL_EPOCH = datetime(1899, 12, 30)
HEADER_STYLE, DATE_STYLE, DATETIME_STYLE = 1, 2, 3
SPOOL_BYTES = 8 * 1024 * 1024
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_STYLES = (
    f'{_XML_HEAD}<styleSheet xmlns="{_NS}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"'
    ' applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def sheet_title(title: str, taken: set[str]) -> str:
    """A valid, unique sheet name: at most 31 characters, none of []:*?/\\."""
    base = " ".join(SHEET_TITLE_BAD.sub(" ", UNWRITABLE.sub("", title)).split()).strip("'")
    base = base[:31] or "Sheet"
    name, n = base, 2
    while name.casefold() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.casefold())
    return name


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text_xml(value: str) -> str:
    """Cell text (already through ``safe_cell``) as an inline string."""
    # A carriage return as a reference: XML readers turn a literal one into a line feed.
    text = escape(value[:MAX_CELL_TEXT]).replace("\r", "&#13;")
    return f'<is><t xml:space="preserve">{text}</t></is>'


class StreamingSheet:
    """One sheet of a ``StreamingWorkbook``: a bold frozen header, filters over the rows,
    widths that fit Chinese, dates and numbers kept as such, user text made safe."""

    def __init__(self, title: str, header: Sequence[str]) -> None:
        self.title = title
        self.rows = 0
        self._letters = [column_letter(i) for i in range(len(header))]
        self._widths = [display_width(h) for h in header]
        self._file = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
        self._chunk: list[str] = []
        self._write_row([str(h) for h in header], style=HEADER_STYLE)

    def append(self, row: Sequence[Any]) -> None:
        """Add one row below the others."""
        self.rows += 1
        self._write_row(row)

    def _write_row(self, row: Sequence[Any], style: int = 0) -> None:
        n = self.rows + 1
        cells = "".join(
            self._cell(f"{letter}{n}", i, value, style)
            for i, (letter, value) in enumerate(zip(self._letters, row, strict=False))
            if value is not None and value != ""
        )
        self._chunk.append(f'<row r="{n}">{cells}</row>')
        if len(self._chunk) >= 500:
            self._flush()

    def _cell(self, ref: str, i: int, value: Any, style: int) -> str:
        if isinstance(value, str):  # most cells: test it first
            return self._text(ref, i, value, style)
        if isinstance(value, bool):
            return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
        if isinstance(value, int | Decimal) or (isinstance(value, float) and isfinite(value)):
            self._widen(i, len(str(value)))
            return f'<c r="{ref}"><v>{value}</v></c>'
        if isinstance(value, datetime):
            delta = value.replace(tzinfo=None, microsecond=0) - EXCEL_EPOCH
            self._widen(i, 16)
            serial = delta.days + delta.seconds / 86400
            return f'<c r="{ref}" s="{DATETIME_STYLE}"><v>{serial!r}</v></c>'
        if isinstance(value, date):
            self._widen(i, 10)
            serial = (value - EXCEL_EPOCH.date()).days
            return f'<c r="{ref}" s="{DATE_STYLE}"><v>{serial}</v></c>'
        return self._text(ref, i, str(value), style)

    def _text(self, ref: str, i: int, value: str, style: int) -> str:
        text = safe_cell(value)
        # display_width is at most twice the length: most cells need no measuring
        if len(text) * 2 > self._widths[i] and self._widths[i] < MAX_WIDTH:
            self._widen(i, display_width(text))
        styled = f' s="{style}"' if style else ""
        return f'<c r="{ref}"{styled} t="inlineStr">{_text_xml(text)}</c>'

    def _widen(self, i: int, width: int) -> None:
        if width > self._widths[i]:
            self._widths[i] = width

    def _flush(self) -> None:
        self._file.write("".join(self._chunk).encode("utf-8"))
        self._chunk.clear()

    @property
    def ref(self) -> str:
        """The range of the header and rows, e.g. ``A1:S120``."""
        return f"A1:{self._letters[-1]}{self.rows + 1}"

    def write_to(self, out: IO[bytes]) -> None:
        """The sheet's XML: head, the buffered rows, tail."""
        self._flush()
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{max(MIN_WIDTH, min(MAX_WIDTH, w + 2))}"'
            ' customWidth="1"/>'
            for i, w in enumerate(self._widths, start=1)
        )
        out.write(
            (
                f'{_XML_HEAD}<worksheet xmlns="{_NS}"><dimension ref="{self.ref}"/>'
                '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2"'
                ' activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"'
                ' activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
                f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'
            ).encode()
        )
        self._file.seek(0)
        shutil.copyfileobj(self._file, out)
        self._file.close()
        tail = f'<autoFilter ref="{self.ref}"/>' if self.rows else ""
        out.write(f"</sheetData>{tail}</worksheet>".encode())


class StreamingWorkbook:
    """An XLSX file built sheet by sheet and row by row, for ledgers of any size.

    Sheets may be filled in any order (each buffers its rows in a temporary file that
    spills to disk past 8 MB); ``save`` zips them. Readable by Excel, WPS, LibreOffice and
    openpyxl; the same layout rules as ``write_sheet``.
    """

    def __init__(self) -> None:
        self.sheets: list[StreamingSheet] = []
        self._taken: set[str] = set()

    def add_sheet(self, title: str, header: Sequence[str]) -> StreamingSheet:
        """A new sheet (its title made valid and unique) with its header row."""
        sheet = StreamingSheet(sheet_title(title, self._taken), header)
        self.sheets.append(sheet)
        return sheet

    def save(self, binary: IO[bytes]) -> None:
        """Write the workbook as an XLSX file into ``binary``."""
        with zipfile.ZipFile(binary, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", self._content_types())
            archive.writestr(
                "_rels/.rels",
                f'{_XML_HEAD}<Relationships xmlns="{_PKG_REL_NS}"><Relationship Id="rId1"'
                f' Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
            )
            archive.writestr("xl/workbook.xml", self._workbook())
            archive.writestr("xl/_rels/workbook.xml.rels", self._workbook_rels())
            archive.writestr("xl/styles.xml", _STYLES)
            for i, sheet in enumerate(self.sheets, start=1):
                with archive.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as out:
                    sheet.write_to(out)

    def _content_types(self) -> str:
        sheets = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_CT}.worksheet+xml"/>'
            for i in range(1, len(self.sheets) + 1)
        )
        return (
            f'{_XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>{sheets}</Types>'
        )

    def _workbook(self) -> str:
        sheets = "".join(
            f'<sheet name="{escape(s.title, quote=True)}" sheetId="{i}" r:id="rId{i}"/>'
            for i, s in enumerate(self.sheets, start=1)
        )
        names = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
            f"{escape(_absolute(s))}</definedName>"
            for i, s in enumerate(self.sheets)
            if s.rows
        )
        return (
            f'{_XML_HEAD}<workbook xmlns="{_NS}" xmlns:r="{_REL_NS}">'
            f"<bookViews><workbookView/></bookViews><sheets>{sheets}</sheets>"
            f"{f'<definedNames>{names}</definedNames>' if names else ''}</workbook>"
        )

    def _workbook_rels(self) -> str:
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{_REL_NS}/worksheet"'
            f' Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(self.sheets) + 1)
        )
        styles = len(self.sheets) + 1
        return (
            f'{_XML_HEAD}<Relationships xmlns="{_PKG_REL_NS}">{rels}<Relationship'
            f' Id="rId{styles}" Type="{_REL_NS}/styles" Target="styles.xml"/></Relationships>'
        )


def _absolute(sheet: StreamingSheet) -> str:
    """``'Sheet name'!$A$1:$S$120`` for the filter's defined name."""
    first, last = sheet.ref.split(":")
    split = re.compile(r"([A-Z]+)(\d+)")
    cells = ":".join(split.sub(r"$\1$\2", ref) for ref in (first, last))
    return "'" + sheet.title.replace("'", "''") + "'!" + cells
