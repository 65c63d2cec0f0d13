"""Fixtures: one app and schema per session (built by the migrations), and every
test inside a transaction that is rolled back afterwards.

In CI (``SHOP_CI=1``) a skipped test fails the run: nothing may be skipped there.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask, g, request_started
from flask_migrate import upgrade
from sqlalchemy import event

from shop import create_app
from shop.accounts.sessions import Client, start_session
from shop.catalog.facets import forget_index
from shop.config import TestingConfig
from shop.database import utcnow
from shop.extensions import db, limiter
from tests import dbs

pytest_plugins = ["tests.catalogue", "tests.mailserver", "tests.stripe_server"]

IN_CI = os.environ.get("SHOP_CI") == "1"

# What a production app needs besides its database, for the tests that build one.
PRODUCTION_SETTINGS = {
    "SECRET_KEY": "p" * 48,
    "SHOP_BASE_URL": "https://shop.example",
    "STRIPE_SECRET_KEY": "sk_live_" + "a" * 24,
    "STRIPE_PUBLISHABLE_KEY": "pk_live_" + "b" * 24,
    "STRIPE_WEBHOOK_SECRET": "whsec_" + "c" * 32,
    "SELLER_LEGAL_NAME": "Test Supplies Limited",
    "SELLER_ADDRESS": "1 Test Street\\nDublin 2\\nIreland",
    "SELLER_VAT_NUMBER": "IE6388047V",
}


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


def _fresh_g(_sender, **_extra) -> None:
    # Flask-Login's user, Flask-WTF's signed CSRF token, the gate's standing, the cart
    # count: each request starts without them, as it does in production.
    for name in list(g):
        g.pop(name)


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
    # Tests hold one app context across requests, so ``g`` would carry one request's
    # values (the user, the CSRF token) into the next; production gets a fresh ``g``.
    request_started.connect(_fresh_g, app)
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
        forget_index(app)  # each test builds the facet index of its own catalogue
        try:
            yield
        finally:
            db.session.remove()
            engines[None] = engine
            outer.rollback()
            connection.close()


@pytest.fixture(autouse=True)
def _rate_limits_as_they_were() -> Iterator[None]:
    """Flask-Limiter keeps ``enabled`` on its one Limiter object: an app built with rate
    limits on (the rate-limit tests) would otherwise turn them on for every later test.
    The session's app runs as TestingConfig says: without them."""
    yield
    limiter.enabled = TestingConfig.RATELIMIT_ENABLED


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


@pytest.fixture
def login(client):
    """``login(user)`` makes the test client that user, as a log-in with the password (and
    second factor) would: a fresh session record, and the cookie that names it."""

    def log_in(user, *, on=None, remember=False):
        target = on or client
        started = start_session(
            user, client=Client("127.0.0.1", "pytest"), remember=remember, now=utcnow()
        )
        db.session.commit()  # as the log-in page does: a view's rollback keeps the session
        with target.session_transaction() as flask_session:
            flask_session.clear()
            flask_session["_user_id"] = started.key
            flask_session["_fresh"] = True
        if started.remember_key:
            target.set_cookie(
                target.application.config["REMEMBER_DEVICE_COOKIE_NAME"], started.remember_key
            )
        return target

    return log_in


_CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def csrf_token(client):
    """``csrf_token(path)``: the form token of the page at ``path``, as a browser would post it."""

    def token_from(path: str, *, on=None) -> str:
        response = (on or client).get(path)
        match = _CSRF_FIELD.search(response.get_data(as_text=True))
        assert match, f"no CSRF token in the page at {path} ({response.status_code})"
        return match.group(1)

    return token_from
