"""What the API refuses at its boundary (issue 16), each found by an adversarial run first:
control characters and lone surrogates, NaN and Infinity, deep nesting, numbers that are not
whole, ids beyond the integer column, dates not written YYYY-MM-DD. Never a 500, nothing
stored, and the field named."""

from __future__ import annotations

import json
import uuid
from datetime import date

import pytest
from sqlalchemy import func, select
from werkzeug.routing import IntegerConverter

from fieldlog.extensions import db
from fieldlog.models import Account, Log, Organisation, ReviewRating
from fieldlog.review import service as review_service
from tests.api.conftest import BASE, assert_json_error

pytestmark = pytest.mark.usefixtures("frozen")

TODAY = "2026-09-20"  # the frozen clock's day
CONTROL = ["\x0b", "\x1b", "\x00", "\x7f", "\x85", "a\rb", "\ud800"]
TOO_BIG = [2**31, 2**63, 10**30]


@pytest.fixture
def member(api, world):
    assert api.login("member").status_code == 200
    return api


def _log_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Log))


def _raw(api, method: str, path: str, text: str):
    """A request with a body written by hand (NaN, escapes, nesting json.dumps avoids)."""
    headers = {"X-CSRFToken": api.token, "Content-Type": "application/json"}
    return api.client.open(f"{BASE}{path}", method=method, data=text, headers=headers)


def _body(api, **changes) -> dict:
    return api.log_body("contact", **{"happened_on": TODAY, **changes})


@pytest.mark.parametrize("bad", CONTROL)
def test_control_characters_in_a_log_are_a_field_error(app, member, bad):
    response = member.post("/logs", _body(member, notes=f"走访{bad}三户"))
    body = assert_json_error(response, 422)
    assert set(body["fields"]) == {"notes"}
    assert _log_count(app) == 0


def test_a_lone_surrogate_escape_is_a_field_error(app, member):
    text = json.dumps(_body(member, place="三组"), ensure_ascii=False).replace("三组", "\\ud800")
    body = assert_json_error(_raw(member, "POST", "/logs", text), 422)
    assert set(body["fields"]) == {"place"}
    assert _log_count(app) == 0


def test_tab_line_feed_and_crlf_are_text(app, member):
    notes = "一\t二\n三\r\n四"
    response = member.post("/logs", _body(member, notes=notes))
    assert response.status_code == 201
    assert response.get_json()["notes"] == notes


@pytest.mark.parametrize("bad", ["\x0b", "\x00", "\ud800"])
def test_control_characters_in_a_change_are_a_field_error(app, member, bad):
    log = member.create("contact", happened_on=TODAY)
    response = member.patch(f"/logs/{log['id']}", {"topic": f"议题{bad}"})
    assert set(assert_json_error(response, 422)["fields"]) == {"topic"}
    assert member.get(f"/logs/{log['id']}").get_json()["topic"] is None


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_json_nan_and_infinity_are_400(app, member, constant):
    text = json.dumps(_body(member, women_count=3)).replace(
        '"women_count": 3', f'"women_count": {constant}'
    )
    body = assert_json_error(_raw(member, "POST", "/logs", text), 400)
    assert "NaN" in body["error"] or "Infinity" in body["error"]
    assert _log_count(app) == 0


@pytest.mark.parametrize("hours", ["NaN", "sNaN", "Infinity", "-Infinity", "1e2", "", "2,5"])
def test_hours_that_are_not_numbers_are_a_field_error(app, member, hours):
    body = member.log_body("volunteer", happened_on=TODAY, volunteer_hours=hours)
    assert set(assert_json_error(member.post("/logs", body), 422)["fields"]) == {"volunteer_hours"}
    assert _log_count(app) == 0


@pytest.mark.parametrize("hours", [0.01, 1e-320, 0, -1, 0.25, 2.25, 100.5, 1e300, "0.01"])
def test_hours_outside_half_hour_steps_from_half_an_hour_to_100_are_refused(app, member, hours):
    body = member.log_body("volunteer", happened_on=TODAY, volunteer_hours=hours)
    assert set(assert_json_error(member.post("/logs", body), 422)["fields"]) == {"volunteer_hours"}


@pytest.mark.parametrize(("hours", "stored"), [(0.5, 0.5), (2.5, 2.5), (100, 100.0), ("3", 3.0)])
def test_hours_in_half_hour_steps_are_kept(member, hours, stored):
    body = member.log_body("volunteer", happened_on=TODAY, volunteer_hours=hours)
    response = member.post("/logs", body)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["volunteer_hours"] == stored


def test_patch_of_a_log_without_hours_ignores_them_but_refuses_nan(app, member):
    log = member.create("contact", happened_on=TODAY)
    path = f"/logs/{log['id']}"
    assert member.patch(path, {"volunteer_hours": 2.5}).status_code == 200
    assert member.get(path).get_json()["volunteer_hours"] is None
    for hours in ("NaN", "sNaN"):
        assert_json_error(member.patch(path, {"volunteer_hours": hours}), 422)
    nan = _raw(member, "PATCH", path, '{"volunteer_hours": NaN}')
    assert_json_error(nan, 400)


@pytest.mark.parametrize("depth", [17, 100_000])
def test_deep_nesting_is_400(member, depth):
    text = '{"entries": ' + "[" * depth + "]" * depth + "}"
    assert_json_error(_raw(member, "POST", "/sync", text), 400)


@pytest.mark.parametrize("day", ["2026-1-1", "2026-01-1", "20260101", "2026-W01-1", "2026/01/01"])
def test_dates_are_written_yyyy_mm_dd(app, member, day):
    body = assert_json_error(member.post("/logs", _body(member, happened_on=day)), 422)
    assert set(body["fields"]) == {"happened_on"}
    result = member.post("/sync", {"entries": [_body(member, happened_on=day)]}).get_json()
    assert result["results"][0]["status"] == "rejected"
    assert set(result["results"][0]["fields"]) == {"happened_on"}
    assert _log_count(app) == 0


@pytest.mark.parametrize("count", [2.9, "2.9", True, [3], {"n": 3}, "3 人"])
def test_women_count_is_a_whole_number(member, count):
    body = assert_json_error(member.post("/logs", _body(member, women_count=count)), 422)
    assert set(body["fields"]) == {"women_count"}


@pytest.mark.parametrize("value", [3, {"x": 1}, ["a"], True])
def test_text_fields_take_text(member, value):
    body = assert_json_error(member.post("/logs", _body(member, place=value)), 422)
    assert set(body["fields"]) == {"place"}


def test_a_sync_entry_with_control_characters_is_rejected_alone(app, member):
    good, bad = _body(member), _body(member, notes="甲\x1b乙")
    results = member.post("/sync", {"entries": [bad, good]}).get_json()["results"]
    assert [r["status"] for r in results] == ["rejected", "created"]
    assert set(results[0]["fields"]) == {"notes"}
    assert _log_count(app) == 1


@pytest.mark.parametrize("value", [*TOO_BIG, -1, 2.9, "5", True])
def test_ids_and_versions_in_bodies_are_whole_numbers_in_range(app, member, value):
    log = member.create("contact", happened_on=TODAY)
    entry = {"client_id": str(uuid.uuid4()), "log_id": value, "version": 1, "notes": "改"}
    [result] = member.post("/sync", {"entries": [entry]}).get_json()["results"]
    assert result["status"] == "rejected" and set(result["fields"]) == {"log_id"}
    entry = {"client_id": str(uuid.uuid4()), "log_id": log["id"], "version": value}
    [result] = member.post("/sync", {"entries": [entry]}).get_json()["results"]
    if value == -1:  # whole and within range below: a version she never saw
        assert result["status"] == "rejected"
    else:
        assert result["status"] == "rejected" and set(result["fields"]) == {"version"}
    response = member.patch(f"/logs/{log['id']}", {"version": value, "notes": "改"})
    assert set(assert_json_error(response, 422)["fields"]) == {"version"}


@pytest.mark.parametrize("value", TOO_BIG)
def test_ids_in_query_strings_are_in_range(member, value):
    assert set(assert_json_error(member.get("/logs", member=value), 400)["fields"]) == {"member"}
    assert set(assert_json_error(member.get("/tracker", org=value), 400)["fields"]) == {"org"}


# Reviews ----------------------------------------------------------------------------------


@pytest.fixture
def round_id(app, world):
    with app.app_context():
        chair = db.session.get(Account, world["chair"].id)
        org = db.session.get(Organisation, world["village_a"].id)
        round_ = review_service.open_round(chair, org, "2026H1", date(2026, 9, 20))
        db.session.commit()
        return round_.id


@pytest.mark.parametrize("bad", ["\x00", "\x1b", "\ud800"])
def test_control_characters_in_a_report_are_a_field_error(api_as, round_id, bad):
    member = api_as("member")
    [before] = member.get("/reviews/mine").get_json()
    response = member.client.put(
        f"{BASE}/reviews/{round_id}/report",
        json={"body": f"述职{bad}报告", "submit": True},
        headers={"X-CSRFToken": member.token},
    )
    assert set(assert_json_error(response, 422)["fields"]) == {"body"}
    [mine] = member.get("/reviews/mine").get_json()
    assert mine["report"] == before["report"]


RATING = {"group": "representative", "grade": "excellent", "votes": 3}


@pytest.mark.parametrize(
    "change",
    [
        {"votes": 2.9},
        {"votes": "5"},
        {"votes": True},
        {"votes": None},
        {"rater": 5},
        {"rater": {"name": "甲"}},
        {"rater": ["甲"]},
        {"group": 1},
        {"grade": {"x": 1}},
    ],
)
def test_malformed_ratings_are_400(app, api_as, world, round_id, change):
    chair = api_as("chair")
    path = f"{BASE}/reviews/{round_id}/members/{world['member'].id}/ratings"
    body = {"mode": "counts", "ratings": [{**RATING, **change}]}
    response = chair.client.put(path, json=body, headers={"X-CSRFToken": chair.token})
    assert set(assert_json_error(response, 400)["fields"]) == {"ratings"}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReviewRating)) == 0


@pytest.mark.parametrize("votes", ["Infinity", "NaN", "1e400"])
def test_infinite_votes_are_400(api_as, world, round_id, votes):
    chair = api_as("chair")
    path = f"/reviews/{round_id}/members/{world['member'].id}/ratings"
    text = '{"mode": "counts", "ratings": [{"group": "member", "grade": "qualified", "votes": %s}]}'
    assert_json_error(_raw(chair, "PUT", path, text % votes), 400)


def test_a_rater_with_control_characters_is_refused_and_null_is_none(api_as, world, round_id):
    chair = api_as("chair")
    path = f"{BASE}/reviews/{round_id}/members/{world['member'].id}/ratings"
    line = {"group": "member", "grade": "qualified"}
    bad = {"mode": "per_rater", "ratings": [{**line, "rater": "李\x1b"}]}
    response = chair.client.put(path, json=bad, headers={"X-CSRFToken": chair.token})
    assert set(assert_json_error(response, 422)["fields"]) == {"ratings"}
    counts = {"mode": "counts", "ratings": [{**line, "votes": 2, "rater": None}]}
    response = chair.client.put(path, json=counts, headers={"X-CSRFToken": chair.token})
    assert response.status_code == 200
    assert response.get_json()["ratings"] == [{**line, "votes": 2, "rater": None}]


# Ids in paths, the Allow header ---------------------------------------------------------


def _int_routes(app) -> list[tuple[str, str]]:
    """(path with every int placeholder as VALUE, method) for every route with one."""
    routes = []
    for rule in app.url_map.iter_rules():
        names = [n for n, c in rule._converters.items() if isinstance(c, IntegerConverter)]
        if not names:
            continue
        path = rule.rule
        for name in names:
            path = path.replace(f"<int:{name}>", "VALUE")
        routes += [(path, method) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return routes


def test_every_route_with_an_id_is_tested(app):
    routes = _int_routes(app)
    assert ("/api/v1/logs/VALUE", "PATCH") in routes and ("/logs/VALUE", "GET") in routes
    assert len(routes) > 50
    assert all("<" not in path for path, _method in routes), routes


@pytest.mark.parametrize("value", [2**31, 2**63, 10**30])
def test_ids_beyond_the_integer_column_are_404_everywhere(app, client, auth, world, value):
    auth.login("admin")
    for path, method in _int_routes(app):
        response = client.open(path.replace("VALUE", str(value)), method=method)
        assert response.status_code == 404, (path, method, response.status_code)


def test_the_largest_id_is_an_ordinary_missing_one(member):
    assert_json_error(member.get(f"/logs/{2**31 - 1}"), 404)


def test_405_names_the_allowed_methods(member, client):
    response = member.client.put(f"{BASE}/logs/1", json={})
    assert_json_error(response, 405)
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "PATCH", "DELETE"}
    page = client.put("/auth/login")
    assert page.status_code == 405 and page.mimetype == "text/html"
    assert "POST" in page.headers["Allow"]


def test_a_path_with_a_control_character_is_no_page(client, auth, world):
    auth.login("member")
    assert client.get("/logs/new/contact%00").status_code == 404
    assert client.get("/logs/new/contact%1b").status_code == 404


def test_a_photo_upload_takes_only_file_and_client_id(app, member):
    from io import BytesIO

    from tests.fixtures.images import picture

    log = member.create("contact", happened_on=TODAY)
    data = {"file": (BytesIO(picture()), "a.jpg"), "client_id": str(uuid.uuid4()), "note": "x"}
    response = member.client.post(
        f"{BASE}/logs/{log['id']}/photos",
        data=data,
        headers={"X-CSRFToken": member.token},
        content_type="multipart/form-data",
    )
    assert set(assert_json_error(response, 400)["fields"]) == {"note"}
