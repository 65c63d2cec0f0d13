"""The shop as docs/operations.md runs it: gunicorn with gunicorn.conf.py, nginx with
deploy/nginx/shop.conf, Redis, PostgreSQL, each a real process. These tests run in the
PostgreSQL pass (each module is marked ``postgres``), on the production database, each
on a copy of one migrated database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests import dbs
from tests.migration_cli import flask


@pytest.fixture(scope="session")
def migrated_template() -> Iterator[str]:
    """A database at the code's migration head, migrated once, copied for each test."""
    available, reason = dbs.postgres_available()
    if not available:
        pytest.skip(reason)
    with dbs.postgres_database("shop_template") as url:
        upgraded = flask(url, "db", "upgrade")
        assert upgraded.returncode == 0, upgraded.stderr
        yield url


@pytest.fixture
def database(migrated_template) -> Iterator[str]:
    with dbs.postgres_database("shop_server", template=migrated_template) as url:
        yield url
