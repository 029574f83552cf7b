"""POST /api/v1/sync: a phone's queue, answered per entry, every entry stored exactly once."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from fieldlog.extensions import db
from fieldlog.models import AuditEntry, Log
from tests.api.conftest import assert_json_error
from tests.web.helpers import submit


def _count(app, model=Log) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def entry(api, duty: str = "contact", **changes) -> dict:
    """A queued new entry, as the phone stores it."""
    return api.log_body(duty, **changes)


def sync(api, entries: list) -> list[dict]:
    response = api.post("/sync", {"entries": entries})
    assert response.status_code == 200, response.get_json()
    results = response.get_json()["results"]
    assert len(results) == len(entries)
    return results


@pytest.fixture
def member(api, world):
    assert api.login("member").status_code == 200
    return api


def test_a_batch_is_created_and_answered_in_order(app, member, world):
    batch = [entry(member, "contact"), entry(member, "talk"), entry(member, "volunteer")]
    results = sync(member, batch)
    assert [r["status"] for r in results] == ["created"] * 3
    assert [r["client_id"] for r in results] == [e["client_id"] for e in batch]
    for result, sent in zip(results, batch, strict=True):
        assert result["error"] is None and result["fields"] == {}
        assert result["log"]["duty"] == sent["duty"]
        assert result["log"]["member_id"] == world["member"].id
        assert result["log"]["photos"] == []
        assert member.get(f"/logs/{result['log']['id']}").get_json() == result["log"]
    assert _count(app) == 3


def test_replaying_a_batch_three_times_creates_nothing_new(app, member):
    batch = [entry(member, "contact"), entry(member, "survey"), entry(member, "help")]
    first = sync(member, batch)
    audits = _count(app, AuditEntry)
    for _ in range(3):
        again = sync(member, batch)
        assert [r["status"] for r in again] == ["exists"] * 3
        assert [r["log"] for r in again] == [r["log"] for r in first]
    assert _count(app) == 3
    assert _count(app, AuditEntry) == audits


def test_exists_whatever_the_entry_holds_now(app, member):
    sent = entry(member, "contact", place="三组")
    created = sync(member, [sent])[0]["log"]
    changed = {**sent, "place": "五组", "women_count": 99}
    result = sync(member, [changed])[0]
    assert result["status"] == "exists"
    assert result["log"] == created  # acknowledged once: never a second row, never an overwrite
    assert _count(app) == 1


def test_one_bad_entry_does_not_hold_back_the_others(app, member):
    good_1, good_2 = entry(member), entry(member, "talk")
    missing = entry(member, "talk", topic=None)  # a talk requires its topic
    future = entry(member, happened_on="2999-01-01")
    results = sync(member, [good_1, missing, "not an object", future, good_2])
    assert [r["status"] for r in results] == [
        "created",
        "rejected",
        "rejected",
        "rejected",
        "created",
    ]
    assert results[1]["log"] is None and "topic" in results[1]["fields"]
    assert results[1]["client_id"] == missing["client_id"] and results[1]["error"]
    assert results[2]["client_id"] is None and results[2]["error"]
    assert "happened_on" in results[3]["fields"]
    assert _count(app) == 2
    fixed = sync(member, [{**missing, "topic": "家庭教育"}])[0]
    assert fixed["status"] == "created"


def test_unknown_duty_and_bad_client_ids_are_rejected(member):
    results = sync(
        member,
        [
            entry(member, duty="dancing"),
            {**entry(member), "client_id": "not-a-uuid"},
            {k: v for k, v in entry(member).items() if k != "client_id"},
        ],
    )
    assert [r["status"] for r in results] == ["rejected"] * 3
    assert "duty" in results[0]["fields"]
    assert results[1]["client_id"] == "not-a-uuid" and "client_id" in results[1]["fields"]
    assert results[2]["client_id"] is None and "client_id" in results[2]["fields"]


def test_a_client_id_of_another_account_is_rejected(app, member, api_as):
    other = api_as("other")
    sent = entry(other)
    assert sync(other, [sent])[0]["status"] == "created"
    result = sync(member, [sent])[0]
    assert result["status"] == "rejected" and result["log"] is None
    assert "client_id" in result["fields"]
    assert _count(app) == 1


def test_the_same_client_id_twice_in_one_batch(app, member):
    sent = entry(member)
    results = sync(member, [sent, sent])
    assert [r["status"] for r in results] == ["created", "exists"]
    assert results[0]["log"]["id"] == results[1]["log"]["id"]
    assert _count(app) == 1


def test_a_deleted_entry_sent_again_is_not_revived(app, member):
    sent = entry(member)
    log = sync(member, [sent])[0]["log"]
    assert member.delete(f"/logs/{log['id']}").status_code == 204
    result = sync(member, [sent])[0]
    assert result["status"] == "exists" and result["log"] is None and result["error"]
    assert _count(app) == 1


def test_page_then_api_with_one_client_id_is_one_row(app, client, member):
    cid = str(uuid.uuid4())
    page = submit(
        client,
        "/logs/new/contact",
        {"client_id": cid, "happened_on": member.day(0), "method": "visit", "women_count": "2"},
    )
    assert page.status_code == 302
    result = sync(member, [entry(member, client_id=cid)])[0]
    assert result["status"] == "exists" and result["log"]["women_count"] == 2
    assert member.post("/logs", entry(member, client_id=cid)).status_code == 200
    assert _count(app) == 1


def test_api_then_page_with_one_client_id_is_one_row(app, client, member):
    cid = str(uuid.uuid4())
    assert sync(member, [entry(member, client_id=cid)])[0]["status"] == "created"
    page = submit(
        client,
        "/logs/new/contact",
        {"client_id": cid, "happened_on": member.day(0), "method": "phone", "women_count": "7"},
        follow_redirects=True,
    )
    assert page.status_code == 200
    assert "这条记录已经保存过了" in page.get_data(as_text=True)
    assert sync(member, [entry(member, client_id=cid)])[0]["status"] == "exists"
    assert _count(app) == 1


def _edit(log: dict, **changes) -> dict:
    return {"client_id": str(uuid.uuid4()), "log_id": log["id"], "version": log["version"]} | (
        changes
    )


def test_an_edit_applies_to_the_version_it_saw(member):
    log = member.create(place="三组")
    result = sync(member, [_edit(log, place="四组")])[0]
    assert result["status"] == "updated"
    assert result["log"]["place"] == "四组" and result["log"]["version"] == log["version"] + 1
    assert result["log"]["women_count"] == log["women_count"]  # fields not sent are kept


def test_an_edit_replayed_changes_nothing_more(app, member):
    log = member.create(place="三组")
    edit = _edit(log, place="四组")
    first = sync(member, [edit])[0]
    audits = _count(app, AuditEntry)
    for _ in range(3):
        again = sync(member, [edit])[0]
        assert again["status"] == "updated"
        assert again["log"] == first["log"]
    assert _count(app, AuditEntry) == audits


def test_an_edit_against_a_changed_log_is_a_conflict(member):
    log = member.create(place="三组")
    changed = member.patch(f"/logs/{log['id']}", {"place": "五组", "version": log["version"]})
    assert changed.status_code == 200
    result = sync(member, [_edit(log, place="四组")])[0]
    assert result["status"] == "conflict" and result["error"]
    assert result["log"] == member.get(f"/logs/{log['id']}").get_json()
    assert result["log"]["place"] == "五组"  # never overwritten


def test_a_stale_patch_is_409(member):
    log = member.create(place="三组")
    assert member.patch(f"/logs/{log['id']}", {"place": "五组"}).status_code == 200
    stale = member.patch(f"/logs/{log['id']}", {"place": "四组", "version": log["version"]})
    assert_json_error(stale, 409)
    assert member.get(f"/logs/{log['id']}").get_json()["place"] == "五组"


def test_edits_that_cannot_apply_are_rejected(member, world, make_log, api_as):
    log = member.create()
    theirs = make_log(world["other_member"])
    chair = api_as("chair")
    results = sync(
        member,
        [
            {"client_id": str(uuid.uuid4()), "log_id": log["id"]},  # no version
            _edit(log, women_count="many"),
            _edit(log, duty="talk"),
            _edit({"id": theirs.id, "version": 1}, place="x"),
            _edit({"id": 999_999, "version": 1}, place="x"),
        ],
    )
    assert [r["status"] for r in results] == ["rejected"] * 5
    assert "version" in results[0]["fields"]
    assert "women_count" in results[1]["fields"]
    assert "duty" in results[2]["fields"]
    assert results[3]["error"] == results[4]["error"]  # someone else's log: as if not there
    by_chair = sync(chair, [_edit(log, place="x")])[0]
    assert by_chair["status"] == "rejected" and by_chair["log"] is None


def test_the_batch_itself_must_be_sane(app, member):
    assert "entries" in assert_json_error(member.post("/sync", {"entries": {}}), 400)["fields"]
    assert_json_error(member.post("/sync", ["x"]), 400)
    app.config["SYNC_MAX_ENTRIES"] = 2
    too_many = member.post("/sync", {"entries": [entry(member) for _ in range(3)]})
    assert "entries" in assert_json_error(too_many, 413)["fields"]
    assert member.post("/sync", {"entries": []}).get_json() == {"results": []}
    assert _count(app) == 0


def test_sync_needs_login_and_token(api, member):
    assert_json_error(member.post("/sync", {"entries": [entry(member)]}, csrf=False), 400)
    member.post("/logout")
    assert_json_error(api.post("/sync", {"entries": []}), 401)
