"""Pooled connections that die while idle are replaced before a request uses them."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from shop.extensions import db
from tests import dbs
from tests.conftest import make_app

pytestmark = pytest.mark.postgres


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


@pytest.mark.parametrize(("idle_seconds", "after_cut"), [(0.2, 200), (3600, 503)])
def test_an_idle_connection_cut_by_the_server_is_replaced(empty_postgres, idle_seconds, after_cut):
    app = make_app(empty_postgres, DATABASE_PING_AFTER_IDLE_SECONDS=idle_seconds)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    client = app.test_client()
    assert client.get("/healthz").status_code == 200  # a connection now waits in the pool
    assert cut_connections(empty_postgres) >= 1
    time.sleep(0.5)
    # Rested longer than the threshold: pinged, found dead, replaced. Otherwise the
    # request meets the dead connection (and the pool is invalidated for the next one).
    assert client.get("/healthz").status_code == after_cut
    assert client.get("/healthz").status_code == 200
    with app.app_context():
        db.engine.dispose()
