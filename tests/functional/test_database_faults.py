"""A database that is down, hung, missing or behind its migrations answers 503, never 500."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from shop.errors import RETRY_AFTER_SECONDS
from shop.extensions import db
from tests.conftest import make_app
from tests.dbs import create_sqlite_file
from tests.production.servers import TcpProxy, wait_until

# Nothing listens on port 1: every connection is refused at once.
REFUSED = "postgresql+psycopg://nobody@127.0.0.1:1/none"


@contextmanager
def silent_server() -> Iterator[int]:
    """A TCP server on loopback that accepts connections and never says a word. Its port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            accepted.append(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        listener.close()
        for connection in accepted:
            connection.close()


def assert_unavailable(client, *, page: str = "/products", api: str = "/api/v1/brands") -> None:
    html = client.get(page)
    assert html.status_code == 503
    assert html.mimetype == "text/html"
    assert "temporarily unavailable" in html.get_data(as_text=True)
    assert html.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    json = client.get(api)
    assert json.status_code == 503
    assert json.get_json()["error"]["code"] == "unavailable"
    assert json.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)


def test_an_unreachable_database_answers_503_with_retry_after():
    assert_unavailable(make_app(REFUSED).test_client())


def test_healthz_answers_503_when_the_database_does_not():
    response = make_app(REFUSED).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unreachable"}


def test_a_database_that_accepts_and_never_answers_fails_fast_as_503():
    with silent_server() as port:
        app = make_app(
            f"postgresql+psycopg://nobody@127.0.0.1:{port}/none", DATABASE_CONNECT_TIMEOUT=2
        )
        assert_unavailable(app.test_client())


def test_postgresql_connections_carry_the_configured_timeouts():
    app = make_app(REFUSED, DATABASE_CONNECT_TIMEOUT=7, DATABASE_STATEMENT_TIMEOUT=1234)
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["connect_args"] == {
        "connect_timeout": 7,
        "options": "-c statement_timeout=1234",
        "keepalives": 1,
        "keepalives_idle": 10,
        "keepalives_interval": 5,
        "keepalives_count": 3,
        "tcp_user_timeout": 4234,  # the statement timeout and DATABASE_CLIENT_GRACE
    }
    # Pooled connections are checked by shop.database.check_connections_on_checkout,
    # not by pool_pre_ping's round trip on every checkout.
    assert "pool_pre_ping" not in options


def test_a_missing_sqlite_file_is_not_created_and_answers_503(tmp_path):
    path = tmp_path / "gone.sqlite3"
    client = make_app(f"sqlite:///{path}").test_client()
    assert client.get("/healthz").status_code == 503
    assert_unavailable(client)
    assert not path.exists()


def test_a_missing_sqlite_folder_is_not_created(tmp_path):
    folder = tmp_path / "no-such-folder"
    client = make_app(f"sqlite:///{folder / 'shop.sqlite3'}").test_client()
    assert client.get("/healthz").status_code == 503
    assert not folder.exists()


def test_development_creates_its_sqlite_database_and_folder(tmp_path, monkeypatch):
    folder = tmp_path / "instance"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{folder / 'dev.sqlite3'}")
    from shop import create_app

    app = create_app("development")
    with app.app_context():
        upgrade()
        db.engine.dispose()
    assert (folder / "dev.sqlite3").exists()


def test_healthz_answers_503_on_an_empty_database(tmp_path):
    response = (
        make_app(create_sqlite_file(tmp_path / "empty.sqlite3")).test_client().get("/healthz")
    )
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "unavailable",
        "database": "no schema: run flask db upgrade",
    }


def test_healthz_answers_503_when_the_schema_is_behind_the_code(client, session):
    assert client.get("/healthz").status_code == 200
    session.execute(text("UPDATE alembic_version SET version_num = '0006_stock_threshold'"))
    session.commit()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "schema is behind the code: run flask db upgrade"


@pytest.mark.parametrize("url", ["/products/hydra-glow", "/api/v1/products/hydra-glow", "/"])
def test_pages_on_an_empty_sqlite_file_answer_503_not_500(tmp_path, url):
    client = make_app(create_sqlite_file(tmp_path / "bare.sqlite3")).test_client()
    response = client.get(url)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)


def test_on_sqlite_a_request_that_writes_waits_for_another_writer_instead_of_failing(tmp_path):
    """A POST that reads, then writes after another connection committed a write, still
    succeeds: it took the write lock when it began (shop.database._configure_sqlite)."""
    app = make_app(create_sqlite_file(tmp_path / "writers.sqlite3"), WTF_CSRF_ENABLED=False)
    with app.app_context():
        upgrade()
        db.session.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"))
        db.session.commit()
    other_committed = threading.Event()

    def other_writer() -> None:
        # No request: a plain BEGIN.
        with app.app_context(), db.engine.connect() as connection:
            connection.execute(text("INSERT INTO notes (body) VALUES ('other')"))
            connection.commit()
        other_committed.set()

    @app.post("/_test/read-then-write")
    def read_then_write():
        db.session.execute(text("SELECT count(*) FROM notes")).scalar()
        writer = threading.Thread(target=other_writer)
        writer.start()
        # With a plain BEGIN the other write commits now and ours below fails; with
        # BEGIN IMMEDIATE it waits for our commit, so this wait runs out.
        other_committed.wait(timeout=1)
        db.session.execute(text("INSERT INTO notes (body) VALUES ('ours')"))
        db.session.commit()
        writer.join(timeout=15)
        return {"ok": True}

    response = app.test_client().post("/_test/read-then-write")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert other_committed.is_set()
    with app.app_context():
        bodies = db.session.execute(text("SELECT body FROM notes ORDER BY id")).scalars().all()
        assert bodies == ["ours", "other"]
        db.engine.dispose()


def test_after_a_failed_connection_the_next_requests_fail_at_once_for_the_back_off():
    silent = TcpProxy(("127.0.0.1", 9), black_hole=True)  # accepts, never answers
    try:
        app = make_app(
            f"postgresql+psycopg://nobody@127.0.0.1:{silent.port}/none",
            DATABASE_CONNECT_TIMEOUT=2,
            DATABASE_CONNECT_BACKOFF=3,
        )
        client = app.test_client()
        assert client.get("/api/v1/brands").status_code == 503  # waited for the timeout
        assert silent.accepted == 1
        for _ in range(3):
            refused = client.get("/api/v1/brands")  # within the back-off: no new attempt
            assert refused.status_code == 503
            assert refused.get_json()["error"]["code"] == "unavailable"
        assert silent.accepted == 1
        # Once the back-off is over, a request tries the server again.
        assert wait_until(lambda: client.get("/readyz").status_code == 503 and silent.accepted == 2)
    finally:
        silent.close()
