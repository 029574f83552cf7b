"""A village chair moves a member to another community of her township, on a phone."""

from __future__ import annotations

import os
from pathlib import Path

from tests.browser.conftest import layout_problems, login

SHOTS = Path(__file__).resolve().parents[2] / "screenshots"
MOVED = "林晓燕"


def _chair_of(live_demo, org: str) -> str:
    return next(row[1] for row in live_demo.logins if row[0] == "主席" and row[3] == org)


def _shoot(page, name: str) -> None:
    if os.environ.get("FIELDLOG_SCREENSHOTS"):
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_chair_moves_a_member_on_a_phone(phone, live_demo):
    login(phone, live_demo.url, _chair_of(live_demo, "石桥村"))
    phone.goto(f"{live_demo.url}/committee/")
    phone.wait_for_load_state()
    row = phone.locator(".member-row", has_text=MOVED)
    assert layout_problems(phone) == []
    row.get_by_role("link", name="调动", exact=True).click()
    phone.wait_for_load_state()
    assert f"把{MOVED}调动到其他执委会" in phone.locator("h1").inner_text()
    assert layout_problems(phone) == []
    options = phone.locator("#organisation_id option").all_inner_texts()
    assert "新华社区" in options and "桃源村" in options and "石桥村" not in options
    phone.select_option("#organisation_id", label="新华社区")
    phone.fill("#reason", "家搬到了新华社区")
    _shoot(phone, "move-member")
    phone.get_by_role("button", name="确认调动").click()
    phone.wait_for_load_state()
    assert phone.locator(".flash-success").inner_text().startswith(f"{MOVED}已调动到新华社区")
    moved_row = phone.locator(".member-row", has_text=MOVED)
    assert "调动到其他执委会" in moved_row.inner_text()
    assert moved_row.get_by_role("link", name="调动", exact=True).count() == 0
    assert layout_problems(phone) == []
    # 新华社区's chair now finds her on her committee.
    phone.context.clear_cookies()
    login(phone, live_demo.url, _chair_of(live_demo, "新华社区"))
    phone.goto(f"{live_demo.url}/committee/")
    phone.wait_for_load_state()
    assert "从其他执委会调入" in phone.locator(".member-row", has_text=MOVED).inner_text()
