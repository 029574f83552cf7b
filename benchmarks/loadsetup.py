"""Setting up ``benchmarks.load``: a scratch database, the demo loaded by the real
commands, members added up to 50, the logins of the players and what they send."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

from benchmarks.loadkit import Client

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "load-bench-2026"  # noqa: S105 - scratch accounts of a benchmark
SECRET = "load-benchmark-secret-not-for-production"  # noqa: S105 - a scratch instance
MEMBERS = 50
UPLOADS = 4
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@dataclass
class Cast:
    """Who takes part: member logins and the admin's."""

    members: list[str]
    admin: str


# Setting up -------------------------------------------------------------------------------


def server_env(
    url: str, instance: Path, redis: str | None, code: Path, **settings: str
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FIELDLOG_", "DATABASE"))}
    env |= {"DATABASE_URL": url, "SECRET_KEY": SECRET, "PYTHONUNBUFFERED": "1"}
    env["PYTHONPATH"] = str(code)  # the code served: this checkout, or --code
    env["FIELDLOG_RATELIMIT_STORAGE_URI"] = redis or "memory://"
    return env | {f"FIELDLOG_{k}": v for k, v in settings.items()}


def app_spec(instance: Path) -> str:
    return f"fieldlog:create_app(instance_path={str(instance)!r})"


def run_flask(instance: Path, env: dict[str, str], *args: str) -> None:
    flask = str(Path(sys.executable).parent / "flask")
    command = [flask, "--app", app_spec(instance), *args]
    cwd = env["PYTHONPATH"]
    subprocess.run(command, env=env, check=True, capture_output=True, cwd=cwd)  # noqa: S603


# Run by the served code's own Python (``--code``), so its models are the ones used.
TOP_UP = """
import json, sys
from datetime import timedelta
from sqlalchemy import select
from fieldlog import _normalise_db_url, create_app
from fieldlog.auth.passwords import hash_password
from fieldlog.demo import people
from fieldlog.extensions import db
from fieldlog.models import Account, Membership, Organisation
from fieldlog.timeutil import local_today

url, instance, password, secret, wanted = sys.argv[1:6]
config = {"SQLALCHEMY_DATABASE_URI": _normalise_db_url(url), "SECRET_KEY": secret}
app = create_app(config, instance_path=instance)
with app.app_context():
    today = local_today(app.config["TIMEZONE"])
    members = [
        a.username
        for a in db.session.scalars(select(Account).order_by(Account.id))
        if a.current_membership(today) and a.active and not a.must_change_password
    ]
    villages = list(db.session.scalars(select(Organisation).where(Organisation.kind == "village")))
    password_hash = hash_password(password)
    for n in range(int(wanted) - len(members)):
        org = villages[n % len(villages)]
        account = Account(
            username=f"load{n:03d}", display_name=f"压测执委{n}", organisation_id=org.id,
            password_hash=password_hash, must_change_password=False,
        )
        db.session.add(account)
        db.session.flush()
        joined = today - timedelta(days=60)
        db.session.add(Membership(account_id=account.id, organisation_id=org.id, joined_on=joined))
        members.append(account.username)
    db.session.commit()
    print(json.dumps({"members": members, "admin": people.ADMIN_USERNAME}))
"""


def prepare(url: str, instance: Path, env: dict[str, str]) -> Cast:
    """Migrations and the demo by the real commands; then members up to ``MEMBERS`` (and
    the uploaders), made by the served code."""
    run_flask(instance, env, "db", "upgrade")
    run_flask(instance, env, "demo", "--password", PASSWORD)
    wanted = str(MEMBERS + UPLOADS)
    command = [sys.executable, "-c", TOP_UP, url, str(instance), PASSWORD, SECRET, wanted]
    done = subprocess.run(  # noqa: S603 - our own script
        command, env=env, check=True, capture_output=True, cwd=env["PYTHONPATH"]
    )
    cast = json.loads(done.stdout)
    return Cast(cast["members"][:MEMBERS], cast["admin"])


def api_login(port: int, username: str) -> Client:
    client = Client(port)
    answer = client.json(
        "setup", "POST", "/api/v1/login", {"username": username, "password": PASSWORD}
    )
    if answer.status != 200:
        raise RuntimeError(f"login of {username}: {answer.status} {answer.text[:200]}")
    client.token = json.loads(answer.body)["csrf_token"]
    return client


def web_login(port: int, username: str) -> Client:
    client = Client(port)
    page = client.request("setup", "GET", "/auth/login")
    form = f"username={username}&password={PASSWORD}&csrf_token={CSRF.search(page.text).group(1)}"
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    answer = client.request("setup", "POST", "/auth/login", form.encode(), headers)
    if answer.status != 302:
        raise RuntimeError(f"web login of {username}: {answer.status}")
    return client


def log_body() -> dict:
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


def big_png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (7999, 7999), (200, 120, 40)).save(out, "PNG")
    return out.getvalue()


class ScratchDatabase:
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
