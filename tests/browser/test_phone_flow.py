"""A demo member on a 390x844 phone logs each of her seven ones."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.conftest import layout_problems, login

SHOTS = Path(__file__).resolve().parents[2] / "screenshots"

# What she types into each duty's form, beyond the prefilled date and method.
STEPS = {
    "contact": [("fill", "#women_count", "4"), ("fill", "#place", "二组院坝")],
    "talk": [("fill", "#topic", "宣讲家庭教育促进法"), ("fill", "#women_count", "18")],
    "survey": [("fill", "#needs", "希望村里开办电商培训")],
    "proposal": [
        ("fill", "#topic", "电商培训"),
        ("fill", "#proposal_text", "建议联系镇里开办电商培训班"),
    ],
    "help": [
        ("check", "label.choice:has(input[value=left_behind])", None),
        ("fill", "#help_kind", "辅导功课、送去冬衣"),
    ],
    "volunteer": [
        ("fill", "#volunteer_activity", "敬老院义务理发"),
        ("fill", "#volunteer_hours", "3"),
    ],
    "record_book": [("fill", "#notes", "整理十一月的联系记录")],
}


def _shoot(page, name: str) -> None:
    if os.environ.get("FIELDLOG_SCREENSHOTS"):
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _member(live_demo) -> str:
    return live_demo.username("执委")


def test_member_logs_each_of_the_seven_ones(phone, live_demo):
    login(phone, live_demo.url, _member(live_demo))
    assert phone.locator("h1").first.inner_text().endswith("您好")
    assert layout_problems(phone) == []
    _shoot(phone, "home")
    for code, steps in STEPS.items():
        phone.goto(f"{live_demo.url}/logs/new/{code}")
        assert layout_problems(phone) == [], code
        for action, selector, value in steps:
            if action == "fill":
                phone.fill(selector, value)
            else:
                phone.click(selector)
        _shoot(phone, f"form-{code}")
        phone.click("button.primary")
        phone.wait_for_url(f"{live_demo.url}/")
        assert phone.locator(".flash-success").count() == 1, code
    phone.goto(f"{live_demo.url}/logs/")
    assert layout_problems(phone) == []
    _shoot(phone, "logs")
    rows = phone.locator(".log-row").all_inner_texts()
    assert any("宣讲家庭教育促进法" in r for r in rows)


def test_form_errors_keep_input_on_a_phone(phone, live_demo):
    login(phone, live_demo.url, _member(live_demo))
    phone.goto(f"{live_demo.url}/logs/new/talk")
    phone.fill("#topic", "")
    phone.fill("#women_count", "12")
    phone.fill("#notes", "先保存的备注")
    phone.click("button.primary")
    assert phone.locator(".field-errors").count() >= 1
    assert phone.input_value("#notes") == "先保存的备注"
    assert phone.input_value("#women_count") == "12"
    assert layout_problems(phone) == []
    _shoot(phone, "form-errors")


@pytest.mark.parametrize("path", ["/auth/login"])
def test_login_page_fits_a_phone(phone, live_demo, path):
    phone.goto(f"{live_demo.url}{path}")
    assert layout_problems(phone) == []
    _shoot(phone, "login")


def test_chair_committee_page_fits_a_phone(phone, live_demo):
    login(phone, live_demo.url, live_demo.username("主席"))
    phone.goto(f"{live_demo.url}/committee/")
    assert phone.locator(".member-row").count() >= 5
    assert layout_problems(phone) == []
    _shoot(phone, "committee")


def test_admin_pages_fit_a_phone(phone, live_demo):
    login(phone, live_demo.url, live_demo.username("管理员"))
    phone.goto(f"{live_demo.url}/admin/")
    assert layout_problems(phone) == []
    _shoot(phone, "admin-index")
    phone.locator("a[href^='/admin/orgs/']").nth(1).click()
    phone.wait_for_load_state()
    assert layout_problems(phone) == []
    _shoot(phone, "admin-org")
    phone.locator("a[href^='/admin/accounts/']").first.click()
    phone.wait_for_load_state()
    assert layout_problems(phone) == []
    _shoot(phone, "admin-account")
