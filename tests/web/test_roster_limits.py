"""Roster reading within bounds: a crafted workbook (a small file unpacking to millions of
texts) refused fast, with flat memory and nothing written; each limit of the settings
named in its message; the preview writing nothing and reading the file with no
transaction open."""

from __future__ import annotations

import io
import re
import tracemalloc

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from fieldlog.roster import reading
from fieldlog.roster import views as roster_views
from tests.fixtures.crafted import HEADER, ROW, crafted_roster, excel_roster
from tests.web.helpers import open_form
from tests.web.test_roster_import import GOOD, _counts, _import, _upload, _xlsx

MB = 1024 * 1024


def _errors(html: str) -> str:
    found = re.search(r'<ul class="field-errors"[^>]*>(.*?)</ul>', html, re.S)
    assert found, html[-2000:]
    return found.group(1)


def _writes(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


def _upload_in_memory(client, data: bytes):
    """As ``_upload``, the body built in memory: for a body past 500 KB the test client
    would spool it to a temporary file that nobody closes."""
    _html, hidden = open_form(client, "/admin/roster/")
    file = FileStorage(io.BytesIO(data), filename="roster.xlsx")
    boundary, body = encode_multipart({**hidden, "file": file})
    content_type = f"multipart/form-data; boundary={boundary}"
    return client.post("/admin/roster/preview", data=body, content_type=content_type)


def _measured_upload(client, data: bytes):
    """The answer and the peak of Python memory while it ran (time is the benchmark's
    business: benchmarks/load.py)."""
    tracemalloc.start()
    try:
        response = _upload_in_memory(client, data)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return response, peak


CRAFTED = {
    # 1.7 MB declaring 65 MB of shared strings: refused by the zip's directory alone.
    "65 MB of texts": ({}, "工作簿中的文字解压后超过 8 MB"),
    # Under the size limit of the texts, but 400,000 of them: refused while counting.
    "400,000 texts": (dict(count=400_000), "工作簿中不同的文字超过 100000 条"),
}


@pytest.mark.parametrize("case", CRAFTED, ids=list(CRAFTED))
def test_a_crafted_workbook_is_refused_fast_with_flat_memory_and_nothing_written(
    app, client, auth, world, monkeypatch, count_queries, case
):
    import openpyxl

    def never(*_args, **_kwargs):
        raise AssertionError("openpyxl opened the crafted workbook")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    shape, message = CRAFTED[case]
    data = crafted_roster(**shape)
    assert len(data) < app.config["ROSTER_MAX_BYTES"]  # under every limit there was before
    auth.login("admin")
    before = _counts(app)
    with count_queries() as queries:
        response, peak = _measured_upload(client, data)
    assert response.status_code == 422
    assert message in _errors(response.text)
    assert "请把成员复制到模板中，再上传模板。" in _errors(response.text)
    assert peak < len(data) * 3 + 8 * MB, peak  # the upload itself and a few buffers
    assert _counts(app) == before and not _writes(queries.statements)


LIMITS = {
    "ROSTER_MAX_SHARED_STRINGS": (5, "工作簿中不同的文字超过 5 条"),
    "ROSTER_MAX_SHARED_STRINGS_BYTES": (256, "工作簿中的文字解压后超过 0.25 KB"),
    "ROSTER_MAX_PART_BYTES": (512, "工作簿中有一部分解压后超过 0.5 KB"),
    "ROSTER_MAX_CELLS": (10, "工作簿的单元格超过 10 个"),
    "ROSTER_MAX_SHEET_ROWS": (2, "工作簿的工作表超过 2 行"),
    "ROSTER_READ_SECONDS": (0, "读取这个文件超过了 0 秒，已停止。"),
}


EXCEL = excel_roster([HEADER, ROW, ["甲村", "吴霞", "13800000003", "", "2025/3/1", "增补"]])


@pytest.mark.parametrize("setting", LIMITS, ids=list(LIMITS))
def test_each_limit_is_a_setting_named_in_the_message(app, client, auth, world, setting):
    value, message = LIMITS[setting]
    auth.login("admin")
    assert _upload(client, EXCEL).status_code == 200  # the defaults fit a roster
    app.config[setting] = value
    response = _upload(client, EXCEL)
    assert response.status_code == 422
    assert message in _errors(response.text)


def test_the_messages_are_english_in_the_english_locale(app, client, auth, world):
    auth.login("admin")
    with client.session_transaction() as session:
        session["locale"] = "en"
    app.config["ROSTER_MAX_CELLS"] = 10
    response = _upload(client, _xlsx(GOOD))
    assert "The workbook has more than 10 cells" in _errors(response.text)
    assert "Copy the members into the template and upload that." in _errors(response.text)


def test_the_preview_writes_nothing_and_reads_the_file_with_no_transaction(
    app, client, auth, world, count_queries, watch_slow
):
    auth.login("admin")
    watch = watch_slow(roster_views, "read_table")
    before = _counts(app)
    with count_queries() as queries:
        preview = _upload(client, _xlsx(GOOD))
    assert preview.status_code == 200 and 'name="sha256"' in preview.text
    watch.assert_idle("read_table")
    assert not _writes(queries.statements) and _counts(app) == before
    response = _import(client, preview.text)
    assert response.status_code == 200
    assert len(watch.calls) == 2  # the import reads the file again, also outside
    watch.assert_idle("read_table")
    assert _counts(app) != before


def test_a_csv_is_read_within_the_time_budget(app, client, auth, world):
    from tests.web.test_roster_import import _csv

    auth.login("admin")
    rows = [[str(v or "") for v in row] for row in GOOD]
    assert _upload(client, _csv(rows), "roster.csv").status_code == 200
    app.config["ROSTER_READ_SECONDS"] = 0
    response = _upload(client, _csv(rows), "roster.csv")
    assert response.status_code == 422
    assert "读取这个文件超过了 0 秒，已停止。" in _errors(response.text)


def test_parts_are_counted_as_streams(monkeypatch):
    """The counter never asks a zip entry for more than one chunk at a time."""
    import zipfile

    from fieldlog.roster import parts

    sizes = []
    original = zipfile.ZipExtFile.read

    def read(self, n=-1):
        sizes.append(n)
        return original(self, n)

    monkeypatch.setattr(zipfile.ZipExtFile, "read", read)
    data = crafted_roster(count=400_000)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        with pytest.raises(parts.LimitExceeded):
            parts.check_parts(archive, parts.Limits(), parts.Budget(60))
    assert sizes and all(0 < n <= parts.CHUNK for n in sizes), set(sizes)
    assert reading.MAX_UNZIPPED > 65 * 1000 * 1000  # the crafted file fits the old limit


def test_the_import_hashes_the_new_passwords_before_it_takes_the_write_lock(
    app, client, auth, world, monkeypatch
):
    from fieldlog.admin.service import OneTimePassword
    from fieldlog.database import read_only_request

    seen: list[bool] = []
    make = OneTimePassword.make

    def noted(cls):
        seen.append(read_only_request())
        return make()

    monkeypatch.setattr(OneTimePassword, "make", classmethod(noted))
    auth.login("admin")
    preview = _upload(client, _xlsx(GOOD))
    assert seen == []  # the preview makes no password
    response = _import(client, preview.text)
    assert response.status_code == 200
    assert seen == [True, True, True]  # one per new member, in a transaction that only reads
    assert len(re.findall(r'class="credential roster-password"', response.text)) == 3
