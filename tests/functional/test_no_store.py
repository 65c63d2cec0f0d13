"""Cache-Control: no-store on every response that carries personal or administrative
data: pages, CSV downloads and documents. The walk reads the URL map, so a route added
later is checked too; its arguments come from the accessibility walk's representative
pages, over the same demo shop."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask_migrate import upgrade

from shop.accounts.services import find_user_by_email
from shop.accounts.sessions import Client, start_session
from shop.database import utcnow
from shop.demo import seed_demo
from shop.demo_accounts import DEMO_ADMIN, DEMO_CUSTOMER, DEMO_PROFESSIONAL, seed_demo_accounts
from shop.extensions import db
from shop.http_caching import PUBLIC_BLUEPRINTS
from tests import dbs
from tests.browser.conftest import add_demo_plan, add_paid_demo_order
from tests.browser.test_accessibility import pages_to_visit
from tests.conftest import make_app

ROLES = {"customer": DEMO_CUSTOMER, "professional": DEMO_PROFESSIONAL, "administrator": DEMO_ADMIN}
# Served the same to everyone, and never personal.
SHARED = (*PUBLIC_BLUEPRINTS, "static", "bootstrap", "health")


@pytest.fixture(scope="module")
def demo_shop(tmp_path_factory) -> Iterator[Flask]:
    with dbs.test_database(tmp_path_factory.mktemp("no-store"), prefix="shop_nostore") as url:
        app = make_app(url)
        with app.app_context():
            upgrade()
            seed_demo()
            seed_demo_accounts()
            add_paid_demo_order()
            add_demo_plan()
            db.session.commit()
        yield app
        with app.app_context():
            db.engine.dispose()


def logged_in(app: Flask, email: str):
    client = app.test_client()
    with app.app_context():
        key = start_session(
            find_user_by_email(email), client=Client(), remember=False, now=utcnow()
        ).key
        db.session.commit()
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = key
    return client


@pytest.mark.parametrize("role", list(ROLES))
def test_every_get_route_answers_no_store_to_a_logged_in_visitor(demo_shop, role):
    client = logged_in(demo_shop, ROLES[role].email)
    walked = []
    for name, path, _ in pages_to_visit(demo_shop, "professional"):
        response = client.get(path)
        assert "no-store" in response.headers.get("Cache-Control", ""), (role, name, path)
        assert "ETag" not in response.headers, (role, name, path)
        walked.append(name)
    # The pages with the most personal data, and both CSV downloads, were among them.
    assert {
        "accounts.account",
        "orders.detail",
        "orders.receipt",
        "licensing.licence",
        "licensing.download_document",
        "admin.dashboard",
        "admin.product_export",
        "admin.stock_recall_csv",
        "courses.plan_leaflet_pdf",
    } <= set(walked)


def test_no_personal_route_is_public_to_an_anonymous_visitor(demo_shop):
    client = demo_shop.test_client()
    for name, path, _ in pages_to_visit(demo_shop):
        response = client.get(path)
        if name.split(".")[0] not in SHARED:
            assert not response.cache_control.public, (name, path)
            assert response.status_code != 200 or "no-store" in response.headers.get(
                "Cache-Control", ""
            ), (name, path, response.status_code)
