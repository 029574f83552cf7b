"""The admin's roll-up: completion per organisation and duty in her subtree, and its history.

Read only, for admins of the organisation shown. The page runs a fixed number of queries
whatever the size of the subtree: one grid for the quarter and one per charted quarter.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from fieldlog import access, labels
from fieldlog.models import DutyType, Organisation
from fieldlog.obligations import Status
from fieldlog.periods import Cadence, Period
from fieldlog.tracker import bp, chart, queries, rollups, service
from fieldlog.vocab import Role
from fieldlog.webutil import admin_required, app_today

GRID_ENDPOINT = "tracker.committee_grid"
HISTORY_QUARTERS = 8


@dataclass(frozen=True)
class Tally:
    """Obligations owed, done and overdue in one cell of the roll-up."""

    owed: int = 0
    done: int = 0
    overdue: int = 0

    @property
    def rate(self) -> float | None:
        """Share done, or None when nobody owed anything."""
        return self.done / self.owed if self.owed else None

    @property
    def cue(self) -> Status:
        """The status the cell is marked with: missed, all done, under way, or not owed."""
        if self.overdue:
            return Status.OVERDUE
        if not self.owed:
            return Status.NOT_OWED
        return Status.DONE if self.done == self.owed else Status.OPEN

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.owed + other.owed, self.done + other.done, self.overdue + other.overdue)


def total(tallies: Iterable[Tally]) -> Tally:
    """The sum of some tallies."""
    return sum(tallies, Tally())


@dataclass(frozen=True)
class RollupRow:
    """One organisation's committee: a tally per duty and over all duties."""

    org: Organisation | None  # None for the totals row
    members: int
    cells: list[Tally]
    overall: Tally


def rollup_rows(rollups: Sequence[rollups.OrgRollup], codes: Sequence[str]) -> list[RollupRow]:
    """The service's roll-ups as rows of tallies, in the service's order (most overdue first)."""
    rows = []
    for r in rollups:
        cells = [Tally(r.owed[c], r.done[c], r.overdue[c]) for c in codes]
        rows.append(RollupRow(r.org, r.members, cells, total(cells)))
    return rows


def totals_row(rows: Sequence[RollupRow], width: int) -> RollupRow:
    """The whole subtree: every column summed."""
    cells = [total(row.cells[i] for row in rows) for i in range(width)]
    return RollupRow(None, sum(r.members for r in rows), cells, total(cells))


class CellWords:
    """The screen-reader words of the roll-up's cells, translated once per distinct value:
    a district's page has thousands of cells but few distinct counts."""

    def __init__(self) -> None:
        self._done: dict[tuple[int, int], str] = {}
        self._missed: dict[int, str] = {}
        self._status = {key.value: str(label) for key, label in labels.STATUS.items()}

    def done(self, n: int, m: int) -> str:
        if (n, m) not in self._done:
            self._done[(n, m)] = _("%(n)s of %(m)s done", n=n, m=m)
        return self._done[(n, m)]

    def missed(self, n: int) -> str:
        if n not in self._missed:
            self._missed[n] = _("%(n)s missed", n=n)
        return self._missed[n]

    def status(self, cue: str) -> str:
        return self._status[cue]


ZH_QUARTERS = ("一季", "二季", "三季", "四季")


def short_quarter(period: Period, locale: str = "en", *, first: bool = True) -> str:
    """A chart axis label, short enough for eight bars on a phone: ``25Q1`` in English; in
    Chinese the quarter over its year, the year only under the first bar of each year
    (``一季`` over ``25年``, then ``二季`` ...), the way a Chinese axis reads."""
    if not locale.startswith("zh"):
        return f"{period.year % 100:02d}Q{period.index}"
    year = f"\n{period.year % 100:02d}年" if first or period.index == 1 else ""
    return ZH_QUARTERS[period.index - 1] + year


def _table_quarter(period: Period, locale: str) -> str:
    """The same label on one line for the table under the chart: ``25年一季``, ``25Q1``."""
    return "".join(reversed(short_quarter(period, locale).split("\n")))


def window_label(period: Period, locale: str) -> str:
    """A duty's window without the year when it is part of a year: 第3季度, 下半年, 2026年度."""
    label = period.label(locale)
    if period.cadence is Cadence.YEAR:
        return label
    return label.removeprefix(f"{period.year}年").removeprefix(f"{period.year} ")


def grid_url(org_id: int, quarter: Period) -> str:
    """The drill-down to a committee's grid for the same quarter."""
    if GRID_ENDPOINT in current_app.view_functions:
        return url_for(GRID_ENDPOINT, org_id=org_id, quarter=quarter.code)
    return f"{request.script_root}{bp.url_prefix}/committee/{org_id}?quarter={quarter.code}"


def history_chart(
    org: Organisation, today: date, locale: str
) -> tuple[Markup, list[tuple[Period, float | None]]]:
    """The SVG of completion over the last quarters, and its numbers for the table."""
    history = rollups.completion_history(org, today, HISTORY_QUARTERS)
    svg = chart.bar_chart(
        [(short_quarter(p, locale, first=i == 0), rate) for i, (p, rate) in enumerate(history)],
        _("Completion over the last %(n)s quarters", n=HISTORY_QUARTERS),
        description=_("Share of the duties falling due in each quarter that were done."),
        long_labels=[p.label(locale) for p, _rate in history],
        id_prefix="history-chart",  # the <h2> above it is "history-title"
    )
    return Markup(svg), history  # noqa: S704 - built by chart.py, every text escaped


def _duty_headers(
    duties: Sequence[DutyType], quarter: Period, locale: str
) -> list[tuple[str, str, str]]:
    windows = service.duty_windows(duties, quarter)
    return [(d.code, d.name(locale), window_label(windows[d.id], locale)) for d in duties]


@bp.route("/rollup")
@admin_required
def rollup_home():
    grants = sorted((g for g in current_user.grants if g.role == Role.ADMIN), key=lambda g: g.id)
    org_id = grants[0].organisation_id
    return redirect(url_for("tracker.rollup", org_id=org_id, quarter=request.args.get("quarter")))


@bp.route("/rollup/<int:org_id>")
@admin_required
def rollup(org_id: int):
    org = access.guard_managed_org(current_user, org_id)
    today = app_today()
    asked = request.args.get("quarter", "").strip().upper()
    quarter = queries.parse_quarter(asked, today)
    locale = str(get_locale())
    duties = queries.active_duties()
    rows = rollup_rows(rollups.rollup(org, quarter, today), [d.code for d in duties])
    svg, history = history_chart(org, today, locale)
    return render_template(
        "tracker/rollup.html",
        org=org,
        quarter=quarter,
        bad_quarter=bool(asked) and asked != quarter.code,
        choices=queries.quarter_choices(today, quarter),
        headers=_duty_headers(duties, quarter, locale),
        rows=rows,
        totals=totals_row(rows, len(duties)),
        grid_url=grid_url,
        percent=chart.percent,
        words=CellWords(),
        chart_svg=svg,
        history=[(_table_quarter(p, locale), p.label(locale), rate) for p, rate in history],
    )
