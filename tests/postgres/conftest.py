import pytest
from flask_migrate import upgrade

from shop.extensions import db
from tests import dbs
from tests.conftest import make_app


@pytest.fixture
def empty_postgres():
    available, reason = dbs.postgres_available()
    if not available:
        pytest.skip(reason)
    with dbs.postgres_database("shop_migrate") as url:
        yield url


@pytest.fixture
def pg_app(empty_postgres):
    """An app on a database of its own, migrated, that tests commit to for real (no
    rollback per test): concurrent connections only see what was committed."""
    app = make_app(empty_postgres)
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()
