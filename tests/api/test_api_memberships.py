"""Committee terms through the API: GET/POST /memberships and POST /memberships/<id>/end.

The clock is frozen at 20 September 2026 (Shanghai); the world's members joined on
1 January 2020.
"""

from __future__ import annotations

import pytest

from fieldlog.extensions import db
from fieldlog.models import Account, AuditEntry, Membership
from fieldlog.vocab import LeaveKind
from tests.api.conftest import assert_json_error

pytestmark = pytest.mark.usefixtures("frozen")
TERM_KEYS = {
    "id",
    "account_id",
    "display_name",
    "organisation_id",
    "joined_on",
    "how_joined",
    "replaces_account_id",
    "left_on",
    "how_left",
    "reason",
}


def term_of(world, person: str) -> int:
    return world[person].memberships[0].id


def _join(world, person: str, village: str = "village_a", **change) -> dict:
    body = {
        "account_id": world[person].id,
        "organisation_id": world[village].id,
        "joined_on": "2026-09-01",
        "how_joined": "added",
    }
    return {**body, **change}


def _leave(**change) -> dict:
    return {"left_on": "2026-09-10", "how_left": "resigned", "reason": "搬到城里住了", **change}


@pytest.fixture
def newcomer(app, world, make_account):
    """An account at home in village_a that never sat on a committee."""
    return make_account(world["village_a"], username="newcomer", name="孙梅")


# --- GET /memberships --------------------------------------------------------------------


@pytest.mark.parametrize("who", ["chair", "admin"])
def test_the_chair_and_an_admin_above_list_the_terms(api_as, world, who):
    response = api_as(who).get("/memberships", org=world["village_a"].id)
    assert response.status_code == 200, response.get_json()
    terms = response.get_json()
    assert {t["account_id"] for t in terms} == {
        world["member"].id,
        world["other_member"].id,
        world["chair"].id,
    }
    assert all(set(t) == TERM_KEYS for t in terms)
    mine = next(t for t in terms if t["account_id"] == world["member"].id)
    assert mine == {
        "id": term_of(world, "member"),
        "account_id": world["member"].id,
        "display_name": "王芳",
        "organisation_id": world["village_a"].id,
        "joined_on": "2020-01-01",
        "how_joined": "elected",
        "replaces_account_id": None,
        "left_on": None,
        "how_left": None,
        "reason": None,
    }


def test_a_chair_may_leave_out_org(api_as, world):
    terms = api_as("chair").get("/memberships").get_json()
    assert {t["organisation_id"] for t in terms} == {world["village_a"].id}


@pytest.mark.parametrize("who", ["chair_b", "admin_b", "member"])
def test_others_cannot_list_the_terms(api_as, world, who):
    assert_json_error(api_as(who).get("/memberships", org=world["village_a"].id), 403)


@pytest.mark.parametrize(
    ("who", "org", "status"),
    [
        ("admin", None, 422),  # she chairs no committee: org is needed
        ("admin", "abc", 400),
        ("admin", "0", 400),
        ("admin", "99999999999", 400),
        ("admin", "2147483648", 400),
        ("admin", "999999", 404),
        ("member", None, 422),
    ],
)
def test_bad_or_unknown_org(api_as, world, who, org, status):
    params = {} if org is None else {"org": org}
    body = assert_json_error(api_as(who).get("/memberships", **params), status)
    if status in (400, 422):
        assert set(body["fields"]) == {"org"}


def test_listing_runs_a_fixed_number_of_queries(
    api_as, world, make_member, make_account, count_queries
):
    chair, village = api_as("chair"), world["village_a"]
    with count_queries() as few:
        assert chair.get("/memberships", org=village.id).status_code == 200
    for i in range(4):  # four members leave, four newcomers replace them
        gone = make_member(village, username=f"gone{i}")
        newcomer = make_account(village, username=f"new{i}")
        chair.post(f"/memberships/{gone.memberships[0].id}/end", _leave())
        body = _join(world, "member", account_id=newcomer.id, joined_on="2026-09-15")
        body |= {"how_joined": "replacing", "replaces_account_id": gone.id}
        assert chair.post("/memberships", body).status_code == 201
    with count_queries() as many:
        terms = chair.get("/memberships", org=village.id).get_json()
    assert len(terms) == 11
    assert sum(1 for t in terms if t["replaces_account_id"]) == 4
    assert many.count == few.count + 1  # the replaced members, in one query


def test_listing_needs_a_login(api, world):
    assert_json_error(api.get("/memberships", org=world["village_a"].id), 401)


# --- POST /memberships -------------------------------------------------------------------


def test_the_chair_adds_an_account_of_her_village(app, api_as, world, newcomer):
    chair = api_as("chair")
    response = chair.post("/memberships", _join(world, "member", account_id=newcomer.id))
    assert response.status_code == 201, response.get_json()
    term = response.get_json()
    assert set(term) == TERM_KEYS
    assert term["account_id"] == newcomer.id and term["display_name"] == "孙梅"
    assert term["organisation_id"] == world["village_a"].id
    assert (term["joined_on"], term["how_joined"]) == ("2026-09-01", "added")
    assert term["left_on"] is None and term["how_left"] is None
    listed = chair.get("/memberships", org=world["village_a"].id).get_json()
    assert term in listed
    with app.app_context():
        audit = db.session.scalars(
            db.select(AuditEntry).where(AuditEntry.entity == "membership")
        ).all()
        assert [(a.action, a.entity_id) for a in audit] == [("create", term["id"])]


def test_the_committee_defaults_to_her_home_organisation(api_as, world, newcomer):
    body = {"account_id": newcomer.id, "joined_on": "2026-09-01"}
    term = api_as("chair").post("/memberships", body).get_json()
    assert term["organisation_id"] == world["village_a"].id
    assert term["how_joined"] == "elected"


def test_terms_on_two_committees_may_overlap_but_not_on_one(app, api_as, world):
    admin = api_as("admin")
    second = admin.post("/memberships", _join(world, "member_a2"))  # her first is on 甲二村
    assert second.status_code == 201, second.get_json()
    with app.app_context():
        open_terms = db.session.scalars(
            db.select(Membership).where(
                Membership.account_id == world["member_a2"].id, Membership.left_on.is_(None)
            )
        ).all()
        assert {t.organisation_id for t in open_terms} == {
            world["village_a"].id,
            world["village_a2"].id,
        }
    again = admin.post("/memberships", _join(world, "member_a2", joined_on="2026-09-10"))
    body = assert_json_error(again, 422)
    assert set(body["fields"]) == {"joined_on"}
    assert "甲村" in body["fields"]["joined_on"][0]


def test_a_current_member_cannot_start_a_second_term_there(api_as, world):
    response = api_as("chair").post("/memberships", _join(world, "member"))
    assert set(assert_json_error(response, 422)["fields"]) == {"joined_on"}


def test_she_replaces_a_member_who_left(app, api_as, world, newcomer):
    chair = api_as("chair")
    ended = chair.post(f"/memberships/{term_of(world, 'other_member')}/end", _leave())
    assert ended.status_code == 200, ended.get_json()
    body = _join(
        world,
        "member",
        account_id=newcomer.id,
        joined_on="2026-09-15",
        how_joined="replacing",
        replaces_account_id=world["other_member"].id,
    )
    response = chair.post("/memberships", body)
    assert response.status_code == 201, response.get_json()
    term = response.get_json()
    assert term["how_joined"] == "replacing"
    assert term["replaces_account_id"] == world["other_member"].id
    with app.app_context():
        saved = db.session.get(Membership, term["id"])
        assert saved.replaces_id == term_of(world, "other_member")
    listed = chair.get("/memberships").get_json()
    assert next(t for t in listed if t["id"] == term["id"])["replaces_account_id"] == (
        world["other_member"].id
    )


@pytest.mark.parametrize(
    ("change", "status", "fields"),
    [
        ({"how_joined": "replacing"}, 422, {"replaces_account_id"}),  # whom?
        ({"how_joined": "replacing", "replaces_account_id": "A2"}, 400, {"replaces_account_id"}),
        ({"how_joined": "appointed"}, 422, {"how_joined"}),
        ({"joined_on": "2026-09-21"}, 422, {"joined_on"}),  # the future
        ({"joined_on": "1989-12-31"}, 422, {"joined_on"}),
        ({"joined_on": None}, 422, {"joined_on"}),
        ({"joined_on": "2026-9-1"}, 400, {"joined_on"}),
        ({"joined_on": "2026/09/01"}, 400, {"joined_on"}),
        ({"joined_on": "20260901"}, 400, {"joined_on"}),
        ({"joined_on": "2026-02-30"}, 400, {"joined_on"}),
        ({"joined_on": "2026-09-01T00:00"}, 400, {"joined_on"}),
        ({"joined_on": 20260901}, 400, {"joined_on"}),
        ({"account_id": None}, 422, {"account_id"}),
        ({"account_id": "7"}, 400, {"account_id"}),
        ({"account_id": -1}, 400, {"account_id"}),
        ({"account_id": 2**31, "joined_on": "x"}, 400, {"account_id", "joined_on"}),
        ({"organisation_id": 1.5}, 400, {"organisation_id"}),
    ],
)
def test_membership_input_errors(api_as, world, newcomer, change, status, fields):
    body = {**_join(world, "member", account_id=newcomer.id), **change}
    answer = assert_json_error(api_as("chair").post("/memberships", body), status)
    assert set(answer["fields"]) == fields


def test_she_cannot_replace_someone_of_another_committee(api_as, world, newcomer):
    body = _join(
        world,
        "member",
        account_id=newcomer.id,
        how_joined="replacing",
        replaces_account_id=world["member_a2"].id,
    )
    answer = assert_json_error(api_as("chair").post("/memberships", body), 422)
    assert set(answer["fields"]) == {"replaces_account_id"}


@pytest.mark.parametrize(
    ("who", "person", "village"),
    [
        ("chair", "member_a2", "village_a2"),  # another committee
        ("chair", "member_a2", "village_a"),  # not known to her committee
        ("chair_b", "other_member", "village_a"),
        ("admin_b", "member_a2", "village_a"),
        ("member", "member_a2", "village_a"),
        ("admin", "other_chair", "village_b"),  # another subtree
    ],
)
def test_adding_is_refused_outside_her_committees(api_as, world, who, person, village):
    response = api_as(who).post("/memberships", _join(world, person, village))
    assert_json_error(response, 403)


@pytest.mark.parametrize(("field", "value"), [("account_id", 999999), ("organisation_id", 999999)])
def test_unknown_ids_are_404(api_as, world, newcomer, field, value):
    body = {**_join(world, "member", account_id=newcomer.id), field: value}
    assert_json_error(api_as("admin").post("/memberships", body), 404)


# --- POST /memberships/<id>/end ----------------------------------------------------------


def test_the_chair_ends_a_members_term(app, api_as, world):
    response = api_as("chair").post(f"/memberships/{term_of(world, 'member')}/end", _leave())
    assert response.status_code == 200, response.get_json()
    term = response.get_json()
    assert set(term) == TERM_KEYS
    assert (term["left_on"], term["how_left"], term["reason"]) == (
        "2026-09-10",
        "resigned",
        "搬到城里住了",
    )
    with app.app_context():
        assert db.session.get(Account, world["member"].id).active  # the account stays


@pytest.mark.parametrize(
    ("change", "status", "fields"),
    [
        ({"reason": ""}, 422, {"reason"}),  # resigning needs a reason
        ({"how_left": "advised_to_resign", "reason": None}, 422, {"reason"}),
        ({"how_left": "terminated", "reason": "  "}, 422, {"reason"}),
        ({"reason": "因" * 201}, 422, {"reason"}),
        ({"how_left": "fired"}, 422, {"how_left"}),
        ({"how_left": None}, 422, {"how_left"}),
        ({"left_on": "2019-12-31"}, 422, {"left_on"}),  # before she joined
        ({"left_on": "2026-09-21"}, 422, {"left_on"}),
        ({"left_on": None}, 422, {"left_on"}),
        ({"left_on": "10/09/2026"}, 400, {"left_on"}),
        ({"reason": {"text": "x"}}, 400, {"reason"}),
    ],
)
def test_ending_errors(api_as, world, change, status, fields):
    path = f"/memberships/{term_of(world, 'member')}/end"
    answer = assert_json_error(api_as("chair").post(path, _leave(**change)), status)
    assert set(answer["fields"]) == fields


@pytest.mark.parametrize("how", [k.value for k in LeaveKind])
def test_every_leave_kind_is_stored(app, api_as, world, how):
    path = f"/memberships/{term_of(world, 'member')}/end"
    response = api_as("chair").post(path, _leave(how_left=how))
    assert response.status_code == 200, response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Membership, term_of(world, "member")).leave_kind == how


@pytest.mark.parametrize("how", ["term_ended", "transferred"])
def test_no_reason_is_needed_when_her_term_ended_or_she_moved(api_as, world, how):
    path = f"/memberships/{term_of(world, 'member')}/end"
    response = api_as("chair").post(path, _leave(how_left=how, reason=None))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["reason"] is None


def test_a_term_ends_once(api_as, world):
    chair, path = api_as("chair"), f"/memberships/{term_of(world, 'member')}/end"
    assert chair.post(path, _leave()).status_code == 200
    body = assert_json_error(chair.post(path, _leave()), 422)
    assert body["error"] == "这段任职已经结束。"


def test_a_chair_cannot_end_her_own_term(api_as, world):
    path = f"/memberships/{term_of(world, 'chair')}/end"
    body = assert_json_error(api_as("chair").post(path, _leave()), 422)
    assert "不能结束自己的" in body["error"]


@pytest.fixture
def vice(world, make_member):
    return make_member(world["village_a"], username="vice", name="钱芬", roles=("vice_chair",))


def test_a_vice_chair_cannot_end_the_chairs_term(api_as, world, vice):
    path = f"/memberships/{term_of(world, 'chair')}/end"
    assert_json_error(api_as("vice").post(path, _leave()), 403)


def test_a_vice_chair_ends_a_members_term_and_the_chair_hers(api_as, world, vice):
    path = f"/memberships/{term_of(world, 'member')}/end"
    assert api_as("vice").post(path, _leave()).status_code == 200
    response = api_as("chair").post(f"/memberships/{vice.memberships[0].id}/end", _leave())
    assert response.status_code == 200, response.get_json()


def test_an_admin_above_ends_the_chairs_term(api_as, world):
    path = f"/memberships/{term_of(world, 'chair')}/end"
    assert api_as("admin").post(path, _leave()).status_code == 200


@pytest.mark.parametrize("who", ["chair_b", "admin_b", "other"])
def test_others_cannot_end_a_term(api_as, world, who):
    path = f"/memberships/{term_of(world, 'member')}/end"
    assert_json_error(api_as(who).post(path, _leave()), 403)


@pytest.mark.parametrize("term_id", ["999999", "0", "2147483648", "99999999999999999999", "x"])
def test_unknown_terms_are_404(api_as, world, term_id):
    assert_json_error(api_as("admin").post(f"/memberships/{term_id}/end", _leave()), 404)


# --- CSRF --------------------------------------------------------------------------------


def test_writes_need_the_csrf_header(api_as, world, newcomer):
    chair = api_as("chair")
    join = _join(world, "member", account_id=newcomer.id)
    end = f"/memberships/{term_of(world, 'member')}/end"
    for path, body in (("/memberships", join), (end, _leave())):
        assert_json_error(chair.post(path, body, csrf=False), 400)
    assert chair.post("/memberships", join).status_code == 201
    assert chair.post(end, _leave()).status_code == 200
