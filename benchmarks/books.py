"""Time the record books (issue 5, "Speed"): one book of 100 entries as PDF, and a committee
of 15 such books as one ZIP.

Run from the project root (on demand only; pytest never collects this):

    python -m benchmarks.books                 # builds its own small SQLite file, then times
    python -m benchmarks.books --photos 30     # with 30 of each book's entries holding photos

It makes a scratch database in a temporary folder (the schema from the models, the duty
catalogue seeded): one village of 15 members, each with 100 logs in last year written by
the demo's content generator, then times
whole requests through the Flask test client, as the member (her PDF) and as the chair
(the committee's ZIP). Also the XLSX and the parts of the PDF: gathering the book, the
HTML, WeasyPrint's layout and its PDF writing.
"""

from __future__ import annotations

import argparse
import io
import math
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import uuid
import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from flask import Flask
from PIL import Image

from benchmarks.generate import PASSWORD
from benchmarks.run import Bench, Result, _print
from fieldlog import create_app, pdf
from fieldlog.auth.passwords import hash_password
from fieldlog.books import content, render
from fieldlog.demo import content as texts
from fieldlog.extensions import db
from fieldlog.models import Account, DutyType, Log, Membership, Organisation, Photo, RoleGrant
from fieldlog.seed import seed_duty_types
from fieldlog.timeutil import local_today
from fieldlog.vocab import Role

TARGETS_MS = {"book": 1000, "zip": 10000}
MEMBERS, ENTRIES = 15, 100
# A year's mix of one member's entries (100 in all).
MIX = {"contact": 52, "talk": 20, "survey": 8, "proposal": 6, "help": 6, "volunteer": 8}
NAMES = "秀兰桂英玉梅芳丽华红霞燕娟敏静琴萍玲凤云翠春雪"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="fieldlog-books-") as folder:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/books.sqlite3",
                "SECRET_KEY": "bench-secret-key-not-for-production-use",
                "RATELIMIT_STORAGE_URI": "memory://",
            },
            instance_path=folder,
        )
        with app.app_context():
            year = local_today(app.config["TIMEZONE"]).year - 1
            org_id, member_id = _build(year, args.photos, random.Random(args.seed))
        print(f"{MEMBERS} members x {ENTRIES} entries in {year}, photos on {args.photos} each")
        results = _measure(app, org_id, member_id, year, args)
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        _print(results, rss_mb)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=10, help="timed runs of the book")
    parser.add_argument("--zip-repeat", type=int, default=3, help="timed runs of the ZIP")
    parser.add_argument("--warmup", type=int, default=2, help="untimed runs first")
    parser.add_argument("--photos", type=int, default=0, help="entries with 3 photos, per book")
    parser.add_argument(
        "--processes", type=int, default=0, help="for the ZIP besides 1 (default: per CPU)"
    )
    parser.add_argument("--seed", default="fieldlog-books")
    return parser


# The data -----------------------------------------------------------------------------------


def _build(year: int, photos: int, rng: random.Random) -> tuple[int, int]:
    """The village, its chair and members, their logs (and photos); ids of the village and
    of the member whose book is timed."""
    db.create_all()
    seed_duty_types(db.session)
    org = Organisation(name="书香村", kind="village")
    db.session.add(org)
    db.session.flush()
    org.path = f"/{org.id}/"
    password = hash_password(PASSWORD)
    duties = {d.code: d for d in db.session.query(DutyType)}
    pool = texts.places(org.name, org.kind)
    members = []
    for n in range(MEMBERS):
        name = rng.choice("李王张刘陈杨黄赵") + "".join(rng.sample(NAMES, 2))
        account = Account(
            username=f"book{n:02d}",
            display_name=name,
            password_hash=password,
            organisation_id=org.id,
        )
        db.session.add(account)
        db.session.flush()
        db.session.add(
            Membership(
                account_id=account.id, organisation_id=org.id, joined_on=date(year - 2, 3, 1)
            )
        )
        if n == 0:
            db.session.add(
                RoleGrant(account_id=account.id, organisation_id=org.id, role=Role.CHAIR)
            )
        members.append(account)
        logs = [_log(rng, account, duties[code], year, pool) for code in _codes()]
        db.session.add_all(logs)
        db.session.flush()
        _photos(rng, logs[:photos], account)
    db.session.commit()
    return org.id, members[1].id


def _codes() -> list[str]:
    return [code for code, n in MIX.items() for _ in range(n)]


def _log(rng: random.Random, account: Account, duty: DutyType, year: int, pool) -> Log:
    day = date(year, 1, 1) + timedelta(days=rng.randint(0, 364))
    values = {
        "contact": lambda: texts.contact(rng, "visit", pool),
        "talk": lambda: texts.talk(rng, pool),
        "survey": lambda: texts.survey(rng, "visit", pool, rng.choice(texts.THEMES)),
        "proposal": lambda: texts.proposal(rng, rng.choice(texts.THEMES), day, date(year, 12, 31)),
        "help": lambda: texts.help_given(rng, "visit", pool),
        "volunteer": lambda: texts.volunteer(rng, pool, day),
    }[duty.code]()
    at = datetime.combine(day + timedelta(days=rng.choice((0, 0, 1, 3))), datetime.min.time(), UTC)
    log = Log(
        client_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        account_id=account.id,
        created_by_id=account.id,
        duty_type_id=duty.id,
        happened_on=day,
        created_at=at + timedelta(hours=12),
        updated_at=at + timedelta(hours=12),
    )
    for name, value in values.items():
        if name in duty.fields:
            setattr(log, name, value)
    return log


def _photos(rng: random.Random, logs: list[Log], account: Account) -> None:
    """Three 320x240 JPEG thumbnails on each of ``logs`` (the size the photo feature keeps)."""
    from flask import current_app

    folder = Path(current_app.instance_path) / "uploads" / "photos"
    folder.mkdir(parents=True, exist_ok=True)
    for log in logs:
        for _ in range(3):
            name = f"{uuid.UUID(int=rng.getrandbits(128), version=4)}.jpg"
            colour = tuple(rng.randint(0, 255) for _ in range(3))
            buffer = io.BytesIO()
            Image.new("RGB", (320, 240), colour).save(buffer, "JPEG", quality=80)
            (folder / name).write_bytes(buffer.getvalue())
            db.session.add(
                Photo(
                    log_id=log.id,
                    stored_name=f"full-{name}",
                    thumb_name=name,
                    width=320,
                    height=240,
                    size_bytes=len(buffer.getvalue()),
                    created_by_id=account.id,
                )
            )


# The timings --------------------------------------------------------------------------------


def _measure(app: Flask, org_id: int, member_id: int, year: int, args) -> list[Result]:
    book = Bench(app, args.warmup, args.repeat)
    member = book.client(f"book{1:02d}")
    chair = book.client("book00")
    pdf_path = f"/books/{member_id}/{year}.pdf"
    _check_pdf(member.get(pdf_path).data)
    zip_path = f"/books/committee/{org_id}/{year}.zip"
    _check_zip(chair.get(zip_path).data)
    results = [
        _cpu(lambda: book.page("book PDF, 100 entries", "book", member, pdf_path), "book"),
        book.page("book XLSX, 100 entries", "book", member, f"/books/{member_id}/{year}.xlsx"),
    ]
    results[-1].target_ms = None
    results += _parts(app, book, member_id, year)
    results += _zips(app, chair, zip_path, sorted({1, pdf.processes(args.processes)}), args)
    return results


def _zips(app: Flask, chair, path: str, settings: list[int], args) -> list[Result]:
    """The ZIP with each number of processes, runs interleaved (1, N, 1, N ...) so that
    every setting meets the same load from other work on the machine."""
    runs: dict[int, list[float]] = {n: [] for n in settings}
    loads = []
    for n in settings:  # warm-up: the fork server starts on the first parallel batch
        app.config["PDF_PROCESSES"] = n
        chair.get(path)
    for _ in range(args.zip_repeat):
        for n in settings:
            app.config["PDF_PROCESSES"] = n
            started = time.perf_counter()
            if chair.get(path).status_code != 200:
                raise SystemExit(f"{path} failed")
            runs[n].append((time.perf_counter() - started) * 1000)
            loads.append(os.getloadavg()[0])
    print(f"  ZIP runs interleaved; load average {min(loads):.1f} to {max(loads):.1f}")
    results = []
    for n, times in runs.items():
        times.sort()
        name = f"committee ZIP, 15 books, {n} process{'es' if n > 1 else ''}"
        p95 = times[max(0, math.ceil(0.95 * len(times)) - 1)]
        result = Result(
            name, TARGETS_MS["zip"], statistics.median(times), p95, times[0], len(times)
        )
        print(f"  {name}: median {result.median_ms:.1f} ms, p95 {result.p95_ms:.1f} ms")
        results.append(result)
    return results


def _cpu(measure: Callable[[], Result | None], key: str) -> Result:
    """Run a measurement, set its target, and print the CPU time this process used per run
    and the load average: other work on the machine inflates wall time, hardly CPU time.
    (Worker processes drawing a ZIP's books are not children of this one: not counted.)"""
    before = _cpu_seconds()
    result = measure()
    assert result is not None
    runs = result.runs + (1 if key == "zip" else 2)  # the warm-up runs count too
    spent = 1000 * (_cpu_seconds() - before) / runs
    load = os.getloadavg()[0]
    print(f"    CPU in this process {spent:.0f} ms a run; load average {load:.1f}")
    result.target_ms = TARGETS_MS[key]
    return result


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def _parts(app: Flask, bench: Bench, member_id: int, year: int) -> list[Result]:
    """The PDF's costs one by one, inside a request context."""
    today = local_today(app.config["TIMEZONE"])
    with app.test_request_context("/"):
        member = db.session.get(Account, member_id)
        books = content.load_books([member], year, today, member)
        html = render.book_html(books[0], "zh_Hans_CN", today)
        css = render.book_css("zh_Hans_CN")
    printer = pdf.Printer(css)
    document = printer.weasyprint.HTML(string=html, url_fetcher=printer.fetcher(books[0].files))

    def gather() -> None:
        reader = db.session.get(Account, member_id)
        content.load_books([reader], year, today, reader)

    def layout() -> None:
        document.render(stylesheets=printer.stylesheets, font_config=printer.fonts)

    laid_out = document.render(stylesheets=printer.stylesheets, font_config=printer.fonts)
    return [
        bench.service("  gather the book (queries)", None, gather),
        bench.service(
            "  HTML template", None, lambda: render.book_html(books[0], "zh_Hans_CN", today)
        ),
        bench._time("  WeasyPrint layout", None, layout),
        bench._time("  WeasyPrint PDF writing", None, laid_out.write_pdf),
    ]


def _check_pdf(data: bytes) -> None:
    if not data.startswith(b"%PDF-"):
        raise SystemExit("the book is not a PDF (is WeasyPrint with a Chinese font installed?)")


def _check_zip(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
    if len(names) != MEMBERS:
        raise SystemExit(f"the ZIP holds {len(names)} books, not {MEMBERS}")


if __name__ == "__main__":
    sys.exit(main())
