"""The demo shows committees as they are: a village chair on her township's committee, a
member moved between villages this year, a member who left in the first half."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from fieldlog.extensions import db
from fieldlog.models import Account
from tests.api.conftest import ApiClient
from tests.conftest import AuthActions

pytestmark = pytest.mark.usefixtures("frozen")
TODAY = date(2026, 9, 20)


@pytest.fixture
def demo(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return result.output


def _person(name: str) -> Account:
    return db.session.scalars(select(Account).filter_by(display_name=name)).one()


def _grid(app, username: str, org_id: int, period: str) -> dict[str, dict[str, str]]:
    api = ApiClient(app.test_client(), TODAY)
    assert api.login(username, "demo1234").status_code == 200
    members = api.get("/tracker", org=org_id, period=period).get_json()["members"]
    return {m["name"]: {c["duty"]: c["status"] for c in m["cells"]} for m in members}


def test_a_village_chair_sits_on_her_township_committee_too(app, client, demo):
    with app.app_context():
        li = _person("李秀英")
        seats = {t.organisation.name: t for t in li.memberships}
        assert set(seats) == {"桃源村", "青山镇"} and all(t.left_on is None for t in li.memberships)
        roles = {(g.organisation.name, g.role) for g in li.grants}
        assert roles == {("桃源村", "chair"), ("青山镇", "vice_chair")}
        township_id, username = seats["青山镇"].organisation_id, li.username
    AuthActions(client).login(username, "demo1234")
    home = client.get("/").get_data(as_text=True)
    assert "桃源村执委会（主席）" in home and "青山镇执委会（副主席）" in home
    assert "李秀英" in _grid(app, "13900000001", township_id, "2026Q3")  # the township's chair


def test_a_member_moved_this_year_shows_where_she_served(app, demo):
    with app.app_context():
        xia = _person("夏月琴")
        old, new = sorted(xia.memberships, key=lambda t: t.joined_on)
        assert (old.organisation.name, old.leave_kind) == ("石桥村", "transferred")
        assert (new.organisation.name, new.join_kind) == ("新华社区", "transferred")
        assert new.joined_on == date(2026, 5, 12) and old.left_on == date(2026, 5, 11)
        assert xia.organisation.name == "新华社区"
        ids = {t.organisation.name: t.organisation_id for t in xia.memberships}
        chairs = {
            name: next(
                a.username
                for a in db.session.scalars(select(Account))
                if any(g.role == "chair" and g.organisation_id == org_id for g in a.grants)
            )
            for name, org_id in ids.items()
        }
    assert "夏月琴" in _grid(app, chairs["石桥村"], ids["石桥村"], "2026Q1")
    assert "夏月琴" not in _grid(app, chairs["石桥村"], ids["石桥村"], "2026Q3")
    assert "夏月琴" in _grid(app, chairs["新华社区"], ids["新华社区"], "2026Q3")
    assert "夏月琴" not in _grid(app, chairs["新华社区"], ids["新华社区"], "2026Q1")


def test_a_member_who_left_in_the_first_half_is_never_overdue_after(app, client, demo):
    with app.app_context():
        ma = _person("马兰芳")
        (term,) = ma.memberships
        assert term.left_on == date(2026, 3, 29) and term.leave_kind == "resigned"
        assert ma.active
        username, org_id = ma.username, term.organisation_id
    statuses = _grid(app, "13900000009", org_id, "2026Q1")["马兰芳"]
    assert "overdue" not in statuses.values() and "left" in statuses.values()
    AuthActions(client).login(username, "demo1234")
    assert "您已不在执委会任职" in client.get("/").get_data(as_text=True)
