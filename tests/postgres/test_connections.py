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
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = :name"
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
    # Each checkout pings first (pool_pre_ping): a dead connection is replaced, not used.
    for url in READS * 2:
        assert client.get(url).status_code == 200, url


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
