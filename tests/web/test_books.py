"""Record books through the client: her page, submission and its window, the chair's view and
reopening, the files (PDF read back with pdftotext, XLSX with openpyxl, the ZIP), the
tracker following submission, access for every route, the audit trail.

The clock is frozen at 20 Sept 2026: the 2025 book can be handed in (late), the 2026 one
only from 1 December. PDF tests need WeasyPrint's Pango, a Chinese font (fonts-noto-cjk)
and poppler-utils; elsewhere they skip with the reason.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from fieldlog import pdf
from fieldlog.extensions import db
from fieldlog.models import (
    Attendance,
    AuditEntry,
    Meeting,
    Photo,
    RecordBook,
    ReviewEntry,
    ReviewRound,
)
from tests.api.conftest import ApiClient
from tests.conftest import AuthActions, csrf_from
from tests.fixtures.clock import at_noonish
from tests.pdftools import need_pdf_tools, pdf_text, run
from tests.web.test_html import _check

pytestmark = pytest.mark.usefixtures("frozen")

YEAR = 2025
NAMES_CONTACT, NAMES_HELP = "张桂兰、刘小梅", "王秀珍"


# --- fixtures and helpers ---------------------------------------------------------------------


@pytest.fixture
def year_logs(app, world, make_log):
    """王芳's 2025: a contact (names, a formula-like note), a proposal answered, help given
    (names), volunteer service, and a contact entered late; plus a deleted one."""
    member = world["member"]
    logs = [
        make_log(
            member,
            "contact",
            date(2025, 2, 10),
            method="visit",
            place="三组",
            women_count=6,
            topic="家庭教育",
            women_names=NAMES_CONTACT,
            notes="=SUM(A1) 走访了两户",
            created_at=at_noonish(date(2025, 2, 10)),
        ),
        make_log(
            member,
            "proposal",
            date(2025, 5, 6),
            topic="修路",
            proposal_text="建议修建通往小学的便道",
            proposal_status="answered",
            proposal_answer="已列入明年计划",
            created_at=at_noonish(date(2025, 5, 7)),
        ),
        make_log(
            member,
            "help",
            date(2025, 8, 15),
            help_target="left_behind",
            help_kind="送去米面油",
            place="五组",
            women_names=NAMES_HELP,
            created_at=at_noonish(date(2025, 8, 15)),
        ),
        make_log(
            member,
            "volunteer",
            date(2025, 11, 2),
            volunteer_activity="清扫公园",
            volunteer_hours=Decimal("2.5"),
            women_count=12,
            created_at=at_noonish(date(2025, 11, 2)),
        ),
        make_log(
            member,
            "contact",
            date(2025, 12, 30),
            method="phone",
            women_count=2,
            created_at=at_noonish(date(2026, 1, 10)),  # entered after the quarter
        ),
    ]
    make_log(
        member,
        "contact",
        date(2025, 3, 3),
        method="visit",
        women_count=1,
        notes="已删除的记录",
        deleted_at=datetime(2025, 3, 4, tzinfo=UTC),
    )
    return logs


def _book(app, member, year=YEAR, *, submitted=True, names=False, at=None):
    """A record book row as if she had submitted it (``at``) or only saved her choice."""
    with app.app_context():
        book = RecordBook(
            account_id=member.id,
            year=year,
            include_names=names,
            submitted_at=(at or datetime(2026, 1, 5, 2, 0, tzinfo=UTC)) if submitted else None,
            submitted_by_id=member.id if submitted else None,
        )
        db.session.add(book)
        db.session.commit()
        return book.id


def _book_row(app, member, year=YEAR):
    with app.app_context():
        return db.session.scalars(
            select(RecordBook).filter_by(account_id=member.id, year=year)
        ).first()


def _post_mine(client, year, **data):
    page = client.get(f"/books/mine?year={year}")
    assert page.status_code == 200
    form = {"csrf_token": csrf_from(page.get_data(as_text=True)), **data}
    return client.post(f"/books/mine?year={year}", data=form)


def _reopen(client, member_id, reason, year=YEAR):
    page = client.get(f"/books/{member_id}/{year}/reopen")
    token = csrf_from(page.get_data(as_text=True))
    return client.post(
        f"/books/{member_id}/{year}/reopen", data={"csrf_token": token, "reason": reason}
    )


def _client_as(app, username: str):
    """A fresh client logged in as ``username`` (one login per client)."""
    other = app.test_client()
    AuthActions(other).login(username)
    return other


def _flat(text: str) -> str:
    return "".join(text.split())


# --- her page and submission -------------------------------------------------------------------


def test_her_page_previews_the_book(client, auth, world, year_logs):
    auth.login("member")
    response = client.get(f"/books/mine?year={YEAR}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    _check(html)
    assert "我的工作记录册" in html and "2025年度工作记录册" in html
    assert "尚未提交" in html
    assert "共 5 条" in html  # the deleted one is left out
    assert "建议 1 条" in html and "帮扶 1 次" in html
    assert f'href="/books/{world["member"].id}/2025.pdf"' in html
    assert f'href="/books/{world["member"].id}/2025.xlsx"' in html
    assert "提交工作记录册" in html  # 2025's book can still be handed in (late)
    assert "现在提交计为补交" in html


def test_before_the_opening_day_submission_is_refused(app, client, auth, world, year_logs):
    auth.login("member")
    page = client.get("/books/mine?year=2026").get_data(as_text=True)
    assert "2026年12月1日起可以提交" in page
    assert "提交工作记录册" not in page  # no submit button yet
    response = _post_mine(client, 2026, submit="1", include_names="y")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "2026年度工作记录册自2026年12月1日起可以提交。" in html
    assert 'checked id="include_names"' in html  # her input kept
    book = _book_row(app, world["member"], 2026)
    assert book is None or not book.is_submitted


def test_the_opening_day_is_configurable(app, client, auth, world):
    app.config["RECORD_BOOK_OPENS"] = (9, 1)
    auth.login("member")
    response = _post_mine(client, 2026, submit="1")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/books/mine?year=2026")
    assert _book_row(app, world["member"], 2026).is_submitted
    app.config["RECORD_BOOK_OPENS"] = [9, 21]  # from the environment, JSON gives a list
    response = _post_mine(_client_as(app, "other"), 2026, submit="1")
    assert response.status_code == 422
    assert "2026年9月21日起可以提交" in response.get_data(as_text=True)


def test_a_book_two_years_old_is_closed(app, client, auth, world):
    auth.login("member")
    response = client.get("/books/mine?year=2024")
    assert response.status_code == 200
    assert "这本记录册已不能再提交。" in response.get_data(as_text=True)
    assert "提交工作记录册" not in response.get_data(as_text=True)
    response = _post_mine(client, 2024, submit="1")
    assert response.status_code == 422
    assert "2024年度工作记录册的提交截止于2025年12月31日，现已关闭。" in response.get_data(
        as_text=True
    )


def test_submitting_saves_her_choice_and_is_audited(app, client, auth, world, year_logs):
    auth.login("member")
    response = _post_mine(client, YEAR, submit="1", include_names="y")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2025年度工作记录册已提交，谢谢！" in page
    assert "已于 2026-09-20 10:00 提交" in page
    book = _book_row(app, world["member"], YEAR)
    assert book.is_submitted and book.include_names
    assert book.submitted_by_id == world["member"].id
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).filter_by(entity="record_book")).one()
        assert (entry.action, entry.entity_id, entry.actor_id) == (
            "submit",
            book.id,
            world["member"].id,
        )
        assert entry.changes["year"] == [None, YEAR]
        assert entry.changes["include_names"] == [False, True]
    token = csrf_from(client.get("/auth/account").get_data(as_text=True))
    again = client.post(f"/books/mine?year={YEAR}", data={"csrf_token": token, "submit": "1"})
    assert again.status_code == 422
    assert "这本记录册已经提交。" in again.get_data(as_text=True)
    assert _book_row(app, world["member"], YEAR).submitted_at == book.submitted_at


def test_saving_the_names_choice_alone(app, client, auth, world):
    auth.login("member")
    response = _post_mine(client, YEAR, save="1", include_names="y")
    assert response.status_code == 302
    book = _book_row(app, world["member"], YEAR)
    assert book.include_names and not book.is_submitted
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).filter_by(entity="record_book")).one()
        assert entry.action == "update" and entry.changes == {"include_names": [False, True]}


def test_someone_never_on_a_committee_has_no_book(client, auth, world):
    auth.login("admin")
    assert client.get("/books/mine").status_code == 404


def test_a_year_she_was_not_on_the_committee_is_not_found(app, client, auth, world):
    auth.login("member")
    assert client.get("/books/mine?year=2019").status_code == 404
    token = csrf_from(client.get("/books/mine").get_data(as_text=True))
    response = client.post("/books/mine?year=2019", data={"csrf_token": token, "submit": "1"})
    assert response.status_code == 404
    with app.app_context():
        assert db.session.scalars(select(RecordBook)).first() is None


def test_the_page_offers_last_years_book_until_this_years_opens(client, auth, world):
    auth.login("member")
    html = client.get("/books/mine").get_data(as_text=True)
    assert "2025年度工作记录册" in html
    assert '<a href="/books/mine?year=2025" aria-current="page">2025</a>' in html


# --- the tracker follows the book ---------------------------------------------------------------


OWED_BOOK = re.compile(r'<li class="duty owed [^"]*" data-duty="record_book" data-period="2026">')
YEAR_CELL = re.compile(
    r'<td colspan="\d+" class="([^"]*)" data-duty="record_book" data-period="2026">'
)


def _book_cell(html: str, name: str) -> str:
    """The chair grid's record-book cell (the last column) of the member named ``name``."""
    row = html[html.index(f">{name}</a>") :]
    row = row[: row.index("</tr>")]
    return row[row.rindex('<td class="cg-cell') :]


def test_submission_completes_the_duty_everywhere_and_reopening_undoes_it(app, client, auth, world):
    app.config["RECORD_BOOK_OPENS"] = (9, 1)
    member = world["member"]
    auth.login("member")
    home = client.get("/").get_data(as_text=True)
    assert OWED_BOOK.search(home)  # in her list of what she still owes
    assert _post_mine(client, 2026, submit="1").status_code == 302

    home = client.get("/").get_data(as_text=True)
    assert not OWED_BOOK.search(home)
    assert YEAR_CELL.search(home).group(1).startswith("yr yr-done")
    assert "已于 2026-09-20 提交" in home
    assert 'href="/books/mine?year=2026"' in home  # the duty card opens her book

    api = ApiClient(app.test_client(), date(2026, 9, 20))
    api.login("member")
    body = api.get("/tracker/me").get_json()
    book_cell = next(r for r in body["grid"] if r["duty"] == "record_book")["periods"][0]
    assert book_cell["status"] == "done" and book_cell["last_on"] == "2026-09-20"
    assert book_cell["late"] == 0

    chair = _client_as(app, "chair")
    grid = chair.get(f"/tracker/committee/{world['village_a'].id}?quarter=2026Q3")
    assert "status-done" in _book_cell(grid.get_data(as_text=True), "王芳")
    chair_api = ApiClient(app.test_client(), date(2026, 9, 20))
    chair_api.login("chair")
    body = chair_api.get("/tracker", org=world["village_a"].id, period="2026Q3").get_json()
    mine = next(m for m in body["members"] if m["id"] == member.id)
    assert mine["cells"][-1]["status"] == "done"

    assert _reopen(chair, member.id, "请补充第三季度走访记录", 2026).status_code == 302
    grid = chair.get(f"/tracker/committee/{world['village_a'].id}?quarter=2026Q3")
    assert "status-done" not in _book_cell(grid.get_data(as_text=True), "王芳")
    body = api.get("/tracker/me").get_json()
    book_cell = next(r for r in body["grid"] if r["duty"] == "record_book")["periods"][0]
    assert book_cell["status"] == "open"
    assert OWED_BOOK.search(client.get("/").get_data(as_text=True))


def test_a_book_handed_in_after_the_year_is_done_and_marked_late(app, world):
    from fieldlog.models import Account
    from fieldlog.tracker import service

    _book(app, world["member"], 2025, at=datetime(2026, 1, 5, 2, 0, tzinfo=UTC))
    _book(app, world["other_member"], 2025, at=datetime(2025, 12, 20, 2, 0, tzinfo=UTC))
    with app.test_request_context():
        accounts = [db.session.get(Account, world[k].id) for k in ("member", "other_member")]
        years = service.members_years(accounts, 2025, date(2026, 9, 20))
        late, on_time = (years[a.id]["record_book"][0] for a in accounts)
        assert (late.status, late.late, late.last_on) == ("done", 1, date(2026, 1, 5))
        assert (on_time.status, on_time.late) == ("done", 0)
        chair_grid = service.grid([world["village_a"].id], _quarter("2025Q4"), date(2026, 9, 20))
        cells = {r.member.account_id: r.cells[-1] for r in chair_grid.rows}
        assert cells[world["member"].id].late == 1 and cells[world["member"].id].is_done
        assert cells[world["chair"].id].status == "overdue"


def _quarter(code):
    from fieldlog.periods import parse_period

    return parse_period(code)


@pytest.mark.parametrize("code", ["2025Q4", "2026Q3"])
def test_rollup_and_overdue_list_count_submitted_books(app, world, code):
    from fieldlog.models import Organisation
    from fieldlog.tracker import chair_data, rollups
    from tests.web.test_tracker_rollup_equivalence import _from_grid, _history_from_grids

    _book(app, world["member"], 2025)
    _book(app, world["member_a2"], 2025)
    _book(app, world["chair"], 2026)
    _book(app, world["other_member"], 2025, submitted=False)  # saved, never submitted
    today = date(2026, 9, 20)
    with app.test_request_context():
        township = db.session.get(Organisation, world["township_a"].id)
        fast = {r.org.id: r for r in rollups.rollup(township, _quarter(code), today)}
        village = fast[world["village_a"].id]
        assert village.done["record_book"] == 1
        assert {
            r.org.id: (r.members, dict(r.owed), dict(r.done), dict(r.overdue))
            for r in fast.values()
        } == _from_grid(township, _quarter(code), today)
        assert rollups.completion_history(township, today) == _history_from_grids(township, today)
        overdue = chair_data.overdue_of_year(world["village_a"].id, 2025, today)
        books_owed = {
            m.member.account_id for m in overdue for o in m.items if o.duty_code == "record_book"
        }
        assert books_owed == {world["other_member"].id, world["chair"].id}


def test_tracker_pages_keep_a_fixed_number_of_queries(
    app, client, auth, world, make_member, count_queries
):
    _book(app, world["member"], 2025)
    auth.login("chair")
    url = f"/tracker/committee/{world['village_a'].id}?quarter=2025Q4"
    client.get(url)
    with count_queries() as few:
        client.get(url)
    for i in range(6):
        extra = make_member(world["village_a"], username=f"bk{i}")
        _book(app, extra, 2025)
    with count_queries() as many:
        client.get(url)
    assert many.count == few.count


# --- the chair's view, reopening, logs added after submission ----------------------------------


def _member_row(html: str, member_id: int) -> str:
    """One member's item of the committee's list of books."""
    row = html[html.index(f'data-member="{member_id}"') :]
    end = row.find('<li class="book-row', 1)
    return row if end < 0 else row[:end]


def test_chair_sees_who_submitted_and_logs_added_after(app, client, auth, world, make_log):
    member = world["member"]
    _book(app, member, YEAR, at=datetime(2026, 1, 5, 2, 0, tzinfo=UTC))
    make_log(
        member,
        "contact",
        date(2025, 6, 1),
        method="visit",
        women_count=1,
        created_at=datetime(2026, 1, 4, tzinfo=UTC),
    )  # before: not flagged
    added = make_log(
        member,
        "talk",
        date(2025, 12, 28),
        topic="防诈骗",
        women_count=9,
        created_at=datetime(2026, 2, 1, tzinfo=UTC),
    )
    make_log(
        member,
        "talk",
        date(2025, 12, 29),
        topic="删掉的",
        women_count=1,
        created_at=datetime(2026, 2, 2, tzinfo=UTC),
        deleted_at=datetime(2026, 2, 3, tzinfo=UTC),
    )
    make_log(
        member,
        "contact",
        date(2026, 2, 1),
        method="visit",
        women_count=1,
        created_at=datetime(2026, 2, 1, tzinfo=UTC),
    )  # another year
    auth.login("chair")
    response = client.get(f"/books/committee/{world['village_a'].id}?year={YEAR}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    _check(html)
    assert "3 位执委中已有 1 位提交了记录册。" in html
    row = _member_row(html, member.id)
    assert "已于 2026-01-05 10:00 提交" in row
    assert "提交后又补充了 1 条2025年的记录" in row
    assert f'href="/logs/{added.id}"' in row and "2025-12-28" in row
    assert f'href="/books/{member.id}/2025/reopen"' in row
    assert "未提交" in _member_row(html, world["other_member"].id)


def test_reopen_needs_a_reason_and_is_audited(app, client, auth, world):
    member = world["member"]
    book_id = _book(app, member)
    auth.login("chair")
    response = _reopen(client, member.id, "   ")
    assert response.status_code == 422
    assert "请填写原因。" in response.get_data(as_text=True)
    response = _reopen(client, member.id, "长" * 201)
    assert response.status_code == 422
    assert "最多 200 字。" in response.get_data(as_text=True)
    assert _book_row(app, member).is_submitted
    response = _reopen(client, member.id, "请补充第四季度的走访记录")
    assert response.status_code == 302
    book = _book_row(app, member)
    assert not book.is_submitted
    assert book.reopen_reason == "请补充第四季度的走访记录"
    assert book.reopened_by_id == world["chair"].id
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).filter_by(entity="record_book")).one()
        assert (entry.action, entry.entity_id, entry.actor_id) == (
            "open",
            book_id,
            world["chair"].id,
        )
        assert entry.changes["reopen_reason"] == [None, "请补充第四季度的走访记录"]
    again = _reopen(client, member.id, "再来一次")
    assert again.status_code == 409
    her = _client_as(app, "member")
    page = her.get(f"/books/mine?year={YEAR}").get_data(as_text=True)
    assert "请补充第四季度的走访记录" in page and "提交工作记录册" in page
    assert _post_mine(her, YEAR, submit="1").status_code == 302
    assert _book_row(app, member).is_submitted


# --- the files ----------------------------------------------------------------------------------


ENTRY_HEADER = [
    "序号", "日期", "职责", "方式", "地点", "联系妇女人数", "主题", "收集到的需求", "建议内容",
    "办理状态", "妇联答复", "帮扶对象", "帮扶内容", "公益活动", "服务时长（小时）", "妇女姓名",
    "备注", "录入日期", "补记",
]  # fmt: skip


def _sheet_rows(data: bytes):
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["记录", "汇总"]
    entries = [list(r) for r in workbook["记录"].iter_rows(values_only=True)]
    summary = [list(r) for r in workbook["汇总"].iter_rows(values_only=True)]
    return workbook, entries, summary


def test_xlsx_cell_by_cell_with_names_when_she_chose_them(app, client, auth, world, year_logs):
    _book(app, world["member"], names=True)
    auth.login("member")
    response = client.get(f"/books/{world['member'].id}/{YEAR}.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith(
        f'attachment; filename="record-book-{world["member"].id}-2025.xlsx"'
    )
    workbook, entries, summary = _sheet_rows(response.data)
    assert entries[0] == ENTRY_HEADER
    d = lambda *a: datetime(*a)  # noqa: E731 - openpyxl reads dates back as datetimes
    assert entries[1:] == [
        [1, d(2025, 2, 10), "一次联系", "走访", "三组", 6, "家庭教育", None, None, None, None,
         None, None, None, None, NAMES_CONTACT, "'=SUM(A1) 走访了两户", d(2025, 2, 10), None],
        [2, d(2025, 5, 6), "一次建议", None, None, None, "修路", None, "建议修建通往小学的便道",
         "已答复", "已列入明年计划", None, None, None, None, None, None, d(2025, 5, 7), None],
        [3, d(2025, 8, 15), "一次帮扶", None, "五组", None, None, None, None, None, None,
         "留守妇女儿童", "送去米面油", None, None, NAMES_HELP, None, d(2025, 8, 15), None],
        [4, d(2025, 11, 2), "一次公益", None, None, 12, None, None, None, None, None, None, None,
         "清扫公园", 2.5, None, None, d(2025, 11, 2), None],
        [5, d(2025, 12, 30), "一次联系", "电话", None, 2, None, None, None, None, None, None,
         None, None, None, None, None, d(2026, 1, 10), "是"],
    ]  # fmt: skip
    sheet = workbook["记录"]
    assert sheet.freeze_panes == "A2" and sheet["B2"].is_date
    assert summary[0] == ["职责", "周期", "状态", "计入次数", "应完成次数", "补记"]
    rows = {(r[0], r[1]): r[2:] for r in summary[1:]}
    assert rows[("一次联系", "2025年第1季度")] == ["已完成", 1, 1, 0]
    assert rows[("一次联系", "2025年第2季度")] == ["逾期", 0, 1, 0]
    assert rows[("一次联系", "2025年第4季度")] == ["已完成", 1, 1, 1]
    assert rows[("一次建议", "2025年上半年")] == ["已完成", 1, 1, 0]
    assert rows[("一本记录", "2025年度")] == ["已完成", 1, 1, 1]  # handed in on 5 Jan
    assert len(summary) == 1 + 4 + 4 + 2 + 2 + 1 + 1 + 1


@pytest.mark.parametrize(
    ("reader", "chosen", "names"),
    [
        ("member", False, False),
        ("member", True, True),
        ("chair", True, True),
        ("chair", False, False),
        ("admin", True, False),  # an admin's copy never has the names
    ],
)
def test_names_only_when_chosen_and_readable(
    app, client, auth, world, year_logs, reader, chosen, names
):
    _book(app, world["member"], names=chosen)
    auth.login(world[reader].username)
    data = client.get(f"/books/{world['member'].id}/{YEAR}.xlsx").data
    _workbook, entries, _summary = _sheet_rows(data)
    text = repr(entries)
    assert (NAMES_CONTACT in text) is names and (NAMES_HELP in text) is names
    assert ("妇女姓名" in entries[0]) is names


@pytest.mark.parametrize(
    ("reader", "details"), [("member", True), ("chair", True), ("admin", False)]
)
def test_free_text_about_the_women_stays_out_of_an_admins_copy(
    app, client, auth, world, year_logs, reader, details
):
    _book(app, world["member"], names=True)
    auth.login(world[reader].username)
    data = client.get(f"/books/{world['member'].id}/{YEAR}.xlsx").data
    _workbook, entries, _summary = _sheet_rows(data)
    text = repr(entries)
    for free_text in ("三组", "走访了两户", "送去米面油"):
        assert (free_text in text) is details
    for header in ("地点", "备注", "帮扶内容"):
        assert (header in entries[0]) is details
    assert "建议修建通往小学的便道" in text and "留守" in text  # proposals and categories stay


@pytest.mark.parametrize(("reader", "details"), [("chair", True), ("admin", False)])
def test_the_pdf_follows_the_same_rule(
    app, client, auth, world, year_logs, tmp_path, reader, details
):
    need_pdf_tools()
    _book(app, world["member"], names=True)
    auth.login(world[reader].username)
    response = client.get(f"/books/{world['member'].id}/{YEAR}.pdf")
    text, _info = pdf_text(response.data, tmp_path)
    assert ("送去米面油" in text) is details and ("建议修建通往小学的便道" in text)


@pytest.fixture
def reviewed(app, world, year_logs):
    """A closed 2025 year-end review (excellent) and two committee meetings for 王芳."""
    member, chair, org = world["member"], world["chair"], world["village_a"]
    with app.app_context():
        round_ = ReviewRound(
            organisation_id=org.id,
            half="2025H2",
            status="closed",
            figures_as_of=date(2025, 12, 31),
            opened_by_id=chair.id,
        )
        db.session.add(round_)
        db.session.flush()
        db.session.add(
            ReviewEntry(
                round_id=round_.id,
                account_id=member.id,
                figures={"completion": 86},
                computed_grade="excellent",
                report_submitted_at=datetime(2025, 12, 20, tzinfo=UTC),
            )
        )
        db.session.add(
            ReviewRound(
                organisation_id=org.id,
                half="2025H1",
                status="open",
                figures_as_of=date(2025, 6, 30),
                opened_by_id=chair.id,
            )
        )
        for day, status, reason in [
            (date(2025, 3, 8), "present", None),
            (date(2025, 9, 9), "excused", "外出务工"),
        ]:
            meeting = Meeting(
                organisation_id=org.id, held_on=day, kind="committee", created_by_id=chair.id
            )
            db.session.add(meeting)
            db.session.flush()
            db.session.add(
                Attendance(
                    meeting_id=meeting.id, account_id=member.id, status=status, reason=reason
                )
            )
        db.session.commit()
    return world


def test_pdf_in_chinese_with_every_section(app, client, auth, reviewed, tmp_path):
    need_pdf_tools()
    world = reviewed
    _book(app, world["member"], names=True, at=datetime(2026, 1, 5, 2, 0, tzinfo=UTC))
    auth.login("chair")
    response = client.get(f"/books/{world['member'].id}/{YEAR}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF-")
    assert response.headers["Cache-Control"] == "no-store"
    text, info = pdf_text(response.data, tmp_path)
    assert "595.276 x 841.89 pts (A4)" in info
    pages = int(info.split("Pages:")[1].split()[0])
    assert 4 <= pages <= 8
    flat = _flat(text)
    for page in range(1, pages + 1):
        assert f"第{page}页/共{pages}页" in flat
    for expected in (
        "工作记录册",
        "2025年度",
        "王芳",
        "甲村",
        "任职期间",
        "2020年1月1日–至今",
        "已于2026年1月5日提交",
        "打印日期2026年9月20日",
        "2025年“七个一”完成情况",
        "2025年第1季度",
        "一次联系",
        "一本记录",
        "补记",
        "工作记录（共5条）",
        "1.2025年2月10日·一次联系",
        "方式：走访",
        "主题：家庭教育",
        "妇女姓名：张桂兰、刘小梅",
        "备注：=SUM(A1)走访了两户",
        "录入于2026年1月10日",
        "服务时长（小时）：2.5",
        "我的建议及办理结果",
        "建议修建通往小学的便道",
        "已答复",
        "已列入明年计划",
        "帮扶情况",
        "留守妇女儿童",
        "送去米面油",
        "王秀珍",
        "述职评议",
        "2025年度",
        "86%",
        "优秀",
        "执委会议出勤",
        "出席1次，请假1次，缺席0次。",
        "2025年3月8日",
        "外出务工",
        "执委签字：",
        "主席签字：",
    ):
        assert _flat(expected) in flat, expected
    assert "已删除的记录" not in flat
    assert "2025年上半年" not in flat.split("述职评议")[-1]  # the open round is left out


def test_pdf_leaves_the_names_out_unless_chosen(app, client, auth, world, year_logs, tmp_path):
    need_pdf_tools()
    auth.login("member")
    text, _info = pdf_text(client.get(f"/books/{world['member'].id}/{YEAR}.pdf").data, tmp_path)
    flat = _flat(text)
    assert "王芳" in flat and "送去米面油" in flat
    assert NAMES_CONTACT not in flat and NAMES_HELP not in flat and "妇女姓名" not in flat


def test_pdf_shows_photo_thumbnails_under_the_entry(app, client, auth, world, year_logs, tmp_path):
    need_pdf_tools()
    if shutil.which("pdfimages") is None:
        pytest.skip("pdfimages is not installed (apt-get install poppler-utils)")
    from PIL import Image

    folder = tmp_path / "uploads" / "photos"
    folder.mkdir(parents=True)
    log = year_logs[0]
    with app.app_context():
        for i, colour in enumerate(["red", "green", "blue", "yellow"]):
            buffer = io.BytesIO()
            Image.new("RGB", (64, 48), colour).save(buffer, "JPEG")
            (folder / f"thumb{i}.jpg").write_bytes(buffer.getvalue())
            db.session.add(
                Photo(
                    log_id=log.id,
                    stored_name=f"full{i}.jpg",
                    thumb_name=f"thumb{i}.jpg",
                    width=64,
                    height=48,
                    size_bytes=1,
                    created_by_id=log.account_id,
                    deleted_at=datetime(2025, 3, 1, tzinfo=UTC) if i == 3 else None,
                )
            )
        db.session.add(
            Photo(
                log_id=log.id,
                stored_name="gone.jpg",
                thumb_name="gone-t.jpg",
                width=1,
                height=1,
                size_bytes=1,
                created_by_id=log.account_id,
            )
        )
        db.session.commit()
    auth.login("member")
    response = client.get(f"/books/{world['member'].id}/{YEAR}.pdf")
    path = tmp_path / "photos.pdf"
    path.write_bytes(response.data)
    listing = run("pdfimages", "-list", str(path)).splitlines()[2:]
    assert len(listing) == 3  # three live thumbnails; the deleted and the missing file left out
    assert {line.split()[0] for line in listing} == {"3"}  # on the entries' first page


def test_a_long_year_runs_onto_numbered_pages(app, client, auth, world, make_log, tmp_path):
    need_pdf_tools()
    member = world["member"]
    for i in range(60):
        make_log(
            member,
            "contact",
            date(2025, 1 + i % 12, 1 + i % 28),
            method="visit",
            women_count=3,
            notes="走访留守妇女，了解家庭困难并宣讲政策。" * 3,
        )
    last = max(date(2025, 1 + i % 12, 1 + i % 28) for i in range(60))
    auth.login("member")
    text, info = pdf_text(client.get(f"/books/{member.id}/{YEAR}.pdf").data, tmp_path)
    pages = int(info.split("Pages:")[1].split()[0])
    assert 8 <= pages <= 20
    assert f"第{pages}页/共{pages}页" in _flat(text)
    assert f"60.2025年12月{last.day}日·一次联系" in _flat(text)  # the last, in date order


def test_zip_of_the_committees_books(app, client, auth, world, year_logs, tmp_path):
    need_pdf_tools()
    _book(app, world["member"])
    auth.login("chair")
    response = client.get(f"/books/committee/{world['village_a'].id}/{YEAR}.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith(
        f'attachment; filename="record-books-{world["village_a"].id}-2025.zip"'
    )
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        names = archive.namelist()
        assert sorted(names) == sorted(
            f"{i:02d}-工作记录册-{n}-2025.pdf" for i, n in enumerate(["张敏", "李娜", "王芳"], 1)
        )
        wang = next(n for n in names if "王芳" in n)
        text, _info = pdf_text(archive.read(wang), tmp_path)
    assert "建议修建通往小学的便道" in _flat(text)


def test_a_large_batch_is_drawn_in_worker_processes(app, world, year_logs, monkeypatch):
    """Same bytes-level content from the worker processes as from this one."""
    need_pdf_tools()
    from fieldlog.books import content, render
    from fieldlog.models import Account

    monkeypatch.setattr(pdf, "PARALLEL_FROM", 2)
    with app.test_request_context():
        reader = db.session.get(Account, world["chair"].id)
        members = [db.session.get(Account, world[k].id) for k in ("member", "other_member")]
        books = content.load_books(members, YEAR, date(2026, 9, 20), reader)
        jobs = [(render.book_html(b, "zh_Hans_CN", date(2026, 9, 20)), b.files) for b in books]
        css = render.book_css("zh_Hans_CN")
    parallel = pdf.render_batch(css, jobs, workers=2)
    alone = pdf.render_batch(css, jobs, workers=1)
    assert [len(p) > 1000 for p in parallel] == [True, True]
    assert [p.startswith(b"%PDF-") for p in parallel] == [True, True]
    assert abs(len(parallel[0]) - len(alone[0])) < 200  # only creation dates may differ


def test_without_a_chinese_font_the_book_is_refused(app, client, auth, world, monkeypatch):
    monkeypatch.setattr(pdf, "load_weasyprint", lambda: object())
    monkeypatch.setattr(pdf, "cjk_font_installed", lambda: False)
    auth.login("member")
    response = client.get(f"/books/{world['member'].id}/{YEAR}.pdf")
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    _check(html)
    assert "服务器未安装中文字体 (fonts-noto-cjk)，无法生成 PDF" in html
    assert 'href="/books/mine?year=2025"' in html
    chair = _client_as(app, "chair")
    response = chair.get(f"/books/committee/{world['village_a'].id}/{YEAR}.zip")
    assert response.status_code == 503


# --- who may do what ----------------------------------------------------------------------------

READERS = {
    "member": 200,
    "other_member": 403,
    "chair": 200,
    "other_chair": 403,
    "admin": 200,
    "other_admin": 403,
}


def _routes(world):
    member, org = world["member"].id, world["village_a"].id
    return {
        "pdf": f"/books/{member}/{YEAR}.pdf",
        "xlsx": f"/books/{member}/{YEAR}.xlsx",
        "committee": f"/books/committee/{org}?year={YEAR}",
        "zip": f"/books/committee/{org}/{YEAR}.zip",
        "reopen": f"/books/{member}/{YEAR}/reopen",
    }


EXPECTED = {
    # route: {reader: status}; a PDF the server cannot draw answers 503 to those allowed
    "pdf": READERS,
    "xlsx": READERS,
    "committee": {**READERS, "member": 403},
    "zip": {**READERS, "member": 403},
    "reopen": {**{k: 403 for k in READERS}, "chair": 200},
}


@pytest.mark.parametrize("route", list(EXPECTED))
@pytest.mark.parametrize("reader", list(READERS))
def test_access_to_every_route(app, client, auth, world, route, reader):
    _book(app, world["member"])
    auth.login(world[reader].username)
    status = client.get(_routes(world)[route]).status_code
    expected = EXPECTED[route][reader]
    assert status == expected or (expected == 200 and status == 503 and route in ("pdf", "zip"))


@pytest.mark.parametrize("route", list(EXPECTED) + ["mine"])
def test_anonymous_is_sent_to_log_in(client, world, route):
    path = "/books/mine" if route == "mine" else _routes(world)[route]
    response = client.get(path)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("reader", ["other_chair", "admin", "member", "other_member"])
def test_only_her_chair_reopens(app, client, auth, world, reader):
    _book(app, world["member"])
    auth.login(world[reader].username)
    token = csrf_from(client.get("/auth/account").get_data(as_text=True))
    url = _routes(world)["reopen"]
    assert client.post(url, data={"csrf_token": token, "reason": "理由"}).status_code == 403
    assert _book_row(app, world["member"]).is_submitted


def test_no_such_member_or_year(client, auth, world):
    auth.login("chair")
    assert client.get(f"/books/9999/{YEAR}.pdf").status_code == 404
    assert client.get(f"/books/{world['member'].id}/2027.xlsx").status_code == 404
    assert client.get(f"/books/{world['member'].id}/2019.xlsx").status_code == 404  # not a member
    assert client.get("/books/committee/9999").status_code == 404


def test_service_refuses_another_members_submission(app, world):
    from fieldlog.books import service
    from fieldlog.errors import NotAllowed
    from fieldlog.models import Account

    with app.test_request_context():
        chair = db.session.get(Account, world["chair"].id)
        member = db.session.get(Account, world["member"].id)
        with pytest.raises(NotAllowed):
            service.submit(chair, member, YEAR, False, date(2026, 9, 20))
        with pytest.raises(NotAllowed):
            service.reopen(member, member, YEAR, "理由")


# --- entry points and the demo ------------------------------------------------------------------


def test_links_from_her_account_page_and_the_committee_pages(app, client, auth, world):
    auth.login("member")
    assert 'href="/books/mine"' in client.get("/auth/account").get_data(as_text=True)
    village = world["village_a"].id
    page = _client_as(app, "chair").get(f"/committee/{village}").get_data(as_text=True)
    assert f'href="/books/committee/{village}"' in page
    page = _client_as(app, "admin").get(f"/admin/orgs/{village}").get_data(as_text=True)
    assert f'href="/books/committee/{village}"' in page


def test_committee_page_runs_a_fixed_number_of_queries(
    app, client, auth, world, make_member, make_log, count_queries
):
    auth.login("chair")
    url = f"/books/committee/{world['village_a'].id}?year={YEAR}"
    client.get(url)
    with count_queries() as few:
        client.get(url)
    for i in range(5):
        extra = make_member(world["village_a"], username=f"q{i}")
        _book(app, extra, at=datetime(2026, 1, 1, tzinfo=UTC))
        make_log(extra, "contact", date(2025, 5, 5), created_at=datetime(2026, 3, 1, tzinfo=UTC))
    with count_queries() as many:
        client.get(url)
    assert many.count == few.count


def test_demo_has_last_years_books_and_one_reopened(app, runner):
    from fieldlog.models import Account
    from fieldlog.timeutil import local_today
    from fieldlog.tracker import service

    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.test_request_context():
        year = local_today(app.config["TIMEZONE"]).year - 1
        books = db.session.scalars(select(RecordBook).filter_by(year=year)).all()
        submitted = [b for b in books if b.is_submitted]
        reopened = [b for b in books if b.reopened_at is not None]
        assert len(submitted) >= 20 and len(reopened) == 1 and not reopened[0].is_submitted
        assert reopened[0].reopen_reason
        names = {db.session.get(Account, b.account_id).display_name for b in submitted}
        assert "赵凤英" not in names and "宋桂香" not in names  # behind, idle
        account = db.session.get(Account, submitted[0].account_id)
        row = service.member_year(account, year, local_today(app.config["TIMEZONE"]))
        assert row["record_book"][0].status == "done"


def test_the_printer_loads_only_the_listed_files(tmp_path):
    need_pdf_tools()
    listed = tmp_path / "thumb.jpg"
    listed.write_bytes(b"\xff\xd8 not really a jpeg")
    fetcher = pdf.Printer().fetcher({"thumb.jpg": listed})
    assert fetcher("fieldlog-file:thumb.jpg").read() == listed.read_bytes()
    for url in (
        "fieldlog-file:other.jpg",
        "fieldlog-file:../secret_key",
        f"file://{listed}",
        "http://127.0.0.1/",
        "data:text/plain,hi",
    ):
        with pytest.raises(ValueError):
            fetcher(url)
