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
import json
import os
import re
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from benchmarks.loadkit import Answer, Client, Figures, Sampler, Server
from benchmarks.loadsetup import (
    CSRF,
    PASSWORD,
    ROOT,
    UPLOADS,
    Cast,
    ScratchDatabase,
    api_login,
    app_spec,
    big_png,
    log_body,
    prepare,
    server_env,
    web_login,
)

LOCKED = re.compile(rb"database is locked")
LOCKED_ERROR = re.compile(rb"^sqlalchemy\.exc\.OperationalError: .*database is locked", re.M)


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
    savers = [api_login(port, u) for u in cast.members]
    admin = web_login(port, cast.admin)
    uploaders = []
    for saver in savers[:UPLOADS]:
        created = saver.json("setup", "POST", "/api/v1/logs", log_body())
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
            return [saver.json("save", "POST", path, log_body()) for _n in range(saves)]

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
        # One summary line per failed request in the traceback Flask logs.
        "locked_errors_logged": len(LOCKED_ERROR.findall(server_log)),
        "exceptions_logged": server_log.count(b"Exception on "),
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
        env = server_env(url, instance, None, args.code, SQLITE_SYNCHRONOUS=level)
        with Server(
            app_spec(instance), args.port, args.workers, args.threads, env, log, args.code
        ) as server:
            savers = Players(players.savers, None, [], [], b"", b"")
            answers, wall = _burst(_jobs(server.port, savers, args.saves, hello=False))
            one = players.savers[0]
            alone = [one.json("save", "POST", "/api/v1/logs", log_body()) for _ in range(100)]
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
    roster, png = crafted_roster(), big_png()
    with tempfile.TemporaryDirectory(prefix="fieldlog-load-") as tmp:
        folder = Path(tmp)
        instance = folder / "instance"
        instance.mkdir()
        with ScratchDatabase(args, instance) as url:
            env = server_env(url, instance, args.redis, args.code)
            cast = prepare(url, instance, env)
            log = folder / "gunicorn.log"
            with Server(
                app_spec(instance), args.port, args.workers, args.threads, env, log, args.code
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
