"""Time the ledgers at district scale (issue 5: "a district of 300 villages must not time
out"): the district admin's XLSX and CSV of a whole year, and one village chair's XLSX.

Run from the project root, on demand only (pytest never collects this), on the data of
``benchmarks.generate`` (300 villages, 4,500 seats, five years of logs):

    python -m benchmarks.generate --url sqlite:////tmp/fieldlog-bench.sqlite3
    python -m benchmarks.ledgers --url sqlite:////tmp/fieldlog-bench.sqlite3

Each download is a whole request through the Flask test client (login, form, queries, the
file), timed from the POST to the last byte read, with the file's size, its rows and the
peak RSS of the process.
"""

from __future__ import annotations

import argparse
import io
import re
import resource
import tempfile
import time
import zipfile

from sqlalchemy import select

from benchmarks.generate import ADMIN_USERNAME, CHAIR_USERNAME, DEFAULT_URL, PASSWORD
from fieldlog import create_app
from fieldlog.extensions import db
from fieldlog.models import Account, Organisation, RoleGrant
from fieldlog.timeutil import local_today

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
TARGET_S = 30  # a usual proxy or gunicorn timeout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--year", type=int, help="default: last year")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as instance:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": args.url,
                "SECRET_KEY": "bench-secret-key-not-for-production-use",
            },
            instance_path=instance,
        )
        year = args.year or local_today(app.config["TIMEZONE"]).year - 1
        with app.app_context():
            top = select(Organisation.id).where(Organisation.parent_id.is_(None))
            district = db.session.scalars(top).first()
            chaired = (
                select(RoleGrant.organisation_id)
                .join(Account)
                .where(Account.username == CHAIR_USERNAME, RoleGrant.role == "chair")
            )
            village_id = db.session.scalars(chaired).first()
        admin = _client(app, ADMIN_USERNAME)
        chair = _client(app, CHAIR_USERNAME)
        area = {"org_id": str(district), "span": str(year)}
        _time(admin, "/ledgers/area", {**area, "xlsx": "1"}, f"district {year} XLSX")
        _time(admin, "/ledgers/area", {**area, "csv": "1"}, f"district {year} CSV")
        village_url = f"/ledgers/committee/{village_id}"
        _time(chair, village_url, {"span": str(year), "xlsx": "1"}, f"village {year} XLSX")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {rss:.0f} MB; target under {TARGET_S} s a download")
    return 0


def _client(app, username: str):
    client = app.test_client()
    token = CSRF_RE.search(client.get("/auth/login").text).group(1)
    form = {"username": username, "password": PASSWORD, "csrf_token": token}
    if client.post("/auth/login", data=form).status_code != 302:
        raise SystemExit(f"login as {username} failed")
    return client


def _time(client, url: str, data: dict, name: str) -> None:
    token = CSRF_RE.search(client.get(url).text).group(1)
    started = time.perf_counter()
    response = client.post(url, data={**data, "csrf_token": token}, buffered=True)
    body = response.data
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{name}: HTTP {response.status_code}")
    print(f"{name:<22} {elapsed:6.1f} s  {len(body) / 1e6:6.1f} MB  {_rows(body)}")


def _rows(body: bytes) -> str:
    if not body.startswith(b"PK"):
        lines = body.count(b"\r\n") - 1
        return f"{lines:,} CSV lines"
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        first = archive.read("xl/worksheets/sheet1.xml")
        sheets = sum(1 for n in archive.namelist() if n.startswith("xl/worksheets/"))
    return f"{first.count(b'<row ') - 1:,} logs, {sheets} sheets"


if __name__ == "__main__":
    raise SystemExit(main())
