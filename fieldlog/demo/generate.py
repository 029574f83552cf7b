"""About a year of logs for one demo member, with the gaps real committees have.

Deterministic: every choice comes from a ``random.Random`` seeded with ``today`` and her name.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from fieldlog.demo import content
from fieldlog.demo.people import PersonSpec, Profile, reviewed_year
from fieldlog.models import DutyType, Log
from fieldlog.periods import Cadence, Period, periods_of_year
from fieldlog.timeutil import now_utc

# Order matters: surveys come before proposals so a proposal can follow its survey.
WORK_DUTIES = ("contact", "talk", "survey", "proposal", "help", "volunteer")
# The showcase member's current periods: a fixed mix of done (1) and not yet (0).
# What a steady member logs in a whole year, for books whose year began before the demo.
YEAR_TYPICAL = {
    "contact": (8, 16),
    "talk": (4, 6),
    "survey": (2, 3),
    "proposal": (2, 2),
    "help": (1, 3),
    "volunteer": (1, 3),
}
SHOWCASE_NOW = {"contact": 1, "talk": 0, "survey": 1, "proposal": 0, "help": 1, "volunteer": 0}


@dataclass(frozen=True)
class Member:
    """A demo member as the generator needs her."""

    account_id: int
    person: PersonSpec
    org_name: str
    org_kind: str
    joined_on: date
    left_on: date | None


@dataclass(frozen=True)
class Planned:
    """One log to write: which duty, in which period, on which day."""

    code: str
    period: Period
    day: date


def window_start(today: date) -> date:
    """1 January of the committees' election year (two years back, as a rule): the demo covers
    their whole term so far, so past reviews have the logs behind their figures."""
    return date(reviewed_year(today) - 1, 1, 1)


def periods_between(cadence: Cadence, first: date, last: date) -> list[Period]:
    """The periods of ``cadence`` overlapping ``first..last``, in order."""
    return [
        p
        for year in range(first.year, last.year + 1)
        for p in periods_of_year(year, cadence)
        if p.end >= first and p.start <= last
    ]


class MemberLogs:
    """Plans and writes the logs of one member."""

    def __init__(self, member: Member, duties: dict[str, DutyType], today: date, seed: str):
        self.member, self.duties, self.today = member, duties, today
        self.profile = member.person.profile
        # Her name and committee: someone who moved has a stream of choices for each.
        self.rng = random.Random(f"{seed}:{member.person.name}:{member.org_name}")  # noqa: S311
        self.usual = content.usual_method(self.rng)
        self.places = content.places(member.org_name, member.org_kind)
        self.first = max(window_start(today), member.joined_on)
        self.last = min(today, member.left_on or today)
        self.misses = self._misses()

    # --- planning -------------------------------------------------------------------------

    def plan(self) -> list[Planned]:
        """Every log of her year, without content."""
        planned: list[Planned] = []
        if self.first > self.last:
            return planned
        for code in WORK_DUTIES:
            duty = self.duties.get(code)
            if duty is None:
                continue
            for period in periods_between(duty.cadence_enum, self.first, self.last):
                lo, hi = max(period.start, self.first), min(period.end, self.last)
                if code == "proposal":  # after her survey of the same half, when there is one
                    surveys = [p.day for p in planned if p.code == "survey" and p.period == period]
                    lo = max([lo, *surveys])
                for _ in range(self._how_many(code, period)):
                    planned.append(Planned(code, period, self._day(lo, hi)))
        return planned + self._record_books(planned)

    def _misses(self) -> set[tuple[str, Period]]:
        """For a member behind: what she skipped. For an idle one: the little she did."""
        ended = [
            q for q in periods_between(Cadence.QUARTER, self.first, self.last) if q.end < self.today
        ]
        halves = [
            h for h in periods_between(Cadence.HALF, self.first, self.last) if h.end < self.today
        ]
        if not ended:
            return set()
        if self.profile == Profile.IDLE:
            return {("contact", self.rng.choice(ended))}
        if self.profile != Profile.BEHIND:
            return set()
        quarters = {ended[-1]} | ({self.rng.choice(ended)} if self.rng.random() < 0.6 else set())
        missed = {(code, q) for q in quarters for code in ("contact", "talk")}
        if halves and self.rng.random() < 0.7:
            missed |= {("survey", halves[-1]), ("proposal", halves[-1])}
        return missed

    def _how_many(self, code: str, period: Period) -> int:
        if self.profile == Profile.IDLE:
            return int((code, period) in self.misses)
        if (code, period) in self.misses:
            return 0
        if period.contains(self.today):
            if self.profile == Profile.SHOWCASE:
                return SHOWCASE_NOW[code]
            elapsed = ((self.today - period.start).days + 1) / period.days
            chance = min(0.85, 0.15 + elapsed) / (2 if self.profile == Profile.BEHIND else 1)
            if self.rng.random() >= chance:
                return 0
        elif self.profile != Profile.SHOWCASE and self.rng.random() < 0.05:
            return 0  # even steady members slip now and then
        return 1 + self._extra(code)

    def _extra(self, code: str) -> int:
        draw = self.rng.random()
        if code == "contact":
            return (draw < 0.5) + (draw < 0.2)
        return int(draw < {"talk": 0.2, "volunteer": 0.3}.get(code, 0.0))

    def _day(self, lo: date, hi: date) -> date:
        return lo + timedelta(days=self.rng.randint(0, max(0, (hi - lo).days)))

    def _record_books(self, planned: list[Planned]) -> list[Planned]:
        """A book for each year she finished on the committee; this year's only in December."""
        duty = self.duties.get("record_book")
        if duty is None or self.profile == Profile.IDLE:
            return []
        books = []
        for year in periods_between(duty.cadence_enum, self.first, self.last):
            lo = max(date(year.year, 12, 12), self.first)
            hi = min(year.end, self.last)
            if lo > hi or self.member.left_on is not None:
                continue
            chance = 0.4 if year.contains(self.today) else 0.92
            if self.rng.random() < chance and any(p.period.year == year.year for p in planned):
                books.append(Planned("record_book", year, self._day(lo, hi)))
        return books

    # --- writing --------------------------------------------------------------------------

    def logs(self, tz: str) -> list[Log]:
        """The member's logs, with content and entry times."""
        planned = self.plan()
        themes = {h: self.rng.choice(content.THEMES) for h in sorted({p.period for p in planned})}
        return [self._log(p, themes.get(p.period), planned, tz) for p in planned]

    def _log(self, p: Planned, theme: content.Theme | None, planned: list[Planned], tz: str) -> Log:
        duty = self.duties[p.code]
        values = self._values(p, theme or content.THEMES[0], planned)
        created = self._entered(p, tz)
        cid = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        log = Log(
            client_id=cid,
            account_id=self.member.account_id,
            created_by_id=self.member.account_id,
            duty_type_id=duty.id,
            happened_on=p.day,
            created_at=created,
            updated_at=created,
            version=1,
        )
        for name, value in values.items():
            if name in duty.fields:
                setattr(log, name, value)
        return log

    def _values(self, p: Planned, theme: content.Theme, planned: list[Planned]) -> dict:
        rng, usual, places = self.rng, self.usual, self.places
        if p.code == "contact":
            return content.contact(rng, usual, places)
        if p.code == "talk":
            return content.talk(rng, places)
        if p.code == "survey":
            return content.survey(rng, usual, places, theme)
        if p.code == "proposal":
            return content.proposal(rng, theme, p.day, self.today)
        if p.code == "help":
            return content.help_given(rng, usual, places)
        if p.code == "volunteer":
            return content.volunteer(rng, places, p.day)
        counts = Counter(q.code for q in planned if q.day.year == p.day.year)
        if date(p.day.year, 1, 1) < self.first:  # the demo only holds the end of that year
            counts = Counter({c: max(counts[c], rng.randint(*r)) for c, r in YEAR_TYPICAL.items()})
        return content.record_book(p.day.year, self.member.org_name, counts)

    def _entered(self, p: Planned, tz: str) -> datetime:
        """When she typed it in: mostly that evening or the next day, sometimes much later."""
        ended = p.period.end < self.today
        late_chance = 0.45 if self.profile == Profile.LATE else 0.03
        if p.code == "record_book":  # books are often handed in after New Year
            late_chance = 0.5
        room = (self.today - p.period.end).days
        if ended and room >= 2 and self.rng.random() < late_chance:
            day = p.period.end + timedelta(days=self.rng.randint(2, min(25, room)))
        else:
            delay = self.rng.choices((0, 1, 2, 3), weights=(70, 20, 6, 4))[0]
            day = min(p.day + timedelta(days=delay), self.today)
        hour = self.rng.randint(18, 22) if day == p.day else self.rng.randint(8, 21)
        local = datetime.combine(day, time(hour, self.rng.randint(0, 59)), ZoneInfo(tz))
        midnight = datetime.combine(day, time(0, 0), ZoneInfo(tz))
        # Never in the future, never before the day she did the work.
        return min(local, max(now_utc(), midnight)).astimezone(UTC)
