"""Load benchmark (issue 16): the server under a burst of slow and fast requests at once.

Run from the project root, on demand only (pytest never collects it):

    python -m benchmarks.load                 # SQLite, gunicorn --workers 1 --threads 8
    python -m benchmarks.load --postgres postgresql://postgres@127.0.0.1:5432/postgres \\
        --redis redis://127.0.0.1:6379/12     # PostgreSQL, gunicorn --workers 3

It builds a scratch instance folder and database (a SQLite file there, or a new PostgreSQL
database on that server, dropped afterwards), runs the migrations and loads the demo with
the real commands, adds members until there are enough, and starts gunicorn with the
README's production command (``FIELDLOG_*`` settings from the environment, the instance
folder given to ``create_app``). Then, all at once:

- 50 members log in (``POST /api/v1/login``, argon2 at production cost);
- 50 members, logged in before, each save ``--saves`` logs one after the other
  (``POST /api/v1/logs``): the time to each acknowledgement is what a phone waits;
- an admin previews a crafted roster (1.7 MB, shared strings declaring 65 MB, 3.3 million
  texts: ``tests/fixtures/crafted.py``);
- four members upload a 7999 x 7999 PNG each to one of their logs.

Reported: answers 5xx, "database is locked" (answers and the server's log), p50 / p95 /
slowest of each kind, the workers' peak resident memory; the same burst against a bare
Flask app in the same gunicorn command (``benchmarks/hello.py``) as the same-run baseline.
On SQLite also the saves alone with ``PRAGMA synchronous`` FULL and NORMAL, alternated.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from benchmarks.loadkit import Answer, Client, Figures, Sampler, Server

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "load-bench-2026"  # noqa: S105 - scratch accounts of a benchmark
SECRET = "load-benchmark-secret-not-for-production"  # noqa: S105 - a scratch instance
MEMBERS = 50
UPLOADS = 4
LOCKED = re.compile(rb"database is locked")
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@dataclass
class Cast:
    """Who takes part: member logins and the admin's."""

    members: list[str]
    admin: str


# Setting up -------------------------------------------------------------------------------


def _env(
    url: str, instance: Path, redis: str | None, code: Path, **settings: str
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FIELDLOG_", "DATABASE"))}
    env |= {"DATABASE_URL": url, "SECRET_KEY": SECRET, "PYTHONUNBUFFERED": "1"}
    env["PYTHONPATH"] = str(code)  # the code served: this checkout, or --code
    env["FIELDLOG_RATELIMIT_STORAGE_URI"] = redis or "memory://"
    return env | {f"FIELDLOG_{k}": v for k, v in settings.items()}


def _app_spec(instance: Path) -> str:
    return f"fieldlog:create_app(instance_path={str(instance)!r})"


def _flask(instance: Path, env: dict[str, str], *args: str) -> None:
    import subprocess

    flask = str(Path(sys.executable).parent / "flask")
    command = [flask, "--app", _app_spec(instance), *args]
    cwd = env["PYTHONPATH"]
    subprocess.run(command, env=env, check=True, capture_output=True, cwd=cwd)  # noqa: S603


def _prepare(url: str, instance: Path, env: dict[str, str]) -> Cast:
    """Migrations and the demo by the real commands; then members up to ``MEMBERS``."""
    _flask(instance, env, "db", "upgrade")
    _flask(instance, env, "demo", "--password", PASSWORD)
    from sqlalchemy import select

    from fieldlog import _normalise_db_url, create_app
    from fieldlog.auth.passwords import hash_password
    from fieldlog.demo import people
    from fieldlog.extensions import db
    from fieldlog.models import Account, Membership, Organisation
    from fieldlog.timeutil import local_today

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": _normalise_db_url(url), "SECRET_KEY": SECRET},
        instance_path=str(instance),
    )
    with app.app_context():
        today = local_today(app.config["TIMEZONE"])
        members = [
            a.username
            for a in db.session.scalars(select(Account).order_by(Account.id))
            if a.current_membership(today) and a.active and not a.must_change_password
        ]
        villages = list(
            db.session.scalars(select(Organisation).where(Organisation.kind == "village"))
        )
        password_hash = hash_password(PASSWORD)
        for n in range(MEMBERS + UPLOADS - len(members)):
            org = villages[n % len(villages)]
            account = Account(
                username=f"load{n:03d}",
                display_name=f"压测执委{n}",
                organisation_id=org.id,
                password_hash=password_hash,
                must_change_password=False,
            )
            db.session.add(account)
            db.session.flush()
            joined = today - timedelta(days=60)
            db.session.add(
                Membership(account_id=account.id, organisation_id=org.id, joined_on=joined)
            )
            members.append(account.username)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return Cast(members[:MEMBERS], people.ADMIN_USERNAME)


def _api_login(port: int, username: str) -> Client:
    client = Client(port)
    answer = client.json(
        "setup", "POST", "/api/v1/login", {"username": username, "password": PASSWORD}
    )
    if answer.status != 200:
        raise RuntimeError(f"login of {username}: {answer.status} {answer.text[:200]}")
    client.token = json.loads(answer.body)["csrf_token"]
    return client


def _web_login(port: int, username: str) -> Client:
    client = Client(port)
    page = client.request("setup", "GET", "/auth/login")
    form = f"username={username}&password={PASSWORD}&csrf_token={CSRF.search(page.text).group(1)}"
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    answer = client.request("setup", "POST", "/auth/login", form.encode(), headers)
    if answer.status != 302:
        raise RuntimeError(f"web login of {username}: {answer.status}")
    return client


def _log_body() -> dict:
    from fieldlog.timeutil import local_today

    today = local_today("Asia/Shanghai").isoformat()
    return {
        "client_id": str(uuid.uuid4()),
        "duty": "contact",
        "happened_on": today,
        "method": "visit",
        "women_count": 2,
        "place": "压测组",
    }


def _big_png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (7999, 7999), (200, 120, 40)).save(out, "PNG")
    return out.getvalue()


# The burst --------------------------------------------------------------------------------


@dataclass
class Players:
    """Logged-in clients and what they send."""

    savers: list[Client]
    admin: Client | None
    uploaders: list[tuple[Client, int]]
    logins: list[str]
    roster: bytes
    png: bytes

    def without(self, kinds: list[str]) -> Players:
        """The same players, those of ``kinds`` (login, save, preview, upload) left out."""
        return Players(
            [] if "save" in kinds else self.savers,
            None if "preview" in kinds else self.admin,
            [] if "upload" in kinds else self.uploaders,
            [] if "login" in kinds else self.logins,
            self.roster,
            self.png,
        )


def _setup_players(port: int, cast: Cast, roster: bytes, png: bytes) -> Players:
    savers = [_api_login(port, u) for u in cast.members]
    admin = _web_login(port, cast.admin)
    uploaders = []
    for saver in savers[:UPLOADS]:
        created = saver.json("setup", "POST", "/api/v1/logs", _log_body())
        uploader = Client(port)
        uploader.cookies, uploader.token = dict(saver.cookies), saver.token
        uploaders.append((uploader, json.loads(created.body)["id"]))
    return Players(savers, admin, uploaders, list(cast.members), roster, png)


def _jobs(port: int, players: Players, saves: int, hello: bool) -> list:
    """One callable per virtual user; each returns its answers."""
    jobs = []
    for username in players.logins:

        def login(username=username) -> list[Answer]:
            body = {"username": username, "password": PASSWORD}
            path = "/" if hello else "/api/v1/login"
            return [Client(port).json("login", "POST", path, body)]

        jobs.append(login)
    for saver in players.savers:

        def save(saver=saver) -> list[Answer]:
            path = "/" if hello else "/api/v1/logs"
            return [saver.json("save", "POST", path, _log_body()) for _n in range(saves)]

        jobs.append(save)
    if players.admin is not None:

        def preview() -> list[Answer]:
            admin = players.admin
            page = admin.request("setup", "GET", "/" if hello else "/admin/roster/")
            token = CSRF.search(page.text).group(1) if not hello else "x"
            path = "/" if hello else "/admin/roster/preview"
            files = {"file": ("roster.xlsx", players.roster)}
            return [admin.multipart("preview", path, {"csrf_token": token}, files)]

        jobs.append(preview)
    for uploader, log_id in players.uploaders:

        def upload(uploader=uploader, log_id=log_id) -> list[Answer]:
            path = "/" if hello else f"/api/v1/logs/{log_id}/photos"
            files = {"file": ("big.png", players.png)}
            fields = {"client_id": str(uuid.uuid4())}
            return [uploader.multipart("upload", path, fields, files)]

        jobs.append(upload)
    return jobs


def _burst(jobs: list) -> tuple[list[Answer], float]:
    """Every job in its own thread, released at the same moment."""
    answers: list[Answer] = []
    lock = threading.Lock()
    gate = threading.Barrier(len(jobs) + 1)

    def run(job) -> None:
        gate.wait()
        got = job()
        with lock:
            answers.extend(got)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    gate.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return answers, time.perf_counter() - started


def _log_size(log: Path) -> int:
    return log.stat().st_size if log.exists() else 0


def _measure(server: Server, jobs: list, log: Path) -> dict:
    offset = _log_size(log)
    sampler = Sampler(server)
    sampler.start()
    answers, wall = _burst(jobs)
    sampler.stop()
    with log.open("rb") as fh:
        fh.seek(offset)
        server_log = fh.read()
    kinds = sorted({a.kind for a in answers})
    return {
        "wall_s": round(wall, 2),
        "answers_5xx": sum(a.status >= 500 for a in answers),
        "no_answer": sum(a.status == 0 for a in answers),
        "locked_in_answers": sum(bool(LOCKED.search(a.body)) for a in answers),
        "locked_in_server_log": len(
            re.findall(rb"OperationalError[^\n]*database is locked", server_log)
        ),
        "worker_timeouts": server_log.count(b"WORKER TIMEOUT"),
        "rss_peak_total_mb": round(sampler.total_kb / 1024),
        "rss_peak_worker_mb": round(sampler.single_kb / 1024),
        "rss_before_mb": round(sampler.start_kb / 1024),
        "rss_high_water_mb": round(sampler.high_water_kb() / 1024),
        "kinds": {k: Figures.of(answers, k).row() for k in kinds},
        "slowest_save_s": round(
            max((a.seconds for a in answers if a.kind == "save"), default=0), 2
        ),
        "preview_said": _said(answers, "preview"),
        "upload_said": _said(answers, "upload"),
    }


def _said(answers: list[Answer], kind: str) -> str:
    for answer in answers:
        if answer.kind == kind:
            found = re.search(r'<ul class="field-errors"[^>]*>\s*<li>(.*?)</li>', answer.text, re.S)
            if found:
                return found.group(1).strip()
            return answer.text[:160]
    return ""


# Runs -------------------------------------------------------------------------------------


def _baseline(args, folder: Path, players: Players) -> dict:
    env = dict(os.environ)
    log = folder / "hello.log"
    with Server(
        "benchmarks.hello:app", args.port + 1, args.workers, args.threads, env, log, ROOT
    ) as server:
        hello = Players(
            [Client(server.port) for _ in players.savers],
            Client(server.port) if players.admin else None,
            [(Client(server.port), 0) for _ in players.uploaders],
            players.logins,
            players.roster,
            players.png,
        )
        return _measure(server, _jobs(server.port, hello, args.saves, hello=True), log)


def _synchronous(args, folder: Path, url: str, instance: Path, players: Players) -> dict:
    """The saves alone, FULL and NORMAL alternated, same database and sessions: the 50
    members at once, then one member saving 100 logs one after the other."""
    results: dict[str, list] = {"FULL": [], "NORMAL": []}
    log = folder / "sync.log"
    for level in ("NORMAL", "FULL") * args.sync_rounds:
        env = _env(url, instance, None, args.code, SQLITE_SYNCHRONOUS=level)
        with Server(
            _app_spec(instance), args.port, args.workers, args.threads, env, log, args.code
        ) as server:
            savers = Players(players.savers, None, [], [], b"", b"")
            answers, wall = _burst(_jobs(server.port, savers, args.saves, hello=False))
            one = players.savers[0]
            alone = [one.json("save", "POST", "/api/v1/logs", _log_body()) for _ in range(100)]
        saves, single = Figures.of(answers, "save"), Figures.of(alone, "save")
        results[level].append(
            {
                "burst": saves.row(),
                "burst_per_s": round(len(saves.seconds) / wall, 1),
                "one_by_one": single.row(),
                "one_by_one_ms_p50": round(single.quantile(0.5) * 1000, 1),
                "5xx": sum(s >= 500 for s in saves.statuses + single.statuses),
            }
        )
    return results


def run(args) -> dict:
    from tests.fixtures.crafted import crafted_roster

    report: dict = {"load_average": os.getloadavg()}
    roster, png = crafted_roster(), _big_png()
    with tempfile.TemporaryDirectory(prefix="fieldlog-load-") as tmp:
        folder = Path(tmp)
        instance = folder / "instance"
        instance.mkdir()
        with _database(args, instance) as url:
            env = _env(url, instance, args.redis, args.code)
            cast = _prepare(url, instance, env)
            log = folder / "gunicorn.log"
            with Server(
                _app_spec(instance), args.port, args.workers, args.threads, env, log, args.code
            ) as server:
                players = _setup_players(server.port, cast, roster, png)
                players = players.without(args.without)
                report["baseline"] = _baseline(args, folder, players)
                report["fieldlog"] = _measure(
                    server, _jobs(server.port, players, args.saves, False), log
                )
            if url.startswith("sqlite") and args.sync_rounds:
                report["synchronous"] = _synchronous(args, folder, url, instance, players)
        report["load_average_after"] = os.getloadavg()
    return report


class _database:
    """A SQLite file in the instance folder, or a scratch PostgreSQL database."""

    def __init__(self, args, instance: Path) -> None:
        self.args, self.instance = args, instance
        self.name = f"fieldlog_load_{uuid.uuid4().hex[:8]}"

    def __enter__(self) -> str:
        if not self.args.postgres:
            return f"sqlite:///{self.instance / 'fieldlog.sqlite3'}"
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        from fieldlog import _normalise_db_url

        self.server = make_url(_normalise_db_url(self.args.postgres))
        self.admin = create_engine(self.server, isolation_level="AUTOCOMMIT")
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.name}"'))
        if self.args.redis:
            import redis

            redis.Redis.from_url(self.args.redis).flushdb()
        return self.server.set(database=self.name).render_as_string(hide_password=False)

    def __exit__(self, *_exc: object) -> None:
        if self.args.postgres:
            from sqlalchemy import text

            with self.admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
            self.admin.dispose()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--postgres", help="a PostgreSQL server URL (a scratch database is made there)"
    )
    parser.add_argument("--redis", help="Redis URL for the login throttle (with --postgres)")
    parser.add_argument(
        "--workers", type=int, help="gunicorn workers (1 on SQLite, 3 on PostgreSQL)"
    )
    parser.add_argument(
        "--threads", type=int, help="gunicorn threads (8 on SQLite, none on PostgreSQL)"
    )
    parser.add_argument("--saves", type=int, default=3, help="logs each member saves in the burst")
    parser.add_argument("--sync-rounds", type=int, default=2, help="FULL/NORMAL rounds (SQLite)")
    parser.add_argument(
        "--without",
        nargs="*",
        default=[],
        choices=["login", "save", "preview", "upload"],
        help="leave these requests out of the burst (to see what each costs the others)",
    )
    parser.add_argument(
        "--code", type=Path, default=ROOT, help="serve the fieldlog of this checkout instead"
    )
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument("--json", help="also write the report to this file")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.workers is None:
        args.workers = 3 if args.postgres else 1
    if args.threads is None:
        args.threads = 0 if args.postgres else 8
    report = run(args)
    text = json.dumps(report, indent=2, ensure_ascii=False, default=str)
    print(text)
    if args.json:
        Path(args.json).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
