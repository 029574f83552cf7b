"""Several server processes writing at once: no "database is locked", no duplicates."""

from __future__ import annotations

import multiprocessing
import uuid
from datetime import date

import pytest
from sqlalchemy import func, select

from fieldlog import create_app
from fieldlog.auth.passwords import hash_password
from fieldlog.extensions import db
from fieldlog.models import Account, Log, Membership, Organisation
from fieldlog.seed import seed_duty_types
from tests.fixtures.databases import KINDS, scratch_database

pytestmark = pytest.mark.slow
WORKERS = 4
PER_WORKER = 15


def _app(url: str, instance: str):
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "t"}, instance_path=instance)


def _prepare(url: str, instance: str) -> int:
    app = _app(url, instance)
    with app.app_context():
        db.create_all()
        seed_duty_types(db.session)
        org = Organisation(name="并发村", kind="village", path="")
        db.session.add(org)
        db.session.flush()
        org.path = f"/{org.id}/"
        account = Account(
            username="w",
            display_name="并发",
            organisation_id=org.id,
            password_hash=hash_password("x" * 10),
        )
        db.session.add(account)
        db.session.flush()
        db.session.add(
            Membership(account_id=account.id, organisation_id=org.id, joined_on=date(2020, 1, 1))
        )
        db.session.commit()
        account_id = account.id
        db.session.remove()
        db.engine.dispose()
    return account_id


def _write(url: str, instance: str, account_id: int, client_ids: list[str]) -> int:
    """One 'server process': a POST request per entry, read-then-write, one commit each."""
    from fieldlog.logs import service

    app = _app(url, instance)
    created = 0
    for cid in client_ids:
        with app.test_request_context("/logs/new/contact", method="POST"):
            actor = db.session.get(Account, account_id)
            duty = service.duty_by_code("contact")
            data = service.LogInput(happened_on=date(2026, 1, 5), method="visit", women_count=1)
            _log, was_new = service.create_log(actor, duty, data, date(2026, 6, 1), cid)
            db.session.commit()
            created += was_new
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return created


def _run(url: str, instance: str, batches: list[list[str]]) -> list[int]:
    account_id = _prepare(url, instance)
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(len(batches)) as pool:
        results = [pool.apply_async(_write, (url, instance, account_id, b)) for b in batches]
        return [r.get(timeout=120) for r in results]


def _count(url: str, instance: str) -> int:
    app = _app(url, instance)
    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(Log))
        db.session.remove()
        db.engine.dispose()
    return total


@pytest.mark.parametrize("kind", KINDS)
def test_concurrent_writers_all_succeed(kind, tmp_path):
    with scratch_database(kind, tmp_path) as url:
        batches = [[str(uuid.uuid4()) for _ in range(PER_WORKER)] for _ in range(WORKERS)]
        created = _run(url, str(tmp_path), batches)
        assert created == [PER_WORKER] * WORKERS
        assert _count(url, str(tmp_path)) == WORKERS * PER_WORKER


@pytest.mark.parametrize("kind", KINDS)
def test_concurrent_submissions_of_one_client_id_make_one_row(kind, tmp_path):
    with scratch_database(kind, tmp_path) as url:
        shared = [str(uuid.uuid4()) for _ in range(PER_WORKER)]
        created = _run(url, str(tmp_path), [list(shared) for _ in range(WORKERS)])
        assert sum(created) == PER_WORKER
        assert _count(url, str(tmp_path)) == PER_WORKER
