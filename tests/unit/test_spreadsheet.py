"""Formula injection, CSV as Excel opens it, and sheet layout."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from fieldlog.spreadsheet import csv_bytes, display_width, safe_cell, write_sheet


@pytest.mark.parametrize("text", ["=1+1", "+86", "-2", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("x")'])
def test_formula_starts_are_neutralised(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["王芳", "a=b", "1-2", 5, -3, 2.5, None, date(2026, 1, 2)])
def test_other_values_are_kept(value):
    assert safe_cell(value) == value


def test_csv_has_a_bom_quotes_and_safe_cells():
    data = csv_bytes(["姓名", "备注"], [["王芳", '说"好",然后\n走'], ["=cmd|' /C calc'!A0", None]])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["姓名", "备注"], ["王芳", '说"好",然后\n走'], ["'=cmd|' /C calc'!A0", ""]]


def test_sheet_layout_and_types(tmp_path):
    book = Workbook()
    write_sheet(
        book.active,
        ["日期", "次数", "备注"],
        [[date(2026, 3, 1), 3, "=2+2"], [date(2026, 4, 1), 1, "走访"]],
    )
    path = tmp_path / "x.xlsx"
    book.save(path)
    sheet = load_workbook(path).active
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:C3"
    assert sheet["A2"].value.date() == date(2026, 3, 1) and sheet["B2"].value == 3
    assert sheet["C2"].value == "'=2+2" and sheet["C2"].data_type == "s"
    assert sheet.column_dimensions["C"].width >= display_width("备注") + 2
    assert sheet["A1"].font.bold
