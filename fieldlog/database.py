"""Declarative base, naming convention, the UTC datetime type and SQLite set-up."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from flask import has_request_context, request
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


def configure_sqlite(engine: Engine, busy_timeout_ms: int = 10_000) -> None:
    """Pragmas and transaction start for one SQLite engine.

    pysqlite's own transaction handling is switched off so that we issue BEGIN ourselves:
    ``BEGIN IMMEDIATE`` for anything that may write, so two writers queue on the busy
    timeout instead of failing with "database is locked" when a read turns into a write.
    Safe (GET/HEAD) requests begin deferred and never block writers under WAL.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # An in-memory database (tests) shares one connection between sessions; there a
        # transaction may already be open, and SQLite cannot nest BEGINs.
        if connection.connection.dbapi_connection.in_transaction:
            return
        connection.exec_driver_sql("BEGIN" if read_only_request() else "BEGIN IMMEDIATE")


def read_only_request() -> bool:
    """True inside a GET/HEAD/OPTIONS request, which never writes."""
    return has_request_context() and request.method in ("GET", "HEAD", "OPTIONS")


WROTE = "fieldlog.wrote"


def track_writes(session_class: Any) -> None:
    """Remember, per transaction, whether a session has flushed anything (see ``idle``)."""

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
    if session.new or session.dirty or session.deleted or session.info.get(WROTE):
        raise RuntimeError("idle() after a write: commit first or do the slow work earlier")
    session.rollback()
    yield
