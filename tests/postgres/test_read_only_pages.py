"""On PostgreSQL a logged-in visitor's catalogue page reads in autocommit (no BEGIN,
no ROLLBACK), and the connection goes back to the pool transactional for writes."""

from __future__ import annotations

import re

import pytest
from flask_migrate import upgrade
from sqlalchemy import event, select

from shop.checkout.models import CartLine
from shop.extensions import db
from tests.conftest import make_app
from tests.factories import make_product, make_professional

pytestmark = pytest.mark.postgres


def test_a_logged_in_page_reads_in_autocommit_and_writes_stay_transactional(empty_postgres):
    app = make_app(empty_postgres)
    with app.app_context():
        upgrade()
        product = make_product("Autocommit Booster", slug="autocommit-booster", stock=5)
        user = make_professional(name="Dr Read Only")
        db.session.commit()
        product_id, user_id, session_id = product.id, user.id, user.get_id()
        engine = db.engine
    autocommit: list[bool] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        autocommit.append(conn.connection.dbapi_connection.autocommit)

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert app.test_client().get("/products/autocommit-booster").status_code == 200
        autocommit.clear()  # the page is cached now
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = session_id
        html = client.get("/products/autocommit-booster").get_data(as_text=True)
        assert "Dr Read Only" in html and "Add to cart" in html
        # The user with the standing and the cart count, the token and the stock: one
        # statement, not in a transaction.
        assert autocommit == [True]

        autocommit.clear()
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        response = client.post(
            "/cart/add", data={"csrf_token": token, "product_id": product_id, "quantity": 2}
        )
        assert response.status_code == 303
        assert autocommit and not any(autocommit)  # the same pool, transactional again
    finally:
        event.remove(engine, "before_cursor_execute", record)
    with app.app_context():
        line = db.session.scalar(select(CartLine).where(CartLine.user_id == user_id))
        assert (line.product_id, line.quantity) == (product_id, 2)
        db.engine.dispose()
