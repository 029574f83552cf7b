"""The streaming XLSX writer and the streaming CSV: what openpyxl (as Excel would) reads back."""

from __future__ import annotations

import csv
import html
import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from fieldlog.spreadsheet import (
    MAX_CELL_TEXT,
    StreamingWorkbook,
    column_letter,
    csv_bytes,
    display_width,
    sheet_title,
    write_csv,
)


def _saved(book: StreamingWorkbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _reopen(book: StreamingWorkbook):
    return load_workbook(io.BytesIO(_saved(book)))


def test_types_layout_and_safe_text():
    book = StreamingWorkbook()
    sheet = book.add_sheet("记录", ["日期", "人数", "时长", "备注", "录入", "补记"])
    sheet.append([date(2026, 3, 1), 5, Decimal("2.5"), "=2+2", datetime(2026, 3, 2, 9, 5), True])
    sheet.append([date(2026, 4, 1), None, 1.25, "走访\n两户", None, False])
    ws = _reopen(book)["记录"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:F3"
    assert [c.value for c in ws[1]] == ["日期", "人数", "时长", "备注", "录入", "补记"]
    assert ws["A1"].font.b
    row = [c.value for c in ws[2]]
    assert row == [datetime(2026, 3, 1), 5, 2.5, "'=2+2", datetime(2026, 3, 2, 9, 5), True]
    assert ws["A2"].number_format == "yyyy-mm-dd" and ws["E2"].number_format == "yyyy-mm-dd hh:mm"
    assert ws["D2"].data_type == "s" and ws["B2"].data_type == "n"
    assert [c.value for c in ws[3]] == [datetime(2026, 4, 1), None, 1.25, "走访\n两户", None, False]
    assert ws.column_dimensions["D"].width == display_width("'=2+2") + 2  # the widest cell


@pytest.mark.parametrize("text", ["=1+1", "+86", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_are_neutralised(text):
    book = StreamingWorkbook()
    book.add_sheet("s", ["a"]).append([text])
    assert _reopen(book)["s"]["A2"].value == "'" + text


def test_text_xml_cannot_carry_is_dropped_and_long_text_cut():
    book = StreamingWorkbook()
    sheet = book.add_sheet("s", ["a"])
    sheet.append(["a\x00b\x1fc<&>\"'"])
    sheet.append(["长" * (MAX_CELL_TEXT + 10)])
    sheet.append([float("nan")])
    ws = _reopen(book)["s"]
    assert ws["A2"].value == "abc<&>\"'"
    assert len(ws["A3"].value) == MAX_CELL_TEXT
    assert ws["A4"].value == "nan"
    assert ws.column_dimensions["A"].width == 60


def test_sheets_filled_in_any_order_with_valid_unique_titles():
    book = StreamingWorkbook()
    first = book.add_sheet("进度 [2026]: Q1/Q2?", ["a"])
    second = book.add_sheet("进度 [2026]: Q1/Q2?", ["b"])
    long = book.add_sheet("很" * 40, ["c"])
    empty = book.add_sheet("空", ["d"])
    for i in range(3):
        second.append([i])
        first.append([i * 10])
    long.append(["x"])
    data = _saved(book)
    reopened = load_workbook(io.BytesIO(data))
    assert reopened.sheetnames == ["进度 2026 Q1 Q2", "进度 2026 Q1 Q2 (2)", "很" * 31, "空"]
    assert [r[0] for r in reopened.worksheets[0].iter_rows(min_row=2, values_only=True)] == [
        0,
        10,
        20,
    ]
    assert reopened["空"].auto_filter.ref is None and empty.rows == 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        workbook = html.unescape(archive.read("xl/workbook.xml").decode())
    assert workbook.count("_xlnm._FilterDatabase") == 3  # Excel's name for each filter
    assert "'进度 2026 Q1 Q2'!$A$1:$A$4" in workbook


def test_sheet_title_rules():
    taken: set[str] = set()
    assert sheet_title("", taken) == "Sheet"
    assert sheet_title("'记录'", taken) == "记录"
    assert sheet_title("记录", taken) == "记录 (2)"
    assert sheet_title("记录", taken) == "记录 (3)"
    assert len(sheet_title("x" * 40, taken)) == 31 and len(sheet_title("x" * 40, taken)) == 31


@pytest.mark.parametrize(("index", "letter"), [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ")])
def test_column_letters(index, letter):
    assert column_letter(index) == letter


def test_write_csv_streams_what_csv_bytes_gives():
    rows = [["王芳", '说"好",\n走'], ["=cmd", None]]
    out = io.BytesIO()
    write_csv(out, ["姓名", "备注"], rows)
    assert out.getvalue() == csv_bytes(["姓名", "备注"], rows)
    assert not out.closed
    parsed = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"), newline="")))
    assert parsed == [["姓名", "备注"], ["王芳", '说"好",\n走'], ["'=cmd", ""]]
