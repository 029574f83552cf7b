"""Demo record books: last year's, and this year's in December, through the same services as
the pages.

In every village/community committee, the members who kept up last year (not the behind or
idle ones, nor those who have left) submitted last year's book, most in December, a few in
January (handed in late). In 桃源村 the chair reopened one book with a reason, so it shows
as owed again. The tracker then shows last year's record book done for them. Once this
year's books open (1 December), more and more of those members hand theirs in as December
goes on: about six in ten by the 31st.

Deterministic for a given ``today``; everything is flushed, the command commits.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from fieldlog.books import service
from fieldlog.demo import people
from fieldlog.demo.people import Profile
from fieldlog.demo.reviews import committee_chair
from fieldlog.extensions import db
from fieldlog.models import Account, Organisation
from fieldlog.timeutil import now_utc

VILLAGES = ("taoyuan", "shiqiao", "xinhua")
KEPT_UP = (Profile.STEADY, Profile.SHOWCASE, Profile.LATE)
REOPENED = ("taoyuan", "陈小红", "第四季度的走访记录还没有补全，请补充后重新提交")
# Share of members with names of the women in their book (their choice).
WITH_NAMES = 0.3
# Share of the members who keep up who hand in this year's book by 31 December.
BY_YEAR_END = 0.6


def load(orgs: dict[str, Organisation], today: date) -> None:
    """Submit last year's books of the members who kept up, and in December some of this
    year's (flush only)."""
    year = today.year - 1
    rng = random.Random(f"fieldlog-demo-books:{today.isoformat()}")
    profiles = {p.name: p.profile for p in people.PEOPLE}
    for key in VILLAGES:
        org = orgs[key]
        for member in _members(org):
            if profiles.get(member.display_name) not in KEPT_UP:
                continue
            if service.served_in(member, year):
                _submit(member, year, today, rng)
            if _hands_in_early(year + 1, today, rng):
                _submit(member, year + 1, today, rng)
    org_key, name, reason = REOPENED
    member = db.session.scalars(
        select(Account).where(
            Account.organisation_id == orgs[org_key].id, Account.display_name == name
        )
    ).first()
    if member is not None and (book := service.book_of(member.id, year)) is not None:
        chair = committee_chair(orgs[org_key])
        submitted = book.submitted_at
        service.reopen(chair, member, year, reason)
        assert submitted is not None  # noqa: S101 - submitted just above
        book.reopened_at = min(submitted + timedelta(days=3), _now_or(today))


def _members(org: Organisation) -> list[Account]:
    """The committee's current members (active accounts), by id."""
    return list(
        db.session.scalars(
            select(Account)
            .where(Account.organisation_id == org.id, Account.active.is_(True))
            .order_by(Account.id)
        )
    )


def _hands_in_early(year: int, today: date, rng: random.Random) -> bool:
    """Whether a member who keeps up has already handed in this year's book by ``today``."""
    opens = service.window(year).opens
    if today < opens:
        return False
    share = BY_YEAR_END * ((today - opens).days + 1) / ((date(year, 12, 31) - opens).days + 1)
    return rng.random() < share


def _submit(member: Account, year: int, today: date, rng: random.Random) -> None:
    """Her book of ``year``, submitted on a day of the window up to ``today``."""
    names = rng.random() < WITH_NAMES
    book = service.submit(member, member, year, names, today)
    opens = service.window(year).opens
    last = min(today, date(year + 1, 1, 20))
    day = opens + timedelta(days=rng.randint(0, max(0, (last - opens).days)))
    hour = rng.randint(9, 21)
    # Shanghai is UTC+8: an evening in the village, stored in UTC, never in the future.
    at = datetime.combine(day, time(hour, rng.randint(0, 59)), UTC) - timedelta(hours=8)
    book.submitted_at = min(at, _now_or(today))


def _now_or(today: date) -> datetime:
    """The moment the demo is loaded, or the end of ``today`` when loading for another day."""
    return min(now_utc(), datetime.combine(today, time(15, 0), UTC))
