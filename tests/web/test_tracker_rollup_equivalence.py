"""The fast roll-up and history give exactly what counting a grid's cells gives.

``rollups.rollup`` and ``rollups.completion_history`` count statuses from who did each duty
(one grouped query) instead of building grids cell by cell (see benchmarks/README.md).
This checks them against the straightforward computation over ``service.grid``, on a
subtree full of edge cases: late joiners, leavers, re-joiners, a member on two
committees, excusals (also revoked), deleted and late-entered logs, a duty needing two logs.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime

import pytest

from fieldlog.extensions import db
from fieldlog.models import DutyType, Excusal, Membership, Organisation
from fieldlog.obligations import Status
from fieldlog.periods import Cadence, parse_period, period_of
from fieldlog.tracker import queries, rollups, service

TODAY = date(2026, 5, 20)
OWED = {Status.DONE, Status.OPEN, Status.DUE_SOON, Status.OVERDUE}


def _from_grid(root: Organisation, quarter, today):
    table = service.grid(queries.subtree_org_ids(root), quarter, today)
    tallies = defaultdict(lambda: (set(), Counter(), Counter(), Counter()))
    for row in table.rows:
        seen, owed, done, overdue = tallies[row.member.org_id]
        seen.add(row.member.account_id)
        for cell in row.cells:
            owed[cell.duty_code] += cell.status in OWED
            done[cell.duty_code] += cell.status is Status.DONE
            overdue[cell.duty_code] += cell.status is Status.OVERDUE
    return {o: (len(s), dict(a), dict(b), dict(c)) for o, (s, a, b, c) in tallies.items()}


def _history_from_grids(root: Organisation, today, quarters=8):
    periods = [period_of(today, Cadence.QUARTER)]
    while len(periods) < quarters:
        periods.insert(0, periods[0].previous())
    result = []
    for quarter in periods:
        owed = done = 0
        for row in service.grid(queries.subtree_org_ids(root), quarter, today).rows:
            for cell in row.cells:
                if cell.period.end == quarter.end and cell.status in OWED:
                    owed += 1
                    done += cell.status is Status.DONE
        result.append((quarter, done / owed if owed else None))
    return result


@pytest.fixture
def busy_township(app, world, make_org, make_member, make_log):
    village, village2 = world["village_a"], world["village_a2"]
    late = make_member(village, joined_on=date(2026, 3, 20))
    left = make_member(village, joined_on=date(2024, 1, 1), left_on=date(2025, 8, 10))
    make_member(village, joined_on=date(2026, 5, 1))  # owes nothing yet this quarter
    twice = make_member(village, joined_on=date(2025, 1, 1), left_on=date(2025, 3, 1))
    both = make_member(village, joined_on=date(2025, 2, 1))
    with app.app_context():
        db.session.add_all(
            [
                Membership(account_id=twice.id, organisation_id=village.id,
                           joined_on=date(2025, 10, 1)),  # re-joined
                Membership(account_id=both.id, organisation_id=village2.id,
                           joined_on=date(2025, 6, 1)),  # on two committees
            ]
        )  # fmt: skip
        db.session.scalars(db.select(DutyType).filter_by(code="talk")).one().min_count = 2
        db.session.commit()
    chair = world["chair"]
    for who, duty, day in [
        (world["member"], "contact", date(2026, 4, 2)),
        (world["member"], "talk", date(2026, 4, 3)),  # one talk of two: not done
        (world["other_member"], "talk", date(2026, 1, 5)),
        (world["other_member"], "talk", date(2026, 2, 5)),  # two talks: done
        (world["other_member"], "survey", date(2025, 11, 1)),
        (world["other_member"], "help", date(2025, 6, 1)),
        (world["other_member"], "volunteer", date(2025, 12, 31)),
        (left, "contact", date(2025, 7, 1)),
        (left, "contact", date(2026, 1, 15)),  # after she left: not on the 2026 roster
        (late, "contact", date(2026, 3, 25)),  # done although not owed
        (both, "contact", date(2025, 7, 2)),
        (both, "proposal", date(2025, 12, 1)),
        (twice, "contact", date(2025, 10, 20)),
        (world["member_a2"], "contact", date(2025, 4, 30)),
        (world["member_a2"], "record_book", date(2025, 12, 20)),
    ]:
        make_log(who, duty, day)
    make_log(chair, "contact", date(2026, 1, 3), deleted_at=datetime(2026, 1, 4, tzinfo=UTC))
    make_log(
        chair, "contact", date(2025, 12, 30), created_at=datetime(2026, 1, 10, tzinfo=UTC)
    )  # entered late
    with app.app_context():
        contact = db.session.scalars(db.select(DutyType).filter_by(code="contact")).one()
        db.session.add_all(
            [
                Excusal(account_id=world["other_member"].id, duty_type_id=contact.id,
                        period_code="2026Q1", reason="病假", created_by_id=chair.id),
                Excusal(account_id=late.id, duty_type_id=contact.id, period_code="2026Q2",
                        reason="住院", created_by_id=chair.id),  # her terms are hers alone
                Excusal(account_id=chair.id, duty_type_id=contact.id, period_code="2025Q3",
                        reason="产假", created_by_id=chair.id,
                        revoked_at=datetime(2025, 10, 1, tzinfo=UTC)),
            ]
        )  # fmt: skip
        db.session.commit()
    return world


@pytest.mark.parametrize("code", ["2026Q2", "2026Q1", "2025Q4", "2025Q3", "2025Q1"])
@pytest.mark.parametrize("root", ["township_a", "district", "village_a"])
def test_rollup_matches_the_grid(app, busy_township, code, root):
    with app.test_request_context():
        org = db.session.get(Organisation, busy_township[root].id)
        fast = {
            r.org.id: (r.members, dict(r.owed), dict(r.done), dict(r.overdue))
            for r in rollups.rollup(org, parse_period(code), TODAY)
        }
        assert fast == _from_grid(org, parse_period(code), TODAY)


@pytest.mark.parametrize("today", [TODAY, date(2026, 1, 1), date(2025, 12, 31)])
@pytest.mark.parametrize("root", ["township_a", "district"])
def test_history_matches_the_grids(app, busy_township, today, root):
    with app.test_request_context():
        org = db.session.get(Organisation, busy_township[root].id)
        assert rollups.completion_history(org, today) == _history_from_grids(org, today)


def test_done_members_counts_the_minimum(app, busy_township):
    with app.test_request_context():
        talk = db.session.scalars(db.select(DutyType).filter_by(code="talk")).one()
        q1, q2 = parse_period("2026Q1"), parse_period("2026Q2")
        member, other = busy_township["member"].id, busy_township["other_member"].id
        village = [busy_township["village_a"].id]
        done = queries.done_members(village, [(talk.id, q1, 2), (talk.id, q2, 2)])
        assert done[(talk.id, "2026Q1")] == {(other, village[0])}  # two talks
        assert done.get((talk.id, "2026Q2"), set()) == set()  # one of two
        assert queries.done_members(village, [(talk.id, q2, 1)]) == {
            (talk.id, "2026Q2"): {(member, village[0])}
        }
