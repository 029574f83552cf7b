"""Declarative base, naming convention, the UTC datetime type and SQLite set-up."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from flask import g, has_request_context, request
from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores instants as UTC and always hands back timezone-aware datetimes.

    SQLite has no timezone support, so values are normalised to naive UTC on the way in
    and marked as UTC on the way out; PostgreSQL keeps a ``timestamptz``.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Every table's base class."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


SYNCHRONOUS_LEVELS = ("OFF", "NORMAL", "FULL", "EXTRA")


def synchronous_level(value: Any) -> str:
    """The ``PRAGMA synchronous`` level named by a setting; ValueError for anything else."""
    level = str(value).strip().upper()
    if level not in SYNCHRONOUS_LEVELS:
        raise ValueError(f"SQLITE_SYNCHRONOUS must be one of {', '.join(SYNCHRONOUS_LEVELS)}")
    return level


def configure_sqlite(
    engine: Engine, busy_timeout_ms: int = 10_000, synchronous: str = "FULL"
) -> None:
    """Pragmas and transaction start for one SQLite engine.

    pysqlite's own transaction handling is switched off so that we issue BEGIN ourselves:
    ``BEGIN IMMEDIATE`` for anything that may write, so two writers queue on the busy
    timeout instead of failing with "database is locked" when a read turns into a write.
    Safe (GET/HEAD) requests, and the work inside ``reading``, begin deferred and never
    block writers under WAL.

    ``synchronous`` FULL (the default) syncs the WAL on every commit, so an entry the
    server acknowledged survives a power cut; NORMAL is faster but may lose the last
    commits then (figures in benchmarks/README.md).
    """
    level = synchronous_level(synchronous)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={level}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # An in-memory database (tests) shares one connection between sessions; there a
        # transaction may already be open, and SQLite cannot nest BEGINs.
        if connection.connection.dbapi_connection.in_transaction:
            return
        connection.exec_driver_sql("BEGIN" if read_only_request() else "BEGIN IMMEDIATE")


def read_only_request() -> bool:
    """True inside a GET/HEAD/OPTIONS request, which never writes, and inside ``reading``."""
    if not has_request_context():
        return False
    return request.method in ("GET", "HEAD", "OPTIONS") or bool(g.get(READING))


WROTE = "fieldlog.wrote"
READING = "fieldlog_reading"


def track_writes(session_class: Any) -> None:
    """Remember, per transaction, whether a session has flushed anything (see ``idle``),
    and refuse a flush that would write inside ``reading``."""

    @event.listens_for(session_class, "before_flush")
    def _refuse_in_reading(session: Session, _context: Any, _instances: Any) -> None:
        if session.info.get(READING) and _has_changes(session):
            raise RuntimeError("a write inside reading(): this work must only read")

    @event.listens_for(session_class, "after_flush")
    def _flushed(session: Session, _context: Any) -> None:
        session.info[WROTE] = True

    @event.listens_for(session_class, "after_transaction_end")
    def _ended(session: Session, transaction: Any) -> None:
        if transaction.parent is None:
            session.info.pop(WROTE, None)


@contextmanager
def idle(session: Any) -> Iterator[None]:
    """Hold no transaction (and so no SQLite write lock) during slow work: hashing a
    password, parsing a file, decoding an image, drawing a document.

    The request's transaction so far must have only read: it is ended here, its objects
    expire and load again (in a new transaction) when next used, so whatever was checked
    before must be checked again by the write that follows. Ending a transaction that
    already wrote would lose the write, so that is a programming error.
    """
    _end_reading_transaction(session)
    yield


def _has_changes(session: Any) -> bool:
    return bool(session.new or session.deleted or any(map(session.is_modified, session.dirty)))


def _end_reading_transaction(session: Any) -> None:
    if _has_changes(session) or session.info.get(WROTE):
        raise RuntimeError("idle() after a write: commit first or do the slow work earlier")
    session.rollback()


@contextmanager
def reading(session: Any) -> Iterator[None]:
    """Work that only reads, however long it takes (a roster preview, a download built
    from queries): it holds no write lock and cannot write.

    As ``idle``, the request's transaction so far must have only read and is ended here.
    Inside, the next transaction begins deferred on SQLite (``BEGIN``: under WAL it never
    blocks a writer, even in a POST request), and a flush that would write raises
    ``RuntimeError``. Leaving ends that reading transaction, so a later write of the same
    request begins ``BEGIN IMMEDIATE`` again and sees every commit made meanwhile.
    """
    _end_reading_transaction(session)
    session.info[READING] = True
    if has_request_context():
        setattr(g, READING, True)
    try:
        yield
    finally:
        session.info.pop(READING, None)
        if has_request_context():
            g.pop(READING, None)
        session.rollback()
