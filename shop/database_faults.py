"""What a PostgreSQL connection does when the server fails: answer 503 soon, never hang.

- **A server that goes silent** on an open connection (hung, frozen, or behind a
  pooler or proxy that froze) cannot enforce its own statement timeout. TCP keepalives
  and libpq's ``tcp_user_timeout`` end a connection whose network died (``tcp_options``),
  but a peer whose kernel still acknowledges, answering nothing, keeps a socket open for
  ever. So a watchdog thread in each process drops the connection of any statement,
  commit, rollback or ping that has waited ``DATABASE_CLIENT_GRACE`` seconds past the
  statement timeout: the waiting call fails at once, as when the server closes a
  connection, and the request answers 503 (shop.errors), its log line carrying the
  request id and saying why.
- **An unreachable server**: once a connection attempt fails, new attempts in this
  process fail at once for ``DATABASE_CONNECT_BACKOFF`` seconds instead of each waiting
  the connect timeout again; the first attempt after that goes through to the server.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from psycopg.pq import TransactionStatus
from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

from shop import metrics

log = logging.getLogger(__name__)

# How often the watchdog looks: the bound it enforces is this much coarser.
WATCH_INTERVAL = 0.5  # seconds
# TCP keepalive probes on an idle connection: first after 10 s, then every 5 s, 3 lost
# probes end it. A pooled connection whose network died is then found dead before use.
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5}
KEEPALIVE_PROBES = 3


class DatabaseSilent(Exception):
    """Stands for the driver's error when the watchdog dropped a silent connection."""


def client_timeout(config: dict) -> float | None:
    """Seconds a statement may wait for the server before the client gives up; None: for ever."""
    statement_ms = config["DATABASE_STATEMENT_TIMEOUT"]
    if not statement_ms:
        return None
    return statement_ms / 1000 + config["DATABASE_CLIENT_GRACE"]


def tcp_options(config: dict) -> dict[str, int]:
    """libpq's keepalive and ``tcp_user_timeout`` settings for the connection string.

    ``tcp_user_timeout`` ends a connection whose sent data stays unacknowledged that long
    (the network or the host went away mid-statement); it also bounds the keepalive
    probes. A minute when statements may run for ever.
    """
    bound = client_timeout(config)
    user_timeout_ms = int((bound or 60) * 1000)
    return {**KEEPALIVES, "keepalives_count": KEEPALIVE_PROBES, "tcp_user_timeout": user_timeout_ms}


class Watchdog:
    """Drops connections whose call to the server has waited past its deadline.

    Each call to the server is stamped with a deadline as it starts (``arm``) and
    unstamped when it returns (``disarm``). A stamp left behind by a call that returned
    is harmless: only a connection that is still waiting for the server (libpq's
    ``ACTIVE`` state) is ever dropped.
    """

    def __init__(self) -> None:
        self._deadlines: dict[Any, tuple[float, float]] = {}  # connection: (deadline, bound)
        self._exempt: set[Any] = set()
        self._dropped: dict[Any, float] = {}  # connection: how long it waited
        self._lock = threading.Lock()
        self._pid: int | None = None

    def start(self) -> None:
        """One thread per process; a forked process (a gunicorn worker) starts its own."""
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._deadlines.clear()
            self._exempt.clear()
            self._dropped.clear()
        threading.Thread(target=self._watch, name="database-watchdog", daemon=True).start()

    def arm(self, connection: Any, bound: float) -> None:
        self._deadlines[connection] = (time.monotonic() + bound, bound)

    def disarm(self, connection: Any) -> None:
        self._deadlines.pop(connection, None)

    def forget(self, connection: Any) -> None:
        self._deadlines.pop(connection, None)
        self._dropped.pop(connection, None)

    def dropped_after(self, connection: Any) -> float | None:
        """How long the call waited when the watchdog dropped this connection, or None."""
        return self._dropped.get(connection)

    @contextmanager
    def unbounded(self, connection: Any) -> Iterator[None]:
        """Leave this connection alone meanwhile (migrations may rightly run for long)."""
        self._exempt.add(connection)
        try:
            yield
        finally:
            self._exempt.discard(connection)

    def _watch(self) -> None:
        pid = os.getpid()
        while self._pid == pid:
            time.sleep(WATCH_INTERVAL)
            now = time.monotonic()
            for connection, (deadline, bound) in list(self._deadlines.items()):
                if now >= deadline and connection not in self._exempt and _waiting(connection):
                    self._drop(connection, bound)

    def _drop(self, connection: Any, bound: float) -> None:
        self._deadlines.pop(connection, None)
        self._dropped[connection] = bound
        metrics.DATABASE_UNAVAILABLE.labels(reason="silent").inc()
        try:
            # A shutdown wakes the call that waits on the socket, which then fails as if
            # the server had closed the connection; SQLAlchemy discards the connection.
            with socket.socket(fileno=os.dup(connection.fileno())) as sock:
                sock.shutdown(socket.SHUT_RDWR)
        except (OSError, ValueError) as error:  # closed meanwhile: nothing left to drop
            log.debug("watchdog: connection already gone: %s", error)


def _waiting(connection: Any) -> bool:
    """Whether libpq has sent a command and is waiting for the server's answer."""
    try:
        return (
            not connection.closed and connection.info.transaction_status == TransactionStatus.ACTIVE
        )
    except Exception:  # noqa: BLE001 - a connection being torn down: not ours to judge
        return False


WATCHDOG = Watchdog()


class ConnectBackoff:
    """After a failed connection attempt, refuse new ones at once for ``seconds``."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._until = 0.0
        self._reason = ""

    def check(self, error_class: type[Exception]) -> None:
        remaining = self._until - time.monotonic()
        if remaining > 0:
            metrics.DATABASE_UNAVAILABLE.labels(reason="backoff").inc()
            raise error_class(
                f"not connecting for another {remaining:.1f} s: the last attempt failed"
                f" ({self._reason})"
            )

    def failed(self, error: Exception) -> None:
        self._until = time.monotonic() + self.seconds
        self._reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
        metrics.DATABASE_UNAVAILABLE.labels(reason="connect_failed").inc()

    def succeeded(self) -> None:
        self._until = 0.0


def guard_engine(engine: Engine, config: dict) -> None:
    """Bound every call a PostgreSQL engine makes to its server, and back off failed connects."""
    backoff = ConnectBackoff(config["DATABASE_CONNECT_BACKOFF"])
    bound = client_timeout(config)

    @event.listens_for(engine, "do_connect")
    def _connect(dialect, _record, cargs, cparams):
        error_class = dialect.loaded_dbapi.OperationalError
        backoff.check(error_class)
        try:
            connection = dialect.connect(*cargs, **cparams)
        except error_class as error:
            backoff.failed(error)
            raise
        backoff.succeeded()
        return connection

    if bound is None:
        return
    WATCHDOG.start()

    @event.listens_for(engine, "before_cursor_execute")
    def _statement_starts(_conn, cursor, *_args):
        WATCHDOG.arm(cursor.connection, bound)

    @event.listens_for(engine, "after_cursor_execute")
    def _statement_ends(_conn, cursor, *_args):
        WATCHDOG.disarm(cursor.connection)

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _ending_transaction(conn):
        if not (conn.invalidated or conn.closed):  # an invalidated one sends nothing
            WATCHDOG.arm(conn.connection.dbapi_connection, bound)

    @event.listens_for(engine, "reset")
    def _reset(dbapi_connection, _record, _state):
        WATCHDOG.arm(dbapi_connection, bound)

    @event.listens_for(engine, "checkin")
    def _returned(dbapi_connection, _record):
        if dbapi_connection is not None:
            WATCHDOG.disarm(dbapi_connection)

    @event.listens_for(engine, "close")
    @event.listens_for(engine, "close_detached")
    def _closed(dbapi_connection, *_args):
        WATCHDOG.forget(dbapi_connection)

    @event.listens_for(engine, "handle_error")
    def _explain(context):
        dbapi_connection = _dbapi_connection_of(context)
        waited = WATCHDOG.dropped_after(dbapi_connection) if dbapi_connection else None
        if waited is None:
            return None
        WATCHDOG.forget(dbapi_connection)
        reason = DatabaseSilent(
            f"the database did not answer for {waited:g} s (statement timeout"
            f" {config['DATABASE_STATEMENT_TIMEOUT']} ms + {config['DATABASE_CLIENT_GRACE']:g} s);"
            " the connection was dropped"
        )
        return exc.OperationalError(context.statement, context.parameters, reason)


def ping_within_bound(engine: Engine, dbapi_connection: Any, bound: float | None) -> None:
    """``engine.dialect.do_ping``, dropped by the watchdog if the server stays silent."""
    if bound is None:
        engine.dialect.do_ping(dbapi_connection)
        return
    WATCHDOG.arm(dbapi_connection, bound)
    try:
        engine.dialect.do_ping(dbapi_connection)
    finally:
        WATCHDOG.disarm(dbapi_connection)


def _dbapi_connection_of(context) -> Any | None:
    connection = context.connection
    if connection is None:
        return None
    try:
        return connection.connection.dbapi_connection
    except (exc.ResourceClosedError, exc.PendingRollbackError, AttributeError):
        return None
