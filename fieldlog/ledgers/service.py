"""Ledgers: the logs of a committee (chair) or of an area (admin) for a period, as XLSX or
CSV, with the duty grid of each quarter and, for an area, the roll-up.

The rows come from ``ledgers.queries`` (one streamed query) and the tracker's grids and
roll-ups (a fixed number of grouped queries per quarter), so the number of queries does not
grow with the number of logs or members. The files are written by ``fieldlog.spreadsheet``
(user text made safe there) into temporary files that spill to disk.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select

from fieldlog import labels
from fieldlog.ledgers import queries
from fieldlog.ledgers.queries import AREA_FIELDS, LOG_FIELDS
from fieldlog.ledgers.spans import quarters_of
from fieldlog.models import DutyType, Organisation
from fieldlog.periods import Cadence, Period, period_of
from fieldlog.spreadsheet import StreamingWorkbook, write_csv
from fieldlog.timeutil import to_local
from fieldlog.tracker import queries as tracker_queries
from fieldlog.tracker import rollups, service
from fieldlog.tracker.admin_views import window_label

SPOOL_BYTES = 16 * 1024 * 1024
CHOICE_LABELS = {
    "method": labels.METHOD,
    "proposal_status": labels.PROPOSAL_STATUS,
    "help_target": labels.HELP_TARGET,
}


@dataclass(frozen=True)
class Scope:
    """What a ledger covers: one committee (chair), or an organisation's subtree (admin),
    which adds an organisation column and the roll-up."""

    org: Organisation
    area: bool

    @property
    def org_ids(self) -> Select | list[int]:
        """The organisations whose members' logs the ledger holds."""
        if self.area:
            return tracker_queries.subtree_org_ids(self.org)
        return [self.org.id]


class _Columns:
    """Headers and cell values of the log rows, in the reader's language."""

    def __init__(self, scope: Scope, duties: Sequence[DutyType], locale: str) -> None:
        self.area = scope.area
        self.fields = AREA_FIELDS if scope.area else LOG_FIELDS
        self.tz = current_app.config["TIMEZONE"]
        self.duty_names = {d.id: d.name(locale) for d in duties}
        self.cadences = {d.id: Cadence(d.cadence) for d in duties}
        self.choices = {k: {c: str(v) for c, v in m.items()} for k, m in CHOICE_LABELS.items()}
        self.late = _("Late")

    def header(self) -> list[str]:
        """Member, (organisation,) duty, date, every field, entered at, late."""
        fields = [str(labels.FIELD[name]) for name in self.fields]
        who = [_("Member")] + ([_("Organisation")] if self.area else [])
        return [*who, _("Duty"), str(labels.FIELD["happened_on"]), *fields, *self._tail()]

    def _tail(self) -> list[str]:
        return [_("Entered at"), _("Late")]

    def duty_header(self, duty: DutyType) -> list[str]:
        """The columns of one duty's sheet: only the fields that duty asks for."""
        fields = [str(labels.FIELD[name]) for name in self.duty_fields(duty)]
        who = [_("Member")] + ([_("Organisation")] if self.area else [])
        return [*who, str(labels.FIELD["happened_on"]), *fields, *self._tail()]

    def duty_fields(self, duty: DutyType) -> list[str]:
        return [name for name in duty.fields or [] if name in self.fields]

    def values(self, row: Any) -> dict[str, Any]:
        """One log as plain values: text, real dates and numbers, labels for choices."""
        entered = to_local(row.created_at, self.tz)
        period_end = period_of(row.happened_on, self.cadences[row.duty_type_id]).end
        values = {name: getattr(row, name) for name in self.fields}
        for name, mapping in self.choices.items():
            if values.get(name) is not None:
                values[name] = mapping.get(values[name], values[name])
        if values.get("volunteer_hours") is not None:
            values["volunteer_hours"] = float(values["volunteer_hours"])
        values["member"], values["org"] = row.member, row.org
        values["duty"] = self.duty_names[row.duty_type_id]
        values["happened_on"] = row.happened_on
        values["entered_at"] = entered.replace(tzinfo=None, microsecond=0)
        values["late"] = self.late if entered.date() > period_end else ""
        return values

    def row(self, values: dict[str, Any]) -> list[Any]:
        who = [values["member"]] + ([values["org"]] if self.area else [])
        fields = [values[name] for name in self.fields]
        return [*who, values["duty"], values["happened_on"], *fields, *self._end(values)]

    def duty_row(self, duty: DutyType, values: dict[str, Any]) -> list[Any]:
        who = [values["member"]] + ([values["org"]] if self.area else [])
        fields = [values[name] for name in self.duty_fields(duty)]
        return [*who, values["happened_on"], *fields, *self._end(values)]

    @staticmethod
    def _end(values: dict[str, Any]) -> list[Any]:
        return [values["entered_at"], values["late"]]


def _logs(scope: Scope, span: Period, columns: _Columns) -> Iterator[tuple[int, dict]]:
    for row in queries.log_rows(scope.org_ids, span.start, span.end, columns.fields):
        yield row.duty_type_id, columns.values(row)


def ledger_csv(scope: Scope, span: Period, locale: str) -> IO[bytes]:
    """Every log of the span as CSV (UTF-8 with BOM, Excel quoting), rewound."""
    columns = _Columns(scope, queries.duty_types(), locale)
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    rows = (columns.row(values) for _duty, values in _logs(scope, span, columns))
    write_csv(out, columns.header(), rows)
    out.seek(0)
    return out


def ledger_xlsx(scope: Scope, span: Period, today: date, locale: str) -> IO[bytes]:
    """The ledger workbook, rewound: all logs, a sheet per duty, the grid of each quarter
    of the span that has begun, and for an area the roll-up."""
    duties = queries.duty_types()
    columns = _Columns(scope, duties, locale)
    book = StreamingWorkbook()
    every = book.add_sheet(_("All logs"), columns.header())
    by_duty = {d.id: d for d in duties}
    sheets = {
        d.id: book.add_sheet(d.name(locale), columns.duty_header(d)) for d in duties if d.active
    }
    for duty_id, values in _logs(scope, span, columns):
        every.append(columns.row(values))
        duty = by_duty[duty_id]
        if duty_id not in sheets:  # a retired duty with old logs
            sheets[duty_id] = book.add_sheet(duty.name(locale), columns.duty_header(duty))
        sheets[duty_id].append(columns.duty_row(duty, values))
    _grid_sheets(book, scope, span, today, locale)
    if scope.area:
        _rollup_sheet(book, scope, span, today, locale)
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    book.save(out)
    out.seek(0)
    return out


def _grid_sheets(
    book: StreamingWorkbook, scope: Scope, span: Period, today: date, locale: str
) -> None:
    """The tracker's grid of each quarter: a member per row, a status per duty."""
    names = queries.org_names(scope.org_ids) if scope.area else {}
    statuses = {status: str(label) for status, label in labels.STATUS.items()}
    for quarter in quarters_of(span, today):
        grid = service.grid(scope.org_ids, quarter, today)
        windows = service.duty_windows(grid.duties, quarter)
        who = [_("Member")] + ([_("Organisation")] if scope.area else [])
        duty_columns = [
            f"{d.name(locale)} {window_label(windows[d.id], locale)}" for d in grid.duties
        ]
        header = [*who, *duty_columns, _("Overdue"), _("Not done yet")]
        sheet = book.add_sheet(_("Grid %(quarter)s", quarter=quarter.label(locale)), header)
        rows = sorted(grid.rows, key=lambda r: (names.get(r.member.org_id, ""), r.member.name))
        for row in rows:
            place = [names.get(row.member.org_id, "")] if scope.area else []
            cells = [statuses[c.status] for c in row.cells]
            sheet.append([row.member.name, *place, *cells, row.overdue, row.pending])


def _rollup_sheet(
    book: StreamingWorkbook, scope: Scope, span: Period, today: date, locale: str
) -> None:
    """Completion per organisation of the area, a block of rows per quarter."""
    duties = tracker_queries.active_duties()
    header = [_("Quarter"), _("Organisation"), _("Number of members")]
    for duty in duties:
        name = duty.name(locale)
        header += [
            _("%(duty)s: done", duty=name),
            _("%(duty)s: owed", duty=name),
            _("%(duty)s: done (%%)", duty=name),
        ]
    sheet = book.add_sheet(_("Completion by committee"), [*header, _("Overdue")])
    for quarter in quarters_of(span, today):
        for result in rollups.rollup(scope.org, quarter, today):
            cells: list[Any] = []
            for duty in duties:
                rate = result.rate(duty.code)
                done, owed = result.done[duty.code], result.owed[duty.code]
                cells += [done, owed, None if rate is None else round(rate * 100, 1)]
            label = quarter.label(locale)
            sheet.append([label, result.org.name, result.members, *cells, result.overdue_total])
