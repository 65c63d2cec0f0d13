"""``POST /stripe/webhook`` with events signed by the SDK: what Stripe may send that the
local Stripe server never does (duplicates, late and out-of-order events, refunds,
mismatches) and what an attacker may send (tampered, stale or unsigned bodies)."""

from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from shop.extensions import db
from shop.inventory.enums import MovementKind
from shop.orders.enums import OrderEventKind, OrderStatus, PaymentState
from shop.orders.services import PAID_AFTER_CANCELLATION, cancel_order
from shop.payments.models import StripeEvent
from tests.ordering import (
    assert_ledger_balanced,
    cart_packs,
    events_of,
    mails_to,
    movements_of,
    place_test_order,
)
from tests.payments.signed_events import charge_object, event, intent_object, post_event, sign


@pytest.fixture
def order(app):
    """An order waiting for its payment, as the payment page leaves it."""
    order = place_test_order(packs=(2, 1))
    order.payment_intent_id = f"pi_test_{order.id}"
    order.payment_state = PaymentState.AWAITING
    db.session.flush()
    return order


@pytest.fixture
def deliver(client, app):
    def post(body, **options):
        return post_event(client, app, body, **options)

    return post


def stripe_events() -> int:
    return db.session.scalar(select(func.count()).select_from(StripeEvent))


def test_a_succeeded_event_pays_the_order_sells_its_stock_and_empties_the_cart(order, deliver):
    assert cart_packs(order) == 3
    answer = deliver(event("payment_intent.succeeded", intent_object(order)))
    assert answer.status_code == 200
    assert answer.get_json() == {"received": True, "outcome": "paid"}
    assert order.status == OrderStatus.PAID
    assert order.payment_state == PaymentState.SUCCEEDED
    assert sorted(m.quantity for m in movements_of(order, MovementKind.SALE)) == [-2, -1]
    assert cart_packs(order) == 0
    assert mails_to(order) == [f"Order {order.number} is paid"]
    assert_ledger_balanced(order)


def test_the_same_event_twice_pays_once(order, deliver):
    succeeded = event("payment_intent.succeeded", intent_object(order))
    first, second = deliver(succeeded), deliver(succeeded)
    assert first.get_json()["outcome"] == "paid"
    assert second.status_code == 200
    assert second.get_json()["outcome"] == "duplicate: already processed"
    assert len(events_of(order, OrderEventKind.PAID)) == 1
    assert len(movements_of(order, MovementKind.SALE)) == 2  # one sale per line, not four
    assert len(mails_to(order)) == 1
    assert_ledger_balanced(order)


def test_a_second_event_for_a_paid_order_changes_nothing(order, deliver):
    deliver(event("payment_intent.succeeded", intent_object(order)))
    again = deliver(event("payment_intent.succeeded", intent_object(order)))  # a new event id
    assert again.get_json()["outcome"] == "already paid"
    assert len(movements_of(order, MovementKind.SALE)) == 2
    assert stripe_events() == 2


@pytest.fixture
def stripe_cancels(monkeypatch):
    """Stripe cancels any intent asked (none of these tests' intents is on a server)."""
    monkeypatch.setattr(
        "shop.payments.settle.cancel_payment_intent", lambda intent_id: {"status": "canceled"}
    )


def test_succeeded_after_cancellation_is_flagged_and_never_paid(order, deliver, stripe_cancels):
    # Stripe cancelled the intent, yet a payment on it is reported: still never lost.
    cancel_order(order, reason="The reservation ran out.", expired=True)
    answer = deliver(event("payment_intent.succeeded", intent_object(order)))
    assert answer.get_json()["outcome"] == "paid after cancellation: flagged"
    assert order.status == OrderStatus.CANCELLED
    assert (
        order.attention == PAID_AFTER_CANCELLATION == "Paid after cancellation: refund or restore."
    )
    assert order.payment_state == PaymentState.SUCCEEDED
    assert movements_of(order, MovementKind.SALE) == []  # its stock was released, not sold
    [flag] = events_of(order, OrderEventKind.FLAGGED)
    assert flag.message.endswith("payment succeeded after cancellation")
    assert_ledger_balanced(order)
    # Stripe sends it again: still one flag.
    again = deliver(event("payment_intent.succeeded", intent_object(order)))
    assert again.get_json()["outcome"] == "paid after cancellation, already flagged"
    assert len(events_of(order, OrderEventKind.FLAGGED)) == 1


def test_a_full_refund_of_a_payment_after_cancellation_clears_the_flag(
    order, deliver, stripe_cancels
):
    cancel_order(order, reason="Cancelled by the buyer.")
    deliver(event("payment_intent.succeeded", intent_object(order)))
    answer = deliver(event("charge.refunded", charge_object(order, order.total_cents)))
    assert answer.get_json()["outcome"] == "fully refunded"
    assert (order.status, order.attention) == (OrderStatus.CANCELLED, "")
    assert order.payment_state == PaymentState.REFUNDED


@pytest.mark.parametrize(
    ("amount", "currency"), [(1, None), (None, "usd")], ids=["amount", "currency"]
)
def test_a_payment_that_does_not_match_the_order_is_flagged_and_never_paid(
    order, deliver, amount, currency
):
    answer = deliver(
        event("payment_intent.succeeded", intent_object(order, amount=amount, currency=currency))
    )
    assert answer.status_code == 200
    assert answer.get_json()["outcome"] == "amount mismatch: flagged, not paid"
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert order.attention.startswith("Amount mismatch: Stripe took ")
    assert order.attention.endswith("Not marked paid.")
    assert movements_of(order, MovementKind.SALE) == []
    assert cart_packs(order) == 3
    assert mails_to(order) == []
    assert_ledger_balanced(order)


def test_payment_failed_is_recorded_with_stripes_reason_and_the_order_stays_payable(order, deliver):
    failed = intent_object(order, "requires_payment_method", error="Your card was declined.")
    answer = deliver(event("payment_intent.payment_failed", failed))
    assert answer.get_json()["outcome"] == "failure recorded"
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert (order.payment_state, order.payment_error) == (
        PaymentState.FAILED,
        "Your card was declined.",
    )
    [recorded] = events_of(order, OrderEventKind.PAYMENT_FAILED)
    assert recorded.message == "Your card was declined."
    # The second card works.
    assert (
        deliver(event("payment_intent.succeeded", intent_object(order))).get_json()["outcome"]
        == "paid"
    )
    assert (order.status, order.payment_error) == (OrderStatus.PAID, "")


def test_a_late_payment_failed_does_not_undo_a_payment(order, deliver):
    deliver(event("payment_intent.succeeded", intent_object(order)))
    failed = intent_object(order, "requires_payment_method", error="Your card was declined.")
    answer = deliver(event("payment_intent.payment_failed", failed))
    assert answer.get_json()["outcome"] == "ignored: order is paid"
    assert (order.status, order.payment_state) == (OrderStatus.PAID, PaymentState.SUCCEEDED)


def test_charge_refunded_partly_then_fully_counts_what_stripe_says_in_all(order, deliver):
    deliver(event("payment_intent.succeeded", intent_object(order)))
    part = deliver(event("charge.refunded", charge_object(order, 5_000)))
    assert part.get_json()["outcome"] == "partly refunded"
    assert (order.status, order.refunded_cents) == (OrderStatus.PARTIALLY_REFUNDED, 5_000)
    assert order.payment_state == PaymentState.PARTIALLY_REFUNDED
    # amount_refunded is cumulative: the same figure again is no new refund.
    same = deliver(event("charge.refunded", charge_object(order, 5_000)))
    assert same.get_json()["outcome"] == "refund already recorded"
    full = deliver(event("charge.refunded", charge_object(order, order.total_cents)))
    assert full.get_json()["outcome"] == "fully refunded"
    assert (order.status, order.refunded_cents) == (OrderStatus.REFUNDED, order.total_cents)
    refunds = events_of(order, OrderEventKind.REFUNDED)
    assert sorted(e.amount_cents for e in refunds) == sorted([5_000, order.total_cents - 5_000])


def test_a_full_refund_in_one_event(order, deliver):
    deliver(event("payment_intent.succeeded", intent_object(order)))
    answer = deliver(event("charge.refunded", charge_object(order, order.total_cents)))
    assert answer.get_json()["outcome"] == "fully refunded"
    assert order.status == OrderStatus.REFUNDED
    assert order.payment_state == PaymentState.REFUNDED


def test_a_refund_that_overtakes_the_payment_event_settles_the_payment_first(order, deliver):
    answer = deliver(event("charge.refunded", charge_object(order, 3_000)))
    assert answer.get_json()["outcome"] == "paid, then partly refunded"
    assert (order.status, order.refunded_cents) == (OrderStatus.PARTIALLY_REFUNDED, 3_000)
    assert len(movements_of(order, MovementKind.SALE)) == 2
    late = deliver(event("payment_intent.succeeded", intent_object(order)))
    assert late.get_json()["outcome"] == "already paid"
    assert order.status == OrderStatus.PARTIALLY_REFUNDED
    assert_ledger_balanced(order)


def test_any_other_event_is_acknowledged_and_ignored(order, deliver):
    answer = deliver(event("customer.created", {"id": "cus_test_1", "object": "customer"}))
    assert answer.status_code == 200
    assert answer.get_json() == {"received": True, "outcome": "ignored: customer.created"}
    assert stripe_events() == 0
    assert order.status == OrderStatus.PENDING_PAYMENT


def test_an_event_for_an_unknown_intent_is_acknowledged_and_kept(order, deliver):
    stranger = intent_object(order, intent_id="pi_test_nobody")
    stranger["metadata"] = {}
    answer = deliver(event("payment_intent.succeeded", stranger))
    assert answer.status_code == 200
    assert answer.get_json()["outcome"] == "ignored: no order for pi_test_nobody"
    assert db.session.scalar(select(StripeEvent.outcome)) == answer.get_json()["outcome"]
    assert order.status == OrderStatus.PENDING_PAYMENT


def test_an_event_about_another_intent_of_the_same_order_changes_nothing(order, deliver):
    other = intent_object(order, intent_id="pi_test_other")  # metadata names the order
    answer = deliver(event("payment_intent.succeeded", other))
    assert answer.get_json()["outcome"] == (
        f"ignored: pi_test_other is not the payment of order {order.number}"
    )
    assert order.status == OrderStatus.PENDING_PAYMENT


def assert_refused_and_unchanged(answer, order) -> None:
    assert answer.status_code == 400
    assert answer.mimetype == "application/json"
    assert answer.get_json()["error"]["code"] == "invalid_signature"
    assert answer.get_json()["error"]["message"] == "The event's signature is not valid."
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert stripe_events() == 0
    assert movements_of(order, MovementKind.SALE) == []


def test_a_tampered_body_is_refused_and_changes_nothing(app, order, deliver):
    honest = json.dumps(event("payment_intent.succeeded", intent_object(order, amount=1))).encode()
    signature = sign(honest, app.config["STRIPE_WEBHOOK_SECRET"])
    tampered = honest.replace(b'"amount": 1,', f'"amount": {order.total_cents},'.encode())
    assert tampered != honest
    assert_refused_and_unchanged(deliver(tampered, signature=signature), order)


def test_a_stale_timestamp_is_refused_and_changes_nothing(order, deliver):
    succeeded = event("payment_intent.succeeded", intent_object(order))
    an_hour_ago = int(time.time()) - 3600  # Stripe's tolerance is five minutes
    assert_refused_and_unchanged(deliver(succeeded, timestamp=an_hour_ago), order)


def test_another_secret_or_no_signature_is_refused(order, deliver):
    succeeded = json.dumps(event("payment_intent.succeeded", intent_object(order))).encode()
    foreign = sign(succeeded, "whsec_someone_else")
    assert_refused_and_unchanged(deliver(succeeded, signature=foreign), order)
    assert_refused_and_unchanged(deliver(succeeded, signature="t=1,v1=00"), order)


def test_an_unsigned_post_is_refused_in_json(client, order):
    answer = client.post("/stripe/webhook", data=b"{}", content_type="application/json")
    assert_refused_and_unchanged(answer, order)


def test_a_signed_event_without_its_object_is_a_clear_400(order, deliver):
    broken = event("payment_intent.succeeded", intent_object(order))
    del broken["data"]["object"]["id"]
    answer = deliver(broken)
    assert answer.status_code == 400
    assert answer.get_json()["error"] == {
        "code": "malformed_event",
        "message": f"Event {broken['id']} has no data.object.id.",
    }
    assert stripe_events() == 0


def test_other_methods_and_paths_under_stripe_answer_json(client):
    get = client.get("/stripe/webhook")
    assert (get.status_code, get.mimetype) == (405, "application/json")
    assert get.get_json()["error"]["code"] == "method_not_allowed"
    assert "POST" in get.headers["Allow"]
    missing = client.post("/stripe/nowhere")
    assert (missing.status_code, missing.get_json()["error"]["code"]) == (404, "not_found")


def test_a_database_fault_answers_503_in_json_so_stripe_retries(order, deliver, monkeypatch):
    import shop.payments.settle as settle

    def database_gone(_event):
        raise OperationalError("INSERT INTO stripe_events", {}, Exception("server closed"))

    monkeypatch.setattr(settle, "handle_event", database_gone)
    answer = deliver(event("payment_intent.succeeded", intent_object(order)))
    assert answer.status_code == 503
    assert answer.mimetype == "application/json"
    assert answer.get_json()["error"]["code"] == "unavailable"
    assert answer.headers["Retry-After"]


# Only this shop's intents ---------------------------------------------------------


@pytest.fixture
def unstarted(app):
    """An order whose PaymentIntent id was never stored (the page died after Stripe answered)."""
    return place_test_order(packs=(1,))


def test_an_event_whose_intent_belongs_to_another_shop_changes_nothing(unstarted, deliver):
    foreign = intent_object(unstarted, intent_id="pi_staging_1")
    foreign["metadata"]["shop"] = "staging.mesopro.example"  # same order id and number
    answer = deliver(event("payment_intent.succeeded", foreign))
    assert answer.status_code == 200  # acknowledged, so Stripe stops sending it
    assert answer.get_json()["outcome"] == (
        "ignored: pi_staging_1 belongs to shop staging.mesopro.example"
    )
    assert unstarted.status == OrderStatus.PENDING_PAYMENT
    assert unstarted.payment_intent_id is None
    assert movements_of(unstarted, MovementKind.SALE) == []


def test_an_event_without_this_shops_name_is_never_adopted(unstarted, deliver):
    anonymous = intent_object(unstarted, intent_id="pi_unknown_1")
    anonymous["metadata"] = {"order_id": str(unstarted.id)}  # as intents were made before
    answer = deliver(event("payment_intent.succeeded", anonymous))
    assert answer.get_json()["outcome"] == "ignored: no order for pi_unknown_1"
    assert (unstarted.status, unstarted.payment_intent_id) == (OrderStatus.PENDING_PAYMENT, None)


def test_this_shops_intent_whose_storing_was_lost_is_adopted(unstarted, deliver):
    ours = intent_object(unstarted, intent_id="pi_lost_1")
    answer = deliver(event("payment_intent.succeeded", ours))
    assert answer.get_json()["outcome"] == "paid"
    assert (unstarted.status, unstarted.payment_intent_id) == (OrderStatus.PAID, "pi_lost_1")


# A later genuine payment resolves the amount flag --------------------------------


def test_a_later_payment_of_the_right_amount_resolves_the_amount_flag(order, deliver):
    deliver(event("payment_intent.succeeded", intent_object(order, amount=1)))
    assert order.attention.startswith("Amount mismatch")
    answer = deliver(event("payment_intent.succeeded", intent_object(order)))
    assert answer.get_json()["outcome"] == "paid"
    assert (order.status, order.attention) == (OrderStatus.PAID, "")
    [note] = events_of(order, OrderEventKind.NOTE)
    assert note.message.startswith("Resolved: webhook evt_")
    assert (
        "paid the order's" in note.message and "(was: Amount mismatch: Stripe took" in note.message
    )
    assert_ledger_balanced(order)
