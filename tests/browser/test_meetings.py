"""A chair records a committee meeting with attendance on a phone."""

from __future__ import annotations

import os
from pathlib import Path

from tests.browser.conftest import layout_problems, login

SHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def test_chair_records_a_meeting_on_a_phone(phone, live_demo):
    login(phone, live_demo.url, live_demo.username("主席"))
    phone.goto(f"{live_demo.url}/committee/")
    phone.wait_for_load_state()
    org_id = phone.url.rstrip("/").rsplit("/", 1)[1]
    phone.goto(f"{live_demo.url}/meetings/committee/{org_id}/new")
    phone.wait_for_load_state()
    assert layout_problems(phone) == []
    if os.environ.get("FIELDLOG_SCREENSHOTS"):
        SHOTS.mkdir(exist_ok=True)
        phone.screenshot(path=str(SHOTS / "meeting-form.png"), full_page=True)
    phone.click("button.primary")
    phone.wait_for_load_state()
    assert phone.locator(".flash-success").count() == 1
    assert layout_problems(phone) == []
