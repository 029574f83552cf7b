"""The slow steps of the downloads run with no transaction open (the PDFs of record books,
their ZIP, the review sheet) or in one that only reads (a ledger, built from many
queries): a long download keeps nobody waiting to save. The roster and photo steps are
checked with their features (test_roster_limits, test_api_photos, test_log_photos)."""

from __future__ import annotations

import io
import zipfile

import pytest

from fieldlog import pdf
from fieldlog.database import READING, read_only_request
from fieldlog.extensions import db
from fieldlog.ledgers import service as ledger_service
from fieldlog.review import sheet_views
from tests.web.test_books import YEAR, year_logs  # noqa: F401 - a fixture
from tests.web.test_ledgers import Y, _committee_url, _post, logs  # noqa: F401 - a fixture
from tests.web.test_review_sheet import round_id  # noqa: F401 - a fixture

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def drawn(monkeypatch, watch_slow):
    """WeasyPrint replaced by a stub (these tests are about when it runs, not what it
    draws), watched."""
    monkeypatch.setattr(pdf, "weasyprint_ready", lambda: None)
    monkeypatch.setattr(pdf, "render_batch", lambda css, jobs, workers=1: [b"%PDF-"] * len(jobs))
    monkeypatch.setattr(sheet_views, "render_pdf", lambda html: b"%PDF-")
    watch = watch_slow(pdf, "render_batch")
    watch_slow(sheet_views, "render_pdf").calls = watch.calls
    return watch


@pytest.mark.usefixtures("year_logs")
def test_a_record_book_pdf_is_drawn_with_no_transaction(client, auth, world, drawn):
    auth.login("member")
    response = client.get(f"/books/{world['member'].id}/{YEAR}.pdf")
    assert response.status_code == 200 and response.data == b"%PDF-"
    drawn.assert_idle("render_batch")


@pytest.mark.usefixtures("year_logs")
def test_the_committee_zip_is_drawn_with_no_transaction(client, auth, world, drawn):
    auth.login("chair")
    response = client.get(f"/books/committee/{world['village_a'].id}/{YEAR}.zip")
    assert response.status_code == 200
    drawn.assert_idle("render_batch")
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert len(archive.namelist()) == 3
        assert all(n.endswith(f"-{YEAR}.pdf") and "工作记录册" in n for n in archive.namelist())


def test_the_review_sheet_is_drawn_with_no_transaction(client, auth, request, drawn):
    round_ = request.getfixturevalue("round_id")
    auth.login("chair")
    response = client.get(f"/review/{round_}/sheet.pdf")
    assert response.status_code == 200 and response.data == b"%PDF-"
    assert "2026H1" in response.headers["Content-Disposition"]
    drawn.assert_idle("render_pdf")


@pytest.mark.usefixtures("logs")
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_ledger_is_built_in_a_transaction_that_only_reads(client, auth, world, monkeypatch, kind):
    seen = []
    for name in ("ledger_xlsx", "ledger_csv"):
        build = getattr(ledger_service, name)

        def watched(*args, _build=build, **kwargs):
            seen.append((read_only_request(), bool(db.session.info.get(READING))))
            return _build(*args, **kwargs)

        monkeypatch.setattr(ledger_service, name, watched)
    auth.login("chair")
    response = _post(client, _committee_url(world), span=str(Y), **{kind: "1"})
    assert response.status_code == 200
    assert seen == [(True, True)]
