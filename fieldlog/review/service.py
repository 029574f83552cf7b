"""Running a review round: the single copy of its rules.

- Only the chair (or vice chair) of the committee opens, refreshes, rates, overrides, closes.
- A round covers one half-year that has begun; one round per committee and half.
- Figures come from the tracker; they refresh until the round closes, then stay as they were.
- A member writes and submits her own report while the round is open.
- Ratings are counts per grade or one per rater; the result follows the round's rule unless
  the chair overrides it with a reason. Per rater, no more lines than there can be raters:
  the other members of the round, and at most ``REVIEW_MAX_REPRESENTATIVES`` women
  representatives; and each rater rates her once.
- At the year-end round (年度述职评议) she is rated only once her written report is in.
- A closed round changes no more.

Each change is audited and flushed; the caller commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.orm.attributes import set_committed_value

from fieldlog import access, forms, grading
from fieldlog.audit import record
from fieldlog.errors import Conflict, DomainError, FieldErrors, NotAllowed
from fieldlog.extensions import db
from fieldlog.models import Account, Organisation, ReviewEntry, ReviewRating, ReviewRound
from fieldlog.periods import Cadence, Period, parse_period, period_of
from fieldlog.review import figures
from fieldlog.timeutil import now_utc
from fieldlog.tracker import queries as tracker_queries
from fieldlog.tracker.service import members_years
from fieldlog.vocab import AuditAction, Grade, RaterGroup, RatingMode, ReviewStatus

MAX_REPORT = 5000
MAX_REASON = 200
MAX_RATER = 40
MAX_VOTES = 999


def _check_chair(actor: Account, org_id: int) -> None:
    if not access.is_chair_of(actor, org_id):
        raise NotAllowed(_("Only the chair of this committee runs its review."))


def _check_open(round_: ReviewRound) -> None:
    if not round_.is_open:
        raise Conflict(_("This review is closed and can no longer be changed."))


def half_choices(today: date) -> list[Period]:
    """Halves a round may be opened for: the current one and the three before it."""
    half = period_of(today, Cadence.HALF)
    result = [half]
    for _step in range(3):
        result.append(result[-1].previous())
    return result


def parse_half(code: str | None, today: date) -> Period:
    """A half-year a round may cover, from its code; FieldErrors when it is not one."""
    try:
        half = parse_period(code or "")
    except ValueError:
        half = None
    if half is None or half not in half_choices(today):
        raise FieldErrors({"half": _("Please choose one of the half-years offered.")})
    return half


def _round_members(org_id: int, half: Period, today: date) -> list[Account]:
    """Accounts with a term in the committee during the half (up to today)."""
    infos = tracker_queries.members_of([org_id], half.start, min(half.end, today))
    ids = [m.account_id for m in infos]
    if not ids:
        return []
    accounts = db.session.scalars(select(Account).where(Account.id.in_(ids))).all()
    by_id = {a.id: a for a in accounts}
    return [by_id[i] for i in ids]


def _figures_for(
    accounts: Sequence[Account], half: Period, today: date, org_id: int
) -> dict[int, dict]:
    """Each member's figures as this committee sees them: her terms on it, and what she
    did while on it."""
    years = members_years(accounts, half.year, today, [org_id])
    return {a.id: figures.build(years[a.id], half, today) for a in accounts}


def open_round(actor: Account, org: Organisation, half_code: str | None, today: date):
    """Open the review of ``half_code`` for ``org``'s committee, with every member's figures."""
    _check_chair(actor, org.id)
    return start_round(actor, org, parse_half(half_code, today), today)


def start_round(actor: Account, org: Organisation, half: Period, today: date) -> ReviewRound:
    """Open a round for any half that has begun (``open_round`` limits which halves)."""
    _check_chair(actor, org.id)
    exists = db.session.scalar(
        select(ReviewRound.id).where(
            ReviewRound.organisation_id == org.id, ReviewRound.half == half.code
        )
    )
    if exists:
        raise FieldErrors({"half": _("A review of this half-year already exists.")})
    members = _round_members(org.id, half, today)
    if not members:
        raise FieldErrors({"half": _("Nobody was on the committee in that half-year.")})
    rule = grading.check_rule(current_app.config["REVIEW_RULE"])
    numbers = _figures_for(members, half, today, org.id)
    round_ = ReviewRound(
        organisation_id=org.id,
        half=half.code,
        status=ReviewStatus.OPEN.value,
        rule=rule,
        figures_as_of=today,
        figures_at=now_utc(),
        opened_by_id=actor.id,
        entries=[ReviewEntry(account_id=a.id, figures=numbers[a.id]) for a in members],
    )
    db.session.add(round_)
    db.session.flush()
    changes = {"half": [None, half.code], "members": [None, [a.id for a in members]]}
    record(actor, AuditAction.OPEN, "review_round", round_.id, changes)
    return round_


def refresh_round(actor: Account, round_: ReviewRound, today: date) -> ReviewRound:
    """Take the figures from the tracker again; members who joined since are added."""
    _check_chair(actor, round_.organisation_id)
    _check_open(round_)
    half = parse_period(round_.half)
    members = _round_members(round_.organisation_id, half, today)
    entries = {e.account_id: e for e in round_.entries}
    numbers = _figures_for(members, half, today, round_.organisation_id)
    added = []
    for account in members:
        entry = entries.get(account.id)
        if entry is None:
            round_.entries.append(ReviewEntry(account_id=account.id, figures=numbers[account.id]))
            added.append(account.id)
        else:
            entry.figures = numbers[account.id]
    before = round_.figures_as_of.isoformat()
    round_.figures_as_of, round_.figures_at = today, now_utc()
    changes: dict[str, Any] = {"figures_as_of": [before, round_.figures_as_of.isoformat()]}
    if added:
        changes["added"] = [None, added]
    record(actor, AuditAction.REFRESH, "review_round", round_.id, changes)
    db.session.flush()
    return round_


def close_round(actor: Account, round_: ReviewRound) -> ReviewRound:
    """Lock the round: figures, reports, ratings and results stay as they are."""
    _check_chair(actor, round_.organisation_id)
    _check_open(round_)
    round_.status, round_.closed_at, round_.closed_by_id = ReviewStatus.CLOSED, now_utc(), actor.id
    results = {str(e.account_id): e.result.value if e.result else None for e in round_.entries}
    changes = {"status": ["open", "closed"], "results": [None, results]}
    record(actor, AuditAction.CLOSE, "review_round", round_.id, changes)
    db.session.flush()
    return round_


# Her report ------------------------------------------------------------------------------


def save_report(
    actor: Account, entry: ReviewEntry, body: str | None, *, submit: bool
) -> ReviewEntry:
    """Save her report, and submit it when asked (it can be edited and submitted again)."""
    if entry.account_id != actor.id:
        raise NotAllowed(_("Only she writes her own report."))
    _check_open(entry.round)
    text = (body or "").strip()
    forms.check_text(body=text)
    if len(text) > MAX_REPORT:
        raise FieldErrors({"body": _("Use at most %(max)d characters.", max=MAX_REPORT)})
    if submit and not text:
        raise FieldErrors({"body": _("Please write your report before submitting it.")})
    before = {"report_body": entry.report_body, "submitted": entry.submitted}
    entry.report_body, entry.report_saved_at = text, now_utc()
    if submit:
        entry.report_submitted_at = entry.report_saved_at
    action = AuditAction.SUBMIT if submit else AuditAction.UPDATE
    after = {"report_body": text, "submitted": entry.submitted}
    changes = {k: [before[k], v] for k, v in after.items() if before[k] != v}
    record(actor, action, "review_entry", entry.id, changes)
    db.session.flush()
    return entry


# Ratings and result ----------------------------------------------------------------------


@dataclass(frozen=True)
class RatingLine:
    """Counts mode: votes for one grade from one group. Per-rater mode: one rater, votes 1."""

    group: str
    grade: str
    votes: int = 1
    rater: str | None = None


def rater_limits(entry: ReviewEntry) -> dict[str, int]:
    """How many raters each group can have for one member: the other members of the
    round, and the women representatives (config ``REVIEW_MAX_REPRESENTATIVES``)."""
    count = select(func.count(ReviewEntry.id)).where(ReviewEntry.round_id == entry.round_id)
    members = db.session.scalar(count) or 1
    representatives = int(current_app.config["REVIEW_MAX_REPRESENTATIVES"])
    return {RaterGroup.MEMBER.value: members - 1, RaterGroup.REPRESENTATIVE.value: representatives}


def _check_line_count(mode: str, lines: Sequence[RatingLine], limits: dict[str, int]) -> None:
    """Refuse more lines than there can be, before looking at any of them."""
    if mode == RatingMode.PER_RATER:
        most = sum(limits.values())
        message = _("At most %(max)d people can rate her.", max=most)
    else:
        most = len(RaterGroup) * len(Grade)
        message = _("Send at most %(max)d counts: one per group and grade.", max=most)
    if len(lines) > most:
        raise DomainError(message)


def _check_raters(clean: Sequence[RatingLine], limits: dict[str, int]) -> None:
    """Per rater: nobody rates her twice, and no group has more lines than it has possible
    raters."""
    seen: set[str] = set()
    for line in clean:
        # One person, whichever group she is listed in; spaces and case do not matter.
        key = " ".join((line.rater or "").split()).casefold()
        if key in seen:
            raise DomainError(
                _(
                    "%(name)s is listed twice: each rater rates her once.",
                    name=line.rater,
                )
            )
        seen.add(key)
    members = sum(1 for line in clean if line.group == RaterGroup.MEMBER)
    if members > limits[RaterGroup.MEMBER.value]:
        raise DomainError(
            _(
                "At most %(max)d members can rate her: the other members of this review.",
                max=limits[RaterGroup.MEMBER.value],
            )
        )
    representatives = len(clean) - members
    if representatives > limits[RaterGroup.REPRESENTATIVE.value]:
        raise DomainError(
            _(
                "At most %(max)d women representatives can rate her.",
                max=limits[RaterGroup.REPRESENTATIVE.value],
            )
        )


def _check_lines(
    mode: str, lines: Sequence[RatingLine], limits: dict[str, int]
) -> list[RatingLine]:
    if mode not in {m.value for m in RatingMode}:
        raise FieldErrors({"mode": _("Please choose one of the options.")})
    _check_line_count(mode, lines, limits)
    groups, grades = {g.value for g in RaterGroup}, {g.value for g in Grade}
    clean: list[RatingLine] = []
    for line in lines:
        if line.group not in groups or line.grade not in grades:
            raise DomainError(_("A rating names an unknown group or grade."))
        if not 0 <= line.votes <= MAX_VOTES:
            raise DomainError(_("Votes must be between 0 and %(max)d.", max=MAX_VOTES))
        rater = (line.rater or "").strip() or None
        if problem := forms.text_problem(rater):
            raise FieldErrors({"ratings": problem})
        if mode == RatingMode.PER_RATER and rater is None:
            raise DomainError(_("Each rating needs the rater's name."))
        if rater and len(rater) > MAX_RATER:
            raise DomainError(_("A rater's name has at most %(max)d characters.", max=MAX_RATER))
        if line.votes:
            votes = 1 if mode == RatingMode.PER_RATER else line.votes
            clean.append(RatingLine(line.group, line.grade, votes, rater))
    if mode == RatingMode.PER_RATER:
        _check_raters(clean, limits)
    return clean


def _ratings_snapshot(entry: ReviewEntry) -> list[list[Any]]:
    return [[r.rater_group, r.rater, r.grade, r.votes] for r in entry.ratings]


def _remove_ratings(entry: ReviewEntry) -> None:
    """Delete her ratings with one statement. Clearing the collection instead takes time
    quadratic in their number (each removal searches the list: 100,000 lines stored once
    made the next save of 50 take minutes)."""
    old = list(entry.ratings)
    db.session.flush()
    db.session.execute(
        delete(ReviewRating).where(ReviewRating.entry_id == entry.id),
        execution_options={"synchronize_session": False},
    )
    for rating in old:
        db.session.expunge(rating)
    set_committed_value(entry, "ratings", [])


def rate(actor: Account, entry: ReviewEntry, mode: str, lines: Sequence[RatingLine]) -> ReviewEntry:
    """Replace the ratings of one member and compute her result by the round's rule."""
    _check_chair(actor, entry.round.organisation_id)
    _check_open(entry.round)
    clean = _check_lines(mode, lines, rater_limits(entry))
    if clean and entry.round.is_year_end and not entry.submitted:
        raise DomainError(
            _(
                "%(name)s has not submitted her written annual report yet: she is rated "
                "once it is in.",
                name=entry.account.display_name,
            )
        )
    before = {"mode": entry.rating_mode, "ratings": _ratings_snapshot(entry)}
    before["computed_grade"] = entry.computed_grade
    _remove_ratings(entry)
    entry.ratings.extend(
        ReviewRating(rater_group=x.group, rater=x.rater, grade=x.grade, votes=x.votes)
        for x in clean
    )
    entry.rating_mode = mode
    votes = [(x.group, x.grade, x.votes) for x in clean]
    grade = grading.result_grade(votes, entry.round.rule)
    entry.computed_grade = grade.value if grade else None
    after = {"mode": mode, "ratings": _ratings_snapshot(entry)}
    after["computed_grade"] = entry.computed_grade
    changes = {k: [before[k], v] for k, v in after.items() if before[k] != v}
    record(actor, AuditAction.RATE, "review_entry", entry.id, changes)
    db.session.flush()
    return entry


def override(
    actor: Account, entry: ReviewEntry, grade: str | None, reason: str | None
) -> ReviewEntry:
    """Set (or, with ``grade`` None, remove) the chair's own result for a member."""
    _check_chair(actor, entry.round.organisation_id)
    _check_open(entry.round)
    reason = (reason or "").strip() or None
    forms.check_text(reason=reason)
    if grade is not None and grade not in {g.value for g in Grade}:
        raise FieldErrors({"grade": _("Please choose one of the options.")})
    if grade is not None and not reason:
        raise FieldErrors({"reason": _("Please give the reason for changing the result.")})
    if reason and len(reason) > MAX_REASON:
        raise FieldErrors({"reason": _("Use at most %(max)d characters.", max=MAX_REASON)})
    before = [entry.override_grade, entry.override_reason]
    entry.override_grade = grade
    entry.override_reason = reason if grade else None
    changes = {
        "override_grade": [before[0], entry.override_grade],
        "override_reason": [before[1], entry.override_reason],
        "computed_grade": [entry.computed_grade, entry.computed_grade],
    }
    record(actor, AuditAction.OVERRIDE, "review_entry", entry.id, changes)
    db.session.flush()
    return entry
