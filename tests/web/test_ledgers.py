"""Ledgers through the client: the XLSX reopened with openpyxl and read cell by cell for a
known set of logs, the CSV read as Excel reads it, formula injection, privacy (no women's
names), access per role, and a query count that does not grow with the logs."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from fieldlog.spreadsheet import display_width
from tests.fixtures.clock import pinned_today
from tests.web.helpers import open_form
from tests.web.test_html import _check

pytestmark = pytest.mark.dated  # built around the pinned day
TODAY = pinned_today()
Y = TODAY.year - 1  # a whole year that has ended: every quarter of it has begun
SECRET_NAME = "秘密姓名"
QUARTER_SHEETS = [f"履职进度 {Y}年第{q}季度" for q in (1, 2, 3, 4)]
DUTY_SHEETS = ["一次联系", "一次宣讲", "一次调研", "一次建议", "一次帮扶", "一次公益", "一本记录"]
CONTACT_HEADER = [
    "执委",
    "日期",
    "方式",
    "地点",
    "联系妇女人数",
    "主题",
    "备注",
    "录入时间",
    "补记",
]
ALL_HEADER = [
    "执委",
    "职责",
    "日期",
    "方式",
    "地点",
    "联系妇女人数",
    "主题",
    "收集到的需求",
    "建议内容",
    "办理状态",
    "妇联答复",
    "帮扶对象",
    "帮扶内容",
    "公益活动",
    "服务时长（小时）",
    "备注",
    "录入时间",
    "补记",
]


@pytest.fixture
def logs(world, make_log):
    """A known set: three logs in 甲村 (one on time, two entered late), one in 甲二村, one in
    乙村 (another township), and some that never show (deleted, other year)."""
    on_time = datetime(Y, 2, 11, 2, 30, tzinfo=UTC)  # 10:30 in Shanghai
    made = {
        "contact": make_log(
            world["member"],
            "contact",
            date(Y, 2, 10),
            method="visit",
            place="甲村3组",
            women_count=5,
            topic="=1+1",
            women_names=SECRET_NAME,
            notes='说"好",然后\n走',
            created_at=on_time,
        ),
        "proposal": make_log(
            world["member"],
            "proposal",
            date(Y, 5, 3),
            topic="+86 建议",
            proposal_text="-修路",
            proposal_status="answered",
            proposal_answer="@已办理",
            notes="\tTab",
        ),
        "volunteer": make_log(
            world["other_member"],
            "volunteer",
            date(Y, 8, 8),
            place="\r回车",
            volunteer_activity="义务清扫",
            volunteer_hours=Decimal("2.5"),
            women_count=12,
        ),
        "help": make_log(
            world["member_a2"],
            "help",
            date(Y, 11, 11),
            method="visit",
            help_target="left_behind",
            help_kind="送米面",
            women_names=SECRET_NAME,
        ),
    }
    other_village = make_log(world["other_chair"], "contact", date(Y, 3, 1), method="phone")
    make_log(world["member"], "contact", date(Y - 1, 12, 31), method="phone", topic="去年")
    make_log(world["member"], "talk", date(Y, 4, 1), topic="已删除", deleted_at=on_time)
    return {**made, "other_village": other_village}


def _post(client, url: str, **data):
    """Post the form; the answer read whole and closed (as a server closes the file)."""
    _html, hidden = open_form(client, url)
    return client.post(url, data={**hidden, **data}, buffered=True)


def _book(response):
    assert response.status_code == 200, response.status_code
    return load_workbook(io.BytesIO(response.data))


def _values(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _committee_url(world) -> str:
    return f"/ledgers/committee/{world['village_a'].id}"


def test_committee_ledger_cell_by_cell(client, auth, world, logs):
    auth.login("chair")
    response = _post(client, _committee_url(world), span=str(Y), xlsx="1")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    book = _book(response)
    assert book.sheetnames == ["全部记录", *DUTY_SHEETS, *QUARTER_SHEETS]
    sheet = book["全部记录"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:R4"
    rows = _values(sheet)
    assert rows[0] == ALL_HEADER
    entered = datetime(Y, 2, 11, 10, 30)
    assert rows[1] == [
        "王芳", "一次联系", datetime(Y, 2, 10), "走访", "甲村3组", 5, "'=1+1",
        None, None, None, None, None, None, None, None, '说"好",然后\n走', entered, None,
    ]  # fmt: skip
    assert rows[2][:3] == ["王芳", "一次建议", datetime(Y, 5, 3)]
    assert rows[2][6:11] == ["'+86 建议", None, "'-修路", "已答复", "'@已办理"]
    assert rows[2][15] == "'\tTab" and rows[2][17] == "补记"
    assert rows[3][:2] == ["李娜", "一次公益"] and rows[3][4] == "'\r回车"
    assert rows[3][5] == 12 and rows[3][13:15] == ["义务清扫", 2.5]
    assert isinstance(rows[3][16], datetime) and rows[3][17] == "补记"
    assert sheet["C2"].is_date and sheet["C2"].number_format == "yyyy-mm-dd"
    assert sheet["F2"].data_type == "n" and sheet["G2"].data_type == "s"
    assert sheet.column_dimensions["P"].width >= display_width('说"好",然后') + 2
    assert sheet["A1"].font.b


def test_a_sheet_per_duty_with_its_own_columns(client, auth, world, logs):
    auth.login("chair")
    book = _book(_post(client, _committee_url(world), span=str(Y), xlsx="1"))
    contact = _values(book["一次联系"])
    assert contact[0] == CONTACT_HEADER
    assert contact[1][:6] == ["王芳", datetime(Y, 2, 10), "走访", "甲村3组", 5, "'=1+1"]
    assert len(contact) == 2
    assert book["一次联系"].freeze_panes == "A2"
    assert book["一次联系"].auto_filter.ref == "A1:I2"
    assert _values(book["一次宣讲"]) == [CONTACT_HEADER]  # the same fields, no logs
    volunteer = _values(book["一次公益"])
    assert volunteer[1][:6] == ["李娜", datetime(Y, 8, 8), "'\r回车", "义务清扫", 2.5, 12]


def test_the_grid_of_each_quarter_in_words(client, auth, world, logs):
    auth.login("chair")
    book = _book(_post(client, _committee_url(world), span=str(Y), xlsx="1"))
    q1 = _values(book[QUARTER_SHEETS[0]])
    assert q1[0][0] == "执委" and q1[0][1].startswith("一次联系")
    assert q1[0][-2:] == ["逾期", "未完成项"]
    by_name = {row[0]: row for row in q1[1:]}
    assert set(by_name) == {"王芳", "李娜", "张敏"}
    assert by_name["王芳"][1] == "已完成" and by_name["李娜"][1] == "逾期"
    assert isinstance(by_name["李娜"][-2], int)
    q2 = {row[0]: row for row in _values(book[QUARTER_SHEETS[1]])[1:]}
    assert q2["王芳"][4] == "已完成"  # her proposal counts for the first half


def test_no_womens_names_anywhere(client, auth, world, logs):
    auth.login("chair")
    xlsx = _post(client, _committee_url(world), span=str(Y), xlsx="1")
    book = _book(xlsx)
    cells = [v for s in book.worksheets for row in s.iter_rows(values_only=True) for v in row]
    assert SECRET_NAME not in " ".join(str(v) for v in cells if v is not None)
    csv_file = _post(client, _committee_url(world), span=str(Y), csv="1")
    assert SECRET_NAME.encode() not in csv_file.data


def test_csv_as_excel_reads_it(client, auth, world, logs):
    auth.login("chair")
    response = _post(client, _committee_url(world), span=str(Y), csv="1")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in response.data
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ALL_HEADER
    assert rows[1][:7] == ["王芳", "一次联系", f"{Y}-02-10", "走访", "甲村3组", "5", "'=1+1"]
    assert rows[1][15] == '说"好",然后\n走' and rows[1][16] == f"{Y}-02-11 10:30:00"
    assert rows[2][6] == "'+86 建议" and rows[2][8] == "'-修路" and rows[2][10] == "'@已办理"
    assert rows[2][15] == "'\tTab" and rows[3][4] == "'\r回车"
    assert len(rows) == 4


def test_download_headers(client, auth, world, logs):
    auth.login("chair")
    response = _post(client, _committee_url(world), span=f"{Y}H1", xlsx="1")
    disposition = response.headers["Content-Disposition"]
    ascii_name = f"ledger-{world['village_a'].id}-{Y}H1.xlsx"
    assert disposition.startswith(f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''")
    assert unquote(disposition.split("''", 1)[1]) == f"甲村台账 {Y}年上半年.xlsx"
    assert response.headers["Cache-Control"] == "no-store"
    book = _book(response)
    assert book.sheetnames[-2:] == QUARTER_SHEETS[:2]
    assert [r[1] for r in _values(book["全部记录"])[1:]] == ["一次联系", "一次建议"]


def test_a_quarter_holds_its_logs_only(client, auth, world, logs):
    auth.login("chair")
    book = _book(_post(client, _committee_url(world), span=f"{Y}Q3", xlsx="1"))
    assert [r[0] for r in _values(book["全部记录"])[1:]] == ["李娜"]
    assert book.sheetnames[-1] == QUARTER_SHEETS[2]


def test_area_ledger_covers_the_subtree_with_the_rollup(client, auth, world, logs):
    auth.login("admin")
    url = "/ledgers/area"
    response = _post(client, url, org_id=str(world["township_a"].id), span=str(Y), xlsx="1")
    book = _book(response)
    assert book.sheetnames[-1] == "各执委会完成情况"
    rows = _values(book["全部记录"])
    assert rows[0][:3] == ["执委", "所属组织", "职责"]
    assert [(r[0], r[1]) for r in rows[1:]] == [
        ("周红", "甲二村"),
        ("王芳", "甲村"),
        ("王芳", "甲村"),
        ("李娜", "甲村"),
    ]
    grid = _values(book[QUARTER_SHEETS[0]])
    assert grid[0][:2] == ["执委", "所属组织"]
    assert {(r[0], r[1]) for r in grid[1:]} == {
        ("周红", "甲二村"), ("王芳", "甲村"), ("李娜", "甲村"), ("张敏", "甲村"),
    }  # fmt: skip
    rollup = _values(book["各执委会完成情况"])
    assert rollup[0][:4] == ["季度", "所属组织", "执委人数", "一次联系 已完成"]
    q1 = {r[1]: r for r in rollup[1:] if r[0] == f"{Y}年第1季度"}
    assert set(q1) == {"甲村", "甲二村"}
    assert q1["甲村"][2:6] == [3, 1, 3, 33.3]
    assert len(rollup) == 1 + 4 * 2
    assert SECRET_NAME not in str(rows)


def test_area_csv_has_the_organisation(client, auth, world, logs):
    auth.login("admin")
    url = "/ledgers/area"
    response = _post(client, url, org_id=str(world["village_a2"].id), span=str(Y), csv="1")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))
    assert rows[0][:3] == ["执委", "所属组织", "职责"]
    assert rows[1][:3] == ["周红", "甲二村", "一次帮扶"] and len(rows) == 2


FREE_TEXT = ["甲村3组", '说"好"', "\tTab", "回车", "送米面"]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_area_ledger_keeps_counts_and_categories_but_no_free_text(client, auth, world, logs, fmt):
    auth.login("admin")
    org = str(world["township_a"].id)
    response = _post(client, "/ledgers/area", org_id=org, span=str(Y), **{fmt: "1"})
    assert response.status_code == 200
    if fmt == "xlsx":
        book = _book(response)
        text = str([_values(book[name]) for name in book.sheetnames])
        header = _values(book["全部记录"])[0]
    else:
        text = response.data.decode("utf-8-sig")
        header = next(csv.reader(io.StringIO(text)))
    for hidden in ("地点", "备注", "收集到的需求", "帮扶内容"):
        assert hidden not in header
    for kept in ("方式", "联系妇女人数", "帮扶对象"):
        assert kept in header
    for free_text in FREE_TEXT:
        assert free_text not in text
    assert "留守" in text and "走访" in text  # categories stay, as labels


def test_the_chairs_committee_ledger_keeps_the_free_text(client, auth, world, logs):
    auth.login("chair")
    response = _post(client, _committee_url(world), span=str(Y), xlsx="1")
    rows = _values(_book(response)["全部记录"])
    assert {"地点", "备注", "帮扶内容"} <= set(rows[0])
    assert "甲村3组" in str(rows) and "回车" in str(rows) and SECRET_NAME not in str(rows)


# Access ------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["member", "admin", "chair_b"])
def test_committee_ledger_only_for_its_chair(client, auth, world, username):
    auth.login(username)
    assert client.get(_committee_url(world)).status_code == 403


def test_committee_ledger_post_refused_to_another_chair(client, auth, world, logs):
    auth.login("chair_b")
    own = f"/ledgers/committee/{world['village_b'].id}"
    _html, hidden = open_form(client, own)
    data = {**hidden, "span": str(Y), "xlsx": "1"}
    response = client.post(_committee_url(world), data=data, buffered=True)
    assert response.status_code == 403


@pytest.mark.parametrize("username", ["member", "chair"])
def test_area_ledger_only_for_admins(client, auth, world, username):
    auth.login(username)
    assert client.get("/ledgers/area").status_code == 403


def test_area_ledger_refuses_another_admins_organisation(client, auth, world, logs):
    auth.login("admin")
    org_id = str(world["township_b"].id)
    response = _post(client, "/ledgers/area", org_id=org_id, span=str(Y), xlsx="1")
    assert response.status_code == 422 and response.mimetype == "text/html"
    assert str(world["township_b"].id) not in re.findall(r'<option value="(\d+)"', response.text)


def test_anonymous_is_sent_to_login(client, world):
    assert client.get(_committee_url(world)).status_code == 302


def test_unknown_period_is_refused_with_the_form(client, auth, world, logs):
    auth.login("chair")
    for span in (str(TODAY.year + 1), "2026Q9", "x", str(TODAY.year - 5)):
        response = _post(client, _committee_url(world), span=span, xlsx="1")
        assert response.status_code == 422 and response.mimetype == "text/html"
        _check(response.text)


# Pages -------------------------------------------------------------------------------------


def test_pages_are_valid_and_linked(client, auth, world):
    auth.login("chair")
    committee = client.get(f"/committee/{world['village_a'].id}").text
    assert _committee_url(world) in committee
    page = client.get(_committee_url(world))
    assert page.status_code == 200
    _check(page.text)
    assert f'<option selected value="{TODAY.year}">' in page.text
    auth.logout()
    auth.login("admin")
    assert "/ledgers/area" in client.get("/admin/").text
    page = client.get("/ledgers/area")
    assert page.status_code == 200
    _check(page.text)
    assert world["township_b"].name not in page.text


# Scale -------------------------------------------------------------------------------------


def test_queries_do_not_grow_with_the_logs(app, client, auth, world, make_log, count_queries):
    auth.login("admin")
    url, org_id = "/ledgers/area", str(world["township_a"].id)

    def export(kind: str) -> int:
        _html, hidden = open_form(client, url)
        with count_queries() as counter:
            data = {**hidden, "org_id": org_id, "span": str(Y), kind: "1"}
            response = client.post(url, data=data, buffered=True)
        assert response.status_code == 200
        return counter.count

    for i in range(3):
        make_log(world["member"], "contact", date(Y, 1 + i, 5), method="visit")
    before = export("xlsx"), export("csv")
    for i in range(30):
        who = world["member_a2"] if i % 2 else world["other_member"]
        make_log(who, ("contact", "talk", "help")[i % 3], date(Y, 1 + i % 12, 9), topic="t")
    assert (export("xlsx"), export("csv")) == before
