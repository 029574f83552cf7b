"""Generate the benchmark district: 20 townships x 15 villages x 15 members, 5 years of logs.

Run from the project root (on demand only; pytest never collects this):

    python -m benchmarks.generate                       # SQLite file benchmarks/data/bench.sqlite3
    python -m benchmarks.generate --url postgresql://postgres@127.0.0.1:5432/fieldlog_bench \\
        --recreate                                      # PostgreSQL scratch database

The schema comes from the real migrations (``flask db upgrade``), so the indexes are the
ones production has. Rows go in with SQLAlchemy Core executemany in chunks, with explicit
ids; one argon2 hash serves every account. Deterministic for a given ``--seed`` and
``--today``.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import Connection, make_url

from fieldlog import _normalise_db_url, create_app
from fieldlog.auth.passwords import hash_password
from fieldlog.demo import content
from fieldlog.extensions import db
from fieldlog.models import Account, DutyType, Excusal, Log, Membership, Organisation, RoleGrant
from fieldlog.periods import Cadence, Period, periods_of_year
from fieldlog.timeutil import local_today
from fieldlog.vocab import JoinKind, LeaveKind, Method, OrgKind, Role

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_URL = f"sqlite:///{DATA_DIR / 'bench.sqlite3'}"
PASSWORD = "bench-pass-2026"  # noqa: S105 - fictional benchmark accounts
TZ = "Asia/Shanghai"
CHUNK = 5_000

# Fixed logins the timing script uses.
ADMIN_USERNAME = "district_admin"
CHAIR_USERNAME = "v001m01"  # chair of the first village
MEMBER_USERNAME = "v001m03"  # an ordinary member of the first village

# How diligent a member is: chance to skip a past period, and the weight of the profile.
PROFILES = {
    "steady": (0.05, 0.70),
    "keen": (0.0, 0.05),
    "behind": (0.35, 0.20),
    "idle": (0.85, 0.05),
}
EXTRA = {"contact": (0.4, 0.12), "talk": (0.15, 0.0), "volunteer": (0.3, 0.0)}
GIVEN = "秀兰桂英玉梅芳丽华红霞燕娟敏静琴萍玲凤云翠春雪"
METHODS = [m.value for m in Method]


@dataclass(frozen=True)
class Shape:
    """The size of the generated district."""

    townships: int = 20
    villages_per_township: int = 15
    members_per_village: int = 15
    years: int = 5
    turnover: float = 0.12  # share of seats whose first holder left and was replaced


@dataclass
class Term:
    """One membership term being generated."""

    id: int
    account_id: int
    org_id: int
    org_name: str
    joined_on: date
    left_on: date | None
    profile: str
    join_kind: str = JoinKind.ELECTED.value
    replaces_id: int | None = None


class Ids:
    """Explicit primary keys per table (fast bulk inserts, sequences set at the end)."""

    def __init__(self) -> None:
        self._next: dict[str, int] = {}

    def __call__(self, table: str) -> int:
        value = self._next.get(table, 1)
        self._next[table] = value + 1
        return value


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    url = _normalise_db_url(args.url)
    if args.drop:
        drop_database(url)
        return 0
    started = time.perf_counter()
    _prepare_database(url, args.recreate)
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-secret-key-not-for-production-use"},
        instance_path=str(DATA_DIR),
    )
    today = args.today or local_today(TZ)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        schema_done = time.perf_counter()
        with db.engine.begin() as conn:
            counts = generate(conn, Shape(years=args.years), today, args.seed)
            _finish(conn)
        db.engine.dispose()
    elapsed = time.perf_counter() - started
    print(f"database: {make_url(url).render_as_string(hide_password=True)}")
    print(f"today: {today}, seed: {args.seed}")
    for table, n in counts.items():
        print(f"  {table:<12} {n:>9,}")
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"schema {schema_done - started:.1f} s, total {elapsed:.1f} s, peak RSS {rss_mb:.0f} MB")
    print(f"logins (password {PASSWORD}): admin {ADMIN_USERNAME}, chair {CHAIR_USERNAME}, ", end="")
    print(f"member {MEMBER_USERNAME}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default=DEFAULT_URL, help="database URL (default: %(default)s)")
    parser.add_argument("--seed", default="fieldlog-bench", help="random seed")
    parser.add_argument("--years", type=int, default=5, help="years of logs (default 5)")
    parser.add_argument("--today", type=date.fromisoformat, help="reference day (default: today)")
    parser.add_argument(
        "--recreate",
        action="store_true",
        help="PostgreSQL: drop and create the database first (never the one named 'test')",
    )
    parser.add_argument(
        "--drop", action="store_true", help="PostgreSQL: only drop the database, then stop"
    )
    return parser


def _prepare_database(url: str, recreate: bool) -> None:
    """An empty target: a fresh SQLite file, or a (re)created PostgreSQL database."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    name = parsed.database or ""
    if name in ("test", "postgres", "template0", "template1"):
        sys.exit(f"refusing to use the database {name!r}: give a scratch database name")
    if not recreate:
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def drop_database(url: str) -> None:
    """Drop a PostgreSQL benchmark database (``--drop``)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        sys.exit("--drop is for PostgreSQL; delete the SQLite file instead")
    if parsed.database in ("test", "postgres", "template0", "template1"):
        sys.exit(f"refusing to drop {parsed.database!r}")
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


def generate(conn: Connection, shape: Shape, today: date, seed: str) -> dict[str, int]:
    """Insert the whole district; returns row counts per table."""
    rng = random.Random(seed)
    ids = Ids()
    password_hash = hash_password(PASSWORD)  # once: argon2 is slow on purpose
    duties = {
        row.code: row for row in conn.execute(select(DutyType.id, DutyType.code, DutyType.cadence))
    }
    first_day = date(today.year - shape.years + 1, 1, 1)
    orgs, villages = _organisations(rng, ids, shape)
    accounts, grants, terms = _people(rng, ids, shape, villages, orgs, first_day, today)
    for row in accounts:
        row["password_hash"] = password_hash
    _insert(conn, Organisation, orgs)
    _insert(conn, Account, accounts)
    _insert(conn, Membership, [_term_row(t) for t in terms])  # replaced terms come first
    _insert(conn, RoleGrant, grants)
    chairs = {g["organisation_id"]: g["account_id"] for g in grants if g["role"] == Role.CHAIR}
    planner = LogPlanner(rng, ids, duties, today, first_day)
    n_logs = 0
    batch: list[dict] = []
    excusals: list[dict] = []
    for term in terms:
        batch.extend(planner.logs(term))
        excusals.extend(planner.excusals(term, chairs[term.org_id]))
        if len(batch) >= CHUNK:
            n_logs += _insert(conn, Log, batch)
            batch = []
    n_logs += _insert(conn, Log, batch)
    _insert(conn, Excusal, excusals)
    return {
        "organisations": len(orgs),
        "accounts": len(accounts),
        "memberships": len(terms),
        "logs": n_logs,
        "deleted logs": planner.deleted,
        "late logs": planner.late,
        "excusals": len(excusals),
    }


def _insert(conn: Connection, model, rows: list[dict]) -> int:
    for start in range(0, len(rows), CHUNK):
        conn.execute(model.__table__.insert(), rows[start : start + CHUNK])
    return len(rows)


def _organisations(rng: random.Random, ids: Ids, shape: Shape) -> tuple[list[dict], list[dict]]:
    created = datetime(2020, 1, 1, tzinfo=UTC)
    district_id = ids("organisations")
    orgs = [_org(district_id, "沙坪区妇联", OrgKind.DISTRICT, None, f"/{district_id}/", created)]
    villages = []
    for t in range(1, shape.townships + 1):
        tid = ids("organisations")
        town_kind = OrgKind.TOWNSHIP if t % 4 else OrgKind.STREET
        town_path = f"/{district_id}/{tid}/"
        orgs.append(_org(tid, f"第{t}镇妇联", town_kind, district_id, town_path, created))
        for v in range(1, shape.villages_per_township + 1):
            vid = ids("organisations")
            kind = OrgKind.VILLAGE if rng.random() < 0.8 else OrgKind.COMMUNITY
            village = _org(vid, f"{t}镇{v}村妇联", kind, tid, f"{town_path}{vid}/", created)
            orgs.append(village)
            villages.append(village)
    return orgs, villages


def _org(oid: int, name: str, kind: OrgKind, parent, path: str, created: datetime) -> dict:
    return {
        "id": oid,
        "name": name,
        "kind": kind.value,
        "parent_id": parent,
        "path": path,
        "created_at": created,
    }


def _people(
    rng: random.Random,
    ids: Ids,
    shape: Shape,
    villages: list[dict],
    orgs: list[dict],
    first_day: date,
    today: date,
) -> tuple[list[dict], list[dict], list[Term]]:
    """Accounts, grants and terms: a chair per village, admins for the district and towns."""
    accounts: list[dict] = []
    grants: list[dict] = []
    terms: list[Term] = []
    created = datetime.combine(first_day - timedelta(days=30), clock(), UTC)

    def account(username: str, name: str, org_id: int, active: bool = True) -> int:
        aid = ids("accounts")
        accounts.append(
            {
                "id": aid,
                "username": username,
                "display_name": name,
                "active": active,
                "organisation_id": org_id,
                "session_token": uuid.UUID(int=rng.getrandbits(128)).hex,
                "must_change_password": False,
                "created_at": created,
            }
        )
        return aid

    def grant(aid: int, org_id: int, role: Role) -> None:
        row = {"account_id": aid, "organisation_id": org_id, "role": role.value}
        grants.append({"id": ids("role_grants"), **row, "created_at": created})

    district = orgs[0]
    grant(account(ADMIN_USERNAME, "区妇联管理员", district["id"]), district["id"], Role.ADMIN)
    for town in (o for o in orgs if o["parent_id"] == district["id"]):
        aid = account(f"admin_t{town['id']:03d}", f"{town['name'][:-2]}管理员", town["id"])
        grant(aid, town["id"], Role.ADMIN)
    names = [
        rng.choice(content.SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN) for _ in range(999)
    ]
    elected = first_day - timedelta(days=rng.randint(20, 60))
    profiles, weights = list(PROFILES), [w for _skip, w in PROFILES.values()]
    for v_index, village in enumerate(villages, start=1):
        for seat in range(1, shape.members_per_village + 1):
            username = f"v{v_index:03d}m{seat:02d}"
            profile = "steady" if seat <= 3 else rng.choices(profiles, weights)[0]
            left = None
            if seat > 3 and rng.random() < shape.turnover:
                left = first_day + timedelta(days=rng.randint(120, (today - first_day).days - 60))
            aid = account(username, rng.choice(names), village["id"], active=left is None)
            term = Term(
                ids("memberships"), aid, village["id"], village["name"], elected, left, profile
            )
            terms.append(term)
            if seat == 1:
                grant(aid, village["id"], Role.CHAIR)
            elif seat == 2:
                grant(aid, village["id"], Role.VICE_CHAIR)
            if left is not None:  # 替补: a successor takes the seat some weeks later
                joined = left + timedelta(days=rng.randint(7, 60))
                successor = account(f"{username}r", rng.choice(names), village["id"])
                kind = rng.choices(profiles, weights)[0]
                terms.append(
                    Term(
                        ids("memberships"), successor, village["id"], village["name"],
                        min(joined, today), None, kind, JoinKind.REPLACING.value, term.id,
                    )
                )  # fmt: skip
    return accounts, grants, terms


def _term_row(term: Term) -> dict:
    return {
        "id": term.id,
        "account_id": term.account_id,
        "organisation_id": term.org_id,
        "joined_on": term.joined_on,
        "join_kind": term.join_kind,
        "replaces_id": term.replaces_id,
        "left_on": term.left_on,
        "leave_kind": LeaveKind.SELF_EXIT.value if term.left_on else None,
        "leave_reason": "外出务工" if term.left_on else None,
        "created_at": datetime.combine(term.joined_on, clock(), UTC),
    }


class LogPlanner:
    """Logs of one term: every duty's periods, with skips, extras, late entries and deletions."""

    def __init__(
        self, rng: random.Random, ids: Ids, duties: dict, today: date, first_day: date
    ) -> None:
        self.rng, self.ids, self.duties = rng, ids, duties
        self.today, self.first_day = today, first_day
        self.tz = ZoneInfo(TZ)
        # Entry times stop at the end of ``today`` (not the clock): deterministic for a day.
        self.until = datetime.combine(today, clock(23, 59), self.tz).astimezone(UTC)
        self.periods = {
            code: [
                p
                for year in range(first_day.year, today.year + 1)
                for p in periods_of_year(year, Cadence(row.cadence))
                if p.start <= today
            ]
            for code, row in duties.items()
        }
        self.deleted = self.late = 0

    def logs(self, term: Term) -> Iterator[dict]:
        first = max(term.joined_on, self.first_day)
        last = min(term.left_on or self.today, self.today)
        for code, duty in self.duties.items():
            for period in self.periods[code]:
                if period.end < first or period.start > last:
                    continue
                for _ in range(self._how_many(code, period, term.profile, first, last)):
                    yield self._log(term, code, duty.id, period, max(first, period.start), last)

    def _how_many(self, code: str, period: Period, profile: str, first: date, last: date) -> int:
        rng = self.rng
        skip = PROFILES[profile][0]
        if code == "record_book":
            return int(period.end < self.today and period.end <= last and rng.random() > skip + 0.1)
        if period.contains(self.today):
            elapsed = ((self.today - period.start).days + 1) / period.days
            if rng.random() >= min(0.9, 0.1 + elapsed) * (1 - skip):
                return 0
        elif rng.random() < skip or (first - period.start).days > 45:
            return 0
        one, two = EXTRA.get(code, (0.0, 0.0))
        draw = rng.random()
        return 1 + (draw < one) + (draw < two)

    def _log(self, term: Term, code: str, duty_id: int, period: Period, lo: date, hi: date):
        rng = self.rng
        last = min(period.end, hi)
        if code == "record_book":
            lo = max(lo, date(period.year, 12, 10))
        span = max(0, (last - lo).days)
        day = lo + timedelta(days=int(rng.triangular(0, span, span * 0.7)))
        delay = rng.choice((0, 0, 0, 0, 1, 1, 2, 3, 5))
        if period.end < self.today and rng.random() < 0.04:  # typed in after the period ended
            delay = (period.end - day).days + rng.randint(3, 40)
        entered = datetime.combine(day + timedelta(days=delay), clock(20, rng.randint(0, 59)))
        created = min(entered.replace(tzinfo=self.tz).astimezone(UTC), self.until)
        self.late += created.astimezone(self.tz).date() > period.end
        deleted = rng.random() < 0.02
        self.deleted += deleted
        place = f"{term.org_name[:-2]}{rng.randint(1, 8)}组"
        row = {
            "id": self.ids("logs"),
            "client_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "account_id": term.account_id,
            "duty_type_id": duty_id,
            "happened_on": day,
            "method": rng.choice(METHODS) if code in ("contact", "survey", "help") else None,
            "place": place,
            "women_count": rng.randint(1, 30) if code in ("contact", "talk", "survey") else None,
            "topic": _topic(rng, code),
            "notes": rng.choice(content.CONTACT_NOTES) if code == "contact" else None,
            "version": 1,
            "created_at": created,
            "updated_at": created,
            "created_by_id": term.account_id,
            "deleted_at": created + timedelta(hours=2) if deleted else None,
            "deleted_by_id": term.account_id if deleted else None,
        }
        return row

    def excusals(self, term: Term, chair_id: int) -> list[dict]:
        """Now and then a chair excuses a member who fell behind (illness, leave)."""
        if term.profile not in ("behind", "idle") or self.rng.random() > 0.4:
            return []
        duty = self.duties["contact"]
        quarters = [q for q in self.periods["contact"] if q.start >= term.joined_on]
        if not quarters:
            return []
        quarter = self.rng.choice(quarters)
        at = datetime.combine(min(quarter.end, self.today), clock(9), UTC)
        return [
            {
                "id": self.ids("excusals"),
                "account_id": term.account_id,
                "duty_type_id": duty.id,
                "period_code": quarter.code,
                "reason": self.rng.choice(("生病住院", "外出务工", "产假", "照顾家人")),
                "created_by_id": chair_id,
                "created_at": at,
            }
        ]


def _topic(rng: random.Random, code: str) -> str | None:
    if code == "contact":
        return rng.choice(content.CONTACT_TOPICS)
    if code == "talk":
        return rng.choice(content.TALK_TOPICS)
    return None


def _finish(conn: Connection) -> None:
    """PostgreSQL: move the id sequences past the explicit ids, and refresh the planner's
    statistics (autovacuum would, a little later). SQLite gets no ANALYZE: production
    databases do not run it either, so the plans measured are the ones they get."""
    if conn.dialect.name != "postgresql":
        return
    for model in (Organisation, Account, Membership, RoleGrant, Log, Excusal):
        table = model.__tablename__
        top = conn.scalar(select(func.max(model.id))) or 1
        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {top})"))
    conn.execute(text("ANALYZE"))


if __name__ == "__main__":
    sys.exit(main())
