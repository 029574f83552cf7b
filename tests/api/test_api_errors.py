"""Every API error is JSON ``{"error", "fields"}``; the site's pages keep their HTML errors."""

from __future__ import annotations

import pytest

from tests.api.conftest import BASE, assert_json_error


def test_unknown_api_url_is_json_404(api, world):
    api.login("member")
    assert_json_error(api.get("/nothing-here"), 404)


def test_wrong_method_is_json_405(api, world):
    api.login("member")
    assert_json_error(api.client.put(f"{BASE}/logs/1", json={}), 405)
    assert_json_error(api.client.get(f"{BASE}/logout"), 405)


def test_a_crash_is_json_500(app, api, world, monkeypatch):
    api.login("member")
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr("fieldlog.logs.queries.active_duties", broken)
    body = assert_json_error(api.get("/duty-types"), 500)
    assert "boom" not in body["error"]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/me", 401),
        ("get", "/logs", 401),
        ("get", "/logs/1", 401),
        # A missing login is named before a missing CSRF token.
        ("post", "/logs", 401),
        ("patch", "/logs/1", 401),
        ("delete", "/logs/1", 401),
        ("post", "/logout", 401),
    ],
)
def test_anonymous_calls_get_json_not_a_redirect(client, world, method, path, status):
    response = getattr(client, method)(f"{BASE}{path}", json={})
    assert_json_error(response, status)
    assert "Location" not in response.headers


def test_api_responses_are_not_cached(api, world):
    api.login("member")
    assert api.get("/me").headers["Cache-Control"] == "no-store"


def test_pages_keep_html_errors(client, world):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
