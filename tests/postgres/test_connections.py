"""PostgreSQL faults: connections the server closed, and statements that run too long."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from shop.extensions import db
from tests import dbs
from tests.conftest import make_app

pytestmark = pytest.mark.postgres

READS = ["/healthz", "/api/v1/brands", "/products", "/api/v1/products?q=hair"]


def cut_connections(database_url: str) -> int:
    name = sa.engine.make_url(database_url).database
    admin = sa.create_engine(dbs.pg_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        cut = connection.execute(
            sa.text(
                # Waits (up to 5 s) until each backend has gone, as a restart would
                # before the next request.
                "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity"
                " WHERE datname = :name"
            ),
            {"name": name},
        ).scalar()
    admin.dispose()
    return cut


@pytest.fixture
def migrated_app(empty_postgres):
    app = make_app(empty_postgres)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_reads_after_the_server_cut_every_pooled_connection_still_succeed(
    migrated_app, empty_postgres
):
    client = migrated_app.test_client()
    for url in READS:  # the pool now holds connections for the session and for bare reads
        assert client.get(url).status_code == 200
    assert cut_connections(empty_postgres) >= 1
    # Each checkout sees that the server closed the connection: it is replaced, not used.
    for url in READS * 2:
        assert client.get(url).status_code == 200, url


@pytest.fixture
def pings(monkeypatch, migrated_app):
    """The round-trip pings run on connection checkout, by any app's engine."""
    calls = []
    with migrated_app.app_context():
        dialect_class = type(db.engine.dialect)
    real = dialect_class.do_ping

    def counted(dialect, dbapi_connection):
        calls.append(dbapi_connection)
        return real(dialect, dbapi_connection)

    monkeypatch.setattr(dialect_class, "do_ping", counted)
    return calls


def test_a_connection_in_steady_use_is_checked_without_a_round_trip(migrated_app, pings):
    client = migrated_app.test_client()
    for _ in range(5):
        assert client.get("/api/v1/brands").status_code == 200
    assert pings == []


def test_a_connection_the_server_closed_is_pinged_and_replaced(migrated_app, empty_postgres, pings):
    client = migrated_app.test_client()
    assert client.get("/api/v1/brands").status_code == 200
    assert cut_connections(empty_postgres) >= 1
    assert client.get("/api/v1/brands").status_code == 200
    assert len(pings) == 1  # the dead one; its replacement is fresh
    assert client.get("/api/v1/brands").status_code == 200
    assert len(pings) == 1


def test_a_connection_idle_longer_than_the_setting_is_pinged(migrated_app, empty_postgres, pings):
    app = make_app(empty_postgres, DATABASE_POOL_PING_IDLE=0)
    client = app.test_client()
    for _ in range(3):
        assert client.get("/api/v1/brands").status_code == 200
    assert len(pings) == 2  # every checkout but the first, whose connection was new
    with app.app_context():
        db.engine.dispose()


def test_checks_can_be_switched_off(migrated_app, empty_postgres, pings):
    app = make_app(empty_postgres, DATABASE_POOL_PRE_PING=False, DATABASE_POOL_PING_IDLE=0)
    client = app.test_client()
    for _ in range(3):
        assert client.get("/api/v1/brands").status_code == 200
    assert pings == []
    with app.app_context():
        db.engine.dispose()


def test_connections_carry_the_configured_statement_timeout(empty_postgres):
    app = make_app(empty_postgres, DATABASE_STATEMENT_TIMEOUT=1500)
    with app.app_context():
        assert db.session.scalar(sa.text("SHOW statement_timeout")) == "1500ms"
        db.session.rollback()
        db.engine.dispose()


def test_a_statement_past_the_timeout_answers_503(migrated_app, empty_postgres):
    app = make_app(empty_postgres, DATABASE_STATEMENT_TIMEOUT=100)

    @app.get("/api/v1/_test/slow")
    def slow():
        db.session.execute(sa.text("SELECT pg_sleep(5)"))
        return {}

    response = app.test_client().get("/api/v1/_test/slow")
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "unavailable"
    assert "Retry-After" in response.headers
    with app.app_context():
        db.engine.dispose()
