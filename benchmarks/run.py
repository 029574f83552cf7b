"""Time the tracker at district scale: village grid, member home, district roll-up.

Run from the project root after ``python -m benchmarks.generate`` (on demand only):

    python -m benchmarks.run                            # SQLite file benchmarks/data/bench.sqlite3
    python -m benchmarks.run --url postgresql://postgres@127.0.0.1:5432/fieldlog_bench

Each measurement is server time in this process: a whole request through the Flask test
client (routing, login check, queries, template) or one service call inside a request
context. Warm-up runs first, then ``--repeat`` timed runs; median and p95 in ms.
Pages that do not exist yet are reported as such and skipped.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.engine import make_url
from werkzeug.exceptions import MethodNotAllowed, NotFound

from benchmarks.generate import (
    ADMIN_USERNAME,
    CHAIR_USERNAME,
    DATA_DIR,
    DEFAULT_URL,
    MEMBER_USERNAME,
    PASSWORD,
)
from fieldlog import _normalise_db_url, create_app
from fieldlog.extensions import db
from fieldlog.models import Account, Log, Organisation
from fieldlog.periods import Cadence, period_of
from fieldlog.timeutil import local_today
from fieldlog.tracker import rollups, service

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
TARGETS_MS = {"grid": 50, "home": 50, "rollup": 500}


@dataclass
class Result:
    """One timed measurement."""

    name: str
    target_ms: float | None
    median_ms: float
    p95_ms: float
    min_ms: float
    runs: int

    @property
    def verdict(self) -> str:
        if self.target_ms is None:
            return ""
        return "ok" if self.p95_ms < self.target_ms else "MISSED"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    url = _normalise_db_url(args.url)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench-secret-key-not-for-production-use",
            "RATELIMIT_STORAGE_URI": "memory://",
        },
        instance_path=str(DATA_DIR),
    )
    with app.app_context():
        sizes = _sizes()
        village, district = _orgs()
    print(f"database: {make_url(url).render_as_string(hide_password=True)}")
    print(", ".join(f"{k} {v:,}" for k, v in sizes.items()))
    bench = Bench(app, args.warmup, args.repeat)
    results = bench.all(village, district, with_history=not args.no_history)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    _print(results, rss_mb)
    if args.json:
        payload = {
            "database": make_url(url).get_backend_name(),
            "sizes": sizes,
            "peak_rss_mb": round(rss_mb, 1),
            "results": [asdict(r) for r in results],
        }
        Path(args.json).write_text(json.dumps(payload, indent=2))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default=DEFAULT_URL, help="database URL (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs each (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs first (default 3)")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument(
        "--no-history", action="store_true", help="skip the 8-quarter completion history"
    )
    return parser


def _sizes() -> dict[str, int]:
    count = db.func.count
    return {
        "organisations": db.session.scalar(select(count()).select_from(Organisation)),
        "accounts": db.session.scalar(select(count()).select_from(Account)),
        "logs": db.session.scalar(select(count()).select_from(Log)),
    }


def _orgs() -> tuple[int, int]:
    """The chair's village and the district root."""
    chair = db.session.scalars(select(Account).where(Account.username == CHAIR_USERNAME)).one()
    root = db.session.scalars(select(Organisation).where(Organisation.parent_id.is_(None))).one()
    return chair.organisation_id, root.id


class Bench:
    """Warm-up, repetitions and statistics around one callable at a time."""

    def __init__(self, app: Flask, warmup: int, repeat: int) -> None:
        self.app, self.warmup, self.repeat = app, warmup, repeat

    def all(self, village: int, district: int, with_history: bool = True) -> list[Result]:
        results = [self.service("grid (service)", "grid", lambda: self._grid(village))]
        chair = self.client(CHAIR_USERNAME)
        results.append(self.page("grid page", "grid", chair, f"/tracker/committee/{village}"))
        member = self.client(MEMBER_USERNAME)
        results.append(self.page("member home page", "home", member, "/"))
        results.append(self.service("rollup (service)", "rollup", lambda: self._rollup(district)))
        if with_history:
            results.append(
                self.service("history 8 quarters (service)", None, lambda: self._history(district))
            )
        admin = self.client(ADMIN_USERNAME)
        results.append(self.page("rollup page", "rollup", admin, f"/tracker/rollup/{district}"))
        return [r for r in results if r is not None]

    def service(self, name: str, target: str | None, call: Callable[[], object]) -> Result:
        def once() -> None:
            with self.app.test_request_context("/"):
                call()

        return self._time(name, target, once)

    def page(self, name: str, target: str, client: FlaskClient, path: str) -> Result | None:
        if not self._routed(path):
            print(f"  {name}: {path} does not exist yet, skipped")
            return None

        def once() -> None:
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path}: HTTP {response.status_code}")

        return self._time(name, target, once)

    def client(self, username: str) -> FlaskClient:
        """A test client logged in through the real login form."""
        client = self.app.test_client()
        page = client.get("/auth/login").get_data(as_text=True)
        match = CSRF_RE.search(page)
        if match is None:
            raise SystemExit("no CSRF token on the login page")
        token = match.group(1) or match.group(2)
        form = {"username": username, "password": PASSWORD, "csrf_token": token}
        response = client.post("/auth/login", data=form)
        if response.status_code != 302:
            raise SystemExit(f"login as {username} failed: HTTP {response.status_code}")
        return client

    def _routed(self, path: str) -> bool:
        try:
            self.app.url_map.bind("localhost").match(path, method="GET")
        except (NotFound, MethodNotAllowed):
            return False
        return True

    def _time(self, name: str, target: str | None, once: Callable[[], None]) -> Result:
        for _ in range(self.warmup):
            once()
        runs = []
        for _ in range(self.repeat):
            started = time.perf_counter()
            once()
            runs.append((time.perf_counter() - started) * 1000)
        runs.sort()
        p95 = runs[max(0, math.ceil(0.95 * len(runs)) - 1)]
        limit = TARGETS_MS.get(target) if target else None
        result = Result(name, limit, statistics.median(runs), p95, runs[0], len(runs))
        print(f"  {name}: median {result.median_ms:.1f} ms, p95 {result.p95_ms:.1f} ms")
        return result

    @staticmethod
    def _today():
        from flask import current_app

        return local_today(current_app.config["TIMEZONE"])

    def _grid(self, village: int) -> None:
        today = self._today()
        service.grid([village], period_of(today, Cadence.QUARTER), today)

    def _rollup(self, district: int) -> None:
        today = self._today()
        root = db.session.get(Organisation, district)
        rollups.rollup(root, period_of(today, Cadence.QUARTER), today)

    def _history(self, district: int) -> None:
        root = db.session.get(Organisation, district)
        rollups.completion_history(root, self._today())


def _print(results: list[Result], rss_mb: float) -> None:
    print()
    print(f"| {'measurement':<30} | median ms | p95 ms | target ms | |")
    print(f"|{'-' * 32}|----------:|-------:|----------:|-|")
    for r in results:
        target = f"{r.target_ms:.0f}" if r.target_ms else ""
        print(
            f"| {r.name:<30} | {r.median_ms:9.1f} | {r.p95_ms:6.1f} | {target:>9} | {r.verdict} |"
        )
    print(f"\npeak RSS {rss_mb:.0f} MB")


if __name__ == "__main__":
    sys.exit(main())
