"""Real concurrency on PostgreSQL: buyers, payments, cancellations and the expiry
worker at the same stock and the same orders. Nothing oversold, nothing lost,
nothing settled twice."""

from __future__ import annotations

import json
import threading
import time
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shop.accounts.models import User
from shop.checkout.errors import CheckoutError
from shop.checkout.models import CartLine
from shop.checkout.placing import OrderWaiting, place_order
from shop.checkout.services import add_to_cart
from shop.database import utcnow
from shop.extensions import db
from shop.inventory.enums import MovementKind
from shop.inventory.models import StockLot, StockMovement, StockReservation
from shop.inventory.services import receive_stock, today
from shop.mail.models import OutboxMessage
from shop.orders.enums import OrderEventKind, OrderStatus, PaymentState
from shop.orders.errors import OrderError
from shop.orders.models import Order
from shop.orders.services import (
    PAID_AFTER_CANCELLATION,
    PaymentFacts,
    cancel_order,
    expire_reservations,
    lock_order,
    mark_paid,
)
from shop.payments.models import StripeEvent
from shop.payments.settle import handle_event
from tests.factories import STANDARD, make_admin, make_product
from tests.ordering import (
    ADDRESS,
    assert_every_lot_balanced,
    buyers_with_in_cart,
    events_of,
    movements_of,
)
from tests.payments.signed_events import event, intent_object, post_event
from tests.postgres.together import run_together

pytestmark = pytest.mark.postgres

HOLD_SECONDS = 0.5  # the first one keeps its locks this long, so the other must wait for them


def checkout(user_id: int, *, now=None) -> int:
    """What the checkout page does: place the order and commit."""
    order = place_order(db.session.get(User, user_id), ADDRESS, STANDARD, now=now or utcnow())
    db.session.commit()
    return order.id


def all_movements(kind: MovementKind) -> list[StockMovement]:
    return list(db.session.scalars(select(StockMovement).where(StockMovement.kind == kind)))


def awaiting_payment(order_id: int) -> Order:
    """What the payment page leaves behind: the order has its PaymentIntent."""
    order = db.session.get(Order, order_id)
    order.payment_intent_id = f"pi_{uuid.uuid4().hex[:24]}"
    order.payment_state = PaymentState.AWAITING
    db.session.commit()
    return order


def test_twenty_buyers_race_for_the_last_five_units_and_exactly_five_get_them(pg_app):
    with pg_app.app_context():
        product = make_product(name="Hyaluronic Glow 2 ml")
        # The later lot is received first (lower id), so first-expiry-first-out is not
        # primary-key order by accident; the expired lot must never be sold.
        late = receive_stock(
            product, lot_number="LATE-1", expires_on=today() + timedelta(days=300), quantity=3
        )
        early = receive_stock(
            product, lot_number="EARLY-1", expires_on=today() + timedelta(days=40), quantity=2
        )
        expired = receive_stock(
            product,
            lot_number="GONE-1",
            expires_on=today() - timedelta(days=1),
            quantity=10,
            on=today() - timedelta(days=30),
        )
        buyers = buyers_with_in_cart(20, product.id, 1)
        lots = {late.id: "late", early.id: "early", expired.id: "expired"}
        db.session.commit()

    outcomes = run_together(pg_app, *[lambda buyer=buyer: checkout(buyer) for buyer in buyers])

    placed = [outcome for outcome in outcomes if isinstance(outcome, int)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, CheckoutError)]
    assert len(placed) == 5 and len(refused) == 15, outcomes
    for error in refused:
        assert error.code == CheckoutError.NOT_ENOUGH_STOCK
        assert "Hyaluronic Glow 2 ml" in error.message
        assert "out of stock" in error.message.lower()
    with pg_app.app_context():
        reservations = db.session.scalars(
            select(StockReservation).order_by(StockReservation.id)
        ).all()
        assert [lots[r.lot_id] for r in reservations] == ["early"] * 2 + ["late"] * 3
        assert sorted(r.order_id for r in reservations) == sorted(placed)
        assert_every_lot_balanced()
        # The refused buyers keep their carts; nothing of theirs was ordered or held.
        assert db.session.scalar(select(func.count()).select_from(Order)) == 5
        assert db.session.scalar(select(func.count()).select_from(CartLine)) == 20

    def pay(order_id):
        order = lock_order(order_id)
        facts = PaymentFacts(
            order.payment_intent_id or "pi_race",
            "succeeded",
            order.total_cents,
            order.currency.lower(),
            source="race",
        )
        outcome = mark_paid(order, facts)
        db.session.commit()
        return outcome

    paid = run_together(pg_app, *[lambda order_id=order_id: pay(order_id) for order_id in placed])

    assert paid == ["paid"] * 5
    with pg_app.app_context():
        assert_every_lot_balanced()
        on_hand = {
            lots[lot.id]: (lot.quantity_on_hand, lot.quantity_reserved)
            for lot in db.session.scalars(select(StockLot))
        }
        assert on_hand == {"late": (0, 0), "early": (0, 0), "expired": (10, 0)}
        sales = all_movements(MovementKind.SALE)
        receipts = all_movements(MovementKind.RECEIPT)
        assert sum(m.quantity for m in sales) == -5
        assert sum(m.quantity for m in receipts) + sum(m.quantity for m in sales) == sum(
            on_hand_now for on_hand_now, _ in on_hand.values()
        )
        assert sorted(m.order_id for m in sales) == sorted(placed)


def test_one_buyer_adding_a_product_from_two_tabs_at_once_gets_one_line_of_both(pg_app):
    with pg_app.app_context():
        product_id = make_product(name="Hydra Serum", stock=10).id
        (buyer,) = buyers_with_in_cart(1, make_product(name="Other", stock=5).id, 1)
        db.session.commit()

    def add(packs: int, *, hold: float = 0.0, wait: float = 0.0):
        def job():
            time.sleep(wait)
            line = add_to_cart(db.session.get(User, buyer), product_id, packs, today=today())
            time.sleep(hold)
            db.session.commit()
            return line.quantity

        return job

    # The second looks for the line while the first's insert is not committed: its own
    # insert then waits for the first, finds the line there, and adds to it.
    outcomes = run_together(pg_app, add(2, hold=HOLD_SECONDS), add(3, wait=HOLD_SECONDS / 5))

    assert outcomes == [2, 5], outcomes
    with pg_app.app_context():
        lines = db.session.scalars(
            select(CartLine).where(CartLine.user_id == buyer, CartLine.product_id == product_id)
        ).all()
        assert [line.quantity for line in lines] == [5]


@pytest.mark.parametrize("over", ["webhook", "handle_event"])
def test_ten_deliveries_of_one_event_at_once_mark_the_order_paid_once(pg_app, over):
    with pg_app.app_context():
        # Three packs over two lots, and a second product: three reserved lots in all.
        serum = make_product(name="Vitamin Serum")
        for lot_number, days, quantity in [("VS-A", 60, 2), ("VS-B", 90, 5)]:
            receive_stock(
                serum,
                lot_number=lot_number,
                expires_on=today() + timedelta(days=days),
                quantity=quantity,
            )
        peptide = make_product(name="Peptide Complex", stock=4)
        (buyer,) = buyers_with_in_cart(1, serum.id, 3)
        add_to_cart(db.session.get(User, buyer), peptide.id, 1, today=today())
        db.session.commit()
        order = awaiting_payment(checkout(buyer))
        order_id, order_number = order.id, order.number
        payload = json.dumps(event("payment_intent.succeeded", intent_object(order))).encode()
        reserved_lots = sorted(
            r.lot_id
            for r in db.session.scalars(
                select(StockReservation).where(StockReservation.order_id == order_id)
            )
        )
        assert len(reserved_lots) == 3

    def deliver_over_http():
        response = post_event(pg_app.test_client(), pg_app, payload)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()["outcome"]

    def deliver_directly():
        outcome = handle_event(json.loads(payload))
        db.session.commit()
        return outcome

    deliver = deliver_over_http if over == "webhook" else deliver_directly
    outcomes = run_together(pg_app, *[deliver] * 10)

    assert sorted(outcomes) == ["duplicate: already processed"] * 9 + ["paid"], outcomes
    with pg_app.app_context():
        order = db.session.get(Order, order_id)
        assert (order.status, order.payment_state) == (OrderStatus.PAID, PaymentState.SUCCEEDED)
        assert len(events_of(order, OrderEventKind.PAID)) == 1
        sales = movements_of(order, MovementKind.SALE)
        assert sorted(m.lot_id for m in sales) == reserved_lots
        assert sum(m.quantity for m in sales) == -4
        rows = db.session.scalars(select(StripeEvent)).all()
        assert [(row.event_id, row.order_id, row.outcome) for row in rows] == [
            (json.loads(payload)["id"], order_id, "paid")
        ]
        mails = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.subject.contains(order_number))
        ).all()
        assert len(mails) == 1
        assert db.session.scalar(select(func.count()).select_from(CartLine)) == 0
        assert_every_lot_balanced()


@pytest.mark.parametrize("first", ["expiry", "checkout"])
def test_a_checkout_and_the_expiry_worker_at_one_expired_order_cancel_it_once(pg_app, first):
    """The worker and a checkout that needs the expired order's stock both try to
    cancel it: it is cancelled once, and the checkout gets the packs whoever won."""
    with pg_app.app_context():
        product = make_product(name="Lipolytic Cocktail", stock=2)
        # Both put the two packs in their carts while they were free; the first one
        # checked out 45 minutes ago and never paid.
        stale_buyer, buyer_id = buyers_with_in_cart(2, product.id, 2)
        db.session.commit()
        stale = checkout(stale_buyer, now=utcnow() - timedelta(minutes=45))

    locked = threading.Event()

    def worker():
        if first == "checkout":
            locked.wait(timeout=30)
        report = expire_reservations(utcnow())
        if first == "expiry":
            locked.set()
            time.sleep(HOLD_SECONDS)
        db.session.commit()
        return report

    def buyer():
        if first == "expiry":
            locked.wait(timeout=30)
        order = place_order(db.session.get(User, buyer_id), ADDRESS, STANDARD, now=utcnow())
        if first == "checkout":
            locked.set()
            time.sleep(HOLD_SECONDS)
        db.session.commit()
        return order.id

    report, placed = run_together(pg_app, worker, buyer)

    assert isinstance(placed, int), placed  # never a lost sale
    assert not isinstance(report, Exception), report
    with pg_app.app_context():
        stale_order = db.session.get(Order, stale)
        assert report.cancelled == ([stale_order.number] if first == "expiry" else [])
        assert stale_order.status == OrderStatus.CANCELLED
        assert len(events_of(stale_order, OrderEventKind.RESERVATION_EXPIRED)) == 1  # never both
        assert len(movements_of(stale_order, MovementKind.RELEASE)) == 1
        assert db.session.get(Order, placed).status == OrderStatus.PENDING_PAYMENT
        lot = db.session.scalars(select(StockLot)).one()
        assert (lot.quantity_on_hand, lot.quantity_reserved) == (2, 2)
        assert_every_lot_balanced()


@pytest.mark.parametrize("first", ["cancellation", "payment"])
def test_a_payment_and_a_cancellation_at_once_never_both_and_the_payment_is_kept(
    pg_app, first, monkeypatch
):
    # Stripe cancels the intent (none is on a server here); a payment is reported all
    # the same, as one racing the cancellation at Stripe could be.
    monkeypatch.setattr(
        "shop.payments.settle.cancel_payment_intent", lambda intent_id: {"status": "canceled"}
    )
    with pg_app.app_context():
        product = make_product(name="Organic Silicon", stock=3)
        admin = make_admin(name="Shift Admin").id
        (buyer,) = buyers_with_in_cart(1, product.id, 2)
        db.session.commit()
        order = awaiting_payment(checkout(buyer))
        order_id = order.id
        succeeded = event("payment_intent.succeeded", intent_object(order))

    locked = threading.Event()

    def cancel():
        if first == "payment":
            locked.wait(timeout=30)
        outcome = cancel_order(
            lock_order(order_id),
            reason="The clinic called to cancel.",
            actor=db.session.get(User, admin),
        )
        if first == "cancellation":
            locked.set()
            time.sleep(HOLD_SECONDS)
        db.session.commit()
        return outcome

    def pay():
        if first == "cancellation":
            locked.wait(timeout=30)
        outcome = handle_event(succeeded)
        if first == "payment":
            locked.set()
            time.sleep(HOLD_SECONDS)
        db.session.commit()
        return outcome

    cancelled, paid = run_together(pg_app, cancel, pay)

    with pg_app.app_context():
        order = db.session.get(Order, order_id)
        lot = db.session.scalars(select(StockLot)).one()
        seen = db.session.scalars(select(StripeEvent)).one()
        assert seen.order_id == order_id and seen.outcome == paid  # the payment is recorded
        assert order.payment_state == PaymentState.SUCCEEDED
        sales = movements_of(order, MovementKind.SALE)
        releases = movements_of(order, MovementKind.RELEASE)
        if first == "cancellation":
            assert (cancelled, paid) == ("cancelled", "paid after cancellation: flagged")
            assert order.status == OrderStatus.CANCELLED
            assert order.attention == PAID_AFTER_CANCELLATION
            assert (len(sales), len(releases)) == (0, 1)
            assert (lot.quantity_on_hand, lot.quantity_reserved) == (3, 0)
        else:
            assert isinstance(cancelled, OrderError), cancelled
            assert cancelled.code == OrderError.WRONG_STATUS
            assert paid == "paid"
            assert order.status == OrderStatus.PAID and order.attention == ""
            assert (len(sales), len(releases)) == (1, 0)
            assert (lot.quantity_on_hand, lot.quantity_reserved) == (1, 0)
        assert_every_lot_balanced()


def test_two_checkouts_of_one_cart_at_once_place_one_order(pg_app):
    """A double click, or two tabs: the buyer's row is locked, so the second checkout
    finds the first's order waiting and places nothing."""
    with pg_app.app_context():
        product_id = make_product(name="Twin Tabs", stock=10).id
        (buyer_id,) = buyers_with_in_cart(1, product_id, 2)
        db.session.commit()

    def place():
        order = place_order(db.session.get(User, buyer_id), ADDRESS, STANDARD, now=utcnow())
        time.sleep(HOLD_SECONDS)  # the other checkout arrives meanwhile
        db.session.commit()
        return order.number

    first, second = run_together(pg_app, place, place)

    placed = [outcome for outcome in (first, second) if isinstance(outcome, str)]
    refused = [outcome for outcome in (first, second) if isinstance(outcome, OrderWaiting)]
    assert len(placed) == 1 and len(refused) == 1, (first, second)
    assert refused[0].number == placed[0]
    with pg_app.app_context():
        orders = db.session.scalars(select(Order).where(Order.user_id == buyer_id)).all()
        assert [order.number for order in orders] == placed
        lot = db.session.scalars(select(StockLot).where(StockLot.product_id == product_id)).one()
        assert lot.quantity_reserved == 2
        assert_every_lot_balanced()
