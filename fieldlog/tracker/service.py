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
    windows = duty_windows(duties, quarter)
    year = periods_of_year(quarter.year, Cadence.YEAR)[0]
    members = queries.members_of(org_ids, year.start, year.end)
    who = _members_query(org_ids)
    counts = queries.grouped_counts(who, windows, _tz())
    codes = {p.code for p in windows.values()}
    excused = queries.excused_keys(who, codes)
    specs = dict(zip((d.id for d in duties), duty_specs(duties), strict=True))
    result = Grid(quarter, duties)
    for member in members:
        cells = tuple(
            _cell(member, specs[d.id], d.id, windows[d.id], counts, excused, today) for d in duties
        )
        result.rows.append(GridRow(member, cells))
    result.rows.sort(key=lambda r: (-r.overdue, -r.pending, r.member.name))
    return result


def _cell(member, spec, duty_id, period, counts, excused, today) -> Obligation:
    tally = counts.get((member.account_id, duty_id)) if spec.by_logs else None
    count = tally.count if tally else 0
    status = status_of(
        spec,
        period,
        count,
        today,
        owed=is_owed(member.terms, period, rules()),
        excused=(member.account_id, duty_id, period.code) in excused,
        rules=rules(),
    )
    return Obligation(
        duty_code=spec.code,
        period=period,
        status=status,
        count=count,
        required=spec.min_count,
        last_on=tally.last_on if tally else None,
        days_left=period.days_left(today),
        late=tally.late if tally else 0,
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
    """Per organisation in the subtree: owed, done and overdue per duty; most overdue first."""
    orgs = list(
        db.session.scalars(select(Organisation).where(Organisation.path.startswith(root.path)))
    )
    table = grid(queries.subtree_org_ids(root), quarter, today)
    tallies: dict[int, tuple[set, Counter, Counter, Counter]] = defaultdict(
        lambda: (set(), Counter(), Counter(), Counter())
    )
    for row in table.rows:
        seen, owed, done, overdue = tallies[row.member.org_id]
        seen.add(row.member.account_id)
        for cell in row.cells:
            owed[cell.duty_code] += cell.status in _OWED
            done[cell.duty_code] += cell.status is Status.DONE
            overdue[cell.duty_code] += cell.status is Status.OVERDUE
    result = [
        OrgRollup(org, len(tallies[org.id][0]), *tallies[org.id][1:])
        for org in orgs
        if org.id in tallies
    ]
    return sorted(result, key=lambda r: (-r.overdue_total, r.org.name))


_OWED = frozenset({Status.DONE, Status.OPEN, Status.DUE_SOON, Status.OVERDUE})


def completion_history(
    root: Organisation, today: date, quarters: int = 8
) -> list[tuple[Period, float | None]]:
    """Share of obligations done among those that fell due in each of the last quarters.

    An obligation falls due in the quarter its period ends in (quarterly duties every
    quarter, half-yearly ones in Q2/Q4, yearly ones in Q4). One grouped query per quarter.
    """
    current = period_of(today, Cadence.QUARTER)
    periods = [current]
    while len(periods) < quarters:
        periods.insert(0, periods[0].previous())
    result = []
    for quarter in periods:
        table = grid(queries.subtree_org_ids(root), quarter, today)
        owed = done = 0
        for row in table.rows:
            for cell in row.cells:
                if cell.period.end == quarter.end and cell.status in _OWED:
                    owed += 1
                    done += cell.status is Status.DONE
        result.append((quarter, done / owed if owed else None))
    return result


def _check_excusable(actor: Account, member: Account, duty: DutyType, period: Period) -> None:
    if not access.is_chair_of(actor, member.organisation_id):
        raise NotAllowed(_("Only her chair can excuse her duties."))
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
