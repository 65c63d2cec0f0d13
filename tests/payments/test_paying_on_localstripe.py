"""Paying for orders on the local Stripe server, for real: the shop is served on a free
loopback port, the local Stripe server posts its signed events to the shop's own
``/stripe/webhook``, and what reaches the database is checked.

These tests commit (the server and the test are separate connections), so they run on a
database of their own, and every test makes its own buyer and products.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select
from werkzeug.serving import make_server

from devtools.localstripe import register_webhook, unregister_webhook
from shop.database import utcnow
from shop.extensions import db
from shop.inventory.enums import MovementKind
from shop.orders.enums import OrderEventKind, OrderStatus, PaymentState
from shop.orders.models import Order
from shop.orders.services import cancel_order, expire_reservations, lock_order
from shop.payments.models import StripeEvent
from shop.payments.settle import refresh_from_stripe, start_payment
from shop.payments.stripe_client import refund_payment_intent, retrieve_payment_intent
from tests import dbs
from tests.conftest import make_app
from tests.ordering import (
    assert_ledger_balanced,
    cart_packs,
    events_of,
    mails_to,
    movements_of,
    place_test_order,
)
from tests.stripe_server import card_fields, post_as_stripe_js

pytestmark = pytest.mark.localstripe

GOOD_CARD = "4242424242424242"
DECLINED_CARD = "4000000000000341"
THREE_D_SECURE_CARD = "4000002500003155"


@dataclass(frozen=True)
class PayingShop:
    app: Flask
    url: str

    @property
    def webhook_url(self) -> str:
        return f"{self.url}/stripe/webhook"


@pytest.fixture(scope="session")
def paying_shop(tmp_path_factory, local_stripe_server) -> Iterator[PayingShop]:
    """The shop served on a free loopback port, paying on the session's local Stripe server."""
    with dbs.test_database(tmp_path_factory.mktemp("paying"), prefix="shop_pay") as url:
        app = make_app(url, **local_stripe_server.app_config)
        with app.app_context():
            upgrade()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        app.config["SHOP_BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield PayingShop(app, app.config["SHOP_BASE_URL"])
        finally:
            server.shutdown()
            thread.join(timeout=10)
            with app.app_context():
                db.engine.dispose()


@pytest.fixture
def shop(paying_shop, local_stripe) -> Iterator[PayingShop]:
    """The paying shop in an app context, with no webhook registered. Earlier tests' orders
    (their intents gone with the local server's reset) are moved out of reconciliation's
    window, so that it reports on this test's orders alone."""
    with paying_shop.app.app_context():
        for order in db.session.scalars(select(Order)):
            order.placed_at -= timedelta(days=365)
        db.session.commit()
        yield paying_shop
        db.session.rollback()


@pytest.fixture
def webhook(shop, local_stripe) -> Iterator[None]:
    """The local Stripe server posts its events to the shop's webhook."""
    register_webhook(
        local_stripe.api_base, shop.webhook_url, shop.app.config["STRIPE_WEBHOOK_SECRET"]
    )
    yield
    unregister_webhook(local_stripe.api_base)


@dataclass
class Checkout:
    order_id: int
    intent_id: str
    client_secret: str


def checkout(**options) -> Checkout:
    """An order placed and its payment started, committed as the payment page does."""
    order = place_test_order(**options)
    secret = start_payment(order)
    db.session.commit()
    return Checkout(order.id, order.payment_intent_id, secret)


def as_stripe_js(shop: PayingShop, paying: Checkout, action: str, fields: dict) -> tuple[int, dict]:
    """What the page's Stripe.js posts to the local Stripe server."""
    fields = {
        "key": shop.app.config["STRIPE_PUBLISHABLE_KEY"],
        "client_secret": paying.client_secret,
        **fields,
    }
    path = f"/v1/payment_intents/{paying.intent_id}/{action}"
    return post_as_stripe_js(shop.app.config["STRIPE_API_BASE"], path, fields)


def pay(shop: PayingShop, paying: Checkout, number: str) -> tuple[int, dict]:
    return as_stripe_js(shop, paying, "confirm", card_fields(number))


def authenticate(shop: PayingShop, paying: Checkout, success: bool) -> tuple[int, dict]:
    return as_stripe_js(shop, paying, "_authenticate", {"success": str(success).lower()})


def wait_for_order(
    order_id: int, until: Callable[[Order], bool], what: str, timeout: float = 20
) -> Order:
    """The order once ``until`` holds, read afresh from the database (the webhook commits
    on the server's own connection about a second after the payment)."""
    deadline = time.monotonic() + timeout
    while True:
        db.session.rollback()
        order = db.session.get(Order, order_id, populate_existing=True)
        if until(order):
            return order
        if time.monotonic() > deadline:
            raise AssertionError(
                f"order {order.number} never {what}: {order.status}, {order.payment_state}"
            )
        time.sleep(0.2)


def event_of(intent_id: str, kind: str) -> StripeEvent | None:
    return db.session.scalar(
        select(StripeEvent).where(StripeEvent.object_id == intent_id, StripeEvent.type == kind)
    )


def assert_paid_once(order: Order) -> None:
    assert order.status == OrderStatus.PAID
    assert order.payment_state == PaymentState.SUCCEEDED
    assert len(events_of(order, OrderEventKind.PAID)) == 1
    sold = sorted(movement.quantity for movement in movements_of(order, MovementKind.SALE))
    assert sold == sorted(-line.quantity for line in order.lines)  # one sale per line
    assert cart_packs(order) == 0
    assert mails_to(order) == [f"Order {order.number} is paid"]
    assert_ledger_balanced(order)


def test_a_card_payment_is_settled_by_the_webhook(shop, webhook):
    paying = checkout(packs=(2, 1))
    status, intent = pay(shop, paying, GOOD_CARD)
    assert (status, intent["status"]) == (200, "succeeded")
    order = wait_for_order(paying.order_id, lambda o: o.status == OrderStatus.PAID, "paid")
    assert_paid_once(order)
    [paid] = events_of(order, OrderEventKind.PAID)
    assert paid.message.startswith("webhook evt_")  # the webhook did it, not a redirect
    seen = event_of(paying.intent_id, "payment_intent.succeeded")
    assert (seen.order_id, seen.outcome) == (order.id, "paid")


def test_a_declined_card_keeps_the_order_payable_with_stripes_message(shop, webhook):
    paying = checkout(packs=(1,))
    status, answer = pay(shop, paying, DECLINED_CARD)
    assert status == 402
    assert answer["error"]["message"] == "Your card was declined."
    order = wait_for_order(
        paying.order_id, lambda o: o.payment_state == PaymentState.FAILED, "recorded the decline"
    )
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert order.payment_error == "Your card was declined."
    assert [e.message for e in events_of(order, OrderEventKind.PAYMENT_FAILED)] == [
        "Your card was declined."
    ]
    assert movements_of(order, MovementKind.SALE) == []
    # Paid again, with a good card, on the same PaymentIntent.
    status, intent = pay(shop, paying, GOOD_CARD)
    assert (status, intent["status"]) == (200, "succeeded")
    order = wait_for_order(paying.order_id, lambda o: o.status == OrderStatus.PAID, "paid")
    assert_paid_once(order)
    assert order.payment_error == ""


def test_three_d_secure_completed_pays_the_order(shop, webhook):
    paying = checkout(packs=(1,))
    status, intent = pay(shop, paying, THREE_D_SECURE_CARD)
    assert (status, intent["status"]) == (200, "requires_action")
    db.session.rollback()
    assert db.session.get(Order, paying.order_id).status == OrderStatus.PENDING_PAYMENT
    status, intent = authenticate(shop, paying, success=True)
    assert (status, intent["status"]) == (200, "succeeded")
    order = wait_for_order(paying.order_id, lambda o: o.status == OrderStatus.PAID, "paid")
    assert_paid_once(order)


def test_three_d_secure_failed_is_recorded_and_the_order_stays_payable(shop, webhook):
    paying = checkout(packs=(1,))
    pay(shop, paying, THREE_D_SECURE_CARD)
    status, intent = authenticate(shop, paying, success=False)
    assert (status, intent["status"]) == (200, "requires_payment_method")
    reason = intent["last_payment_error"]["message"]
    order = wait_for_order(
        paying.order_id, lambda o: o.payment_state == PaymentState.FAILED, "recorded the failure"
    )
    assert (order.status, order.payment_error) == (OrderStatus.PENDING_PAYMENT, reason)
    assert movements_of(order, MovementKind.SALE) == []
    assert_ledger_balanced(order)
    assert pay(shop, paying, GOOD_CARD)[1]["status"] == "succeeded"
    assert_paid_once(
        wait_for_order(paying.order_id, lambda o: o.status == OrderStatus.PAID, "paid")
    )


def test_a_refund_in_stripe_is_picked_up_by_reconciliation_and_the_return_path(shop, webhook):
    paying = checkout(packs=(2,))
    pay(shop, paying, GOOD_CARD)
    order = wait_for_order(paying.order_id, lambda o: o.status == OrderStatus.PAID, "paid")
    # As from Stripe's dashboard: the local server emits no charge.refunded for it.
    refund_payment_intent(paying.intent_id, idempotency_key="dashboard-1", amount_cents=4_000)
    result = shop.app.test_cli_runner().invoke(args=["shop", "reconcile-payments"])
    assert result.exit_code == 0, result.output
    assert result.output == f"reconcile-payments: {order.number} partly refunded (missed webhook)\n"
    order = wait_for_order(paying.order_id, lambda o: o.refunded_cents == 4_000, "part-refunded")
    assert order.status == OrderStatus.PARTIALLY_REFUNDED
    again = shop.app.test_cli_runner().invoke(args=["shop", "reconcile-payments"])
    assert again.output == "reconcile-payments: nothing to do\n"
    refund_payment_intent(paying.intent_id, idempotency_key="dashboard-2")
    assert refresh_from_stripe(order, source="return page") == "fully refunded"
    db.session.commit()
    order = wait_for_order(paying.order_id, lambda o: o.status == OrderStatus.REFUNDED, "refunded")
    assert (order.refunded_cents, order.payment_state) == (order.total_cents, PaymentState.REFUNDED)
    refunds = sorted(e.amount_cents for e in events_of(order, OrderEventKind.REFUNDED))
    assert refunds == sorted([4_000, order.total_cents - 4_000])


def test_a_payment_whose_webhook_was_missed_is_paid_by_reconciliation(shop):
    paying = checkout(packs=(1, 1))
    assert pay(shop, paying, GOOD_CARD)[1]["status"] == "succeeded"
    db.session.rollback()
    assert db.session.get(Order, paying.order_id).status == OrderStatus.PENDING_PAYMENT
    result = shop.app.test_cli_runner().invoke(args=["shop", "reconcile-payments"])
    number = db.session.get(Order, paying.order_id).number
    assert result.exit_code == 0, result.output
    assert result.output == f"reconcile-payments: {number} paid (missed webhook)\n"
    order = wait_for_order(paying.order_id, lambda o: o.status == OrderStatus.PAID, "paid")
    assert_paid_once(order)
    [paid] = events_of(order, OrderEventKind.PAID)
    assert paid.message == "reconciliation"


def test_the_return_page_first_and_the_webhook_after_settle_once(
    shop, local_stripe, webhook_receiver
):
    """The buyer's return asks Stripe and pays the order; the webhook that follows (the
    very event the local server signed, delivered to the shop) changes nothing."""
    paying = checkout(packs=(2, 1))
    pay(shop, paying, GOOD_CARD)
    delivery = webhook_receiver.wait_for("payment_intent.succeeded", paying.intent_id)
    db.session.rollback()
    order = db.session.get(Order, paying.order_id)
    assert order.status == OrderStatus.PENDING_PAYMENT  # nothing reached the shop yet
    assert refresh_from_stripe(order, source="return page") == "paid"
    db.session.commit()
    request = urllib.request.Request(
        shop.webhook_url,
        data=delivery.payload,
        method="POST",
        headers={"Stripe-Signature": delivery.signature, "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 200
        assert json.loads(answer.read()) == {"received": True, "outcome": "already paid"}
    order = wait_for_order(paying.order_id, lambda o: o.status == OrderStatus.PAID, "paid")
    assert_paid_once(order)
    [paid] = events_of(order, OrderEventKind.PAID)
    assert paid.message == "return page"
    assert event_of(paying.intent_id, "payment_intent.succeeded").outcome == "already paid"


# Cancelling and expiring an unpaid order cancel its PaymentIntent ----------------------


def intent_status(intent_id: str) -> str:
    return retrieve_payment_intent(intent_id)["status"]


def assert_cancelled_and_released(order: Order) -> None:
    assert order.status == OrderStatus.CANCELLED
    assert order.paid_at is None and order.attention == ""
    released = movements_of(order, MovementKind.RELEASE)
    assert sum(movement.reserved for movement in released) == -order.packs
    assert movements_of(order, MovementKind.SALE) == []
    assert_ledger_balanced(order)


def test_the_buyers_cancellation_cancels_the_intent_and_a_late_payment_fails(shop, webhook):
    paying = checkout(packs=(2,))
    order = db.session.get(Order, paying.order_id)
    assert cancel_order(lock_order(order.id), reason="Cancelled by the buyer.") == "cancelled"
    db.session.commit()
    assert intent_status(paying.intent_id) == "canceled"

    status, answer = pay(shop, paying, GOOD_CARD)  # the page was still open in another tab
    assert status == 400
    assert "canceled" in answer["error"]["message"]
    time.sleep(1.5)  # a webhook, had there been a payment, arrives in about 1.3 s
    order = wait_for_order(paying.order_id, lambda o: True, "read")
    assert_cancelled_and_released(order)


def test_the_reservation_job_cancels_the_intent_of_an_order_whose_time_ran_out(shop, webhook):
    paying = checkout(packs=(1,), now=utcnow() - timedelta(minutes=45))
    report = expire_reservations(utcnow())
    db.session.commit()
    order = db.session.get(Order, paying.order_id)
    assert report.cancelled == [order.number]
    assert intent_status(paying.intent_id) == "canceled"
    status, _ = pay(shop, paying, GOOD_CARD)
    assert status == 400
    assert_cancelled_and_released(wait_for_order(paying.order_id, lambda o: True, "read"))


def test_cancelling_an_order_stripe_was_paid_for_meanwhile_follows_the_payment(shop):
    paying = checkout(packs=(1,))  # no webhook: the payment's event is lost for now
    status, intent = pay(shop, paying, GOOD_CARD)
    assert (status, intent["status"]) == (200, "succeeded")
    order = db.session.get(Order, paying.order_id)
    outcome = cancel_order(lock_order(order.id), reason="Cancelled by the buyer.")
    db.session.commit()
    assert outcome == "paid"
    order = wait_for_order(paying.order_id, lambda o: True, "read")
    assert order.status == OrderStatus.PAID and order.attention == ""
    [paid] = events_of(order, OrderEventKind.PAID)
    assert paid.message == "cancellation found it paid"
    assert_ledger_balanced(order)
