"""Logging in and out, sessions, CSRF, throttling, redirects, language."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from fieldlog.auth import throttle
from fieldlog.extensions import db
from fieldlog.models import Account, AuditEntry
from tests.conftest import PASSWORD, csrf_from
from tests.web.helpers import open_form

COOKIE = "fieldlog_session"


def test_login_page_is_chinese_by_default(client):
    html = client.get("/auth/login").get_data(as_text=True)
    assert '<html lang="zh-CN">' in html
    assert "登录" in html and 'for="username"' in html and 'for="password"' in html


def test_login_and_home(client, auth, world):
    response = auth.login("member")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "王芳" in client.get("/").get_data(as_text=True)


def test_login_is_case_insensitive_and_trims(client, auth, world):
    assert auth.login("  MEMBER ").headers["Location"] == "/"


def test_wrong_password_keeps_username(client, auth, world):
    response = auth.login("member", "wrong-password", follow=True)
    html = response.get_data(as_text=True)
    assert "登录名或密码不正确" in html
    assert 'value="member"' in html


def test_anonymous_is_sent_to_login_with_next(client):
    response = client.get("/logs/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


def test_session_cookie_flags(client, auth, world):
    response = auth.login("member")
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(COOKIE))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie_secure_when_configured(app, client, auth, world):
    app.config["SESSION_COOKIE_SECURE"] = True
    response = auth.login("member")
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(COOKIE))
    assert "Secure" in cookie


def test_login_without_csrf_token_is_rejected(client, world):
    response = client.post("/auth/login", data={"username": "member", "password": PASSWORD})
    assert response.status_code == 400
    assert "请重试" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still logged out


def test_logout_is_post_only(client, auth, world):
    auth.login("member")
    assert client.get("/auth/logout").status_code == 405
    assert auth.logout().status_code == 302
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/logs/", "/logs/"),
        ("//evil.example/", "/"),
        ("http://evil.example/", "/"),
        ("https:evil.example", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("", "/"),
    ],
)
def test_next_only_redirects_within_the_site(client, world, next_url, expected):
    html = client.get("/auth/login", query_string={"next": next_url}).get_data(as_text=True)
    response = client.post(
        "/auth/login",
        data={
            "username": "member",
            "password": PASSWORD,
            "next": next_url,
            "csrf_token": csrf_from(html),
        },
    )
    assert response.headers["Location"] == expected


def _copied_cookie(client) -> str:
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None
    return cookie.value


def _client_with(app, cookie: str):
    other = app.test_client()
    other.set_cookie(COOKIE, cookie)
    return other


def test_cookie_copied_before_logout_stops_working(app, client, auth, world):
    auth.login("member")
    stolen = _copied_cookie(client)
    assert _client_with(app, stolen).get("/").status_code == 200
    auth.logout()
    assert _client_with(app, stolen).get("/").status_code == 302


def test_password_change_ends_other_sessions(app, client, auth, world):
    auth.login("member")
    elsewhere = _client_with(app, _copied_cookie(client))
    html, hidden = open_form(client, "/auth/password")
    response = client.post(
        "/auth/password",
        data={
            **hidden,
            "current_password": PASSWORD,
            "new_password": "new-secret-77",
            "confirm": "new-secret-77",
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # this device stays logged in
    assert elsewhere.get("/").status_code == 302
    auth.logout()
    assert auth.login("member", "new-secret-77").headers["Location"] == "/"


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("wrong-one", "new-secret-77", "new-secret-77", "当前密码不正确"),
        (PASSWORD, "short", "short", "至少 8 个字符"),
        (PASSWORD, "aaaaaaaaaa", "aaaaaaaaaa", "太容易"),
        (PASSWORD, "new-secret-77", "different-77", "不一致"),
        (PASSWORD, PASSWORD, PASSWORD, "不能与当前密码相同"),
    ],
)
def test_password_change_errors(client, auth, world, current, new, confirm, message):
    auth.login("member")
    _html, hidden = open_form(client, "/auth/password")
    response = client.post(
        "/auth/password",
        data={**hidden, "current_password": current, "new_password": new, "confirm": confirm},
    )
    assert message in response.get_data(as_text=True)
    assert auth.logout().status_code == 302
    assert auth.login("member").headers["Location"] == "/"  # old password still works


def test_deactivation_ends_sessions(app, client, auth, world):
    auth.login("member")
    with app.app_context():
        account = db.session.get(Account, world["member"].id)
        account.active = False
        db.session.commit()
    assert client.get("/").status_code == 302
    assert "登录名或密码不正确" in auth.login("member", follow=True).get_data(as_text=True)


def test_must_change_password_goes_to_password_page(app, client, auth, world):
    with app.app_context():
        db.session.get(Account, world["member"].id).must_change_password = True
        db.session.commit()
    assert auth.login("member").headers["Location"] == "/auth/password"
    assert "临时密码" in client.get("/auth/password").get_data(as_text=True)


def test_login_is_audited(app, auth, world):
    auth.login("member")
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "login")).one()
        assert entry.actor_id == world["member"].id


# --- throttling ------------------------------------------------------------------------


def test_account_throttled_after_five_failures(client, auth, world):
    for _ in range(5):
        assert auth.login("member", "bad-guess").status_code == 200
    response = auth.login("member")  # even the right password is refused now
    assert response.status_code == 429
    assert "15 分钟" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    # another account from the same address is not locked by her failures
    assert auth.login("other").status_code == 302


def test_success_clears_the_account_count(client, auth, world):
    for _ in range(4):
        auth.login("member", "bad-guess")
    assert auth.login("member").status_code == 302
    auth.logout()
    for _ in range(4):
        auth.login("member", "bad-guess")
    assert auth.login("member").status_code == 302


def test_address_throttled_across_accounts(app, client, auth, world):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "3 per 15 minutes"
    throttle.init_app(app)
    for name in ("a1", "a2", "a3"):
        auth.login(name, "bad-guess")
    assert auth.login("member").status_code == 429
    other_address = app.test_client()
    html = other_address.get("/auth/login").get_data(as_text=True)
    response = other_address.post(
        "/auth/login",
        data={"username": "member", "password": PASSWORD, "csrf_token": csrf_from(html)},
        environ_base={"REMOTE_ADDR": "10.9.8.7"},
    )
    assert response.status_code == 302


# --- language --------------------------------------------------------------------------


def test_switch_to_english_and_back(app, client, auth, world):
    auth.login("member")
    html = client.get("/").get_data(as_text=True)
    client.post("/auth/locale", data={"csrf_token": csrf_from(html), "locale": "en", "next": "/"})
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in html and "What I still owe" in html
    with app.app_context():
        assert db.session.get(Account, world["member"].id).locale == "en"
    client.post("/auth/locale", data={"csrf_token": csrf_from(html), "locale": "zh_Hans_CN"})
    assert "我还欠的" in client.get("/").get_data(as_text=True)


def test_anonymous_language_switch_and_bad_locale(client):
    html = client.get("/auth/login").get_data(as_text=True)
    token = csrf_from(html)
    client.post("/auth/locale", data={"csrf_token": token, "locale": "en", "next": "/auth/login"})
    assert '<html lang="en">' in client.get("/auth/login").get_data(as_text=True)
    response = client.post("/auth/locale", data={"csrf_token": token, "locale": "xx"})
    assert response.status_code == 302
    assert '<html lang="en">' in client.get("/auth/login").get_data(as_text=True)


def test_account_page(client, auth, world):
    auth.login("chair")
    html = client.get("/auth/account").get_data(as_text=True)
    assert "张敏" in html and "主席" in html and "甲村" in html


def test_throttle_is_shared_between_workers_through_redis(app, world):
    """Two server processes (two apps) count failures together when Redis holds the counts."""
    import os

    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("Redis: set TEST_REDIS_URL, e.g. redis://127.0.0.1:6379/15 (CI does)")
    import redis

    redis.Redis.from_url(url).flushdb()
    first = throttle.LoginThrottle(url, "3 per 15 minutes", "100 per 15 minutes")
    second = throttle.LoginThrottle(url, "3 per 15 minutes", "100 per 15 minutes")
    first.failed("member", "10.0.0.1")
    second.failed("member", "10.0.0.2")
    assert not second.blocked("member", "10.0.0.3")
    first.failed("member", "10.0.0.1")
    assert second.blocked("member", "10.0.0.3")
    redis.Redis.from_url(url).flushdb()
