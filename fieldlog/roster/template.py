"""The roster template (XLSX): a sheet to fill in and a sheet of instructions in Chinese
(or the reader's language)."""

from __future__ import annotations

import io

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.worksheet.datavalidation import DataValidation

from fieldlog.roster.columns import COLUMNS, JOIN_WORDS, ROLE_WORDS
from fieldlog.spreadsheet import column_letter, write_sheet

TEMPLATE_ROWS = 500  # rows prepared with lists and formats; more may be typed below


def template_xlsx(max_rows: int, max_mb: int) -> io.BytesIO:
    """The template workbook, rewound."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Roster")
    write_sheet(sheet, [str(c.label) for c in COLUMNS], [])
    _prepare(sheet)
    notes = book.create_sheet(_("Instructions"))
    write_sheet(notes, [_("Column"), _("Required"), _("What to write")], _notes(max_rows, max_mb))
    for row in notes.iter_rows(min_row=2):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def _prepare(sheet) -> None:
    """Text format for logins and phones (no 1.38E+10), date format, and choice lists."""
    keys = [c.key for c in COLUMNS]
    lists = {
        "role": [str(words[0]) for words in ROLE_WORDS.values()],
        "join_kind": [str(words[0]) for words in JOIN_WORDS.values()],
    }
    for key, choices in lists.items():
        letter = column_letter(keys.index(key))
        check = DataValidation(
            type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True
        )
        check.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
        sheet.add_data_validation(check)
    for key, number_format in (
        ("login", "@"),
        ("phone", "@"),
        ("replaces", "@"),
        ("joined_on", "yyyy-mm-dd"),
    ):
        letter = column_letter(keys.index(key))
        for row in range(2, TEMPLATE_ROWS + 2):
            sheet[f"{letter}{row}"].number_format = number_format


def _notes(max_rows: int, max_mb: int) -> list[list[str]]:
    rows = [[str(c.label), _("Yes") if c.required else "", str(c.help)] for c in COLUMNS]
    rules = [
        _("Fill in one member per row, from the second row on; keep the first row as it is."),
        _("At most %(rows)d members and %(mb)d MB per file.", rows=max_rows, mb=max_mb),
        _("Type values, not formulas."),
        _(
            "Upload the file on FieldLog's roster page: you see every problem by row and "
            "column first, and nothing is saved until the whole file is right."
        ),
        _(
            "New members get a one-time password, shown once after the import and printable "
            "as cards; they choose their own password at first login."
        ),
        _("Importing the same file again adds nobody twice."),
    ]
    return rows + [["", "", ""]] + [[_("Note"), "", rule] for rule in rules]
