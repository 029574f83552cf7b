"""What follows from the reviews: excellent-executive candidates and exit flags.

- Candidates for excellent executive (优秀执委) of a year: members whose annual result (the
  year-end round) is excellent or qualified, excellent first, then by completion.
- Exit flags (组织劝退 candidates), among current members: the annual result unqualified
  N years running (closed rounds), or M executive committee meetings (执委会, and the
  述职评议会 held as one) missed in a row without excuse during her current term
  (第十二条: 无故连续3次不出席执委会). 议事 meetings neither count nor break a run, and a
  meeting still to come is not missed. N and M come from configuration.

Each function runs a fixed number of queries whatever the number of organisations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import Select, func, or_, select

from fieldlog import access
from fieldlog.extensions import db
from fieldlog.models import (
    Account,
    Attendance,
    Meeting,
    Membership,
    Organisation,
    ReviewEntry,
    ReviewRound,
)
from fieldlog.vocab import AttendanceStatus, Grade, MeetingKind, ReviewStatus

CANDIDATE_GRADES = (Grade.EXCELLENT, Grade.QUALIFIED)
EXIT_KINDS = tuple(k.value for k in MeetingKind if k.counts_for_exit)


@dataclass(frozen=True)
class Candidate:
    """A member of the year's candidates list."""

    account_id: int
    name: str
    org_name: str
    grade: Grade
    completion: int | None
    overdue: int
    round_id: int
    final: bool  # the round is closed


def _year_end_entries(org_ids: Select | Iterable[int], years: Iterable[int]) -> list:
    halves = [f"{y}H2" for y in years]
    return list(
        db.session.execute(
            select(ReviewEntry, ReviewRound, Organisation.name)
            .join(ReviewEntry.round)
            .join(Organisation, Organisation.id == ReviewRound.organisation_id)
            .where(ReviewRound.organisation_id.in_(org_ids), ReviewRound.half.in_(halves))
        ).all()
    )


def latest_closed_year(org_ids: Select | Iterable[int]) -> int | None:
    """The last year whose year-end review is closed in one of these committees: what a
    chair wants to see of the excellent-executive list (in December the current year's
    review has usually not happened yet)."""
    half = db.session.scalar(
        select(func.max(ReviewRound.half)).where(
            ReviewRound.organisation_id.in_(org_ids),
            ReviewRound.half.like("%H2"),
            ReviewRound.status == ReviewStatus.CLOSED.value,
        )
    )
    return int(half[:4]) if half else None


def excellent_candidates(org_ids: Select | Iterable[int], year: int) -> list[Candidate]:
    """The year's candidates, best first (one query)."""
    result = []
    for entry, round_, org_name in _year_end_entries(org_ids, [year]):
        grade = entry.result
        if grade not in CANDIDATE_GRADES:
            continue
        totals = entry.figures.get("totals", {})
        result.append(
            Candidate(
                account_id=entry.account_id,
                name=entry.account.display_name,
                org_name=org_name,
                grade=grade,
                completion=entry.figures.get("completion"),
                overdue=totals.get("overdue", 0),
                round_id=round_.id,
                final=round_.status == ReviewStatus.CLOSED,
            )
        )
    return sorted(
        result,
        key=lambda c: (
            c.grade.rank,
            -(c.completion if c.completion is not None else -1),
            c.overdue,
            c.name,
        ),
    )


@dataclass(frozen=True)
class MissedMeeting:
    """One meeting of a run missed without excuse: the evidence of an exit flag."""

    meeting_id: int
    held_on: date
    kind: MeetingKind


@dataclass
class ExitFlag:
    """A current member flagged for the committee to consider, with the evidence."""

    account_id: int
    name: str
    org_id: int
    org_name: str
    unqualified_years: list[int] = field(default_factory=list)
    missed_meetings: list[MissedMeeting] = field(default_factory=list)


def _current_terms(org_ids: Select | Iterable[int], today: date) -> dict[int, tuple]:
    rows = db.session.execute(
        select(Membership, Account.display_name, Organisation.name)
        .join(Account, Account.id == Membership.account_id)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(Membership.organisation_id.in_(org_ids), Membership.joined_on <= today)
        .where(or_(Membership.left_on.is_(None), Membership.left_on >= today))
    ).all()
    return {term.account_id: (term, name, org_name) for term, name, org_name in rows}


def _unqualified_runs(org_ids, today: date, years_needed: int) -> dict[int, list[int]]:
    """Members whose latest closed annual results are unqualified ``years_needed`` years
    running: {account_id: [years]}."""
    years = range(today.year - 10, today.year + 1)
    results: dict[int, dict[int, Grade | None]] = defaultdict(dict)
    for entry, round_, _org in _year_end_entries(org_ids, years):
        if round_.status == ReviewStatus.CLOSED:
            results[entry.account_id][round_.year] = entry.result
    flagged = {}
    for account_id, by_year in results.items():
        latest = max(by_year)
        run = [latest - i for i in range(years_needed)]
        if all(by_year.get(y) is Grade.UNQUALIFIED for y in run):
            flagged[account_id] = sorted(run)
    return flagged


def _missed_runs(
    org_ids, terms: dict[int, tuple], needed: int, today: date
) -> dict[int, list[MissedMeeting]]:
    """Members with ``needed`` executive meetings in a row missed without excuse in their
    current term: {account_id: the longest such run}. Only the kinds of EXIT_KINDS held by
    ``today`` are in the sequence; a present or excused one breaks the run."""
    rows = db.session.execute(
        select(
            Attendance.account_id,
            Attendance.status,
            Meeting.id,
            Meeting.held_on,
            Meeting.kind,
            Meeting.organisation_id,
        )
        .join(Attendance.meeting)
        .where(Meeting.organisation_id.in_(org_ids), Attendance.account_id.in_(list(terms)))
        .where(Meeting.kind.in_(EXIT_KINDS), Meeting.held_on <= today)
        .order_by(Attendance.account_id, Meeting.held_on, Meeting.id)
    ).all()
    flagged: dict[int, list[MissedMeeting]] = {}
    run: list[MissedMeeting] = []
    current = None
    for account_id, status, meeting_id, held_on, kind, org_id in rows:
        term = terms[account_id][0]
        if org_id != term.organisation_id or held_on < term.joined_on:
            continue
        if account_id != current:
            current, run = account_id, []
        missed = MissedMeeting(meeting_id, held_on, MeetingKind(kind))
        run = [*run, missed] if status == AttendanceStatus.ABSENT else []
        if len(run) >= needed and len(run) > len(flagged.get(account_id, [])):
            flagged[account_id] = run
    return flagged


def exit_flags(org_ids: Select | Iterable[int], today: date) -> list[ExitFlag]:
    """Current members flagged by either rule, by organisation then name (three queries)."""
    cfg = current_app.config
    terms = _current_terms(org_ids, today)
    if not terms:
        return []
    unqualified = _unqualified_runs(org_ids, today, cfg["EXIT_UNQUALIFIED_YEARS"])
    missed = _missed_runs(org_ids, terms, cfg["EXIT_MISSED_MEETINGS"], today)
    flags = []
    for account_id in set(unqualified) | set(missed):
        if account_id not in terms:
            continue
        term, name, org_name = terms[account_id]
        flags.append(
            ExitFlag(
                account_id,
                name,
                term.organisation_id,
                org_name,
                unqualified.get(account_id, []),
                missed.get(account_id, []),
            )
        )
    return sorted(flags, key=lambda f: (f.org_name, f.name, f.account_id))


def overseen_org_ids(actor: Account) -> Select:
    """Organisations whose lists the actor reads: committees she chairs, subtrees she
    administers."""
    chaired = list(access.chaired_org_ids(actor))
    subtree = access.managed_orgs(actor).with_only_columns(Organisation.id)
    return select(Organisation.id).where(
        or_(Organisation.id.in_(chaired), Organisation.id.in_(subtree))
    )
