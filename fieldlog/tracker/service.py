"""The tracker: who owes what, per member, duty and period, and the roll-ups above it.

Statuses come from ``fieldlog.obligations`` (pure); this module only gathers the
inputs with grouped queries and assembles rows. Excusing is the one change it makes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, select

from fieldlog import access, audit
from fieldlog.errors import DomainError, FieldErrors, NotAllowed
from fieldlog.extensions import db
from fieldlog.models import Account, DutyType, Excusal, Log, Membership, Organisation
from fieldlog.obligations import (
    DutySpec,
    Entry,
    Obligation,
    Rules,
    Status,
    Term,
    is_owed,
    status_of,
    year_obligations,
)
from fieldlog.periods import Cadence, Period, parse_period, period_of, periods_of_year
from fieldlog.timeutil import now_utc, to_local
from fieldlog.tracker import queries
from fieldlog.tracker.queries import MemberInfo, duty_specs
from fieldlog.vocab import AuditAction

MAX_REASON = 200


def rules() -> Rules:
    """The obligation rules from configuration."""
    cfg = current_app.config
    return Rules(cfg["OBLIGATION_MIN_ACTIVE_DAYS"], cfg["DUE_SOON_DAYS"])


def _tz() -> str:
    return current_app.config["TIMEZONE"]


def duty_windows(duties: Sequence[DutyType], quarter: Period) -> dict[int, Period]:
    """For a quarter view: each duty's own period containing that quarter."""
    return {d.id: period_of(quarter.start, Cadence(d.cadence)) for d in duties}


@dataclass(frozen=True)
class GridRow:
    """One member in a committee grid: her obligation per duty, in catalogue order."""

    member: MemberInfo
    cells: tuple[Obligation, ...]

    def count(self, *statuses: Status) -> int:
        """How many of her cells have one of these statuses."""
        return sum(1 for c in self.cells if c.status in statuses)

    @property
    def overdue(self) -> int:
        return self.count(Status.OVERDUE)

    @property
    def pending(self) -> int:
        return self.count(Status.OPEN, Status.DUE_SOON)


@dataclass
class Grid:
    """A committee (or any set of organisations) for one quarter view."""

    quarter: Period
    duties: list[DutyType]
    rows: list[GridRow] = field(default_factory=list)


def _members_query(org_ids: Select | Iterable[int]) -> Select:
    return select(Membership.account_id).where(Membership.organisation_id.in_(org_ids))


def grid(org_ids: Select | Iterable[int], quarter: Period, today: date) -> Grid:
    """Statuses of every member of these organisations for the quarter view.

    A fixed number of queries: duties, members, one grouped count, excusals.
    """
    duties = queries.active_duties()
    return _grid(org_ids, quarter, today, duties, _members_of_year(org_ids, quarter.year))


def _members_of_year(org_ids: Select | Iterable[int], year: int) -> list[MemberInfo]:
    whole = periods_of_year(year, Cadence.YEAR)[0]
    return queries.members_of(org_ids, whole.start, whole.end)


def _grid(
    org_ids: Select | Iterable[int],
    quarter: Period,
    today: date,
    duties: list[DutyType],
    members: list[MemberInfo],
) -> Grid:
    """The grid for these duties and members (the history asks for just the duties due)."""
    windows = duty_windows(duties, quarter)
    who = _members_query(org_ids)
    counts = queries.grouped_counts(who, windows, _tz())
    codes = {p.code for p in windows.values()}
    excused = queries.excused_keys(who, codes)
    cells = _Cells(duties, windows, counts, excused, today, rules())
    result = Grid(quarter, duties)
    result.rows = [GridRow(member, cells.row(member)) for member in members]
    result.rows.sort(key=lambda r: (-r.overdue, -r.pending, r.member.name))
    return result


@dataclass(frozen=True)
class _Column:
    duty_id: int
    spec: DutySpec
    period: Period
    code: str
    days_left: int


class _Cells:
    """Builds grid cells; thousands of members share few distinct inputs, so results of the
    pure rules are memoised per grid (same values as calling them cell by cell)."""

    def __init__(self, duties, windows, counts, excused, today: date, rules: Rules) -> None:
        self.columns = [
            _Column(d.id, spec, windows[d.id], windows[d.id].code, windows[d.id].days_left(today))
            for d, spec in zip(duties, duty_specs(duties), strict=True)
        ]
        self.counts, self.excused, self.today, self.rules = counts, excused, today, rules
        self._owed: dict[tuple[Term, ...], tuple[bool, ...]] = {}
        self._status: dict[tuple[int, int, bool, bool], Status] = {}
        self._blank: dict[tuple[int, Status], Obligation] = {}

    def row(self, member: MemberInfo) -> tuple[Obligation, ...]:
        owed = self._owed.get(member.terms)
        if owed is None:
            owed = tuple(is_owed(member.terms, c.period, self.rules) for c in self.columns)
            self._owed[member.terms] = owed
        return tuple(
            self._cell(member.account_id, column, is_owed_)
            for column, is_owed_ in zip(self.columns, owed, strict=True)
        )

    def _cell(self, account_id: int, column: _Column, owed: bool) -> Obligation:
        tally = self.counts.get((account_id, column.duty_id)) if column.spec.by_logs else None
        count = tally.count if tally else 0
        excused = (account_id, column.duty_id, column.code) in self.excused
        key = (column.duty_id, count, owed, excused)
        status = self._status.get(key)
        if status is None:
            status = status_of(
                column.spec,
                column.period,
                count,
                self.today,
                owed=owed,
                excused=excused,
                rules=self.rules,
            )
            self._status[key] = status
        if tally is None:  # no logs: identical, immutable cells are shared
            blank = self._blank.get((column.duty_id, status))
            if blank is None:
                blank = self._obligation(column, status, 0, None, 0)
                self._blank[(column.duty_id, status)] = blank
            return blank
        return self._obligation(column, status, count, tally.last_on, tally.late)

    @staticmethod
    def _obligation(column: _Column, status: Status, count: int, last_on, late: int):
        return Obligation(
            duty_code=column.spec.code,
            period=column.period,
            status=status,
            count=count,
            required=column.spec.min_count,
            last_on=last_on,
            days_left=column.days_left,
            late=late,
        )


def member_year(account: Account, year: int, today: date) -> dict[str, list[Obligation]]:
    """Her obligations for every period of ``year`` (two queries: logs and excusals)."""
    duties = queries.active_duties()
    rows = db.session.execute(
        select(DutyType.code, Log.happened_on, Log.created_at)
        .join(Log.duty_type)
        .where(Log.account_id == account.id, Log.deleted_at.is_(None))
        .where(Log.happened_on.between(date(year, 1, 1), min(date(year, 12, 31), today)))
    ).all()
    entries = [Entry(code, day, to_local(at, _tz()).date()) for code, day, at in rows]
    terms = [Term(t.joined_on, t.left_on) for t in account.memberships]
    by_id = {d.id: d.code for d in duties}
    excused = frozenset(
        (by_id[duty_id], parse_period(code))
        for _a, duty_id, code in queries.excused_keys([account.id], _year_codes(year))
        if duty_id in by_id
    )
    return year_obligations(duty_specs(duties), terms, entries, year, today, rules(), excused)


@dataclass(frozen=True)
class DutyRow:
    """One duty on her home page: this period's obligation and missed earlier ones."""

    duty: DutyType
    now: Obligation
    missed: list[Obligation]


def home_rows(account: Account, today: date) -> tuple[list[DutyRow], dict[str, list[Obligation]]]:
    """Her duties for the current periods, and the whole year's obligations by duty."""
    year = member_year(account, today.year, today)
    rows = []
    for duty in queries.active_duties():
        row = year[duty.code]
        now = next(o for o in row if o.period.contains(today))
        rows.append(DutyRow(duty, now, [o for o in row if o.status is Status.OVERDUE]))
    return rows, year


def _year_codes(year: int) -> list[str]:
    return [p.code for c in Cadence for p in periods_of_year(year, c)]


def owed_now(year_rows: dict[str, list[Obligation]], today: date) -> list[Obligation]:
    """What she still owes: overdue first (oldest first), then open by deadline."""
    items = [
        o
        for row in year_rows.values()
        for o in row
        if o.status in (Status.OVERDUE, Status.DUE_SOON, Status.OPEN) and o.period.start <= today
    ]
    order = {Status.OVERDUE: 0, Status.DUE_SOON: 1, Status.OPEN: 2}
    return sorted(items, key=lambda o: (order[o.status], o.period.end, o.duty_code))


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
    roster = _members_of_year(org_ids, quarter.year)
    members: dict[int, set[int]] = defaultdict(set)
    for member in roster:
        members[member.org_id].add(member.account_id)
    codes = [d.code for d in duties]
    zeros = dict.fromkeys(codes, 0)  # every duty gets its column, even at nought
    tallies = {org_id: (Counter(zeros), Counter(zeros), Counter(zeros)) for org_id in members}
    groups = _Group.of((m.org_id, m.terms, m.account_id) for m in roster)
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
    """Members sharing a key (their organisation, or none) and the same terms: the rules
    treat them alike, so they are counted with set operations instead of one by one."""

    key: object
    terms: tuple[Term, ...]
    size: int
    ids: frozenset[int]
    repeats: dict[int, int]  # ids listed more than once (one entry per organisation)

    @classmethod
    def of(cls, members: Iterable[tuple[object, tuple[Term, ...], int]]) -> list[_Group]:
        """Groups from ``(key, terms, account_id)`` of each member."""
        lists: dict[tuple, list[int]] = defaultdict(list)
        for key, terms, account_id in members:
            lists[(key, terms)].append(account_id)
        return [
            cls(key, terms, len(ids), frozenset(ids), _repeats(ids))
            for (key, terms), ids in lists.items()
        ]

    def count_in(self, ids: frozenset[int]) -> int:
        """How many of the group's members (with repeats) are among ``ids``."""
        return len(self.ids & ids) + sum(n for a, n in self.repeats.items() if a in ids)


def _repeats(ids: list[int]) -> dict[int, int]:
    if len(set(ids)) == len(ids):
        return {}
    return {a: n - 1 for a, n in Counter(ids).items() if n > 1}


class _Board:
    """Statuses for some (duty, period) windows, from the sets of members who did each and
    of those excused: the same values as a grid's cells (``status_of`` only asks whether the
    count reached the minimum), counted per group of members the rules treat alike."""

    def __init__(self, specs, windows, done, excused, today: date, rules: Rules) -> None:
        self.windows = [
            (
                period,
                specs[duty_id],
                frozenset(done.get((duty_id, period.code), ()) if specs[duty_id].by_logs else ()),
                frozenset(a for a, d, code in excused if d == duty_id and code == period.code),
            )
            for duty_id, period in windows
        ]
        self.today, self.rules = today, rules
        self._owed: dict[tuple[tuple[Term, ...], Period], bool] = {}
        self._status: dict[tuple[int, bool, bool, bool], Status] = {}

    @classmethod
    def load(cls, duties, windows, org_ids, today: date) -> _Board:
        """Two queries: who did what, and the excusals, of the organisations' members."""
        specs = dict(zip((d.id for d in duties), duty_specs(duties), strict=True))
        who = _members_query(org_ids)
        wanted = [(d, p, specs[d].min_count) for d, p in windows if specs[d].by_logs]
        done = queries.done_members(who, wanted)
        excused = queries.excused_keys(who, {p.code for _d, p in windows})
        return cls(specs, windows, done, excused, today, rules())

    def count(self, group: _Group, i: int) -> list[tuple[Status, int]]:
        """How many of the group have each status in window ``i``."""
        _period, _spec, done, excused = self.windows[i]
        owed = self._is_owed(group.terms, i)
        n_done = group.count_in(done)
        n_excused = group.count_in(excused) if excused else 0
        n_both = group.count_in(done & excused) if n_excused else 0
        counts = (
            ((True, True), n_both),
            ((True, False), n_done - n_both),
            ((False, True), n_excused - n_both),
            ((False, False), group.size - n_done - n_excused + n_both),
        )
        return [(self._status_of(i, d, owed, e), n) for (d, e), n in counts if n]

    def _is_owed(self, terms: tuple[Term, ...], i: int) -> bool:
        period = self.windows[i][0]  # duties of one cadence share their periods
        owed = self._owed.get((terms, period))
        if owed is None:
            owed = self._owed[(terms, period)] = is_owed(terms, period, self.rules)
        return owed

    def _status_of(self, i: int, done: bool, owed: bool, excused: bool) -> Status:
        status = self._status.get((i, done, owed, excused))
        if status is None:
            period, spec, _done, _excused = self.windows[i]
            count = spec.min_count if done else 0
            status = status_of(
                spec, period, count, self.today, owed=owed, excused=excused, rules=self.rules
            )
            self._status[(i, done, owed, excused)] = status
        return status


def _groups_by_year(org_ids: Select, years: list[int]) -> dict[int, list[_Group]]:
    """Each year's members (as ``members_of`` gives them for that year), from one query."""
    first = periods_of_year(years[0], Cadence.YEAR)[0]
    last = periods_of_year(years[-1], Cadence.YEAR)[0]
    everyone = queries.members_of(org_ids, first.start, last.end)
    groups = {}
    for year in years:
        whole = periods_of_year(year, Cadence.YEAR)[0]
        terms = ((m, tuple(t for t in m.terms if _overlaps(t, whole))) for m in everyone)
        groups[year] = _Group.of((None, kept, m.account_id) for m, kept in terms if kept)
    return groups


def _overlaps(term: Term, period: Period) -> bool:
    return term.joined_on <= period.end and (term.left_on is None or term.left_on >= period.start)


def _falling_due(duties: Sequence[DutyType], quarter: Period) -> list[tuple[int, Period]]:
    """(duty id, period) of the duties whose period ends with this quarter."""
    windows = duty_windows(duties, quarter)
    return [(d.id, windows[d.id]) for d in duties if windows[d.id].end == quarter.end]


def _check_excusable(actor: Account, member: Account, duty: DutyType, period: Period) -> None:
    if not access.is_chair_of(actor, member.organisation_id):
        raise NotAllowed(_("Only her chair can excuse her duties."))
    if actor.id == member.id:
        raise NotAllowed(_("You cannot excuse your own duties; another chair or vice chair can."))
    if Cadence(duty.cadence) is not period.cadence:
        raise DomainError(_("This period does not match the duty."), status=400)


def excuse(actor: Account, member: Account, duty: DutyType, period: Period, reason: str) -> Excusal:
    """Excuse one obligation with a reason (audited); re-excusing a revoked one revives it."""
    _check_excusable(actor, member, duty, period)
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON:
        raise FieldErrors({"reason": _("Please give a reason (at most 200 characters).")})
    excusal = db.session.scalars(
        select(Excusal).where(
            Excusal.account_id == member.id,
            Excusal.duty_type_id == duty.id,
            Excusal.period_code == period.code,
        )
    ).first()
    if excusal is not None and excusal.is_active:
        raise DomainError(_("This duty is already excused."), status=409)
    if excusal is None:
        excusal = Excusal(
            account_id=member.id,
            duty_type_id=duty.id,
            period_code=period.code,
            reason=reason,
            created_by_id=actor.id,
        )
        db.session.add(excusal)
    else:
        excusal.reason, excusal.created_by_id, excusal.created_at = reason, actor.id, now_utc()
        excusal.revoked_at = excusal.revoked_by_id = None
    db.session.flush()
    audit.record(
        actor,
        AuditAction.CREATE,
        "excusal",
        excusal.id,
        {
            "member": [None, member.id],
            "duty": [None, duty.code],
            "period": [None, period.code],
            "reason": [None, reason],
        },
    )
    db.session.flush()
    return excusal


def revoke_excusal(actor: Account, excusal: Excusal) -> None:
    """Take an excusal back (audited); the obligation counts again."""
    member = db.session.get(Account, excusal.account_id)
    if member is None or not access.is_chair_of(actor, member.organisation_id):
        raise NotAllowed(_("Only her chair can excuse her duties."))
    if not excusal.is_active:
        raise DomainError(_("This excusal was already taken back."), status=409)
    excusal.revoked_at = now_utc()
    excusal.revoked_by_id = actor.id
    audit.record(
        actor, AuditAction.DELETE, "excusal", excusal.id, {"period": [excusal.period_code, None]}
    )
    db.session.flush()
