"""Committees as they are: one person on two committees, a member moved between villages, a
member who left; each committee sees what she did while on it (frozen today: 20 Sept 2026)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from fieldlog.extensions import db
from fieldlog.models import Account, AuditEntry, Membership
from tests.api.conftest import ApiClient
from tests.conftest import AuthActions
from tests.web.helpers import open_form, submit

pytestmark = pytest.mark.usefixtures("frozen")
TODAY = date(2026, 9, 20)
MOVED_ON = date(2026, 8, 15)  # her first day in 甲二村; her last in 甲村 is 14 August


@pytest.fixture
def people(world, make_member, make_account, make_log, app):
    """胡兰 chairs 甲二村; 陈芳 moves from 甲村 to 甲二村 (by the test); 周丽 chairs 甲村's
    township, 甲镇, and sits on 甲村 too (two committees); 吴霞 left 甲村 on 10 February."""
    a2_chair = make_member(world["village_a2"], username="chair_a2", name="胡兰", roles=("chair",))
    mover = make_member(world["village_a"], username="mover", name="陈芳")
    both = make_member(world["village_a"], username="both", name="周丽")
    leaver = make_member(
        world["village_a"], username="leaver", name="吴霞", left_on=date(2026, 2, 10)
    )
    town_chair = make_account(world["township_a"], username="town", name="钱红", roles=("chair",))
    with app.app_context():
        db.session.add_all(
            [
                Membership(
                    account_id=both.id,
                    organisation_id=world["township_a"].id,
                    joined_on=date(2025, 1, 1),
                ),
                Membership(
                    account_id=town_chair.id,
                    organisation_id=world["township_a"].id,
                    joined_on=date(2024, 1, 1),
                ),
            ]
        )
        db.session.commit()
    logs = {
        "mover_x": make_log(
            mover,
            "contact",
            date(2026, 7, 20),
            method="visit",
            women_count=2,
            place="七组曹大姐家",
            women_names="曹大姐",
            notes="曹大姐家里困难",
        ),
        "mover_y": make_log(mover, "talk", date(2026, 9, 1), topic="家教", women_count=9),
        "both": make_log(both, "contact", date(2026, 9, 2), method="phone", women_count=1),
        "leaver": make_log(leaver, "contact", date(2026, 1, 20), method="visit", women_count=3),
    }
    return {**world, "a2_chair": a2_chair, "mover": mover, "both": both, "leaver": leaver,
            "town_chair": town_chair, "logs": logs}  # fmt: skip


def _move(client, people, **data):
    url = f"/committee/{people['village_a'].id}/terms/{people['mover'].memberships[0].id}/move"
    values = {"organisation_id": str(people["village_a2"].id), "moved_on": MOVED_ON.isoformat()}
    return submit(client, url, {**values, **data})


def _grid(app, username: str, org, period: str = "2026Q3") -> dict[str, dict[str, str]]:
    """The tracker API's grid: {member name: {duty: status}}."""
    api = ApiClient(app.test_client(), TODAY)
    assert api.login(username).status_code == 200
    answer = api.get("/tracker", org=org.id, period=period)
    assert answer.status_code == 200, answer.get_json()
    return {
        m["name"]: {c["duty"]: c["status"] for c in m["cells"]}
        for m in answer.get_json()["members"]
    }


# Moving a member ---------------------------------------------------------------------------


def test_a_chair_moves_a_member_to_another_village_of_her_township(app, client, auth, people):
    auth.login("chair")
    page = client.get(f"/committee/{people['village_a'].id}")
    move_url = f"/committee/{people['village_a'].id}/terms/{people['mover'].memberships[0].id}/move"
    assert move_url in page.get_data(as_text=True)
    form = client.get(move_url).get_data(as_text=True)
    assert "甲二村" in form and "乙村" not in form  # another township's village is not offered
    response = _move(client, people, reason="搬家")
    assert response.status_code == 302
    with app.app_context():
        mover = db.session.get(Account, people["mover"].id)
        old, new = sorted(mover.memberships, key=lambda t: t.joined_on)
        assert (old.organisation_id, old.left_on, old.leave_kind) == (
            people["village_a"].id,
            date(2026, 8, 14),
            "transferred",
        )
        assert (new.organisation_id, new.joined_on, new.join_kind) == (
            people["village_a2"].id,
            MOVED_ON,
            "transferred",
        )
        assert mover.organisation_id == people["village_a2"].id  # her home follows her
        actions = [e.action for e in db.session.scalars(select(AuditEntry)) if e.actor_id]
        assert actions.count("end_membership") == 1 and actions.count("create") >= 1


def test_history_stays_where_it_happened(app, client, auth, people):
    auth.login("chair")
    _move(client, people)
    x = _grid(app, "chair", people["village_a"])
    y = _grid(app, "chair_a2", people["village_a2"])
    # 甲村 keeps her July contact; her September talk, made in 甲二村, is not 甲村's.
    assert x["陈芳"]["contact"] == "done" and x["陈芳"]["talk"] == "left"
    # 甲二村 counts from 15 August: the talk is done there, the July contact is not.
    assert y["陈芳"]["talk"] == "done" and y["陈芳"]["contact"] in ("open", "due_soon")
    # Her own view counts both, once.
    api = ApiClient(app.test_client(), TODAY)
    api.login("mover")
    mine = {o["duty"]: o["status"] for o in api.get("/tracker/me").get_json()["current"]}
    assert mine["contact"] == "done" and mine["talk"] == "done"


def test_each_chair_reads_the_logs_made_on_her_committee(app, client, auth, people):
    auth.login("chair")
    _move(client, people)
    logs = people["logs"]
    for reader, readable, hidden in (
        ("chair", "mover_x", "mover_y"),
        ("chair_a2", "mover_y", "mover_x"),
    ):
        other = AuthActions(reader_client := app.test_client())
        other.login(reader)
        assert reader_client.get(f"/logs/{logs[readable].id}").status_code == 200
        assert reader_client.get(f"/logs/{logs[hidden].id}").status_code == 404


def test_moving_is_refused_outside_the_township_and_for_a_chair_of_elsewhere(
    app, client, auth, people
):
    auth.login("chair")
    response = _move(client, people, organisation_id=str(people["village_b"].id))
    assert response.status_code == 403
    with app.app_context():
        assert len(db.session.get(Account, people["mover"].id).memberships) == 1
    other = app.test_client()
    AuthActions(other).login("chair_b")
    url = f"/committee/{people['village_a'].id}/terms/{people['mover'].memberships[0].id}/move"
    assert other.get(url).status_code == 403


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"organisation_id": ""}, "请选择她调去的执委会。"),
        ({"moved_on": ""}, "请填写她到新执委会任职的第一天。"),
        ({"moved_on": "2026-09-21"}, "日期不能是未来的日子。"),
        ({"moved_on": "2019-12-31"}, "到新执委会的日期必须晚于这一天"),
    ],
)
def test_move_errors_keep_the_input_and_change_nothing(app, client, auth, people, change, message):
    auth.login("chair")
    response = _move(client, people, reason="搬家", **change)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and 'value="搬家"' in html
    with app.app_context():
        (term,) = db.session.get(Account, people["mover"].id).memberships
        assert term.left_on is None


def test_an_admin_moves_a_member_from_her_account_page(app, client, auth, people):
    auth.login("admin")
    page = client.get(f"/admin/accounts/{people['mover'].id}").get_data(as_text=True)
    url = f"/committee/{people['village_a'].id}/terms/{people['mover'].memberships[0].id}/move"
    assert url in page
    response = _move(client, people)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/accounts/{people['mover'].id}"


# Two committees at once --------------------------------------------------------------------


def test_one_person_on_two_committees_shows_in_both_and_counts_once(app, client, auth, people):
    village = _grid(app, "chair", people["village_a"])
    township = _grid(app, "town", people["township_a"])
    assert village["周丽"]["contact"] == township["周丽"]["contact"] == "done"
    auth.login("both")
    home = client.get("/").get_data(as_text=True)
    assert "甲村执委会" in home and "甲镇执委会" in home
    # Her seven ones, once: each (duty, period) is listed under 我还欠的 or in the rest, never
    # twice though she sits on two committees.
    listed = re.findall(
        r'<li class="duty (?:owed )?status-\w+" data-duty="(\w+)" data-period="(\w+)"', home
    )
    assert len({duty for duty, _period in listed}) == 7
    assert len(listed) == len(set(listed))


def test_both_chairs_read_her_logs(app, people):
    for reader in ("chair", "town"):
        reader_client = app.test_client()
        AuthActions(reader_client).login(reader)
        assert reader_client.get(f"/logs/{people['logs']['both'].id}").status_code == 200


def test_roles_are_per_committee(app, client, auth, people):
    auth.login("town")  # chair of 甲镇 only
    assert client.get(f"/committee/{people['township_a'].id}").status_code == 200
    assert client.get(f"/committee/{people['village_a'].id}").status_code == 403


# Leaving ------------------------------------------------------------------------------------


def test_a_member_who_left_owes_nothing_after_and_is_never_overdue(app, people):
    q1 = _grid(app, "chair", people["village_a"], "2026Q1")
    assert q1["吴霞"]["contact"] == "done"  # done stays done
    assert q1["吴霞"]["talk"] == "left" and q1["吴霞"]["survey"] == "left"
    assert "吴霞" not in _grid(app, "chair", people["village_a"], "2026Q2")


def test_she_is_off_the_overdue_list_and_the_reminder(app, client, auth, people):
    auth.login("chair")
    overdue = client.get(f"/tracker/committee/{people['village_a'].id}/overdue?year=2026")
    assert "吴霞" not in overdue.get_data(as_text=True)
    grid = client.get(f"/tracker/committee/{people['village_a'].id}?quarter=2026Q1")
    reminder = grid.get_data(as_text=True).split('id="wechat-text"', 1)[-1].split("</textarea>")[0]
    assert "吴霞" not in reminder


def test_she_still_reads_her_history_but_logs_nothing_after_leaving(app, client, auth, people):
    auth.login("leaver")
    home = client.get("/").get_data(as_text=True)
    assert "您已不在执委会任职" in home
    assert client.get(f"/logs/{people['logs']['leaver'].id}").status_code == 200
    data = {"happened_on": "2026-03-01", "method": "visit", "women_count": "2"}
    response = submit(client, "/logs/new/contact", data)
    assert response.status_code == 422
    assert "您已于 2026-02-10 离任" in response.get_data(as_text=True)
    ok = submit(client, "/logs/new/contact", {**data, "happened_on": "2026-02-09"})
    assert ok.status_code == 302  # a day she was still on the committee
    api = ApiClient(app.test_client(), TODAY)
    api.login("leaver")
    mine = api.get("/tracker/me").get_json()
    assert mine["owed"] == []
    assert {o["status"] for o in mine["current"]} == {"left"}


# The access matrix with a two-committee person and a moved person ---------------------------

READERS = ("mover", "chair", "chair_a2", "town", "admin", "admin_b", "chair_b", "other", "both")
# log -> readers who read it with the women's details (True) or without them (False)
CAN_READ = {
    "mover_x": {"mover": True, "chair": True, "admin": False},
    "mover_y": {"mover": True, "chair_a2": True, "admin": False},
    "both": {"both": True, "chair": True, "town": True, "admin": False},
}
MATRIX = [(log, reader) for log in CAN_READ for reader in READERS]


@pytest.fixture
def moved(app, people):
    from fieldlog.admin import terms

    with app.app_context():
        chair = db.session.get(Account, people["chair"].id)
        term = db.session.get(Membership, people["mover"].memberships[0].id)
        data = terms.MoveInput(people["village_a2"].id, MOVED_ON)
        terms.move_member(chair, term, data, TODAY)
        db.session.commit()
    return people


@pytest.mark.parametrize(("log_key", "reader"), MATRIX)
def test_term_matrix_against_access_module(app, moved, log_key, reader):
    from fieldlog import access
    from fieldlog.models import Log

    expected = CAN_READ[log_key].get(reader)
    with app.app_context():
        who = db.session.scalars(select(Account).filter_by(username=reader)).one()
        log = db.session.get(Log, moved["logs"][log_key].id)
        assert access.can_read_log(who, log) is (expected is not None)
        visible = {row.id for row in db.session.scalars(access.visible_logs(who))}
        assert (log.id in visible) is (expected is not None)
        if expected is not None:
            assert access.can_see_women_names(who, log) is expected
            assert access.can_edit_log(who, log) is (reader in ("mover", "both"))


@pytest.mark.parametrize(("log_key", "reader"), MATRIX)
def test_term_matrix_through_the_pages(app, moved, log_key, reader):
    expected = CAN_READ[log_key].get(reader)
    client = app.test_client()
    AuthActions(client).login(reader)
    log_id = moved["logs"][log_key].id
    page = client.get(f"/logs/{log_id}")
    assert page.status_code == (200 if expected is not None else 404)
    edit = client.get(f"/logs/{log_id}/edit").status_code
    if reader in ("mover", "both") and expected:
        assert edit == 200
    else:
        assert edit in (403, 404)
    if log_key == "mover_x" and expected is not None:
        html = page.get_data(as_text=True)
        # the chair and the author read where and whom; an admin reads counts and categories
        assert ("七组曹大姐家" in html and "曹大姐" in html) is expected
        assert "走访" in html


def test_grids_roll_ups_and_reviews_keep_their_query_count_with_moves(
    app, client, auth, moved, make_member, make_log, count_queries
):
    """More moved and two-committee members cost no more queries."""
    urls = {
        "chair": [
            f"/tracker/committee/{moved['village_a'].id}?quarter=2026Q3",
            f"/tracker/committee/{moved['village_a'].id}/overdue?year=2026",
            f"/committee/{moved['village_a'].id}",
        ],
        "admin": [f"/tracker/rollup/{moved['township_a'].id}?quarter=2026Q3"],
    }

    def counts() -> list[int]:
        result = []
        for who, pages in urls.items():
            reader = app.test_client()
            AuthActions(reader).login(who)
            for url in pages:
                reader.get(url)  # warm up
                with count_queries() as counter:
                    assert reader.get(url).status_code == 200, url
                result.append(counter.count)
        return result

    before = counts()
    from fieldlog.admin import terms

    for n in range(4):
        person = make_member(moved["village_a"], username=f"extra{n}", joined_on=date(2025, 3, 1))
        make_log(person, "contact", date(2026, 7, 1 + n))
        with app.app_context():
            chair = db.session.get(Account, moved["chair"].id)
            if n % 2:  # half of them move, half also sit on the township's committee
                term = db.session.get(Membership, person.memberships[0].id)
                terms.move_member(
                    chair, term, terms.MoveInput(moved["village_a2"].id, MOVED_ON), TODAY
                )
            else:
                db.session.add(
                    Membership(account_id=person.id, organisation_id=moved["township_a"].id,
                               joined_on=date(2026, 1, 1))
                )  # fmt: skip
            db.session.commit()
    assert counts() == before


def test_her_calendar_feed_lists_nothing_after_she_left(app, client, auth, people):
    from tests.ical import vevents as events

    def turn_on(reader) -> None:
        _html, hidden = open_form(reader, "/tracker/calendar")
        assert reader.post("/tracker/calendar/reset", data=hidden).status_code == 302

    auth.login("leaver")
    turn_on(client)
    with app.app_context():
        feed = db.session.get(Account, people["leaver"].id).calendar_token
    body = client.get(f"/tracker/calendar/{feed}.ics").get_data(as_text=True)
    assert body.startswith("BEGIN:VCALENDAR") and events(body) == []
    auth_member = app.test_client()
    AuthActions(auth_member).login("member")
    turn_on(auth_member)
    with app.app_context():
        member_feed = db.session.get(Account, people["member"].id).calendar_token
    assert events(auth_member.get(f"/tracker/calendar/{member_feed}.ics").get_data(as_text=True))


def test_an_admin_reads_her_logs_from_her_account_page_without_details(app, client, auth, people):
    auth.login("admin")
    page = client.get(f"/admin/accounts/{people['mover'].id}").get_data(as_text=True)
    url = f"/committee/members/{people['mover'].id}/logs"
    assert url in page
    listing = client.get(url)
    assert listing.status_code == 200
    html = listing.get_data(as_text=True)
    assert f"/logs/{people['logs']['mover_x'].id}" in html and "曹大姐" not in html
    chair = app.test_client()
    AuthActions(chair).login("chair")
    assert "曹大姐家里困难" in chair.get(url).get_data(as_text=True)
    other = app.test_client()
    AuthActions(other).login("admin_b")
    assert other.get(url).status_code == 403


def test_a_review_takes_her_figures_from_her_time_on_the_committee(app, moved):
    from fieldlog.models import Organisation
    from fieldlog.review import service

    with app.app_context():
        chair = db.session.get(Account, moved["chair"].id)
        org = db.session.get(Organisation, moved["village_a"].id)
        round_ = service.open_round(chair, org, "2026H2", TODAY)
        entry = next(e for e in round_.entries if e.account_id == moved["mover"].id)
        duties = {d["code"]: d for d in entry.figures["duties"]}
        assert duties["contact"]["done"] == 1 and duties["talk"]["done"] == 0
        assert duties["contact"]["logs"] == 1 and duties["talk"]["logs"] == 0
        db.session.rollback()


def test_the_committee_page_counts_her_logs_there_and_offers_no_rejoin_after_a_move(
    app, client, auth, moved
):
    auth.login("chair")
    html = client.get(f"/committee/{moved['village_a'].id}").get_data(as_text=True)
    row = html.split("陈芳", 1)[1].split("</li>", 1)[0]
    assert "1 条记录" in row  # her July contact; the September talk was made in 甲二村
    assert "/rejoin" not in row
