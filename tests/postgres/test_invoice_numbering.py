"""Invoice numbers under real concurrency on PostgreSQL: twenty orders paid at once,
each in its own thread and session, get twenty numbers with no gap and no repeat; a
payment that rolls back gives its number back."""

from __future__ import annotations

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from shop.billing.models import Invoice
from shop.checkout.placing import place_order
from shop.checkout.services import add_to_cart
from shop.database import utcnow
from shop.extensions import db
from shop.inventory.services import today
from shop.orders.models import Order
from shop.orders.services import PaymentFacts, lock_order, mark_paid
from tests.conftest import make_app
from tests.factories import STANDARD, make_product, make_professional, make_shipping
from tests.ordering import ADDRESS
from tests.postgres.together import run_together
from tests.taxes import add_rates

pytestmark = pytest.mark.postgres

ORDERS = 20


@pytest.fixture
def paying_app(empty_postgres):
    """The payments queue on the invoice counter for the rest of their transaction only
    (the PDF is rendered later), so twenty at once stay well inside the statement
    timeout of production (5 s), past which a payment would fail."""
    app = make_app(empty_postgres)
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


def _placed_orders(count: int) -> list[int]:
    add_rates()
    make_shipping()
    product = make_product(stock=count * 2, price_cents=12_345)
    ids = []
    for _ in range(count):
        buyer = make_professional()
        add_to_cart(buyer, product.id, 1, today=today())
        order = place_order(buyer, ADDRESS, STANDARD, now=utcnow())
        order.payment_intent_id = f"pi_race_{order.number}"
        ids.append(order.id)
    db.session.commit()
    return ids


def _pay(order_id: int, *, fail: bool = False):
    def job():
        order = lock_order(order_id)
        facts = PaymentFacts(
            payment_intent_id=order.payment_intent_id,
            status="succeeded",
            amount_cents=order.total_cents,
            currency=order.currency.lower(),
            source="race",
        )
        assert mark_paid(order, facts) == "paid"
        if fail:
            raise RuntimeError("the transaction fails after the invoice was numbered")
        db.session.commit()
        return order.id

    return job


def test_twenty_payments_at_once_number_their_invoices_without_gaps_or_repeats(paying_app):
    pg_app = paying_app
    with pg_app.app_context():
        ids = _placed_orders(ORDERS)
        # Two of them fail after taking a number: their numbers go back to the series.
        outcomes = run_together(
            pg_app, *(_pay(order_id, fail=index in (3, 11)) for index, order_id in enumerate(ids))
        )
        failed = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
        assert len(failed) == 2 and all("fails after" in str(error) for error in failed)
        db.session.expire_all()
        invoices = db.session.scalars(select(Invoice).order_by(Invoice.sequence)).all()
        year = utcnow().year
        assert [invoice.sequence for invoice in invoices] == list(range(1, ORDERS - 1))
        assert [invoice.number for invoice in invoices] == [
            f"INV-{year}-{n:06d}" for n in range(1, ORDERS - 1)
        ]
        paid = db.session.scalars(select(Order.id).where(Order.paid_at.is_not(None))).all()
        assert sorted(invoice.order_id for invoice in invoices) == sorted(paid)
        assert len(paid) == ORDERS - 2
