"""Helpers for driving pages through the test client."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask.testing import FlaskClient

from tests.conftest import csrf_from
from tests.fixtures.clock import pinned_today

CLIENT_ID_RE = re.compile(r'name="client_id" type="hidden" value="([^"]*)"')


def local_today() -> date:
    """The run's pinned day (``--today``), never the real one. Prefer the ``today`` fixture:
    it marks the test ``dated``, so that CI runs it on other days too."""
    return pinned_today()


def open_form(client: FlaskClient, url: str) -> tuple[str, dict[str, str]]:
    """GET a form page; returns its HTML and the hidden fields to post back."""
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    html = page.get_data(as_text=True)
    hidden = {"csrf_token": csrf_from(html)}
    match = CLIENT_ID_RE.search(html)
    if match:
        hidden["client_id"] = match.group(1)
    return html, hidden


def submit(client: FlaskClient, url: str, data: dict, **kw):
    """Open the form at ``url`` and post ``data`` with its hidden fields."""
    _html, hidden = open_form(client, url)
    return client.post(url, data={**hidden, **data}, **kw)


OTP_RE = re.compile(r'class="one-time-password" lang="en"><span>([^<]+)</span>')


@pytest.fixture
def english(client: FlaskClient) -> None:
    """Pages in English, so the assertions read the msgids (the catalogue may change)."""
    with client.session_transaction() as session:
        session["locale"] = "en"
