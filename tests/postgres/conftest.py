import pytest

from tests import dbs


@pytest.fixture
def empty_postgres():
    available, reason = dbs.postgres_available()
    if not available:
        pytest.skip(reason)
    with dbs.postgres_database("shop_migrate") as url:
        yield url
