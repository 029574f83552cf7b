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
from tests.conftest import TEST_SECRET_KEY
from tests.fixtures.databases import KINDS, scratch_database

pytestmark = pytest.mark.slow
WORKERS = 4
PER_WORKER = 15


def _app(url: str, instance: str):
    return create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": TEST_SECRET_KEY}, instance_path=instance
    )


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


# --- The same entries sent at once through the API's sync, the log API and the page form.


def _api_login(client) -> str:
    response = client.post("/api/v1/login", json={"username": "w", "password": "x" * 10})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["csrf_token"]


def _entry(cid: str) -> dict:
    day = {"happened_on": "2026-01-05", "method": "visit", "women_count": 1}
    return {"client_id": cid, "duty": "contact", **day}


def _send(app, channel: str, client_ids: list[str]) -> list[str]:
    """One phone (or browser): log in, then send every entry by ``channel``; the answers."""
    client = app.test_client()
    token = _api_login(client)
    headers = {"X-CSRFToken": token}
    if channel == "sync":
        body = {"entries": [_entry(c) for c in client_ids]}
        results = client.post("/api/v1/sync", json=body, headers=headers).get_json()["results"]
        return [r["status"] for r in results]
    if channel == "api":
        answers = [client.post("/api/v1/logs", json=_entry(c), headers=headers) for c in client_ids]
        return [{201: "created", 200: "exists"}[r.status_code] for r in answers]
    statuses = []
    for cid in client_ids:  # the page form, with the client_id its hidden field carries
        form = {"csrf_token": token, "client_id": cid, "happened_on": "2026-01-05"}
        response = client.post(
            "/logs/new/contact", data={**form, "method": "visit", "women_count": "1"}
        )
        assert response.status_code == 302, response.status_code
        statuses.append("sent")
    return statuses


def _send_in_process(url: str, instance: str, channel: str, client_ids: list[str]) -> list[str]:
    app = _app(url, instance)
    app.config["TESTING"] = True
    try:
        return _send(app, channel, client_ids)
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


CHANNELS = ["sync", "sync", "api", "page"]


@pytest.mark.parametrize("kind", KINDS)
def test_one_client_id_from_several_threads_is_one_row(kind, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    with scratch_database(kind, tmp_path) as url:
        _prepare(url, str(tmp_path))
        app = _app(url, str(tmp_path))
        shared = [str(uuid.uuid4()) for _ in range(PER_WORKER)]
        with ThreadPoolExecutor(len(CHANNELS)) as pool:
            answers = list(pool.map(lambda c: _send(app, c, shared), CHANNELS))
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        assert _count(url, str(tmp_path)) == PER_WORKER
        api_answers = [a for a, c in zip(answers, CHANNELS, strict=True) if c != "page"]
        assert all(set(a) <= {"created", "exists"} for a in api_answers)
        created = sum(s == "created" for statuses in api_answers for s in statuses)
        assert created <= PER_WORKER  # the page form may have won some


@pytest.mark.parametrize("kind", KINDS)
def test_one_batch_from_several_processes_is_one_row_per_entry(kind, tmp_path):
    with scratch_database(kind, tmp_path) as url:
        _prepare(url, str(tmp_path))
        shared = [str(uuid.uuid4()) for _ in range(PER_WORKER)]
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(WORKERS) as pool:
            jobs = [
                pool.apply_async(_send_in_process, (url, str(tmp_path), "sync", shared))
                for _ in range(WORKERS)
            ]
            answers = [job.get(timeout=120) for job in jobs]
        assert all(set(a) <= {"created", "exists"} for a in answers)
        assert sum(s == "created" for a in answers for s in a) == PER_WORKER
        assert _count(url, str(tmp_path)) == PER_WORKER


def _upload(app, log_id: int, client_id: str) -> int:
    from io import BytesIO

    from tests.fixtures.images import picture

    client = app.test_client()
    token = _api_login(client)
    response = client.post(
        f"/api/v1/logs/{log_id}/photos",
        data={"file": (BytesIO(picture((400, 300))), "a.jpg"), "client_id": client_id},
        headers={"X-CSRFToken": token},
        content_type="multipart/form-data",
    )
    return response.status_code


@pytest.mark.parametrize("kind", KINDS)
def test_one_photo_upload_id_from_several_threads_is_one_photo(kind, tmp_path):
    from concurrent.futures import ThreadPoolExecutor
    from pathlib import Path

    from fieldlog.models import Photo

    with scratch_database(kind, tmp_path) as url:
        _prepare(url, str(tmp_path))
        app = _app(url, str(tmp_path))
        client = app.test_client()
        token = _api_login(client)
        log = client.post(
            "/api/v1/logs", json=_entry(str(uuid.uuid4())), headers={"X-CSRFToken": token}
        )
        log_id, upload_id = log.get_json()["id"], str(uuid.uuid4())
        with ThreadPoolExecutor(WORKERS) as pool:
            codes = list(pool.map(lambda _: _upload(app, log_id, upload_id), range(WORKERS)))
        assert sorted(codes) == [200] * (WORKERS - 1) + [201]
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Photo)) == 1
            db.session.remove()
            db.engine.dispose()
        assert len(list((Path(tmp_path) / "uploads" / "photos").iterdir())) == 2
