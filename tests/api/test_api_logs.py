"""Creating, reading, changing and deleting logs through the API."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from fieldlog.catalogue import SEVEN_ONES
from fieldlog.extensions import db
from fieldlog.models import AuditEntry, Log
from tests.api.conftest import DUTY_BODIES, assert_json_error

CODES = [d["code"] for d in SEVEN_ONES]
REQUIRED = {d["code"]: d["required"] for d in SEVEN_ONES}


def _count_logs(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Log))


@pytest.fixture
def member(api, world):
    assert api.login("member").status_code == 200
    return api


@pytest.mark.parametrize("duty", CODES)
def test_each_duty_type_is_created(member, world, duty):
    body = member.log_body(duty)
    response = member.post("/logs", body)
    assert response.status_code == 201, response.get_json()
    log = response.get_json()
    assert response.headers["Location"] == f"/api/v1/logs/{log['id']}"
    assert log["duty"] == duty
    assert log["client_id"] == body["client_id"]
    assert log["member_id"] == world["member"].id
    assert log["happened_on"] == member.day(0)
    assert log["version"] == 1
    for name, value in DUTY_BODIES[duty].items():
        assert log[name] == value
    assert member.get(f"/logs/{log['id']}").get_json() == log


def test_timestamps_are_iso_8601_with_offset(member):
    log = member.create()
    for name in ("created_at", "updated_at"):
        stamp = datetime.fromisoformat(log[name])
        assert stamp.utcoffset() is not None
        assert log[name].endswith("+08:00")


def test_fields_the_duty_does_not_ask_for_are_dropped(member):
    log = member.create("record_book", method="visit", volunteer_hours=3)
    assert log["method"] is None and log["volunteer_hours"] is None


def test_a_proposal_starts_as_submitted(member):
    assert member.create("proposal")["proposal_status"] == "submitted"


def test_repeated_client_id_returns_the_same_log(app, member):
    body = member.log_body()
    first = member.post("/logs", body)
    again = member.post("/logs", body)
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"]
    assert "Location" not in again.headers
    assert _count_logs(app) == 1


def test_client_id_is_compared_in_canonical_form(app, member):
    body = member.log_body()
    first = member.post("/logs", body).get_json()
    upper = {**body, "client_id": body["client_id"].upper()}
    assert member.post("/logs", upper).get_json()["id"] == first["id"]
    assert _count_logs(app) == 1


def test_another_members_client_id_is_a_conflict(app, member, api_as):
    body = member.log_body()
    member.post("/logs", body)
    other = api_as("other")
    assert_json_error(other.post("/logs", body), 409)
    assert _count_logs(app) == 1


def test_a_deleted_entry_is_not_recreated_by_a_retry(app, member):
    body = member.log_body()
    log = member.post("/logs", body).get_json()
    member.delete(f"/logs/{log['id']}")
    assert_json_error(member.post("/logs", body), 409)
    assert _count_logs(app) == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"client_id": None}, "client_id"),
        ({"client_id": "not-a-uuid"}, "client_id"),
        ({"duty": "dance"}, "duty"),
        ({"duty": None}, "duty"),
        ({"happened_on": None}, "happened_on"),
        ({"happened_on": "2026-02-30"}, "happened_on"),
        ({"happened_on": "27/11/2026"}, "happened_on"),
        ({"women_count": -1}, "women_count"),
        ({"women_count": 5001}, "women_count"),
        ({"women_count": 3.5}, "women_count"),
        ({"women_count": "three"}, "women_count"),
        ({"women_count": True}, "women_count"),
        ({"women_count": [3]}, "women_count"),
        ({"method": "telepathy"}, "method"),
        ({"place": "村" * 101}, "place"),
        ({"topic": "题" * 121}, "topic"),
        ({"women_names": "名" * 301}, "women_names"),
        ({"notes": "记" * 4001}, "notes"),
    ],
)
def test_field_errors_are_422_with_the_field(app, member, changes, field):
    body = assert_json_error(member.post("/logs", member.log_body(**changes)), 422)
    assert set(body["fields"]) == {field}
    assert all(isinstance(m, str) and m for m in body["fields"][field])
    assert _count_logs(app) == 0


@pytest.mark.parametrize(
    ("duty", "changes", "field"),
    [
        ("help", {"help_target": "rich"}, "help_target"),
        ("proposal", {"proposal_status": "forgotten"}, "proposal_status"),
        ("volunteer", {"volunteer_hours": 0}, "volunteer_hours"),
        ("volunteer", {"volunteer_hours": 101}, "volunteer_hours"),
        ("volunteer", {"volunteer_hours": "lots"}, "volunteer_hours"),
        ("help", {"help_kind": "帮" * 201}, "help_kind"),
    ],
)
def test_per_type_field_errors(member, duty, changes, field):
    body = assert_json_error(member.post("/logs", member.log_body(duty, **changes)), 422)
    assert set(body["fields"]) == {field}


def test_a_non_integer_count_is_reported_once(member):
    body = assert_json_error(member.post("/logs", member.log_body(women_count="3.5")), 422)
    assert len(body["fields"]["women_count"]) == 1


def test_a_future_date_is_refused(member):
    response = member.post("/logs", member.log_body(happened_on=member.day(-1)))
    assert set(assert_json_error(response, 422)["fields"]) == {"happened_on"}


def test_a_date_before_she_joined_is_refused(member):
    response = member.post("/logs", member.log_body(happened_on="2019-12-31"))
    assert set(assert_json_error(response, 422)["fields"]) == {"happened_on"}


@pytest.mark.parametrize("duty", CODES)
def test_missing_required_fields_per_type(member, duty):
    body = {"duty": duty, "client_id": str(uuid.uuid4()), "happened_on": member.day(0)}
    errors = assert_json_error(member.post("/logs", body), 422)["fields"]
    assert set(errors) == set(REQUIRED[duty])


def test_several_syntax_problems_come_back_together(member):
    body = member.log_body(duty="nope", women_count="x", place="村" * 101, client_id="?")
    errors = assert_json_error(member.post("/logs", body), 422)["fields"]
    assert {"duty", "women_count", "place", "client_id"} <= set(errors)


@pytest.mark.parametrize("payload", [[1, 2], "text"])
def test_a_body_that_is_not_a_json_object_is_400(member, payload):
    assert_json_error(member.post("/logs", payload), 400)


def test_a_body_that_is_not_json_is_415(member):
    assert_json_error(member.post("/logs", None), 415)


def test_an_admin_without_membership_cannot_log(api, world):
    api.login("admin")
    assert_json_error(api.post("/logs", api.log_body()), 403)


# -- reading ---------------------------------------------------------------------------


@pytest.fixture
def member_log(world, make_log):
    return make_log(
        world["member"],
        "contact",
        happened_on=date(2025, 3, 1),
        method="visit",
        women_count=4,
        women_names="李大姐",
    )


def test_author_reads_her_log_with_names(member, member_log):
    log = member.get(f"/logs/{member_log.id}").get_json()
    assert log["women_names"] == "李大姐"
    assert log["happened_on"] == "2025-03-01"


def test_chair_reads_a_members_log_with_names_but_cannot_change_it(api_as, member_log):
    chair = api_as("chair")
    response = chair.get(f"/logs/{member_log.id}")
    assert response.status_code == 200
    assert response.get_json()["women_names"] == "李大姐"
    assert_json_error(chair.patch(f"/logs/{member_log.id}", {"women_count": 9}), 403)
    assert_json_error(chair.delete(f"/logs/{member_log.id}"), 403)
    assert chair.get(f"/logs/{member_log.id}").get_json()["women_count"] == 4


def test_an_admin_above_reads_without_names_and_cannot_change_it(api_as, member_log):
    admin = api_as("admin")
    response = admin.get(f"/logs/{member_log.id}")
    assert response.status_code == 200
    assert "women_names" not in response.get_json()
    assert response.get_json()["women_count"] == 4
    assert_json_error(admin.patch(f"/logs/{member_log.id}", {"women_count": 9}), 403)
    assert_json_error(admin.delete(f"/logs/{member_log.id}"), 403)


@pytest.mark.parametrize("username", ["other_chair", "other_admin", "other_member"])
def test_others_get_404_for_every_method(api_as, world, member_log, username):
    other = api_as(world[username].username)
    url = f"/logs/{member_log.id}"
    assert_json_error(other.get(url), 404)
    assert_json_error(other.patch(url, {"women_count": 9}), 404)
    assert_json_error(other.delete(url), 404)


def test_a_missing_log_looks_like_a_hidden_one(member, api_as, member_log):
    missing = assert_json_error(member.get("/logs/999999"), 404)
    hidden = assert_json_error(api_as("chair_b").get(f"/logs/{member_log.id}"), 404)
    assert missing == hidden


# -- changing --------------------------------------------------------------------------


def test_patch_merges_the_sent_fields(member, member_log):
    response = member.patch(f"/logs/{member_log.id}", {"women_count": 7, "place": "五组"})
    assert response.status_code == 200, response.get_json()
    log = response.get_json()
    assert (log["women_count"], log["place"], log["method"]) == (7, "五组", "visit")
    assert log["women_names"] == "李大姐"
    assert log["version"] == 2
    assert member.get(f"/logs/{member_log.id}").get_json() == log


def test_patch_with_null_clears_an_optional_field(member, member_log):
    log = member.patch(f"/logs/{member_log.id}", {"women_names": None}).get_json()
    assert log["women_names"] is None


def test_patch_with_null_on_a_required_field_is_422(member, member_log):
    response = member.patch(f"/logs/{member_log.id}", {"women_count": None})
    assert set(assert_json_error(response, 422)["fields"]) == {"women_count"}


def test_patch_with_the_current_version_succeeds(member, member_log):
    response = member.patch(f"/logs/{member_log.id}", {"version": 1, "topic": "家庭教育"})
    assert response.status_code == 200
    assert response.get_json()["version"] == 2


def test_patch_with_a_stale_version_is_409(member, member_log):
    member.patch(f"/logs/{member_log.id}", {"topic": "第一次"})
    response = member.patch(f"/logs/{member_log.id}", {"version": 1, "topic": "第二次"})
    assert_json_error(response, 409)
    assert member.get(f"/logs/{member_log.id}").get_json()["topic"] == "第一次"


@pytest.mark.parametrize("version", ["1", 1.5, True])
def test_patch_with_a_malformed_version_is_422(member, member_log, version):
    response = member.patch(f"/logs/{member_log.id}", {"version": version})
    assert set(assert_json_error(response, 422)["fields"]) == {"version"}


def test_patch_cannot_change_the_duty(member, member_log):
    response = member.patch(f"/logs/{member_log.id}", {"duty": "talk"})
    assert set(assert_json_error(response, 422)["fields"]) == {"duty"}


def test_patch_accepts_the_log_json_sent_back(member, member_log):
    log = member.get(f"/logs/{member_log.id}").get_json()
    response = member.patch(f"/logs/{member_log.id}", {**log, "notes": "补充"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["notes"] == "补充"


def test_patch_is_validated_like_a_new_log(member, member_log):
    response = member.patch(f"/logs/{member_log.id}", {"happened_on": member.day(-1)})
    assert set(assert_json_error(response, 422)["fields"]) == {"happened_on"}


def test_patch_without_changes_keeps_the_version(member, member_log):
    log = member.patch(f"/logs/{member_log.id}", {"women_count": 4}).get_json()
    assert log["version"] == 1


def test_patch_and_delete_need_the_csrf_header(member, member_log):
    assert_json_error(member.patch(f"/logs/{member_log.id}", {"topic": "x"}, csrf=False), 400)
    assert_json_error(member.delete(f"/logs/{member_log.id}", csrf=False), 400)
    assert member.get(f"/logs/{member_log.id}").get_json()["version"] == 1


# -- deleting --------------------------------------------------------------------------


def test_delete_then_get_is_404(app, member, member_log):
    response = member.delete(f"/logs/{member_log.id}")
    assert response.status_code == 204
    assert response.get_data() == b""
    assert_json_error(member.get(f"/logs/{member_log.id}"), 404)
    assert_json_error(member.patch(f"/logs/{member_log.id}", {"topic": "x"}), 404)
    assert_json_error(member.delete(f"/logs/{member_log.id}"), 404)
    assert member.get("/logs").get_json()["total"] == 0
    with app.app_context():
        log = db.session.get(Log, member_log.id)
        assert log is not None and log.deleted_at is not None  # soft
        actions = db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity_id == member_log.id)
        ).all()
        assert "delete" in actions
