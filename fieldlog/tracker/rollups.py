"""Roll-ups above a committee: completion per organisation, and its history by quarter.

Counted per group of members with the same terms instead of building full grids, so a
district of thousands of members stays within a few grouped queries.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select

from fieldlog.extensions import db
from fieldlog.models import DutyType, Organisation
from fieldlog.obligations import (
    Rules,
    Status,
    StatusMemo,
    Term,
    is_owed,
    left_before_end,
)
from fieldlog.periods import Cadence, Period, period_of, periods_of_year
from fieldlog.tracker import queries
from fieldlog.tracker.queries import duty_specs
from fieldlog.tracker.service import (
    _members_of_year,
    _members_query,
    _serves_in,
    _tz,
    duty_windows,
    rules,
)


@dataclass(frozen=True)
class OrgRollup:
    """Completion of one organisation's committee for the quarter view."""

    org: Organisation
    members: int
    owed: Counter
    done: Counter
    overdue: Counter

    def rate(self, duty_code: str) -> float | None:
        """Share of owed obligations done, or None when nobody owes it."""
        owed = self.owed[duty_code]
        return self.done[duty_code] / owed if owed else None

    @property
    def overdue_total(self) -> int:
        return sum(self.overdue.values())


def rollup(root: Organisation, quarter: Period, today: date) -> list[OrgRollup]:
    """Per organisation in the subtree: owed, done and overdue per duty; most overdue first.

    The same statuses as the subtree's grid, counted from who did each duty (one grouped
    query) rather than cell by cell: a district has thousands of members.
    """
    orgs = list(
        db.session.scalars(select(Organisation).where(Organisation.path.startswith(root.path)))
    )
    duties = queries.active_duties()
    windows = list(duty_windows(duties, quarter).items())
    org_ids = queries.subtree_org_ids(root)
    board = _Board.load(duties, windows, org_ids, today)
    roster = [m for m in _members_of_year(org_ids, quarter.year) if _serves_in(m.terms, quarter)]
    members: dict[int, set[int]] = defaultdict(set)
    for member in roster:
        members[member.org_id].add(member.account_id)
    codes = [d.code for d in duties]
    zeros = dict.fromkeys(codes, 0)  # every duty gets its column, even at nought
    tallies = {org_id: (Counter(zeros), Counter(zeros), Counter(zeros)) for org_id in members}
    groups = _Group.of((m.org_id, m.terms, (m.account_id, m.org_id)) for m in roster)
    for i, code in enumerate(codes):
        for group in groups:
            owed, done, overdue = tallies[group.key]
            for status, n in board.count(group, i):
                owed[code] += n * (status in _OWED)
                done[code] += n * (status is Status.DONE)
                overdue[code] += n * (status is Status.OVERDUE)
    result = [
        OrgRollup(org, len(members[org.id]), *tallies[org.id]) for org in orgs if org.id in tallies
    ]
    return sorted(result, key=lambda r: (-r.overdue_total, r.org.name))


_OWED = frozenset({Status.DONE, Status.OPEN, Status.DUE_SOON, Status.OVERDUE})


def completion_history(
    root: Organisation, today: date, quarters: int = 8
) -> list[tuple[Period, float | None]]:
    """Share of obligations done among those that fell due in each of the last quarters.

    An obligation falls due in the quarter its period ends in (quarterly duties every
    quarter, half-yearly ones in Q2/Q4, yearly ones in Q4). A fixed number of queries: who
    did what in all those periods (one grouped query), excusals, and the members.
    """
    current = period_of(today, Cadence.QUARTER)
    periods = [current]
    while len(periods) < quarters:
        periods.insert(0, periods[0].previous())
    duties = queries.active_duties()
    due = {q: _falling_due(duties, q) for q in periods}
    org_ids = queries.subtree_org_ids(root)
    board = _Board.load(duties, [w for q in periods for w in due[q]], org_ids, today)
    groups = _groups_by_year(org_ids, sorted({q.year for q in periods}))
    result = []
    first = 0
    for quarter in periods:
        tally: Counter = Counter()
        for i in range(first, first + len(due[quarter])):
            for group in groups[quarter.year]:
                for status, n in board.count(group, i):
                    tally[status] += n
        first += len(due[quarter])
        owed = sum(n for status, n in tally.items() if status in _OWED)
        result.append((quarter, tally[Status.DONE] / owed if owed else None))
    return result


@dataclass(frozen=True)
class _Group:
    """Members of one committee with the same terms there: the rules treat them alike, so
    they are counted with set operations instead of one by one. A member is the pair
    ``(account_id, org_id)``: someone on two committees is counted on each."""

    key: object
    terms: tuple[Term, ...]
    ids: frozenset[tuple[int, int]]

    @property
    def size(self) -> int:
        return len(self.ids)

    @classmethod
    def of(
        cls, members: Iterable[tuple[object, tuple[Term, ...], tuple[int, int]]]
    ) -> list[_Group]:
        """Groups from ``(key, terms, (account_id, org_id))`` of each member."""
        lists: dict[tuple, set[tuple[int, int]]] = defaultdict(set)
        for key, terms, pair in members:
            lists[(key, terms)].add(pair)
        return [cls(key, terms, frozenset(ids)) for (key, terms), ids in lists.items()]

    def count_done(self, done: frozenset[tuple[int, int]]) -> int:
        """How many of the group did it."""
        return len(self.ids & done)

    def count_excused(self, excused: frozenset[int], done: frozenset | None = None) -> int:
        """How many of the group are excused (and, given ``done``, also did it)."""
        return sum(1 for pair in self.ids if pair[0] in excused and (done is None or pair in done))


class _Board:
    """Statuses for some (duty, period) windows, from the sets of members who did each and
    of those excused: the same values as a grid's cells (``status_of`` only asks whether the
    count reached the minimum), counted per group of members the rules treat alike."""

    def __init__(self, specs, windows, done, excused, today: date, rules: Rules) -> None:
        # ``done`` holds who did each window: by logs, or by a submitted book for book duties.
        self.windows = [
            (
                period,
                specs[duty_id],
                frozenset(done.get((duty_id, period.code), ())),
                frozenset(a for a, d, code in excused if d == duty_id and code == period.code),
            )
            for duty_id, period in windows
        ]
        self.today, self.rules = today, rules
        self._owed: dict[tuple[tuple[Term, ...], Period], tuple[bool, date | None]] = {}
        self._statuses = StatusMemo(today, rules)

    @classmethod
    def load(cls, duties, windows, org_ids, today: date) -> _Board:
        """Three queries: who did what by logs, who submitted a record book, and the
        excusals, of the organisations' members."""
        specs = dict(zip((d.id for d in duties), duty_specs(duties), strict=True))
        who = _members_query(org_ids)
        wanted = [(d, p, specs[d].min_count) for d, p in windows if specs[d].by_logs]
        done = queries.done_members(org_ids, wanted)
        done.update(_book_done(duties, windows, who, org_ids))
        excused = queries.excused_keys(who, {p.code for _d, p in windows})
        return cls(specs, windows, done, excused, today, rules())

    def count(self, group: _Group, i: int) -> list[tuple[Status, int]]:
        """How many of the group have each status in window ``i``."""
        _period, _spec, done, excused = self.windows[i]
        owed, left_on = self._is_owed(group.terms, i)
        if group.size == 1:  # most groups: a member whose terms are hers alone
            (pair,) = group.ids
            return [(self._status_of(i, pair in done, owed, pair[0] in excused, left_on), 1)]
        n_done = group.count_done(done)
        n_excused = group.count_excused(excused) if excused else 0
        n_both = group.count_excused(excused, done) if n_excused else 0
        counts = (
            ((True, True), n_both),
            ((True, False), n_done - n_both),
            ((False, True), n_excused - n_both),
            ((False, False), group.size - n_done - n_excused + n_both),
        )
        return [(self._status_of(i, d, owed, e, left_on), n) for (d, e), n in counts if n]

    def _is_owed(self, terms: tuple[Term, ...], i: int) -> tuple[bool, date | None]:
        period = self.windows[i][0]  # duties of one cadence share their periods
        owed = self._owed.get((terms, period))
        if owed is None:
            owed = (is_owed(terms, period, self.rules), left_before_end(terms, period))
            self._owed[(terms, period)] = owed
        return owed

    def _status_of(
        self, i: int, done: bool, owed: bool, excused: bool, left_on: date | None
    ) -> Status:
        period, spec, _done, _excused = self.windows[i]
        return self._statuses.status(
            (i, done, owed, excused, left_on),
            spec,
            period,
            spec.min_count if done else 0,
            owed=owed,
            excused=excused,
            left_on=left_on,
        )


def _book_done(
    duties: Sequence[DutyType], windows: Iterable[tuple[int, Period]], who: Select, org_ids
) -> dict[tuple[int, str], set[tuple[int, int]]]:
    """``{(duty_id, period_code): {(account_id, org_id), ...}}`` of those whose submitted
    record book completes a book duty's window, on every committee of ``org_ids`` they sat
    on that year (two queries; none without such a window)."""
    book_ids = set(queries.book_duty_ids(duties))
    wanted = [(d, p) for d, p in windows if d in book_ids]
    if not wanted:
        return {}
    years = {p.year for _d, p in wanted}
    books = queries.submitted_books(who, years, _tz())
    first, last = date(min(years), 1, 1), date(max(years), 12, 31)
    orgs: dict[int, set[int]] = defaultdict(set)
    for member in queries.members_of(org_ids, first, last):
        orgs[member.account_id].add(member.org_id)
    return {
        (d, p.code): {
            (account_id, org_id)
            for account_id, year in books
            if year == p.year
            for org_id in orgs[account_id]
        }
        for d, p in wanted
    }


def _groups_by_year(org_ids: Select, years: list[int]) -> dict[int, list[_Group]]:
    """Each year's members (as ``members_of`` gives them for that year), from one query."""
    first = periods_of_year(years[0], Cadence.YEAR)[0]
    last = periods_of_year(years[-1], Cadence.YEAR)[0]
    everyone = queries.members_of(org_ids, first.start, last.end)
    groups = {}
    for year in years:
        whole = periods_of_year(year, Cadence.YEAR)[0]
        terms = ((m, tuple(t for t in m.terms if _overlaps(t, whole))) for m in everyone)
        groups[year] = _Group.of(
            (m.org_id, kept, (m.account_id, m.org_id)) for m, kept in terms if kept
        )
    return groups


def _overlaps(term: Term, period: Period) -> bool:
    return term.joined_on <= period.end and (term.left_on is None or term.left_on >= period.start)


def _falling_due(duties: Sequence[DutyType], quarter: Period) -> list[tuple[int, Period]]:
    """(duty id, period) of the duties whose period ends with this quarter."""
    windows = duty_windows(duties, quarter)
    return [(d.id, windows[d.id]) for d in duties if windows[d.id].end == quarter.end]
