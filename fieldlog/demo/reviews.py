"""Demo committee meetings and duty-report reviews, through the same services as the pages.

- Every village/community committee meets every other month; attendance is mostly present,
  with a few excused absences.
- 赵凤英 (桃源村) missed the last three meetings without excuse: an exit flag.
- Each review meeting is held 20 days after its half-year ends: the year-end one in January.
  A round is linked to the 述职评议会 held in that month when the demo has one (the last
  year's meetings); at mid-year everyone but an idle member reported orally; at year end
  even the idle member hands in a (thin) written report, since the annual review rates only
  a written report.
  The rounds below count from the year after the last year-end review held ("this year",
  except in early January: then last year's year-end review is still to come).
- 石桥村 has held its reviews since the election; 宋桂香 was rated unqualified at the two
  last year-end reviews: the other exit flag. 新华社区 and 桃源村 held the last year-end
  review; 新华社区 also the mid-year one after it, with one result changed by the chair.
  桃源村's mid-year review is left for the demo chair to run.
- The excellent-executive candidates of the last reviewed year come from those year-end
  reviews.

Deterministic for a given ``today``; everything is flushed, the command commits.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from fieldlog.demo import people
from fieldlog.demo.people import Profile
from fieldlog.extensions import db
from fieldlog.meetings import queries as meeting_queries
from fieldlog.meetings.service import MeetingInput, record_meeting
from fieldlog.models import Account, Organisation, ReviewRound, RoleGrant
from fieldlog.periods import Cadence, Period, periods_of_year
from fieldlog.review import draft, held, service
from fieldlog.review import queries as review_queries
from fieldlog.review.service import RatingLine
from fieldlog.vocab import AttendanceStatus, Grade, MeetingKind, RaterGroup, Role

MISSES_MEETINGS = "赵凤英"
IDLE_REPORT = "本年度参加活动较少，联系妇女不够，明年改进。"
EXCUSES = ("外出务工", "照顾生病的家人", "孩子生病", "参加镇里培训")
TOPICS = {
    MeetingKind.COMMITTEE: ("部署本季度联系妇女工作", "通报困难家庭帮扶进展，分配走访任务"),
    MeetingKind.REVIEW: ("执委述职评议",),
}
DECISIONS = {
    MeetingKind.COMMITTEE: ("每位执委本季度至少走访五户", "下月组织一次家庭教育宣讲"),
    MeetingKind.REVIEW: ("评议结果报镇妇联", "对评议不合格的执委进行谈话提醒"),
}
# Which committee reviews which halves, counted back from the year after the last year-end
# review (0 = that year: this year, except in early January).
ROUNDS = {
    "shiqiao": ((2, 2), (1, 1), (1, 2), (0, 1)),
    "xinhua": ((1, 2), (0, 1)),
    "taoyuan": ((1, 2),),
}
OVERRIDE = ("xinhua", 0, 1, "带头组织防汛志愿服务，评议会复议提为优秀")


def load(orgs: dict[str, Organisation], today: date) -> None:
    """Meetings and reviews of the grassroots committees (flush only)."""
    profiles = {p.name: p.profile for p in people.PEOPLE}
    rng = random.Random(f"fieldlog-demo-reviews:{today.isoformat()}")
    base = people.reviewed_year(today) + 1
    for key in ("taoyuan", "shiqiao", "xinhua"):
        org = orgs[key]
        chair = committee_chair(org)
        _meetings(org, chair, today, rng)
        for years_back, index in ROUNDS[key]:
            half = periods_of_year(base - years_back, Cadence.HALF)[index - 1]
            held_on = half.end + people.REVIEW_AFTER
            if held_on < today:
                _review(org, chair, half, held_on, profiles, rng, key, base)


def committee_chair(org: Organisation) -> Account:
    """The chair of a demo committee (every one has one)."""
    account_id = db.session.scalar(
        select(RoleGrant.account_id).where(
            RoleGrant.organisation_id == org.id, RoleGrant.role == Role.CHAIR
        )
    )
    chair = db.session.get(Account, account_id)
    assert chair is not None  # noqa: S101 - every demo committee has a chair
    return chair


def _meeting_days(today: date) -> list[date]:
    first = date(today.year - 1, today.month, 1)
    days = []
    for year in (today.year - 1, today.year):
        for month in range(1, 13, 2):
            day = date(year, month, 10)
            if first <= day < today:
                days.append(day)
    return days


def _meetings(org: Organisation, chair: Account, today: date, rng: random.Random) -> None:
    days = _meeting_days(today)
    absences: dict[int, int] = {}
    for number, day in enumerate(days):
        members = meeting_queries.active_members(org.id, day)
        last_three = number >= len(days) - 3
        attendance = {}
        for m in members:
            status, reason = _attendance(m, last_three, absences.get(m.id, 0), rng)
            absences[m.id] = absences.get(m.id, 0) + 1 if status == AttendanceStatus.ABSENT else 0
            attendance[m.id] = (status.value, reason)
        kind = MeetingKind.REVIEW if day.month in (1, 7) else MeetingKind.COMMITTEE
        data = MeetingInput(
            held_on=day,
            kind=kind.value,
            topics=rng.choice(TOPICS[kind]),
            decisions=rng.choice(DECISIONS[kind]),
            attendance=attendance,
        )
        record_meeting(chair, org, data, today)


def _attendance(
    member: Account, last_three: bool, absent_in_a_row: int, rng: random.Random
) -> tuple[AttendanceStatus, str | None]:
    if member.display_name == MISSES_MEETINGS and last_three:
        return AttendanceStatus.ABSENT, None
    roll = rng.random()
    if roll < 0.08:
        return AttendanceStatus.EXCUSED, rng.choice(EXCUSES)
    if roll < 0.12 and absent_in_a_row < 2:  # nobody else reaches three in a row
        return AttendanceStatus.ABSENT, None
    return AttendanceStatus.PRESENT, None


def _target(profile: str, completion: int | None, rng: random.Random) -> Grade:
    """The grade the meeting leans to: from her completion, tempered by who she is."""
    if profile == Profile.IDLE:
        return Grade.UNQUALIFIED
    done = completion or 0
    if done >= 88 and (profile == Profile.SHOWCASE or rng.random() < 0.5):
        return Grade.EXCELLENT
    if done >= 75:
        return Grade.QUALIFIED
    return Grade.BASIC  # behind, but not idle: 基本合格


def _votes(target: Grade, total: int, rng: random.Random) -> dict[Grade, int]:
    """Most votes for ``target``, the rest spread to the neighbouring grades."""
    grades = list(Grade)
    main = total // 2 + 1 + rng.randint(0, max(0, total // 4))
    main = min(main, total)
    votes = {g: 0 for g in grades}
    votes[target] = main
    neighbours = [g for g in grades if abs(g.rank - target.rank) == 1]
    for _ in range(total - main):
        votes[rng.choice(neighbours)] += 1
    return votes


def _hold_at_meeting(
    chair: Account, round_: ReviewRound, half: Period, held_on: date, profiles: dict[str, str]
) -> None:
    """Link the round to the 述职评议会 held after its half-year, when the demo has one;
    at mid-year everyone but the idle member gave her oral report."""
    meetings = [m for m in held.review_meetings(round_) if half.end < m.held_on <= held_on]
    if meetings:
        held.link_meeting(chair, round_, meetings[-1].id)
    if half.index == 1:
        idle = {
            e.account_id
            for e in round_.entries
            if profiles.get(e.account.display_name) == Profile.IDLE
        }
        held.mark_oral_reports(chair, round_, {e.account_id for e in round_.entries} - idle)


def _review(
    org: Organisation,
    chair: Account,
    half: Period,
    held_on: date,
    profiles: dict[str, str],
    rng: random.Random,
    key: str,
    base: int,
) -> None:
    opened = service.start_round(chair, org, half, held_on - timedelta(days=1))
    db.session.expire(opened)
    loaded = review_queries.round_with_entries(opened.id)
    assert loaded is not None  # noqa: S101 - just created
    closing = datetime(held_on.year, held_on.month, held_on.day, 8, 0, tzinfo=UTC)
    _hold_at_meeting(chair, loaded, half, held_on, profiles)
    for entry in loaded.entries:
        profile = profiles.get(entry.account.display_name, Profile.STEADY)
        if profile != Profile.IDLE:
            body = draft.build_draft(entry, "zh_Hans_CN")
            entry.report_body = body + "继续做好联系服务妇女工作，带头参加志愿服务。"
            entry.report_saved_at = entry.report_submitted_at = closing - timedelta(days=3)
        elif half.index == 2:  # the annual review rates only a written report
            entry.report_body = IDLE_REPORT
            entry.report_saved_at = entry.report_submitted_at = closing - timedelta(days=1)
        target = _target(profile, entry.figures.get("completion"), rng)
        reps = _votes(target, rng.randint(15, 25), rng)
        peers = _votes(target, max(1, len(loaded.entries) - 1), rng)
        lines = [
            RatingLine(group.value, grade.value, n)
            for group, counts in ((RaterGroup.REPRESENTATIVE, reps), (RaterGroup.MEMBER, peers))
            for grade, n in counts.items()
        ]
        service.rate(chair, entry, "counts", lines)
    if (key, base - half.year, half.index) == OVERRIDE[:3]:
        pick = next(e for e in loaded.entries if e.result is Grade.QUALIFIED)
        service.override(chair, pick, Grade.EXCELLENT.value, OVERRIDE[3])
    service.close_round(chair, loaded)
    loaded.opened_at = loaded.figures_at = closing - timedelta(days=7)
    loaded.closed_at = closing
