"""GET /api/v1/logs: her logs, filters, pages, and a chair's member= parameter."""

from __future__ import annotations

from datetime import date

import pytest

from fieldlog.timeutil import now_utc
from tests.api.conftest import assert_json_error


@pytest.fixture
def logs(world, make_log):
    """Four of the member's logs, one deleted, and one of another member."""
    member = world["member"]
    made = {
        "old": make_log(member, "contact", date(2025, 1, 10), method="visit", women_count=1),
        "talk": make_log(member, "talk", date(2025, 2, 20), topic="法治", women_count=8),
        "mid": make_log(member, "contact", date(2025, 4, 1), method="phone", women_count=2),
        "new": make_log(member, "contact", date(2025, 6, 30), women_names="王大姐"),
        "gone": make_log(member, "contact", date(2025, 5, 5), deleted_at=now_utc()),
        "other": make_log(world["other_member"], "contact", date(2025, 3, 3)),
    }
    return {name: log.id for name, log in made.items()}


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.get_json()
    return [log["id"] for log in response.get_json()["items"]]


def test_her_logs_newest_first_without_deleted_or_others(api, logs):
    api.login("member")
    response = api.get("/logs")
    assert _ids(response) == [logs["new"], logs["mid"], logs["talk"], logs["old"]]
    body = response.get_json()
    assert (body["page"], body["total"], body["pages"]) == (1, 4, 1)
    assert body["items"][0]["women_names"] == "王大姐"


def test_filter_by_duty(api, logs):
    api.login("member")
    assert _ids(api.get("/logs", duty="talk")) == [logs["talk"]]


def test_filter_by_dates_inclusive(api, logs):
    api.login("member")
    ids = _ids(api.get("/logs", **{"from": "2025-02-20", "to": "2025-04-01"}))
    assert ids == [logs["mid"], logs["talk"]]
    assert _ids(api.get("/logs", **{"from": "2025-04-02"})) == [logs["new"]]
    assert _ids(api.get("/logs", to="2025-01-10")) == [logs["old"]]


def test_filters_combine(api, logs):
    api.login("member")
    assert _ids(api.get("/logs", duty="contact", to="2025-03-31")) == [logs["old"]]


def test_pages(api, logs):
    api.login("member")
    first = api.get("/logs", per_page=3).get_json()
    second = api.get("/logs", per_page=3, page=2).get_json()
    assert [log["id"] for log in first["items"]] == [logs["new"], logs["mid"], logs["talk"]]
    assert [log["id"] for log in second["items"]] == [logs["old"]]
    assert (first["pages"], first["per_page"], second["page"]) == (2, 3, 2)
    assert api.get("/logs", page=9).get_json()["items"] == []


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"from": "2025-13-01"}, {"from"}),
        ({"to": "yesterday"}, {"to"}),
        ({"from": "2025-5-1"}, {"from"}),
        ({"to": "20250401"}, {"to"}),
        ({"to": ""}, {"to"}),
        ({"page": "0"}, {"page"}),
        ({"page": "two"}, {"page"}),
        ({"per_page": "101"}, {"per_page"}),
        ({"per_page": "-5"}, {"per_page"}),
        ({"member": "abc"}, {"member"}),
        ({"member": "2147483648"}, {"member"}),  # beyond a database integer
        ({"member": "99999999999999999999"}, {"member"}),
        ({"from": "x", "per_page": "1000"}, {"from", "per_page"}),
        ({"duty": "contact\x00"}, {"duty"}),
        ({"duty": "contact", "x\x1b": "1"}, {"?"}),
    ],
)
def test_bad_parameters_are_400_with_fields(api, logs, params, fields):
    api.login("member")
    assert set(assert_json_error(api.get("/logs", **params), 400)["fields"]) == fields


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"from": "2025-05-01", "to": "2025-04-01"}, {"to"}),
        ({"duty": "dance"}, {"duty"}),
    ],
)
def test_parameters_the_rules_refuse_are_422_with_fields(api, logs, params, fields):
    api.login("member")
    assert set(assert_json_error(api.get("/logs", **params), 422)["fields"]) == fields


def test_per_page_100_is_allowed(api, logs):
    api.login("member")
    assert api.get("/logs", per_page=100).get_json()["per_page"] == 100


def test_chair_lists_a_member_of_her_committee(api, world, logs):
    api.login("chair")
    response = api.get("/logs", member=world["member"].id, duty="contact")
    assert _ids(response) == [logs["new"], logs["mid"], logs["old"]]
    assert response.get_json()["items"][0]["women_names"] == "王大姐"


def test_chair_without_member_sees_her_own_logs(api, world, logs):
    api.login("chair")
    assert _ids(api.get("/logs")) == []


@pytest.mark.parametrize(
    ("username", "target"),
    [
        ("chair", "member_a2"),  # a member of another village of the same township
        ("chair_b", "member"),  # the chair of another village
        ("other", "member"),  # a fellow member is not a chair
        ("admin_b", "member"),  # an admin of another township
    ],
)
def test_member_parameter_is_403_outside_her_committee(api, world, logs, username, target):
    api.login(username)
    assert_json_error(api.get("/logs", member=world[target].id), 403)


def test_member_parameter_for_no_such_account_is_404(api, world, logs):
    api.login("chair")
    assert_json_error(api.get("/logs", member=999999), 404)


def test_an_admin_reads_her_area_s_logs_without_the_women_s_details(api, world, logs):
    api.login("admin")
    items = api.get("/logs", member=world["member"].id).get_json()["items"]
    assert items and all("women_names" not in i and "place" not in i for i in items)
    assert all("women_count" in i and "method" in i for i in items)


def test_member_parameter_with_her_own_id(api, world, logs):
    api.login("member")
    assert len(_ids(api.get("/logs", member=world["member"].id))) == 4


def test_admin_without_membership_has_an_empty_list(api, logs):
    api.login("admin")
    assert api.get("/logs").get_json()["total"] == 0


def test_list_runs_a_fixed_number_of_queries(api, world, make_log, count_queries):
    api.login("member")
    for day in range(1, 4):
        make_log(world["member"], "contact", date(2025, 1, day))
    with count_queries() as few:
        api.get("/logs")
    for day in range(4, 20):
        make_log(world["member"], "contact", date(2025, 1, day))
    with count_queries() as many:
        api.get("/logs")
    assert many.count == few.count
