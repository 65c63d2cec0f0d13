"""Database helpers shared by every domain: engine set-up, UTC timestamps, locking."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from select import POLLIN, POLLPRI, poll
from typing import Any
from urllib.parse import quote

from flask import Flask, has_request_context, request
from sqlalchemy import DateTime, event, exc, select
from sqlalchemy import Enum as SAEnum
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.types import TypeDecorator

from shop import database_faults, metrics
from shop.extensions import db


def lock_row(model: type, row_id: int, *, skip_locked: bool = False) -> Any | None:
    """The row, locked for this transaction (SELECT ... FOR UPDATE on PostgreSQL), with
    the locked row's figures rather than what the session saw before; None when there is
    no such row, or (skip_locked) when another transaction holds it now."""
    return db.session.scalar(
        select(model)
        .where(model.id == row_id)
        .with_for_update(skip_locked=skip_locked)
        .execution_options(populate_existing=True)
    )


def insert_on_conflict(model: type):
    """An INSERT into ``model``'s table for the session's database, with its
    ``on_conflict_do_nothing`` / ``on_conflict_do_update`` (PostgreSQL and SQLite spell
    them alike)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """An aware UTC datetime on every database (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# Requests that only read; any other may write.
READING_METHODS = frozenset(["GET", "HEAD", "OPTIONS"])


def _configure_sqlite(engine: Engine) -> None:
    """Foreign keys on, WAL for concurrent readers, and transactions SQLite keeps honestly.

    pysqlite opens transactions lazily and breaks SAVEPOINT; taking over BEGIN
    ourselves (the SQLAlchemy-documented recipe) makes nested transactions work.

    A request that may write (a POST: the cart, a webhook, the back office) begins
    with BEGIN IMMEDIATE, taking SQLite's one write lock before its first read. With
    a plain BEGIN it would read first, and when another request committed a write
    meanwhile, its own first write would fail at once ("database is locked": SQLite
    cannot move a read snapshot forward, and busy_timeout does not apply), a 503 for
    a cart that a browser test added to while Stripe's webhooks arrived. Reading
    requests keep a plain BEGIN, so pages never wait for a writer (WAL). The worker
    and the command line keep it too: the mail worker reads between its commits
    while it talks to the SMTP server, and must not hold the lock meanwhile.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - exercised on every connect
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        writing = has_request_context() and request.method not in READING_METHODS
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def engine_options(config: dict, instance_path: str) -> tuple[str, dict[str, Any]]:
    """The database URL and engine options the configuration asks for.

    PostgreSQL gets its connect and statement timeouts and TCP keepalives (pooled
    connections are checked before use, and calls bounded, by configure_engines). A
    SQLite file is opened, never created, outside development.
    """
    url = make_url(config["SQLALCHEMY_DATABASE_URI"])
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if url.get_backend_name() == "postgresql":
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault("connect_timeout", config["DATABASE_CONNECT_TIMEOUT"])
        connect_args.setdefault(
            "options", f"-c statement_timeout={config['DATABASE_STATEMENT_TIMEOUT']}"
        )
        for name, value in database_faults.tcp_options(config).items():
            connect_args.setdefault(name, value)
        options["connect_args"] = connect_args
    elif url.get_backend_name() == "sqlite":
        url = _sqlite_file_url(url, instance_path, config.get("SHOP_ENV") == "development")
    return url.render_as_string(hide_password=False), options


def _sqlite_file_url(url: URL, instance_path: str, development: bool) -> URL:
    """A SQLite file's URL with an absolute path (relative ones live in instance/).

    Outside development the file is opened read-write and never created, nor its
    folder: a missing database must answer 503, not start an empty shop.
    """
    if url.database in (None, "", ":memory:") or url.query.get("uri"):
        return url
    path = Path(instance_path, url.database)
    if development:
        # SQLite creates the file but not its folder (instance/ on a fresh clone).
        path.parent.mkdir(parents=True, exist_ok=True)
        return url.set(database=str(path))
    return url.set(database=f"file:{quote(str(path))}").update_query_dict(
        {"mode": "rw", "uri": "true"}
    )


def configure_engines(app: Flask) -> None:
    with app.app_context():
        for engine in db.engines.values():
            metrics.watch_pool(engine)
            if engine.dialect.name == "sqlite":
                _configure_sqlite(engine)
                continue
            database_faults.guard_engine(engine, app.config)
            if app.config["DATABASE_POOL_PRE_PING"]:
                check_connections_on_checkout(
                    engine,
                    app.config["DATABASE_POOL_PING_IDLE"],
                    database_faults.client_timeout(app.config),
                )


def check_connections_on_checkout(
    engine: Engine, ping_after_idle: float, bound: float | None = None
) -> None:
    """Replace a pooled connection the server closed before a request uses it.

    What SQLAlchemy's ``pool_pre_ping`` promises, without its round trip on every
    checkout: the benchmark (bench/catalog.py, README "Benchmark") measured that
    ping at 100 to 200 µs of a cached page's 1 ms on PostgreSQL, enough to miss the
    page's goal. A server that closes a connection (a restart, a failover,
    ``pg_terminate_backend``, a pooler's or ``idle_session_timeout``) sends its
    reason and closes the socket, so the socket turns readable: that is checked
    locally, without a round trip. Only then, or when the connection has been idle
    longer than ``ping_after_idle`` seconds (a firewall may drop an idle one without
    a word), is it pinged. A failed ping replaces every connection pooled before it,
    as pool_pre_ping does; a ping the server leaves unanswered past ``bound`` seconds
    fails too (shop.database_faults).
    """

    @event.listens_for(engine, "checkin")
    def _idle_from_now(_dbapi_connection, record) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _check(dbapi_connection, record, _proxy) -> None:
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None:  # just connected
            return
        if getattr(dbapi_connection, "closed", False) or getattr(dbapi_connection, "broken", False):
            raise exc.DisconnectionError("the connection was closed")
        if time.monotonic() - idle_since < ping_after_idle and not _readable(dbapi_connection):
            return
        try:
            database_faults.ping_within_bound(engine, dbapi_connection, bound)
        except engine.dialect.loaded_dbapi.Error as error:
            raise exc.InvalidatePoolError(f"the ping failed: {error}") from error


def _readable(dbapi_connection) -> bool:
    """Whether the server sent anything (or closed) while the connection sat in the pool.

    An idle connection receives nothing unless the server is ending it. A rare
    notice is possible too: the ping that follows tells the two apart.
    """
    poller = poll()
    poller.register(dbapi_connection.fileno(), POLLIN | POLLPRI)
    return bool(poller.poll(0))


def enum_column(enum_class: type, length: int = 32) -> SAEnum:
    """A StrEnum stored as its value in a plain string column, read back as the member."""
    return SAEnum(
        enum_class,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )
