"""The tracker's grouped computation against a real database (service level)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from fieldlog.extensions import db
from fieldlog.models import Account, AuditEntry, DutyType, Organisation
from fieldlog.obligations import Status
from fieldlog.periods import Cadence, Period, parse_period
from fieldlog.tracker import excusals, rollups, service

TODAY = date(2026, 5, 20)  # Q2, H1; Q1 has ended
Q1, Q2 = parse_period("2026Q1"), parse_period("2026Q2")


def _cells(grid, account_id):
    row = next(r for r in grid.rows if r.member.account_id == account_id)
    return {c.duty_code: c for c in row.cells}


def test_grid_statuses(app, world, make_member, make_log):
    village = world["village_a"]
    late_joiner = make_member(village, joined_on=date(2026, 3, 20), username="late")
    make_log(world["member"], "contact", date(2026, 2, 3))
    make_log(
        world["member"],
        "talk",
        date(2026, 3, 30),
        created_at=datetime(2026, 4, 10, 2, 0, tzinfo=UTC),
    )  # entered after Q1 ended
    make_log(world["member"], "survey", date(2026, 1, 9))
    with app.test_request_context():
        grid = service.grid([village.id], Q1, TODAY)
    mine = _cells(grid, world["member"].id)
    assert mine["contact"].status is Status.DONE
    assert mine["talk"].status is Status.DONE and mine["talk"].late == 1
    assert mine["survey"].status is Status.DONE and mine["survey"].period == parse_period("2026H1")
    assert mine["proposal"].status is Status.OPEN  # H1 still running
    assert mine["record_book"].status is Status.OPEN
    other = _cells(grid, world["other_member"].id)
    assert other["contact"].status is Status.OVERDUE
    joiner = _cells(grid, late_joiner.id)
    assert joiner["contact"].status is Status.NOT_OWED  # joined 20 March: 12 days of Q1
    assert grid.rows[0].overdue >= grid.rows[-1].overdue  # most overdue first


def test_excuse_and_revoke(app, world):
    with app.test_request_context():
        chair = db.session.get(Account, world["chair"].id)
        member = db.session.get(Account, world["member"].id)
        contact = db.session.scalars(db.select(DutyType).filter_by(code="contact")).one()
        excusal = excusals.excuse(chair, member, contact, Q1, "住院治疗")
        db.session.commit()
        cells = _cells(service.grid([world["village_a"].id], Q1, TODAY), member.id)
        assert cells["contact"].status is Status.EXCUSED
        excusals.revoke_excusal(chair, excusal)
        db.session.commit()
        cells = _cells(service.grid([world["village_a"].id], Q1, TODAY), member.id)
        assert cells["contact"].status is Status.OVERDUE
        actions = [
            e.action for e in db.session.scalars(db.select(AuditEntry).filter_by(entity="excusal"))
        ]
        assert actions == ["create", "delete"]


@pytest.mark.parametrize("actor", ["member", "other_chair", "admin"])
def test_only_her_chair_excuses(app, world, actor):
    from fieldlog.errors import NotAllowed

    with app.test_request_context():
        who = db.session.get(Account, world[actor].id)
        member = db.session.get(Account, world["member"].id)
        contact = db.session.scalars(db.select(DutyType).filter_by(code="contact")).one()
        with pytest.raises(NotAllowed):
            excusals.excuse(who, member, contact, Q1, "病假")


def test_grid_query_count_does_not_grow(app, world, make_member, make_log, count_queries):
    village = world["village_a"]
    with count_queries() as few, app.test_request_context():
        service.grid([village.id], Q2, TODAY)
    for i in range(12):
        m = make_member(village, username=f"extra{i}")
        make_log(m, "contact", TODAY - timedelta(days=i))
    with count_queries() as many, app.test_request_context():
        service.grid([village.id], Q2, TODAY)
    assert many.count == few.count


def test_rollup_and_history(app, world, make_log):
    make_log(world["member"], "contact", date(2026, 4, 2))
    with app.test_request_context():
        township = db.session.get(Organisation, world["township_a"].id)
        rollup = rollups.rollup(township, Q2, TODAY)
        village = next(r for r in rollup if r.org.id == world["village_a"].id)
        assert village.members == 3
        assert village.owed["contact"] == 3 and village.done["contact"] == 1
        assert village.rate("contact") == pytest.approx(1 / 3)
        history = rollups.completion_history(township, TODAY)
        assert [p.code for p, _r in history][-1] == "2026Q2" and len(history) == 8
        assert 0 < history[-1][1] < 1  # one contact done among the obligations due in Q2


def test_quarter_windows():
    with_cadence = [
        DutyType(id=i, code=c, cadence=c, min_count=1)
        for i, c in enumerate(["quarter", "half", "year"])
    ]
    windows = service.duty_windows(with_cadence, Period(2026, Cadence.QUARTER, 3))
    assert [w.code for w in windows.values()] == ["2026Q3", "2026H2", "2026"]


def test_chair_cannot_excuse_herself(app, world):
    from fieldlog.errors import NotAllowed

    with app.test_request_context():
        chair = db.session.get(Account, world["chair"].id)
        contact = db.session.scalars(db.select(DutyType).filter_by(code="contact")).one()
        with pytest.raises(NotAllowed):
            excusals.excuse(chair, chair, contact, Q1, "病假")
