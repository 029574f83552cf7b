"""The login throttle counts what the lookup finds; one-time passwords work once, expire,
and open nothing but the password change; the password check holds no transaction."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest

from fieldlog import timeutil
from fieldlog.admin import service as admin_service
from fieldlog.auth import passwords
from fieldlog.extensions import db
from fieldlog.models import Account
from tests.conftest import PASSWORD, csrf_from

# Ways of typing "member" that the lookup treats as the same login.
VARIANTS = [
    "member ",
    " member",
    "\u3000member",
    "member\u3000",
    "MEMBER",
    "ｍｅｍｂｅｒ",
    "\tmember\n",
]


class MovableClock(datetime):
    """The app's clock, set by the test (``timeutil`` is the only reader of the clock)."""

    instant = datetime(2026, 9, 20, 2, 0, tzinfo=UTC)

    @classmethod
    def now(cls, tz=None):
        return cls.instant.astimezone(tz) if tz else cls.instant.replace(tzinfo=None)


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr(timeutil, "datetime", MovableClock)
    MovableClock.instant = datetime(2026, 9, 20, 2, 0, tzinfo=UTC)
    return MovableClock


def _api_login(client, username, password=PASSWORD):
    return client.post("/api/v1/login", json={"username": username, "password": password})


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_variant_of_the_name_logs_in(client, auth, world, variant):
    assert auth.login(variant).headers["Location"] == "/"


@pytest.mark.parametrize("variant", VARIANTS)
def test_variants_share_one_lock(client, auth, world, variant):
    for _ in range(5):
        auth.login("member", "bad-guess")
    assert auth.login(variant).status_code == 429
    assert _api_login(client, variant).status_code == 429


def test_guesses_spread_over_variants_are_counted_together(client, auth, world):
    for k in range(5):
        assert auth.login("member" + " " * k, "bad-guess").status_code == 200
    assert auth.login("member" + " " * 9).status_code == 429
    assert _api_login(client, "\u3000MEMBER").status_code == 429


def test_unknown_names_are_throttled_by_their_key_too(client, auth, world):
    for k in range(5):
        assert auth.login("13900000012" + " " * k, "bad-guess").status_code == 200
    assert auth.login(" 13900000012 ", "bad-guess").status_code == 429


def test_redis_throttle_is_shared_by_two_servers_for_every_variant(app, world, tmp_path):
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("Redis: set TEST_REDIS_URL, e.g. redis://127.0.0.1:6379/15 (CI does)")
    import redis

    from fieldlog.auth import throttle

    redis.Redis.from_url(url).flushdb()
    app.config["RATELIMIT_STORAGE_URI"] = url
    client = app.test_client()
    try:
        throttle.init_app(app)  # the first server process
        for k in range(3):
            assert _api_login(client, "member" + " " * k, "bad").status_code == 401
        throttle.init_app(app)  # a second one: its own throttle object, the same Redis
        for _ in range(2):
            assert _api_login(client, "\u3000MEMBER", "bad").status_code == 401
        # Five failures between the two servers: the right password is now refused.
        assert _api_login(client, "member").status_code == 429
    finally:
        redis.Redis.from_url(url).flushdb()


def test_the_password_check_holds_no_transaction(app, client, auth, world, monkeypatch):
    seen = []
    original = passwords.verify_password

    def watching(stored, password):
        seen.append(db.session().in_transaction())
        return original(stored, password)

    monkeypatch.setattr("fieldlog.auth.service.verify_password", watching)
    assert auth.login("member").status_code == 302
    assert auth.logout().status_code == 302
    assert auth.login("nobody", "bad-guess").status_code == 200
    assert seen == [False, False]


def test_a_password_changed_during_the_check_is_checked_again(
    app, client, auth, world, monkeypatch
):
    """Between the (slow) check and the login's write, another request changed her
    password: the old one must not get in; a hash merely upgraded lets the same one in."""
    original = passwords.verify_password
    calls = []

    def racing(stored, password):
        calls.append(stored)
        if len(calls) == 1:  # the other request commits while this one checks
            with app.app_context():
                account = db.session.get(Account, world["member"].id)
                account.password_hash = passwords.hash_password(new_password)
                db.session.commit()
        return original(stored, password)

    monkeypatch.setattr("fieldlog.auth.service.verify_password", racing)
    new_password = "changed-elsewhere-7"
    assert auth.login("member").status_code == 200  # the old password: refused
    assert len(calls) == 2 and calls[0] != calls[1]
    calls.clear()
    new_password = "changed-again-8"  # changed once more while the right one is checked
    assert auth.login("member", "changed-elsewhere-7").status_code == 200
    calls.clear()
    monkeypatch.setattr("fieldlog.auth.service.verify_password", original)
    assert auth.login("member", "changed-again-8").status_code == 302


# --- one-time passwords -----------------------------------------------------------------


def _logout_from_password_page(client) -> None:
    token = csrf_from(client.get("/auth/password").get_data(as_text=True))
    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 302


def _reset(app, world, who="member") -> str:
    with app.app_context():
        admin = db.session.get(Account, world["admin"].id)
        password = admin_service.reset_password(admin, db.session.get(Account, world[who].id))
        db.session.commit()
    return password


def test_a_one_time_password_logs_in_once(app, client, auth, world, clock):
    one_time = _reset(app, world)
    assert auth.login("member", one_time).headers["Location"] == "/auth/password"
    _logout_from_password_page(client)
    again = auth.login("member", one_time)
    assert again.status_code == 200
    assert "一次性密码已经用过或已过期" in again.get_data(as_text=True)
    assert _api_login(app.test_client(), "member", one_time).status_code == 401


def test_a_one_time_password_expires_after_seven_days(app, client, auth, world, clock):
    one_time = _reset(app, world)
    clock.instant += timedelta(days=7, seconds=1)
    response = auth.login("member", one_time)
    assert response.status_code == 200
    assert "已过期" in response.get_data(as_text=True)


def test_within_seven_days_it_still_works(app, client, auth, world, clock):
    one_time = _reset(app, world)
    clock.instant += timedelta(days=6, hours=23)
    assert auth.login("member", one_time).headers["Location"] == "/auth/password"


@pytest.mark.parametrize("path", ["/", "/logs/new/contact", "/logs/", "/auth/account"])
def test_pages_send_her_to_the_password_change_first(app, client, auth, world, clock, path):
    auth.login("member", _reset(app, world))
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/password"
    assert "请先设置您自己的密码" in client.get("/auth/password").get_data(as_text=True)


def test_page_posts_are_refused_until_the_change(app, client, auth, world, clock):
    auth.login("member", _reset(app, world))
    page = client.get("/auth/password").get_data(as_text=True)
    response = client.post(
        "/logs/new/contact",
        data={"csrf_token": csrf_from(page), "happened_on": "2026-09-19", "method": "visit"},
    )
    assert response.headers["Location"] == "/auth/password"


def test_the_api_answers_403_until_the_change(app, client, world, clock):
    one_time = _reset(app, world)
    assert _api_login(client, "member", one_time).status_code == 200
    me = client.get("/api/v1/me").get_json()
    assert me["must_change_password"] is True
    headers = {"X-CSRFToken": me["csrf_token"]}
    refused = client.post("/api/v1/logs", json={"duty": "contact"}, headers=headers)
    assert refused.status_code == 403
    assert "请先设置您自己的密码" in refused.get_json()["error"]
    assert client.get("/api/v1/tracker/me").status_code == 403
    changed = client.post(
        "/api/v1/password",
        json={"current_password": one_time, "new_password": "my-own-secret-9"},
        headers=headers,
    )
    assert changed.status_code == 200
    assert changed.get_json()["must_change_password"] is False
    assert client.get("/api/v1/tracker/me").status_code == 200
    fresh = app.test_client()
    assert _api_login(fresh, "member", one_time).status_code == 401
    assert _api_login(fresh, "member", "my-own-secret-9").status_code == 200


def test_api_password_change_errors(app, client, world, clock):
    assert _api_login(client, "member").status_code == 200
    headers = {"X-CSRFToken": client.get("/api/v1/me").get_json()["csrf_token"]}
    wrong = client.post(
        "/api/v1/password",
        json={"current_password": "nope", "new_password": "my-own-secret-9"},
        headers=headers,
    )
    assert wrong.status_code == 422 and "current_password" in wrong.get_json()["fields"]
    short = client.post(
        "/api/v1/password",
        json={"current_password": PASSWORD, "new_password": "abc"},
        headers=headers,
    )
    assert short.status_code == 422 and "new_password" in short.get_json()["fields"]
    no_csrf = client.post(
        "/api/v1/password", json={"current_password": PASSWORD, "new_password": "my-own-secret-9"}
    )
    assert no_csrf.status_code == 400


def test_page_change_lets_her_in_and_the_old_one_time_password_stays_dead(
    app, client, auth, world, clock
):
    one_time = _reset(app, world)
    auth.login("member", one_time)
    page = client.get("/auth/password").get_data(as_text=True)
    response = client.post(
        "/auth/password",
        data={
            "csrf_token": csrf_from(page),
            "current_password": one_time,
            "new_password": "my-own-secret-9",
            "confirm": "my-own-secret-9",
        },
    )
    assert response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    auth.logout()
    assert auth.login("member", one_time).status_code == 200
    assert auth.login("member", "my-own-secret-9").headers["Location"] == "/"


def test_a_new_account_gets_a_seven_day_one_time_password(app, world, clock):
    with app.app_context():
        admin = db.session.get(Account, world["admin"].id)
        data = admin_service.AccountInput(
            display_name="新人", username="newbie", organisation_id=world["village_a"].id
        )
        account, _password = admin_service.create_account(admin, data, clock.instant.date())
        db.session.commit()
        assert account.must_change_password
        assert account.one_time_expires_at == clock.instant + timedelta(days=7)
        assert account.one_time_used_at is None


@pytest.mark.parametrize("name", ["mem\x00ber", "member\x1b", "\x7fmember"])
def test_control_characters_in_the_login_name_are_a_field_error(client, world, name):
    from tests.conftest import csrf_from as token_of

    page = client.get("/auth/login").get_data(as_text=True)
    response = client.post(
        "/auth/login",
        data={"username": name, "password": PASSWORD, "csrf_token": token_of(page)},
    )
    assert response.status_code in (200, 400, 422)
    if response.status_code != 400:
        assert "控制字符" in response.get_data(as_text=True)
