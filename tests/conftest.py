"""Fixtures: one app and schema per session (built by the migrations), and every
test inside a transaction that is rolled back afterwards.

In CI (``SHOP_CI=1``) a skipped test fails the run: nothing may be skipped there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import event

from shop import create_app
from shop.extensions import cache, db
from tests import dbs

pytest_plugins = ["tests.catalogue", "tests.stripe_server"]

IN_CI = os.environ.get("SHOP_CI") == "1"


def pytest_report_header(config):
    return f"database backend: {dbs.backend()}" + ("  (CI: skips fail)" if IN_CI else "")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where nothing may be skipped: {reason}"


def make_app(database_url: str, **overrides) -> Flask:
    return create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, **overrides)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    if dbs.backend() != "sqlite":
        available, reason = dbs.postgres_available()
        if not available:
            pytest.exit(f"SHOP_TEST_DB={dbs.backend()} but {reason}", returncode=3)
    with dbs.test_database(tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="session")
def app(database_url) -> Iterator[Flask]:
    app = make_app(database_url)
    with app.app_context():
        upgrade()  # the schema comes from the migrations, so they are tested too
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _transaction(request) -> Iterator[None]:
    """Run the test in a transaction rolled back at the end (services may commit:
    their commits only release a savepoint)."""
    if "app" not in request.fixturenames:
        yield
        return
    app: Flask = request.getfixturevalue("app")
    with app.app_context():
        engines = db._app_engines[app]  # Flask-SQLAlchemy keeps the app's engines here
        engine = engines[None]
        connection = engine.connect()
        outer = connection.begin()
        engines[None] = connection
        db.session.remove()
        db.session.configure(join_transaction_mode="create_savepoint")
        cache.clear()
        try:
            yield
        finally:
            db.session.remove()
            engines[None] = engine
            outer.rollback()
            connection.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def session(app):
    return db.session


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __len__(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """``with count_queries() as counter: ...`` counts the SQL statements run inside."""

    @contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()
        engine = db._app_engines[app][None]
        target = engine.engine if hasattr(engine, "engine") else engine

        def record(conn, cursor, statement, parameters, context, executemany):
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
                counter.statements.append(statement)

        event.listen(target, "before_cursor_execute", record)
        try:
            yield counter
        finally:
            event.remove(target, "before_cursor_execute", record)

    return counting
