"""Roster import through the client: the template, a clean import, the preview's problems
by row and column (nothing written), re-import creating nothing, one-time passwords shown
once and printable, hostile files, and who may import what."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, timedelta

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from fieldlog.auth.passwords import verify_password
from fieldlog.extensions import db
from fieldlog.models import Account, AuditEntry, Membership, RoleGrant
from fieldlog.roster import storage
from tests.conftest import AuthActions, csrf_from
from tests.fixtures.clock import pinned_today
from tests.web.helpers import open_form
from tests.web.test_html import _check

pytestmark = pytest.mark.dated  # built around the pinned day
TODAY = pinned_today()
HEADER = [
    "所属组织",
    "姓名",
    "登录名或手机号",
    "职务",
    "加入日期",
    "产生方式",
    "替补谁（登录名）",
    "电话",
]
CARD_RE = re.compile(  # login and one-time password on a card
    r'<dd class="credential">([^<]+)</dd>\s*<dt>[^<]+</dt>'
    r'<dd class="credential roster-password" lang="en">([^<]+)<'
)
PASSWORD_RE = re.compile(r'class="credential roster-password" lang="en">([^<]+)<')


def _xlsx(rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv(rows, header=HEADER, encoding="utf-8-sig") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


GOOD = [
    ["甲村", "孙丽", "13800000001", "执委", date(2025, 3, 1), "选举", None, None],
    ["甲镇/甲二村", "钱芳", "qianfang", "主席", "2025-03-01", "", None, "0571-8888"],
    ["甲村", "吴霞", 13800000003.0, "", date(2025, 3, 1), "增补", None, None],
]


def _upload(client, data: bytes, name: str = "roster.xlsx"):
    _html, hidden = open_form(client, "/admin/roster/")
    form = {**hidden, "file": (io.BytesIO(data), name)}
    return client.post("/admin/roster/preview", data=form, content_type="multipart/form-data")


def _import(client, preview_html: str):
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', preview_html)
    digest = re.search(r'name="sha256" type="hidden" value="([^"]+)"', preview_html)
    assert token and digest, "no import form on the page"
    data = {"csrf_token": token.group(1), "sha256": digest.group(1)}
    return client.post("/admin/roster/import", data=data)


def _counts(app) -> tuple[int, int, int, int]:
    with app.app_context():
        return tuple(
            db.session.scalar(select(func.count()).select_from(model))
            for model in (Account, Membership, RoleGrant, AuditEntry)
        )


def _problems(html: str) -> list[str]:
    """``Row n: where: message`` for every problem listed on the preview."""
    found = []
    for item in re.findall(r"<li>\s*<strong>(.*?)</strong>.*?<ul>(.*?)</ul>", html, re.S):
        row, inner = item
        for problem in re.findall(r"<li>(.*?)</li>", inner, re.S):
            text = re.sub(r"<[^>]+>", "", problem).strip().replace("：", ": ", 1)
            found.append(f"{row}: {text}")
    return found


# The template ------------------------------------------------------------------------------


def test_template_has_the_columns_and_instructions(client, auth, world):
    auth.login("admin")
    response = client.get("/admin/roster/template.xlsx", buffered=True)
    assert response.status_code == 200
    assert "filename*=UTF-8''%E6%89%A7%E5%A7%94" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["执委名单", "填写说明"]
    sheet = book["执委名单"]
    assert [c.value for c in sheet[1]] == HEADER
    assert sheet.freeze_panes == "A2"
    assert sheet["C2"].number_format == "@" and sheet["E2"].number_format == "yyyy-mm-dd"
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists == {"D2:D501": '"执委,主席,副主席"', "F2:F501": '"选举产生,增补,替补,调入"'}
    notes = [[c.value for c in row] for row in book["填写说明"].iter_rows()]
    assert notes[0] == ["列", "必填", "填写内容"]
    assert notes[1][:2] == ["所属组织", "是"] and "青山镇/桃源村" in notes[1][2]
    assert any("2000" in (row[2] or "") for row in notes)


def test_the_template_comes_back_as_an_empty_roster(client, auth, world):
    auth.login("admin")
    template = client.get("/admin/roster/template.xlsx", buffered=True).data
    response = _upload(client, template)
    assert response.status_code == 200
    assert "没有需要导入的内容" in response.text


# A clean import ----------------------------------------------------------------------------


def test_clean_file_previews_then_imports_in_one_go(app, client, auth, world):
    auth.login("admin")
    before = _counts(app)
    preview = _upload(client, _xlsx(GOOD))
    assert preview.status_code == 200, _problems(preview.text)
    _check(preview.text)
    assert "导入 3 名执委" in preview.text
    assert _counts(app) == before  # the preview wrote nothing
    done = _import(client, preview.text)
    assert done.status_code == 200
    assert done.headers["Cache-Control"] == "no-store"
    _check(done.text)
    passwords = PASSWORD_RE.findall(done.text)
    assert len(passwords) == 3 and len(set(passwords)) == 3
    with app.app_context():
        people = {
            a.username: a
            for a in db.session.scalars(
                select(Account).where(
                    Account.username.in_(["13800000001", "qianfang", "13800000003"])
                )
            )
        }
        assert {a.display_name for a in people.values()} == {"孙丽", "钱芳", "吴霞"}
        assert all(a.must_change_password for a in people.values())
        qian = people["qianfang"]
        assert qian.organisation_id == world["village_a2"].id and qian.phone == "0571-8888"
        assert [g.role for g in qian.grants] == ["chair"]
        assert people["13800000001"].phone == "13800000001"
        wu = people["13800000003"]
        assert [(t.joined_on, t.join_kind) for t in wu.memberships] == [(date(2025, 3, 1), "added")]
        by_card = dict(CARD_RE.findall(done.text))
        for username, account in people.items():
            assert verify_password(account.password_hash, by_card[username])
        summary = db.session.scalars(select(AuditEntry).filter_by(entity="roster_import")).one()
        assert summary.changes["accounts"] == [None, 3]
        assert summary.changes["file"] == [None, "roster.xlsx"]
        created = db.session.scalars(
            select(AuditEntry).filter_by(entity="account", action="create")
        )
        assert len(list(created)) == 3


def test_passwords_are_shown_once_and_the_file_is_gone(app, client, auth, world, tmp_path):
    auth.login("admin")
    preview = _upload(client, _xlsx(GOOD[:1]))
    folder = tmp_path / storage.FOLDER
    assert len(list(folder.iterdir())) == 1
    done = _import(client, preview.text)
    assert len(PASSWORD_RE.findall(done.text)) == 1
    assert list(folder.iterdir()) == []
    again = _import(client, preview.text)  # the browser's "resubmit"
    assert again.status_code == 302 and again.headers["Location"].endswith("/admin/roster/")
    page = client.get("/admin/roster/").text
    assert "没有待导入的文件" in page and not PASSWORD_RE.search(page)
    assert not PASSWORD_RE.search(client.get("/admin/").text)


def test_new_accounts_must_change_the_one_time_password(app, client, auth, world):
    auth.login("admin")
    done = _import(client, _upload(client, _xlsx(GOOD[:1])).text)
    password = PASSWORD_RE.findall(done.text)[0]
    response = AuthActions(app.test_client()).login("13800000001", password)
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/password")
    with app.app_context():  # used once: its light hash opens nothing any more
        used = db.session.scalars(
            select(Account.one_time_used_at).filter_by(username="13800000001")
        ).one()
    assert used is not None
    assert AuthActions(app.test_client()).login("13800000001", password).status_code == 200


def test_reimporting_the_same_file_creates_nothing(app, client, auth, world):
    auth.login("admin")
    data = _xlsx(GOOD)
    _import(client, _upload(client, data).text)
    before = _counts(app)
    preview = _upload(client, data)
    assert preview.status_code == 200
    assert preview.text.count("已在系统中") >= 3 + 1  # three rows and the summary
    assert 'name="sha256"' not in preview.text and "没有需要导入的内容" in preview.text
    assert _counts(app) == before


def test_an_existing_member_rejoins_and_others_are_already_there(app, client, auth, world):
    auth.login("admin")
    with app.app_context():
        member = db.session.get(Account, world["member"].id)
        member.memberships[0].left_on = date(2024, 12, 31)
        db.session.commit()
    rows = [
        ["甲村", "王芳", "member", "副主席", "2025-01-02", "增补", None, None],
        ["甲村", "李娜", "other", "执委", "2020-01-01", "", None, None],
    ]
    preview = _upload(client, _xlsx(rows))
    assert preview.status_code == 200, _problems(preview.text)
    assert "加入执委会" in preview.text and "已在系统中" in preview.text
    done = _import(client, preview.text)
    assert not PASSWORD_RE.search(done.text)
    with app.app_context():
        member = db.session.get(Account, world["member"].id)
        assert [t.joined_on for t in member.memberships] == [date(2020, 1, 1), date(2025, 1, 2)]
        assert [g.role for g in member.grants] == ["vice_chair"]


def test_gbk_csv_and_utf8_csv_without_bom(app, client, auth, world):
    auth.login("admin")
    rows = [["甲村", "孙丽", "13800000001", "执委", "2025-03-01", "选举", "", ""]]
    for data in (_csv(rows, encoding="gbk"), _csv(rows, encoding="utf-8")):
        response = _upload(client, data, "名单.csv")
        assert response.status_code == 200, _problems(response.text)
        assert "导入 1 名执委" in response.text


def test_replacing_a_member_by_login(app, client, auth, world):
    auth.login("admin")
    with app.app_context():
        other = db.session.get(Account, world["other_member"].id)
        other.memberships[0].left_on = TODAY - timedelta(days=30)
        db.session.commit()
    day = (TODAY - timedelta(days=10)).isoformat()
    rows = [["甲村", "孙丽", "13800000001", "执委", day, "替补", "OTHER", None]]
    preview = _upload(client, _xlsx(rows))
    assert preview.status_code == 200, _problems(preview.text)
    _import(client, preview.text)
    with app.app_context():
        new = db.session.scalars(select(Account).filter_by(username="13800000001")).one()
        replaced = db.session.get(Account, world["other_member"].id).memberships[0]
        assert new.memberships[0].replaces_id == replaced.id


# Problems by row and column ----------------------------------------------------------------

FUTURE = (TODAY + timedelta(days=5)).isoformat()
ROW = ["甲村", "孙丽", "13800000001", "执委", "2025-03-01", "选举", None, None]


def _row(**changes) -> list:
    keys = ["org", "name", "login", "role", "joined", "how", "replaces", "phone"]
    return [changes.get(k, v) for k, v in zip(keys, ROW, strict=True)]


PROBLEM_CASES = {
    "unknown organisation": ([_row(org="无此村")], "A · 所属组织: 没有名为无此村的组织。"),
    "another admin's organisation": ([_row(org="乙村")], "A · 所属组织: 乙村不在您管理的范围内。"),
    "no organisation": ([_row(org=None)], "A · 所属组织: 请填写她所在的组织。"),
    "missing name": ([_row(name=None)], "B · 姓名: 请填写她的姓名。"),
    "login twice in the file": (
        [_row(), _row(name="周燕")],
        "C · 登录名或手机号: 与第 3 行重复，每人只能出现一次。",
    ),
    "login of another person": (
        [_row(login="MEMBER")],
        "C · 登录名或手机号: 这个登录名已被其他人使用。",
    ),
    "login with a space": (
        [_row(login="sun li")],
        "C · 登录名或手机号: 只能使用字母、数字和 . _ - @，不能有空格。",
    ),
    "unknown role": ([_row(role="组长")], "D · 职务: 请填写执委、主席或副主席。"),
    "bad date": ([_row(joined="2025-13-01")], "E · 加入日期: 不是日期，请写成 2026-03-01 的格式。"),
    # Text dates: the year first, as spreadsheets write them; nothing else is guessed.
    "day before month": ([_row(joined="1/3/2025")], "E · 加入日期: 不是日期，请写成 2026-03-01"),
    "mixed separators": ([_row(joined="2025/3-1")], "E · 加入日期: 不是日期，请写成 2026-03-01"),
    "no such day": ([_row(joined="2025/2/30")], "E · 加入日期: 不是日期，请写成 2026-03-01"),
    # DEL and the C1 controls are legal in XLSX (XML 1.0), unlike most below U+0020.
    "control character in a name": (
        [_row(name="孙\x7f丽")],
        "B · 姓名: 这里不能有看不见的控制字符，请删掉后再保存。",
    ),
    "control character in an organisation": (
        [_row(org="甲村\x9b")],
        "A · 所属组织: 这里不能有看不见的控制字符，请删掉后再保存。",
    ),
    "future date": ([_row(joined=FUTURE)], "E · 加入日期: 日期不能是未来的日子。"),
    "date too early": ([_row(joined="1024-03-01")], "E · 加入日期: 请检查年份。"),
    "missing date": ([_row(joined=None)], "E · 加入日期: 请填写"),
    "unknown join kind": ([_row(how="调走")], "F · 产生方式: 请填写：选举、增补、替补或调入。"),
    "replacing nobody": ([_row(how="替补")], "G · 替补谁（登录名）: 请选择她替补的执委。"),
    "replacing an unknown login": (
        [_row(how="替补", replaces="nobody")],
        "G · 替补谁（登录名）: 没有这个登录名的账号。",
    ),
    "replacing someone of another committee": (
        [_row(how="替补", replaces="member_a2")],
        "G · 替补谁（登录名）: 请选择本执委会的一名成员。",
    ),
    "replaces without replacing": (
        [_row(replaces="other")],
        "G · 替补谁（登录名）: 只有替补时才填写此列。",
    ),
    "bad phone": ([_row(phone="call me")], "H · 电话: 只能填数字和短横线"),
    "overlapping term": (
        [_row(login="member", name="王芳", joined="2024-01-01")],
        "E · 加入日期: 她自 2020-01-01 起在甲村执委会任职，请先结束那段任职。",
    ),
    "formula in a cell": (
        [_row(name='=HYPERLINK("http://x","点我")')],
        "B · 姓名: 不接受公式，请直接填写内容。",
    ),
}


@pytest.mark.parametrize("case", PROBLEM_CASES, ids=list(PROBLEM_CASES))
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_each_problem_by_row_and_column_and_nothing_written(
    app, client, auth, world, tmp_path, case, kind
):
    rows, expected = PROBLEM_CASES[case]
    rows = [GOOD[2], *rows]  # a good row first: it is not written either
    auth.login("admin")
    before = _counts(app)
    data = (
        _xlsx(rows) if kind == "xlsx" else _csv([["" if v is None else v for v in r] for r in rows])
    )
    response = _upload(client, data, f"roster.{kind}")
    assert response.status_code == 422
    _check(response.text)
    problems = _problems(response.text)
    row = 1 + len(rows)  # the header is row 1; the case's row comes last
    assert any(p.startswith(f"第 {row} 行: {expected}") for p in problems), problems
    assert len(problems) == 1, problems
    assert 'name="sha256"' not in response.text
    assert _counts(app) == before
    assert not (tmp_path / storage.FOLDER).exists() or not list(
        (tmp_path / storage.FOLDER).iterdir()
    )


def test_every_problem_of_a_row_is_listed(app, client, auth, world):
    auth.login("admin")
    response = _upload(client, _xlsx([_row(org="乙村", role="组长", joined="昨天", how="调走")]))
    problems = _problems(response.text)
    assert [p.split(":")[0] for p in problems] == ["第 2 行", "第 2 行", "第 2 行", "第 2 行"]
    assert {p.split(": ")[1] for p in problems} == {
        "A · 所属组织",
        "D · 职务",
        "E · 加入日期",
        "F · 产生方式",
    }


@pytest.mark.parametrize("written", ["2025-03-01", "2025-3-1", "2025/3/1", "2025年3月1日"])
def test_dates_as_spreadsheets_write_them(app, client, auth, world, written):
    auth.login("admin")
    response = _upload(client, _xlsx([_row(joined=written)]))
    assert response.status_code == 200 and _problems(response.text) == []
    assert "2025-03-01" in response.text


def test_a_name_shared_by_two_villages_needs_the_one_above(
    app, client, auth, world, make_org, make_account
):
    make_org("同名村", "village", world["township_a"])
    make_org("同名村", "village", world["township_b"])
    make_account(world["district"], username="district_admin", roles=("admin",))
    auth.login("district_admin")
    response = _upload(client, _xlsx([_row(org="同名村")]))
    assert "A · 所属组织: 有多个组织叫同名村，请写上上级组织，如 甲镇/同名村。" in " ".join(
        _problems(response.text)
    )
    response = _upload(client, _xlsx([_row(org="乙镇／同名村")]))
    assert response.status_code == 200, _problems(response.text)


def test_the_import_rechecks_what_changed_since_the_preview(app, client, auth, world, make_account):
    auth.login("admin")
    preview = _upload(client, _xlsx(GOOD))
    make_account(world["village_a"], username="qianfang", name="别人")
    before = _counts(app)
    response = _import(client, preview.text)
    assert response.status_code == 422
    assert "第 3 行: C · 登录名或手机号: 这个登录名已被其他人使用。" in _problems(response.text)
    assert _counts(app) == before


# Hostile files -----------------------------------------------------------------------------

NOT_READABLE = "这不是系统能读取的 Excel 工作簿（.xlsx）或 CSV 文件。"


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def _with_part(name: str, data: bytes) -> bytes:
    """A real roster workbook with one more part added."""
    parts = {}
    with zipfile.ZipFile(io.BytesIO(_xlsx(GOOD))) as archive:
        for info in archive.infolist():
            parts[info.filename] = archive.read(info)
    return _zip({**parts, name: data})


HOSTILE = {
    "renamed text": (b"just some text\nnot a workbook", "roster.xlsx", NOT_READABLE),
    "random bytes": (bytes(range(256)) * 40, "roster.xlsx", NOT_READABLE),
    "random bytes as csv": (bytes(range(256)) * 40, "roster.csv", NOT_READABLE),
    "binary with NULs": (b"a,b\x00,c\r\n" * 10, "roster.csv", NOT_READABLE),
    "a zip that is no workbook": (_zip({"a.txt": b"hello"}), "roster.xlsx", NOT_READABLE),
    "a broken workbook": (_xlsx(GOOD)[:2000], "roster.xlsx", NOT_READABLE),
    "an old xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "roster.xls", "旧版 Excel"),
    "empty": (b"", "roster.csv", "文件是空的。"),
    "zip bomb (ratio)": (
        _with_part("xl/media/zeros.bin", bytes(3 * 1024 * 1024)),
        "r.xlsx",
        "解压后",
    ),
    "no header": (_csv([["a", "b"]], header=["x", "y"]), "roster.csv", "没有找到表头"),
    "missing column": (_csv([], header=HEADER[:4]), "roster.csv", "缺少这些列：加入日期"),
    "a column twice": (_csv([], header=[*HEADER, "姓名"]), "roster.csv", "“姓名”这一列出现了两次"),
}


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_hostile_files_are_refused_and_change_nothing(app, client, auth, world, monkeypatch, case):
    data, name, message = HOSTILE[case]
    if "bomb" in case:
        import openpyxl

        def never(*_args, **_kwargs):
            raise AssertionError("openpyxl opened a zip bomb")

        monkeypatch.setattr(openpyxl, "load_workbook", never)
    auth.login("admin")
    before = _counts(app)
    response = _upload(client, data, name)
    assert response.status_code == 422
    _check(response.text)
    errors = re.search(r'<ul class="field-errors"[^>]*>(.*?)</ul>', response.text, re.S)
    assert errors and message in errors.group(1), response.text[-3000:]
    assert _counts(app) == before and storage.SESSION_KEY not in _session(client)


def _session(client) -> dict:
    with client.session_transaction() as session:
        return dict(session)


def test_zip_bomb_by_total_size(app, client, auth, world, monkeypatch):
    from fieldlog.roster import reading

    monkeypatch.setattr(reading, "MAX_UNZIPPED", 64 * 1024)
    auth.login("admin")
    response = _upload(client, _with_part("xl/media/noise.bin", bytes(range(256)) * 400))
    assert response.status_code == 422 and "解压后的数据量远超" in response.text


def test_too_many_rows(app, client, auth, world):
    app.config["ROSTER_MAX_ROWS"] = 2
    auth.login("admin")
    response = _upload(client, _xlsx(GOOD))
    assert response.status_code == 422 and "文件超过 2 人" in response.text
    assert _upload(client, _xlsx(GOOD[:2])).status_code == 200


def test_file_over_the_size_limit(app, client, auth, world):
    app.config["ROSTER_MAX_BYTES"] = 20_000
    auth.login("admin")
    before = _counts(app)
    padding = [[f"备注{i}" * 50] for i in range(60)]
    just_over = _csv(padding, header=HEADER)[:20_001]
    assert len(just_over) == 20_001, len(just_over)
    response = _upload(client, just_over, "roster.csv")
    assert response.status_code == 422
    assert "文件超过" in response.text, re.findall(r"field-errors.*?</ul>", response.text, re.S)
    far_over = _csv(padding * 20, header=HEADER)  # beyond the request limit: Flask's 413
    response = _upload(client, far_over, "roster.csv")
    assert response.status_code == 413
    _check(response.text)
    assert "文件超过" in response.text and "<form" in response.text
    assert _counts(app) == before


# Access ------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["member", "chair"])
def test_only_admins_import(client, auth, world, username):
    auth.login(username)
    for url in ("/admin/roster/", "/admin/roster/template.xlsx"):
        assert client.get(url).status_code == 403
    page = client.get("/")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)
    data = {"file": (io.BytesIO(_xlsx(GOOD)), "r.xlsx")}
    if token:
        data["csrf_token"] = token.group(1)
    response = client.post("/admin/roster/preview", data=data, content_type="multipart/form-data")
    assert response.status_code in (400, 403)


def test_anonymous_is_sent_to_login(client, world):
    assert client.get("/admin/roster/").status_code == 302


def test_a_previewed_file_is_hers_alone(app, client, auth, world):
    auth.login("admin")
    preview = _upload(client, _xlsx(GOOD))
    token = csrf_from(client.get("/auth/account").text)  # the log-out button is there
    client.post("/auth/logout", data={"csrf_token": token})
    auth.login("admin_b")
    assert storage.SESSION_KEY in _session(client)  # the cookie still names the file
    before = _counts(app)
    digest = re.search(r'name="sha256" type="hidden" value="([^"]+)"', preview.text).group(1)
    token = csrf_from(client.get("/admin/roster/").text)
    data = {"csrf_token": token, "sha256": digest}
    response = client.post("/admin/roster/import", data=data)  # same browser, another admin
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/roster/")
    assert _counts(app) == before


def test_pages_are_valid_and_linked(client, auth, world):
    auth.login("admin")
    assert "/admin/roster/" in client.get("/admin/").text
    page = client.get("/admin/roster/")
    assert page.status_code == 200
    _check(page.text)
    assert "/admin/roster/template.xlsx" in page.text
