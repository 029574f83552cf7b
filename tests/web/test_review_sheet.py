"""The printable review sheet (PDF) through the client: its Chinese text read back with
pdftotext, A4 landscape, the file name, who may fetch it, and the refusals when the server
lacks Pango or a Chinese font. The clock is frozen at 20 Sept 2026.

The PDF tests need WeasyPrint's Pango, a Chinese font (fonts-noto-cjk) and poppler-utils;
CI installs all three, elsewhere they skip with the reason.
"""

from __future__ import annotations

import importlib.abc
import shutil
import sys
from datetime import date
from urllib.parse import quote

import pytest
from sqlalchemy import select

from fieldlog import pdf
from fieldlog.extensions import db
from fieldlog.models import Account, Organisation, ReviewEntry
from fieldlog.review import service
from tests.fixtures.clock import at_noonish
from tests.pdftools import need_pdf_tools, pdf_text, run
from tests.web.test_html import _check

pytestmark = pytest.mark.usefixtures("frozen")

TODAY = date(2026, 9, 20)
TITLE = "2026年上半年执委述职评议表"
FONT_MESSAGE = "服务器未安装中文字体 (fonts-noto-cjk)，无法生成 PDF"
PANGO_MESSAGE = "服务器缺少 PDF 组件（WeasyPrint/Pango），无法生成 PDF"


@pytest.fixture
def round_id(app, world, make_log):
    """The mid-year review of 甲村: 王芳 did both quarters' contacts and submitted her report;
    李娜 and 张敏 (chair) did nothing and wrote nothing."""
    member = world["member"]
    make_log(member, "contact", date(2026, 2, 10), created_at=at_noonish(date(2026, 2, 10)))
    make_log(member, "contact", date(2026, 5, 6))
    with app.app_context():
        chair = db.session.get(Account, world["chair"].id)
        org = db.session.get(Organisation, world["village_a"].id)
        round_ = service.open_round(chair, org, "2026H1", TODAY)
        entry = db.session.scalars(
            select(ReviewEntry).filter_by(round_id=round_.id, account_id=member.id)
        ).one()
        author = db.session.get(Account, member.id)
        service.save_report(author, entry, "上半年走访了十户妇女。", submit=True)
        db.session.commit()
        return round_.id


def _url(round_id: int) -> str:
    return f"/review/{round_id}/sheet.pdf"


def test_chair_prints_the_sheet_in_chinese(client, auth, round_id, tmp_path):
    need_pdf_tools()
    auth.login("chair")
    response = client.get(_url(round_id))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert response.headers["Cache-Control"] == "no-store"
    text, info = pdf_text(response.data, tmp_path)
    assert "Pages:           1" in info
    assert "841.89 x 595.276 pts (A4)" in info  # landscape
    for expected in (TITLE, "甲村", "王芳", "李娜", "张敏", "已提交", "未提交", "主席签字"):
        assert expected in text, expected
    for duty in ("一次联系", "一次宣讲", "一次调研", "一次建议"):
        assert duty in text, duty
    assert "履职数据截至2026年9月20日" in text
    assert "第1页/共1页" in "".join(text.split())
    wang = next(line for line in text.splitlines() if "王芳" in line)
    # number, name, then done/owed: contact, talk, survey, proposal; yearly duties not owed
    assert wang.split()[1:10] == ["王芳", "2/2", "0/2", "0/1", "0/1", "—", "—", "—", "4"]
    assert text.count("已提交") == 1 and text.count("未提交") == 2


def test_the_result_column_shows_a_rated_result(app, client, auth, world, round_id, tmp_path):
    need_pdf_tools()
    with app.app_context():
        chair = db.session.get(Account, world["chair"].id)
        entry = db.session.scalars(
            select(ReviewEntry).filter_by(round_id=round_id, account_id=world["other_member"].id)
        ).one()
        votes = [service.RatingLine("representative", "unqualified", 9)]
        service.rate(chair, entry, "counts", votes)
        db.session.commit()
    auth.login("chair")
    text, _info = pdf_text(client.get(_url(round_id)).data, tmp_path)
    li = next(line for line in text.splitlines() if "李娜" in line)
    assert li.split()[-1] == "不合格"
    assert text.count("不合格") == 3  # the two vote headers and her result


def test_a_long_committee_runs_onto_more_pages(app, client, auth, world, make_member, tmp_path):
    need_pdf_tools()
    for n in range(30):
        make_member(world["village_a"], name=f"成员{n:02d}")
    with app.app_context():
        chair = db.session.get(Account, world["chair"].id)
        org = db.session.get(Organisation, world["village_a"].id)
        round_ = service.open_round(chair, org, "2026H1", TODAY)
        db.session.commit()
        new_id = round_.id
    auth.login("chair")
    text, info = pdf_text(client.get(_url(new_id)).data, tmp_path)
    assert "Pages:           2" in info
    assert "第2页/共2页" in "".join(text.split())
    assert all(f"成员{n:02d}" in text for n in range(30))
    assert text.count("一次联系") == 2  # the header row repeats on the second page


def test_file_name_is_ascii_with_the_chinese_name_beside(client, auth, world, round_id):
    auth.login("chair")
    response = client.get(_url(round_id))
    if response.status_code == 503:
        pytest.skip("this machine cannot draw the sheet")
    org_id = world["village_a"].id
    chinese = quote("述职评议表-甲村-2026H1.pdf", safe="")
    assert response.headers["Content-Disposition"] == (
        f"inline; filename=\"review-sheet-{org_id}-2026H1.pdf\"; filename*=UTF-8''{chinese}"
    )


@pytest.mark.parametrize("who", ["other_chair", "member", "admin"])
def test_only_the_committees_chair_gets_the_sheet(client, auth, world, round_id, who):
    auth.login(world[who].username)
    assert client.get(_url(round_id)).status_code == 403


def test_anonymous_is_sent_to_log_in(client, round_id):
    response = client.get(_url(round_id))
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_no_such_round(client, auth, world, round_id):
    auth.login("chair")
    assert client.get(_url(round_id + 1)).status_code == 404


def test_without_a_chinese_font_the_sheet_is_refused(client, auth, round_id, monkeypatch):
    monkeypatch.setattr(pdf, "load_weasyprint", lambda: object())
    monkeypatch.setattr(pdf, "cjk_font_installed", lambda: False)
    auth.login("chair")
    response = client.get(_url(round_id))
    assert response.status_code == 503
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    _check(html)
    assert FONT_MESSAGE in html
    assert f'href="/review/{round_id}"' in html


class _NoPango(importlib.abc.MetaPathFinder):
    """Importing WeasyPrint fails as it does on a server without the Pango library."""

    def find_spec(self, name, path=None, target=None):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return None


def test_without_pango_the_sheet_is_refused(client, auth, round_id, monkeypatch):
    monkeypatch.delitem(sys.modules, "weasyprint", raising=False)
    monkeypatch.setattr(sys, "meta_path", [_NoPango(), *sys.meta_path])
    auth.login("chair")
    response = client.get(_url(round_id))
    assert response.status_code == 503
    assert PANGO_MESSAGE in response.get_data(as_text=True)


def test_font_check_asks_fontconfig():
    """The detector can answer no: a made-up family has no font; Chinese matches fc-list."""
    assert pdf._fontconfig_count(b"FieldLog No Such Family") == 0
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        pytest.skip("fc-list is not installed to compare with")
    listed = run(fc_list, ":lang=zh", "family").strip()
    assert (pdf._fontconfig_count(b":lang=zh") > 0) == bool(listed)
