"""API login, logout, /me, the duty catalogue, 401 and CSRF."""

from __future__ import annotations

from fieldlog.catalogue import SEVEN_ONES
from tests.api.conftest import BASE, assert_json_error


def test_login_returns_account_and_sets_session(api, world):
    response = api.login("member")
    assert response.status_code == 200
    body = response.get_json()
    assert body["username"] == "member"
    assert body["display_name"] == "王芳"
    assert body["csrf_token"]
    assert "password_hash" not in body and "session_token" not in body
    assert api.client.get_cookie("fieldlog_session") is not None
    assert api.get("/me").status_code == 200


def test_login_username_ignores_case_and_spaces(api, world):
    assert api.login("  MEMBER ").status_code == 200


def test_wrong_password_is_401_json(api, world):
    body = assert_json_error(api.login("member", "wrong-password"), 401)
    assert body["fields"] == {}
    assert_json_error(api.get("/me"), 401)


def test_unknown_login_name_is_401(api, world):
    assert_json_error(api.login("nobody"), 401)


def test_inactive_account_cannot_log_in(api, make_org, make_member):
    make_member(make_org(), username="gone", active=False)
    assert_json_error(api.login("gone"), 401)


def test_login_is_throttled_after_repeated_failures(api, world):
    for _ in range(5):
        assert_json_error(api.login("member", "wrong-password"), 401)
    assert_json_error(api.login("member"), 429)


def test_login_needs_both_fields(api, world):
    response = api.client.post(f"{BASE}/login", json={"username": "member"})
    body = assert_json_error(response, 422)
    assert set(body["fields"]) == {"password"}


def test_login_refuses_a_form_encoded_body(api, world):
    # Only JSON is accepted: a cross-site HTML form cannot send it, so the exempt route
    # cannot be used to log a victim into another account.
    response = api.client.post(
        f"{BASE}/login", data={"username": "member", "password": "correct-horse-42"}
    )
    assert_json_error(response, 415)


def test_login_accepts_a_phone_number_sent_as_a_number(api, make_org, make_member):
    make_member(make_org(), username="13800000000")
    assert (
        api.client.post(
            f"{BASE}/login", json={"username": 13800000000, "password": "correct-horse-42"}
        ).status_code
        == 200
    )


def test_me_lists_organisation_roles_and_memberships(api, world):
    api.login("chair")
    body = api.get("/me").get_json()
    village = world["village_a"]
    assert body["organisation"] == {"id": village.id, "name": "甲村", "kind": "village"}
    assert body["roles"] == [{"role": "chair", "organisation_id": village.id}]
    assert body["memberships"] == [
        {"organisation_id": village.id, "joined_on": "2020-01-01", "left_on": None}
    ]
    assert body["csrf_token"]
    assert body["locale"] is None


def test_me_for_an_admin_without_membership(api, world):
    api.login("admin")
    body = api.get("/me").get_json()
    assert body["memberships"] == []
    assert body["roles"] == [{"role": "admin", "organisation_id": world["township_a"].id}]


def test_duty_types_are_the_catalogue_in_order(api, world):
    api.login("member")
    response = api.get("/duty-types")
    assert response.status_code == 200
    duties = response.get_json()
    assert [d["code"] for d in duties] == [d["code"] for d in SEVEN_ONES]
    contact = duties[0]
    assert contact["name_zh"] == "一次联系"
    assert contact["cadence"] == "quarter"
    assert contact["min_count"] == 1
    assert contact["required"] == ["method", "women_count"]
    assert "women_count" in contact["fields"]


def test_logout_ends_the_session_everywhere(app, api, world):
    api.login("member")
    copied = api.client.get_cookie("fieldlog_session").value
    assert api.post("/logout").status_code == 204
    assert_json_error(api.get("/me"), 401)
    thief = app.test_client()
    thief.set_cookie("fieldlog_session", copied)
    assert_json_error(thief.get(f"{BASE}/me"), 401)


def test_logout_needs_the_csrf_header(api, world):
    api.login("member")
    assert_json_error(api.post("/logout", csrf=False), 400)
    assert api.get("/me").status_code == 200


def test_every_call_but_login_needs_a_session(api, world):
    for path in ("/me", "/duty-types", "/logs", "/logs/1"):
        assert_json_error(api.get(path), 401)


def test_writes_after_logout_are_401_not_a_redirect(api, world):
    api.login("member")
    api.post("/logout")
    # The session still holds a valid CSRF token, so the call reaches the login check.
    response = api.post("/logs", api.log_body())
    assert_json_error(response, 401)
    assert "Location" not in response.headers


def test_posting_a_log_without_the_csrf_header_is_400(api, world):
    api.login("member")
    body = assert_json_error(api.post("/logs", api.log_body(), csrf=False), 400)
    assert body["fields"] == {}
    assert api.get("/logs").get_json()["total"] == 0


def test_a_wrong_csrf_token_is_400(api, world):
    api.login("member")
    api.token = "not-the-token"
    assert_json_error(api.post("/logs", api.log_body()), 400)
