"""The ``api`` helper: logs in through POST /api/v1/login and sends the CSRF header on writes."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from fieldlog.timeutil import local_today
from tests.conftest import PASSWORD

BASE = "/api/v1"

# A valid body for each of the seven ones: the fields each duty requires, and a few more.
DUTY_BODIES: dict[str, dict[str, Any]] = {
    "contact": {"method": "visit", "women_count": 3, "place": "三组", "women_names": "李大姐"},
    "talk": {"topic": "反家暴法", "women_count": 12, "method": "meeting"},
    "survey": {"method": "phone", "needs": "想学电商技能", "women_count": 5},
    "proposal": {"topic": "托育", "proposal_text": "在村委会开设四点半课堂"},
    "help": {"help_target": "left_behind", "help_kind": "辅导作业", "women_names": "小红"},
    "volunteer": {"volunteer_activity": "敬老院义务理发", "volunteer_hours": 2.5},
    "record_book": {"notes": "全年记录已整理"},
}


class ApiClient:
    """JSON calls on the test client; writes carry the token from /me as X-CSRFToken."""

    def __init__(self, client: FlaskClient, tz_name: str) -> None:
        self.client = client
        self.tz_name = tz_name
        self.token: str | None = None

    @property
    def today(self) -> date:
        """Today as the app sees it now (the pinned clock, or ``frozen`` where a test uses it)."""
        return local_today(self.tz_name)

    def login(self, username: str, password: str = PASSWORD) -> TestResponse:
        response = self.client.post(
            f"{BASE}/login", json={"username": username, "password": password}
        )
        if response.status_code == 200:
            self.token = self.get("/me").get_json()["csrf_token"]
        return response

    def _headers(self, csrf: bool) -> dict[str, str]:
        return {"X-CSRFToken": self.token} if csrf and self.token else {}

    def get(self, path: str, **params: Any) -> TestResponse:
        return self.client.get(f"{BASE}{path}", query_string=params)

    def post(self, path: str, body: Any = None, csrf: bool = True) -> TestResponse:
        return self.client.post(f"{BASE}{path}", json=body, headers=self._headers(csrf))

    def patch(self, path: str, body: Any = None, csrf: bool = True) -> TestResponse:
        return self.client.patch(f"{BASE}{path}", json=body, headers=self._headers(csrf))

    def delete(self, path: str, csrf: bool = True) -> TestResponse:
        return self.client.delete(f"{BASE}{path}", headers=self._headers(csrf))

    def log_body(self, duty: str = "contact", **changes: Any) -> dict[str, Any]:
        """A valid POST /logs body for ``duty``, with a fresh client_id."""
        body = {"duty": duty, "client_id": str(uuid.uuid4()), "happened_on": self.day(0)}
        return {**body, **DUTY_BODIES.get(duty, {}), **changes}

    def create(self, duty: str = "contact", **changes: Any) -> dict[str, Any]:
        """Create a log through the API and return its JSON (asserting 201)."""
        response = self.post("/logs", self.log_body(duty, **changes))
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def day(self, days_ago: int) -> str:
        """An ISO date ``days_ago`` days before today in the federation's timezone."""
        return (self.today - timedelta(days=days_ago)).isoformat()


@pytest.fixture
def api(app, client: FlaskClient) -> ApiClient:
    """An API client on the test's ``client`` (log in with ``api.login(username)``)."""
    return ApiClient(client, app.config["TIMEZONE"])


@pytest.fixture
def api_as(app):
    """``api_as("chair")``: a fresh client, with its own cookies, logged in as that account."""

    def make(username: str) -> ApiClient:
        other = ApiClient(app.test_client(), app.config["TIMEZONE"])
        assert other.login(username).status_code == 200
        return other

    return make


def assert_json_error(response: TestResponse, status: int) -> dict[str, Any]:
    """The response is our JSON error shape with ``status``; returns its body."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["fields"], dict)
    return body
