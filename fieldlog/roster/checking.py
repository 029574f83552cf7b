"""From a roster's cells to rows of plain values, with the problems found before any
service is asked: the file's columns, formulas, dates and words that cannot be read,
organisations outside her area, logins used twice in the file.

The rules of accounts and terms themselves (names, logins taken, dates in the future,
overlapping terms, whom she replaces) are the admin services'; ``roster.service`` asks them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from fieldlog import access, forms, textcheck
from fieldlog.extensions import db
from fieldlog.models import Account, Organisation
from fieldlog.roster import columns
from fieldlog.roster.columns import BY_KEY, COLUMNS, MEMBER
from fieldlog.roster.reading import FileRefused, Table, cell_text
from fieldlog.spreadsheet import column_letter
from fieldlog.vocab import JoinKind

ORG_SEPARATORS = re.compile(r"\s*[/／\\、>＞]\s*")


@dataclass(frozen=True)
class Problem:
    """What is wrong with one cell (or a whole row when ``column`` is None)."""

    column: str | None
    message: str


@dataclass
class RosterRow:
    """One person of the file, as read; ``status`` is set by ``roster.service``."""

    number: int
    cells: dict[str, str]
    joined_on: date | None = None
    role: str = MEMBER
    join_kind: str = JoinKind.ELECTED.value
    org: Organisation | None = None
    problems: list[Problem] = field(default_factory=list)
    status: str = ""
    note: str = ""

    def add(self, column: str | None, message: str) -> None:
        """Note a problem, once per column."""
        if column is None or all(p.column != column for p in self.problems):
            self.problems.append(Problem(column, message))

    @property
    def login(self) -> str:
        return self.cells["login"].strip()

    @property
    def ordered_problems(self) -> list[Problem]:
        """Problems in the order of the columns, those of the whole row last."""
        order = {c.key: i for i, c in enumerate(COLUMNS)}
        return sorted(self.problems, key=lambda p: order.get(p.column or "", len(order)))


@dataclass
class Roster:
    """The file's rows and where each column is (for messages such as "column C")."""

    rows: list[RosterRow]
    letters: dict[str, str]

    def where(self, problem: Problem) -> str:
        """``C · Login name or mobile number`` for a problem's column, else empty."""
        if problem.column is None:
            return ""
        letter = self.letters.get(problem.column, "")
        label = str(BY_KEY[problem.column].label)
        return f"{letter} · {label}" if letter else label


def is_header(values: list[Any]) -> bool:
    """A row naming at least two of the roster's columns."""
    words = columns.header_words()
    return len({words[w] for w in map(_word, values) if w in words}) >= 2


def _word(value: Any) -> str:
    return columns.normalise(cell_text(value))


def read_rows(table: Table) -> Roster:
    """The table's rows as ``RosterRow``s, with the problems of each cell on its own."""
    positions = _positions(table.header)
    letters = {key: column_letter(i) for key, i in positions.items()}
    roles, joins = columns.role_words(), columns.join_words()
    formulas = defaultdict(set)
    for number, index in table.formulas:
        formulas[number].add(index)
    rows = []
    for number, values in table.rows:
        cells = {c.key: _cell(values, positions.get(c.key)) for c in COLUMNS}
        row = RosterRow(number, {k: cell_text(v) for k, v in cells.items()})
        for key, index in positions.items():
            if index in formulas[number]:
                row.add(key, _("Formulas are not accepted: type the value itself."))
        for key, messages in forms.text_errors(row.cells).items():
            row.add(key, messages[0])
        _read_values(row, cells, roles, joins)
        rows.append(row)
    return Roster(rows, letters)


def _positions(header: list[Any]) -> dict[str, int]:
    words = columns.header_words()
    positions: dict[str, int] = {}
    for index, value in enumerate(header):
        key = words.get(_word(value))
        if key is None:
            continue
        if key in positions:
            label = str(BY_KEY[key].label)
            raise FileRefused(_("The column “%(column)s” appears twice.", column=label))
        positions[key] = index
    missing = [str(c.label) for c in COLUMNS if c.required and c.key not in positions]
    if missing:
        raise FileRefused(
            _(
                "These columns are missing: %(columns)s. Use the template.",
                columns="、".join(missing),
            )
        )
    return positions


def _cell(values: list[Any], index: int | None) -> Any:
    if index is None or index >= len(values):
        return None
    return values[index]


def _read_values(row: RosterRow, cells: dict[str, Any], roles, joins) -> None:
    row.joined_on = _date(row, cells["joined_on"])
    role = _word(cells["role"])
    if role and role not in roles:
        row.add("role", _("Write 执委, 主席 or 副主席 (member, chair or vice chair)."))
    row.role = roles.get(role, MEMBER)
    kind = _word(cells["join_kind"])
    if kind and kind not in joins:
        row.add(
            "join_kind",
            _("Write 选举, 增补, 替补 or 调入 (elected, added, replacing or moved here)."),
        )
    row.join_kind = joins.get(kind, JoinKind.ELECTED.value)
    if row.cells["replaces"] and row.join_kind != JoinKind.REPLACING:
        row.add("replaces", _("Fill this in only when she replaces a member (替补)."))


def _date(row: RosterRow, value: Any) -> date | None:
    if isinstance(value, date):
        return value
    text = cell_text(value)
    if not text:
        return None
    day = textcheck.iso_date(text) or _sheet_date(text)
    if day is None:
        row.add("joined_on", _("Not a date. Write it as 2026-03-01."))
    return day


# Dates as spreadsheets write them as text (a CSV saved by Excel in Chinese writes 2025/3/1):
# the year first, then the month and the day, one separator kind; nothing else is guessed.
_SHEET_DATE = re.compile(
    r"([0-9]{4})(/|-)([0-9]{1,2})\2([0-9]{1,2})|([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日"
)


def _sheet_date(text: str) -> date | None:
    match = _SHEET_DATE.fullmatch(text)
    if match is None:
        return None
    year, month, day = match.group(1, 3, 4) if match.group(1) else match.group(5, 6, 7)
    try:
        return date(int(year), int(month), int(day))
    except ValueError:  # 2025/2/30
        return None


# Organisations -----------------------------------------------------------------------------


def resolve_orgs(actor: Account, roster: Roster) -> None:
    """Find each row's organisation among those the actor manages (two queries)."""
    orgs = list(db.session.scalars(access.managed_orgs(actor)))
    index = _org_index(orgs)
    unknown: list[tuple[RosterRow, str]] = []
    for row in roster.rows:
        text = row.cells["organisation"]
        if not text:
            row.add("organisation", _("Please write her organisation."))
            continue
        found = index.get(_org_key(text), [])
        if len(found) == 1:
            row.org = found[0]
        elif found:
            example = "/".join(_chain(found[0], {o.id: o for o in orgs})[-2:])
            row.add(
                "organisation",
                _(
                    "Several organisations are called %(name)s. Add the one above, "
                    "e.g. %(example)s.",
                    name=text,
                    example=example,
                ),
            )
        else:
            unknown.append((row, text))
    _explain_unknown(unknown)


def _org_key(text: str) -> str:
    return "/".join(columns.normalise(p) for p in ORG_SEPARATORS.split(text.strip()) if p)


def _chain(org: Organisation, by_id: dict[int, Organisation]) -> list[str]:
    """Names from the top of her area down to ``org``."""
    ids = [int(i) for i in org.path.strip("/").split("/") if i]
    return [by_id[i].name for i in ids if i in by_id]


def _org_index(orgs: list[Organisation]) -> dict[str, list[Organisation]]:
    """Every way of naming each organisation: its name, then with one or more above it."""
    by_id = {o.id: o for o in orgs}
    index: dict[str, list[Organisation]] = defaultdict(list)
    for org in orgs:
        chain = [columns.normalise(n) for n in _chain(org, by_id)]
        for start in range(len(chain)):
            index["/".join(chain[start:])].append(org)
    return index


def _explain_unknown(unknown: list[tuple[RosterRow, str]]) -> None:
    """Unknown names: outside her area (another federation's), or not there at all."""
    if not unknown:
        return
    last = {text: ORG_SEPARATORS.split(text.strip())[-1].casefold() for _row, text in unknown}
    query = select(func.lower(Organisation.name)).where(
        func.lower(Organisation.name).in_(set(last.values()))
    )
    elsewhere = set(db.session.scalars(query))
    for row, text in unknown:
        if last[text] in elsewhere:
            message = _("%(name)s is outside the organisations you manage.", name=text)
        else:
            message = _("There is no organisation called %(name)s.", name=text)
        row.add("organisation", message)


def mark_repeated_logins(roster: Roster) -> None:
    """A login may appear once in the file."""
    first: dict[str, int] = {}
    for row in roster.rows:
        login = row.login.casefold()
        if not login:
            continue
        if login in first:
            row.add("login", _("Also in row %(row)s. Each person once.", row=first[login]))
        else:
            first[login] = row.number
