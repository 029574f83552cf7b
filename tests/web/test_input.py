"""What the pages refuse at their boundary (issue 16): invisible control characters in any
field, dates not written YYYY-MM-DD, decimals that are not numbers; a refused form keeps
the rest of her input and says why in her language. Exports and pages never fail on text
stored before the rule, and an error page after a failed write is still a page."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from fieldlog.extensions import db
from fieldlog.models import Log, Meeting
from tests.conftest import PASSWORD
from tests.web.helpers import open_form
from tests.web.test_html import _check

pytestmark = pytest.mark.usefixtures("frozen")

TODAY = "2026-09-20"  # the frozen clock's day
CONTROL_ZH = "这里不能有看不见的控制字符，请删掉后再保存。"
CONTROL_EN = "This cannot contain invisible control characters."
STORED = "走访\x0b三户\x1b[0m，\x7f谈心"  # as older versions stored it


def _logs(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Log))


def _new_log(client, duty: str = "contact", **fields):
    url = f"/logs/new/{duty}"
    _html, hidden = open_form(client, url)
    data = {"happened_on": TODAY, "method": "visit", "women_count": "3", "place": "三组"}
    return client.post(url, data={**hidden, **data, **fields})


def _errors_of(html: str, name: str) -> str:
    """The text of the field's error list (the form macro's ``<name>-errors``)."""
    match = re.search(rf'id="{name}-errors"[^>]*>(.*?)</', html, re.S)
    return match.group(1) if match else ""


@pytest.mark.parametrize("bad", ["\x0b", "\x1b", "\x00", "\x85", "甲\r乙"])
def test_a_log_with_control_characters_is_refused_and_her_input_kept(app, client, auth, world, bad):
    auth.login("member")
    response = _new_log(client, notes=f"谈心{bad}记录", topic="家庭教育")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    _check(html)  # what she typed is shown again without the characters HTML cannot hold
    assert CONTROL_ZH in html
    assert 'value="家庭教育"' in html and 'value="三组"' in html
    assert _logs(app) == 0


def test_the_message_is_in_english_for_english_readers(app, client, auth, world):
    auth.login("member")
    with client.session_transaction() as session:
        session["locale"] = "en"
    response = _new_log(client, place="三\x1b组")
    assert response.status_code == 422 and CONTROL_EN in response.get_data(as_text=True)


@pytest.mark.parametrize("day", ["2026-9-1", "2026-09-1", "20260901", "2026/09/01"])
def test_a_log_date_not_written_yyyy_mm_dd_is_refused(app, client, auth, world, day):
    auth.login("member")
    response = _new_log(client, happened_on=day)
    assert response.status_code == 422
    assert "请按“年-月-日”填写日期" in response.get_data(as_text=True)
    assert _logs(app) == 0


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("NaN", "请填写数字，例如 2.5。"),
        ("sNaN", "请填写数字，例如 2.5。"),
        ("Infinity", "请填写数字，例如 2.5。"),
        ("0.01", "以半小时为单位"),
        ("1e-320", "以半小时为单位"),
        ("2.25", "以半小时为单位"),
        ("100.5", "以半小时为单位"),
    ],
)
def test_volunteer_hours_are_half_hours_from_half_an_hour_to_100(
    app, client, auth, world, hours, message
):
    auth.login("member")
    response = _new_log(client, "volunteer", volunteer_activity="敬老院", volunteer_hours=hours)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _logs(app) == 0


def test_fields_the_duty_does_not_ask_for_are_not_read(app, client, auth, world):
    auth.login("member")
    response = _new_log(client, volunteer_hours="NaN", proposal_status="nonsense\x1b")
    assert response.status_code == 302
    with app.app_context():
        log = db.session.scalars(select(Log)).one()
        assert log.volunteer_hours is None and log.proposal_status is None


def test_a_meeting_with_control_characters_is_refused(app, client, auth, world):
    auth.login("chair")
    url = f"/meetings/committee/{world['village_a'].id}/new"
    _html, hidden = open_form(client, url)
    data = {
        "held_on": "2026-09-13",
        "kind": "committee",
        "topics": "部署\x1b活动",
        "decisions": "每人走访五户",
        f"status_{world['member'].id}": "present",
        f"status_{world['other_member'].id}": "excused",
        f"reason_{world['other_member'].id}": "外出\x08务工",
        f"status_{world['chair'].id}": "present",
    }
    html = client.post(url, data={**hidden, **data}).get_data(as_text=True)
    assert CONTROL_ZH in _errors_of(html, "topics")
    assert CONTROL_ZH in _errors_of(html, f"reason_{world['other_member'].id}")
    assert "每人走访五户" in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Meeting)) == 0


def test_a_query_string_with_a_control_character_is_refused_with_the_reason(client, auth, world):
    auth.login("member")
    response = client.get("/logs/?duty=contact%00")
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert CONTROL_ZH in response.get_data(as_text=True)


# Text stored before the rule ---------------------------------------------------------------


@pytest.fixture
def stored(make_log, world):
    return make_log(
        world["member"], "contact", date(2025, 5, 6), method="visit", women_count=2,
        notes=STORED, topic="议题\x1f", place="三\x01组",  # PostgreSQL cannot store a NUL
    )  # fmt: skip


def test_pages_show_stored_text_without_control_characters(client, auth, stored):
    auth.login("member")
    response = client.get(f"/logs/{stored.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    _check(html)
    assert "三户[0m，谈心" in html


def test_her_record_book_xlsx_opens_with_stored_control_characters(client, auth, world, stored):
    for who in ("member", "chair"):
        auth.login(who)
        response = client.get(f"/books/{world['member'].id}/2025.xlsx")
        assert response.status_code == 200, who
        book = load_workbook(io.BytesIO(response.data))
        cells = [str(c.value) for s in book.worksheets for row in s.iter_rows() for c in row]
        assert "走访三户[0m，\x7f谈心" in cells and "三组" in cells  # XML carries DEL
        auth.logout()


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_ledgers_export_stored_control_characters(client, auth, world, stored, kind):
    auth.login("chair")
    url = f"/ledgers/committee/{world['village_a'].id}"
    _html, hidden = open_form(client, url)
    response = client.post(url, data={**hidden, "span": "2025", kind: "1"}, buffered=True)
    assert response.status_code == 200
    if kind == "csv":
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
        text = response.data.decode("utf-8-sig")
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", text)
        assert any("三户[0m" in cell for row in csv.reader(io.StringIO(text)) for cell in row)
    else:
        book = load_workbook(io.BytesIO(response.data))
        cells = [str(c.value) for s in book.worksheets for row in s.iter_rows() for c in row]
        assert any("三户[0m" in cell for cell in cells)


def test_her_record_book_pdf_draws_stored_control_characters(client, auth, world, stored):
    from tests.pdftools import need_pdf_tools

    need_pdf_tools()
    auth.login("member")
    response = client.get(f"/books/{world['member'].id}/2025.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")


# An error after a failed write --------------------------------------------------------------


def _failing_write(*_args, **_kwargs):
    """A write the database refuses (a log without its required columns)."""
    db.session.add(Log(client_id="x"))
    db.session.flush()


def test_an_error_page_after_a_failed_write_is_still_a_page(app, client, auth, world, monkeypatch):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    auth.login("member")
    monkeypatch.setattr("fieldlog.photos.entry.create_with_photos", _failing_write)
    response = _new_log(client)
    assert response.status_code == 500 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "出错了" in html and "我的记录" in html  # her menu: the page still reads her account
    assert _logs(app) == 0


def test_a_report_with_a_nul_is_a_field_error_not_a_crash(app, client, auth, world):
    from fieldlog.models import Account, Organisation, ReviewEntry
    from fieldlog.review import service

    with app.app_context():
        chair = db.session.get(Account, world["chair"].id)
        org = db.session.get(Organisation, world["village_a"].id)
        round_id = service.open_round(chair, org, "2026H1", date(2026, 9, 20)).id
        db.session.commit()
    auth.login("member")
    url = f"/review/{round_id}/report"
    _html, hidden = open_form(client, url)
    response = client.post(url, data={**hidden, "body": "述职\x00报告", "action": "submit"})
    assert response.status_code == 422
    assert CONTROL_ZH in _errors_of(response.get_data(as_text=True), "body")
    with app.app_context():
        entry = db.session.scalars(
            select(ReviewEntry).filter_by(round_id=round_id, account_id=world["member"].id)
        ).one()
        assert entry.report_submitted_at is None


def test_an_api_error_after_a_failed_write_is_json_and_the_next_call_works(
    app, client, auth, world, monkeypatch
):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    login = client.post("/api/v1/login", json={"username": "member", "password": PASSWORD})
    token = login.get_json()["csrf_token"]
    monkeypatch.setattr("fieldlog.logs.service.create_log", _failing_write)
    body = {"duty": "contact", "client_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
            "happened_on": TODAY, "method": "visit", "women_count": 3}  # fmt: skip
    response = client.post("/api/v1/logs", json=body, headers={"X-CSRFToken": token})
    assert response.status_code == 500 and set(response.get_json()) == {"error", "fields"}
    assert client.get("/api/v1/me").status_code == 200


MALFORMED = (
    b'--b\r\nContent-Disposition: form-data; name="n\\"\r\n\r\n{}\r\n'
    b'--b\r\nContent-Disposition: form-data; name="client_id"\r\n\r\nx\r\n--b--\r\n'
)


@pytest.mark.parametrize("path", ["/logs/new/contact", "/api/v1/logs/1/photos", "/auth/login"])
def test_a_multipart_part_without_a_readable_name_is_400(client, auth, world, path):
    auth.login("member")
    response = client.post(path, data=MALFORMED, content_type="multipart/form-data; boundary=b")
    assert response.status_code == 400
