"""Database reads for the tracker: membership terms, grouped log counts, excusals.

Every function here runs a fixed number of queries whatever the number of members:
counts are grouped in the database by (member, duty), never fetched per member. The
queries are shaped for district scale (see benchmarks/README.md): members are joined as a
distinct list so that each member's logs are read through the (account, day) index, and
the date windows are written into the SQL as constants.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Date,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    cast,
    func,
    or_,
    select,
)
from sqlalchemy.sql.elements import BindParameter, ColumnElement

from fieldlog.extensions import db
from fieldlog.models import Account, DutyType, Excusal, Log, Membership, Organisation, RecordBook
from fieldlog.obligations import DutySpec, Term
from fieldlog.periods import Cadence, Period, parse_period, period_of, periods_of_year


@dataclass(frozen=True)
class MemberInfo:
    """A committee member as the tracker shows her: who, where, and her terms there."""

    account_id: int
    name: str
    org_id: int
    terms: tuple[Term, ...]


@dataclass(frozen=True)
class Tally:
    """Grouped count of one member's logs for one duty within one window."""

    count: int
    last_on: date | None
    late: int


def duty_specs(duties: Iterable[DutyType]) -> list[DutySpec]:
    """The rule-relevant part of each duty type."""
    return [
        DutySpec(d.code, Cadence(d.cadence), d.min_count, by_logs=d.completed_by == "logs")
        for d in duties
    ]


def active_duties() -> list[DutyType]:
    """The duty catalogue in display order."""
    return list(
        db.session.scalars(
            select(DutyType).where(DutyType.active.is_(True)).order_by(DutyType.sort_order)
        )
    )


def members_of(org_ids: Select | Iterable[int], first: date, last: date) -> list[MemberInfo]:
    """Everyone with a term in these organisations overlapping first..last, by name."""
    org_filter = Membership.organisation_id.in_(org_ids)
    rows = db.session.execute(
        select(
            Membership.account_id,
            Account.display_name,
            Membership.organisation_id,
            Membership.joined_on,
            Membership.left_on,
        )
        .join(Account, Account.id == Membership.account_id)
        .where(org_filter, Membership.joined_on <= last)
        .where(or_(Membership.left_on.is_(None), Membership.left_on >= first))
        .order_by(Account.display_name, Account.id, Membership.joined_on)
    ).all()
    grouped: dict[tuple[int, int], list] = defaultdict(list)
    names: dict[int, str] = {}
    for account_id, name, org_id, joined_on, left_on in rows:
        grouped[(account_id, org_id)].append(Term(joined_on, left_on))
        names[account_id] = name
    return [MemberInfo(a, names[a], o, tuple(t)) for (a, o), t in grouped.items()]


def subtree_org_ids(root: Organisation) -> Select:
    """Ids of the organisation and everything below it.

    The path prefix is written into the SQL (it comes from the database, never from the
    reader) so that PostgreSQL plans for the real subtree: with a parameter, a cached
    generic plan guesses "a couple of organisations" and loops over a whole district.
    """
    prefix = _inline(root.path, Organisation.path.type)
    return select(Organisation.id).where(Organisation.path.startswith(prefix))


def _inline(value, type_) -> BindParameter:
    """A constant rendered into the SQL text instead of sent as a parameter."""
    return bindparam(None, value, type_=type_, literal_execute=True)


def _cutoff(period: Period, tz: str) -> datetime:
    """The first instant after the period's last local day: entries from then on are late."""
    return datetime.combine(period.end + timedelta(days=1), time(), ZoneInfo(tz))


def _terms_in(org_ids: Select | Iterable[int], first: date, last: date):
    """Terms on these committees overlapping first..last, as a subquery."""
    ids = org_ids if isinstance(org_ids, Select) else list(org_ids)
    return (
        select(
            Membership.account_id,
            Membership.organisation_id,
            Membership.joined_on,
            Membership.left_on,
        )
        .where(Membership.organisation_id.in_(ids))
        .where(Membership.joined_on <= _inline(last, Date()))
        .where(or_(Membership.left_on.is_(None), Membership.left_on >= _inline(first, Date())))
        .subquery()
    )


def _logs_in_terms(query: Select, terms) -> Select:
    """Join each log to the committee terms it was made in: only logs dated within a term
    count for that committee (a committee she left keeps what she did while on it)."""
    return query.select_from(terms).join(
        Log,
        and_(
            Log.account_id == terms.c.account_id,
            Log.happened_on >= terms.c.joined_on,
            or_(terms.c.left_on.is_(None), Log.happened_on <= terms.c.left_on),
        ),
    )


def _bounds(windows: Iterable[Period]) -> tuple[date, date]:
    periods = list(windows)
    return min(p.start for p in periods), max(p.end for p in periods)


def grouped_counts(
    org_ids: Iterable[int] | Select, windows: Mapping[int, Period], tz: str
) -> dict[tuple[int, int, int], Tally]:
    """``{(account_id, org_id, duty_type_id): Tally}``: each member's logs inside each
    duty's period window and within her terms on that committee.

    One query for any number of members: each duty type has its own window (a quarter,
    half-year or year), matched by one condition each, grouped by member, committee, duty.
    """
    if not windows:
        return {}
    in_window = _in_windows([(d, p.start, p.end) for d, p in windows.items()])
    late = case(
        *(
            (and_(Log.duty_type_id == duty_id, Log.created_at >= _cutoff(p, tz)), 1)
            for duty_id, p in windows.items()
        ),
        else_=0,
    )
    terms = _terms_in(org_ids, *_bounds(windows.values()))
    query = select(
        terms.c.account_id,
        terms.c.organisation_id,
        Log.duty_type_id,
        func.count(),
        func.max(Log.happened_on),
        func.sum(late),
    )
    query = _logs_in_terms(query, terms).where(Log.deleted_at.is_(None), in_window)
    group = (terms.c.account_id, terms.c.organisation_id, Log.duty_type_id)
    rows = db.session.execute(query.group_by(*group)).all()
    return {(a, o, d): Tally(n, last, int(late_n or 0)) for a, o, d, n, last, late_n in rows}


def done_members(
    org_ids: Iterable[int] | Select, windows: Iterable[tuple[int, Period, int]]
) -> dict[tuple[int, str], set[tuple[int, int]]]:
    """``{(duty_type_id, period_code): {(account_id, org_id), ...}}``: who has at least
    ``min_count`` non-deleted logs of the duty within the period and within her terms on
    the committee, for each ``(duty, period, min_count)``.

    One grouped query for any number of members and periods (a district's roll-up and its
    history), returning one row per window with the (member, committee) pairs joined into
    one string (a pair once per log): far cheaper, on SQLite above all, than a row per pair.
    """
    windows = list(dict.fromkeys(windows))
    if not windows:
        return {}
    by_duty: dict[int, list] = defaultdict(list)  # CASE by duty, then by date: fewer tests
    for i, (duty_id, p, _n) in enumerate(windows):
        dates = Log.happened_on.between(_inline(p.start, Date()), _inline(p.end, Date()))
        by_duty[duty_id].append((dates, _inline(i, Integer())))
    number = case(
        *((_inline(duty_id, Integer()), case(*whens)) for duty_id, whens in by_duty.items()),
        value=Log.duty_type_id,
    ).label("window")
    terms = _terms_in(org_ids, *_bounds(p for _d, p, _n in windows))
    pair = (
        cast(terms.c.account_id, String()) + ":" + cast(terms.c.organisation_id, String())
    ).label("pair")
    logs = (
        _logs_in_terms(select(pair, number), terms)
        .where(Log.deleted_at.is_(None), _in_windows(_spans(windows)))
        .subquery()
    )
    pairs = func.aggregate_strings(logs.c.pair, ",")
    rows = db.session.execute(select(logs.c.window, pairs).group_by(logs.c.window)).all()
    done: dict[tuple[int, str], set[tuple[int, int]]] = {}
    for i, joined in rows:
        if i is None:  # between two windows of a duty
            continue
        duty_id, period, minimum = windows[i]
        found = joined.split(",")
        if minimum > 1:
            found = [a for a, n in Counter(found).items() if n >= minimum]
        done[(duty_id, period.code)] = {_pair(text) for text in found}
    return done


def _pair(text: str) -> tuple[int, int]:
    account_id, _sep, org_id = text.partition(":")
    return int(account_id), int(org_id)


def _spans(windows: list[tuple[int, Period, int]]) -> list[tuple[int, date, date]]:
    """Per duty, one range from its first window's start to its last one's end: a cheaper
    filter than every window (a history has dozens); the ``CASE`` tells the windows apart."""
    spans: dict[int, tuple[date, date]] = {}
    for duty_id, p, _n in windows:
        first, last = spans.get(duty_id, (p.start, p.end))
        spans[duty_id] = (min(first, p.start), max(last, p.end))
    return [(duty_id, first, last) for duty_id, (first, last) in spans.items()]


def _in_window(duty_id: int, first: date, last: date) -> ColumnElement[bool]:
    return and_(
        Log.duty_type_id == _inline(duty_id, Integer()),
        Log.happened_on.between(_inline(first, Date()), _inline(last, Date())),
    )


def _in_windows(ranges: list[tuple[int, date, date]]) -> ColumnElement[bool]:
    """Logs of each duty within its date range. The constants are written into the SQL so
    that PostgreSQL's cached generic plans still know how wide the ranges are; the overall
    range, implied by the others, lets an index on (account, day) seek to it."""
    first = min(start for _d, start, _e in ranges)
    last = max(end for _d, _s, end in ranges)
    return and_(
        Log.happened_on.between(_inline(first, Date()), _inline(last, Date())),
        or_(*(_in_window(*r) for r in ranges)),
    )


def excused_keys(
    account_ids: Iterable[int] | Select, period_codes: Iterable[str]
) -> set[tuple[int, int, str]]:
    """``{(account_id, duty_type_id, period_code)}`` of excusals in force."""
    codes = list(period_codes)
    if not codes:
        return set()
    rows = db.session.execute(
        select(Excusal.account_id, Excusal.duty_type_id, Excusal.period_code)
        .where(Excusal.revoked_at.is_(None), Excusal.account_id.in_(account_ids))
        .where(Excusal.period_code.in_(codes))
    ).all()
    return {tuple(r) for r in rows}


def book_duty_ids(duties: Iterable[DutyType]) -> list[int]:
    """The duties done by submitting the year's record book (the 一本记录)."""
    return [d.id for d in duties if d.completed_by == "book"]


def submitted_books(
    account_ids: Iterable[int] | Select, years: Iterable[int], tz: str
) -> dict[tuple[int, int], date]:
    """``{(account_id, year): local day submitted}`` of record books submitted (and not
    reopened since). One query for any number of members."""
    years = sorted(set(years))
    if not years:
        return {}
    ids = account_ids if isinstance(account_ids, Select) else list(account_ids)
    rows = db.session.execute(
        select(RecordBook.account_id, RecordBook.year, RecordBook.submitted_at).where(
            RecordBook.account_id.in_(ids),
            RecordBook.year.in_(years),
            RecordBook.submitted_at.is_not(None),
        )
    ).all()
    zone = ZoneInfo(tz)
    return {(a, y): at.astimezone(zone).date() for a, y, at in rows}


def parse_quarter(code: str | None, today: date) -> Period:
    """The quarter named by ``code`` (``2026Q3``), or the current one when absent or bad."""
    if code:
        try:
            period = parse_period(code)
        except ValueError:
            period = None
        if period is not None and period.cadence is Cadence.QUARTER and period.start <= today:
            return period
    return period_of(today, Cadence.QUARTER)


def quarter_choices(today: date, chosen: Period) -> list[Period]:
    """This year's and last year's quarters up to today, newest first (plus the chosen one)."""
    quarters = [
        p
        for year in (today.year, today.year - 1)
        for p in reversed(periods_of_year(year, Cadence.QUARTER))
        if p.start <= today
    ]
    return quarters if chosen in quarters else [chosen, *quarters]
