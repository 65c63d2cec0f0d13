"""Databases for a test run: a SQLite file, or a fresh PostgreSQL database.

``SHOP_TEST_DB=postgresql`` runs the suite on PostgreSQL: a database is made
for the run through ``TEST_PG_URL`` (an account allowed to create databases)
and dropped at the end, so runs never share state.
"""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def backend() -> str:
    return os.environ.get("SHOP_TEST_DB", "sqlite").strip().lower()


def pg_admin_url() -> str:
    from shop.config import normalise_database_url

    return normalise_database_url(os.environ.get("TEST_PG_URL", DEFAULT_PG_URL))


def postgres_available() -> tuple[bool, str]:
    url = pg_admin_url()
    try:
        engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return (
            False,
            f"PostgreSQL is not reachable at {make_url(url).render_as_string()}: {exc.__class__.__name__}",
        )
    return True, ""


@contextmanager
def postgres_database(
    prefix: str = "shop_test", admin: str | None = None, *, template: str | None = None
):
    """Create an empty PostgreSQL database (or a copy of ``template``'s), yield its URL,
    drop it afterwards.

    ``admin`` is an account allowed to create databases (default: TEST_PG_URL).
    The benchmark uses this too.
    """
    from shop.config import normalise_database_url

    admin_url = make_url(normalise_database_url(admin) if admin else pg_admin_url())
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    copy = f' TEMPLATE "{make_url(template).database}"' if template else ""
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"{copy}'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def create_sqlite_file(path: Path) -> str:
    """An empty SQLite database, made as an operator would: outside development the
    app opens a SQLite file and never creates it. Its URL."""
    path.touch()
    return f"sqlite:///{path}"


@contextmanager
def sqlite_database(folder: Path, name: str = "shop.sqlite3"):
    yield create_sqlite_file(folder / name)


@contextmanager
def test_database(folder: Path, prefix: str = "shop_test"):
    """The run's database on the chosen backend."""
    if backend() in {"postgresql", "postgres", "pg"}:
        with postgres_database(prefix) as url:
            yield url
    else:
        with sqlite_database(folder, f"{prefix}.sqlite3") as url:
            yield url
