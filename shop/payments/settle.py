"""What Stripe says about an order's payment, applied to the order.

Three ways in, one set of transitions (``shop.orders.services``):
- ``handle_event``: a verified webhook event, processed once per event id (a
  ``StripeEvent`` row inserted in the same transaction as the effects);
- ``refresh_from_stripe``: the page the buyer returns to, and reconciliation,
  ask Stripe for the PaymentIntent itself; a redirect alone proves nothing;
- ``start_payment``: the payment page asks the gate again (where the order goes,
  under the buyer's licence now) and creates the order's one PaymentIntent;
- ``cancel_intent``: an unpaid order being cancelled has its intent cancelled at
  Stripe first (``orders.signals.payment_cancelling``), so paying it later fails.
Every transition is idempotent with the others, so an event that arrives twice,
late, or after the return page has done the work changes nothing twice.

Intents carry this shop's identifier (``config.shop_id``) in their metadata. An
event is applied only to the order that holds its intent, or, when storing the
intent's id was lost, to the order its metadata names if the metadata names this
shop and the order's number too; any other event is acknowledged and ignored.

Functions flush and never commit: the caller owns the transaction.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from shop.catalog.enums import TaxClass
from shop.catalog.models import Product
from shop.config import shop_id
from shop.database import lock_row
from shop.extensions import db
from shop.licensing.gate import (
    Destination,
    checkout_verdict,
    standing_and_licence,
    today_at,
    verdict,
)
from shop.orders.enums import OrderEventKind, OrderStatus, PaymentState
from shop.orders.errors import OrderError
from shop.orders.models import Order, OrderLine
from shop.orders.services import (
    PaymentFacts,
    lock_order,
    mark_paid,
    order_by_payment_intent,
    record,
    record_payment_failure,
    record_refund,
)
from shop.orders.signals import payment_cancelling
from shop.payments.errors import PaymentError
from shop.payments.models import StripeEvent
from shop.payments.stripe_client import (
    cancel_payment_intent,
    create_payment_intent,
    retrieve_charge,
    retrieve_payment_intent,
)
from shop.tax.errors import TaxError
from shop.tax.services import SHIPPING_TAX_CLASS, taxes_for


class MalformedEvent(PaymentError):
    """A correctly signed event without what its type needs: 400, nothing changed."""

    MALFORMED = "malformed_event"


HANDLED_EVENTS = ("payment_intent.succeeded", "payment_intent.payment_failed", "charge.refunded")


def _plain(obj: Any) -> dict:
    """A StripeObject (or a dict) as a plain dict: stripe-python 16's objects have no .get()."""
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def payment_idempotency_key(order: Order) -> str:
    return f"order-{order.id}-{order.number}-payment-intent"


def require_gate_at_payment(order: Order) -> None:
    """The gate, asked again as the buyer pays: every product for the buyer's standing
    now, and the order's own address under their current licence (a licence can be
    revoked, or renewed for another jurisdiction, after the checkout)."""
    today = today_at()
    standing, licence = standing_and_licence(order.user, today)
    products = db.session.scalars(
        select(Product)
        .where(Product.id.in_(select(OrderLine.product_id).where(OrderLine.order_id == order.id)))
        .options(selectinload(Product.profession_links))
    ).all()
    answer = checkout_verdict(
        [verdict(standing, product) for product in products],
        licence,
        Destination.of(order.country, order.region, order.address_line1, order.address_line2),
    )
    if not answer.allowed:
        raise PaymentError(str(answer.reason), answer.message, status=403)
    require_same_tax(order, today)


def require_same_tax(order: Order, today) -> None:
    """The tax service, asked again as the buyer pays: an order is charged what it was
    priced at only while that is still the tax due (a certificate can expire, a VAT
    number be refused, a new rate start at midnight)."""
    classes = {TaxClass(line.tax_class) for line in order.lines}
    decisions = taxes_for(classes, order.user, order, today)
    charged = [(line.tax_rate, decisions[TaxClass(line.tax_class)].rate) for line in order.lines]
    charged.append((order.shipping_tax_rate, decisions[SHIPPING_TAX_CLASS].rate))
    if any(Decimal(was) != Decimal(now) for was, now in charged):
        raise PaymentError(
            TaxError.TAX_CHANGED,
            f"The tax due on order {order.number} has changed since it was placed: cancel it "
            "and check out again to pay the right amount.",
            status=409,
        )


def intent_metadata(order: Order) -> dict[str, str]:
    return {
        "shop": shop_id(current_app.config),
        "order_id": str(order.id),
        "order_number": order.number,
    }


def start_payment(order: Order) -> str:
    """The client secret of the order's PaymentIntent, created on first call, once the
    gate has allowed the payment (``require_gate_at_payment``).

    The order is locked while this runs, so two tabs opening the payment page get the
    same intent; the idempotency key derived from the order makes a retry after a
    lost answer return the same intent from Stripe too.
    """
    order = lock_order(order.id)
    if order.status != OrderStatus.PENDING_PAYMENT:
        raise OrderError(
            OrderError.WRONG_STATUS,
            f"Order {order.number} is {order.status.label.lower()}: there is nothing to pay.",
            status=409,
        )
    require_gate_at_payment(order)
    if order.payment_intent_id:
        intent = _plain(retrieve_payment_intent(order.payment_intent_id))
        return intent["client_secret"]
    intent = _plain(
        create_payment_intent(
            amount_cents=order.total_cents,
            currency=order.currency,
            metadata=intent_metadata(order),
            idempotency_key=payment_idempotency_key(order),
        )
    )
    order.payment_intent_id = intent["id"]
    order.payment_state = PaymentState.AWAITING
    record(order, OrderEventKind.PAYMENT_STARTED, intent["id"], from_status=order.status)
    db.session.flush()
    return intent["client_secret"]


def _refunded_cents(intent: dict) -> int:
    """What has been refunded of a PaymentIntent, asking for its charge where needed."""
    charges = (intent.get("charges") or {}).get("data") or []
    if charges:
        return sum(int(charge.get("amount_refunded") or 0) for charge in charges)
    latest = intent.get("latest_charge")
    if isinstance(latest, dict):
        return int(latest.get("amount_refunded") or 0)
    if latest:
        return int(_plain(retrieve_charge(latest)).get("amount_refunded") or 0)
    return 0


def facts_from_intent(intent: dict, source: str, *, refunded_cents: int = 0) -> PaymentFacts:
    error = intent.get("last_payment_error") or {}
    return PaymentFacts(
        payment_intent_id=intent["id"],
        status=intent.get("status") or "",
        amount_cents=int(intent.get("amount") or 0),
        currency=intent.get("currency") or "",
        amount_refunded_cents=refunded_cents,
        failure_message=error.get("message") or "",
        source=source,
    )


def _settle_success(order: Order, facts: PaymentFacts) -> str:
    """The payment succeeded: the order is paid (unless flagged); checkout hears of it
    (orders.signals.order_paid) and empties the cart of what was bought."""
    return mark_paid(order, facts)


def apply_intent(
    order: Order, intent: dict, source: str, *, refunded_cents: int | None = None
) -> str:
    """Apply what a PaymentIntent says to its (locked) order; returns what changed."""
    if order.payment_intent_id is None:
        order.payment_intent_id = intent["id"]  # created, but its storing was lost
    elif order.payment_intent_id != intent["id"]:
        return f"ignored: {intent['id']} is not the payment of order {order.number}"
    status = intent.get("status")
    if status == "succeeded":
        outcome = _settle_success(order, facts_from_intent(intent, source))
        if refunded_cents is None:
            refunded_cents = (
                _refunded_cents(intent) if order.status != OrderStatus.PENDING_PAYMENT else 0
            )
        if refunded_cents:
            refund = record_refund(
                order, facts_from_intent(intent, source, refunded_cents=refunded_cents)
            )
            if refund != "refund already recorded":
                outcome = refund if outcome == "already paid" else f"{outcome}, then {refund}"
        return outcome
    if status == "requires_payment_method" and intent.get("last_payment_error"):
        return record_payment_failure(order, facts_from_intent(intent, source))
    return f"nothing to do: payment is {status}"


def refresh_from_stripe(order: Order, *, source: str) -> str:
    """Ask Stripe for the order's PaymentIntent and apply it (the return page, reconciliation)."""
    if not order.payment_intent_id:
        return "no payment started"
    intent = _plain(retrieve_payment_intent(order.payment_intent_id))
    return apply_intent(lock_order(order.id), intent, source)


@payment_cancelling.connect
def cancel_intent(order: Order) -> None:
    """Cancel the (locked) order's PaymentIntent at Stripe before the order is cancelled;
    when Stripe says the payment succeeded first, the order is paid instead. A Stripe
    that cannot be reached raises ``PaymentError``: nothing is cancelled then."""
    intent = cancel_payment_intent(order.payment_intent_id)
    if intent.get("status") == "succeeded":
        apply_intent(order, intent, "cancellation found it paid")


def _ours(metadata: dict) -> bool:
    return metadata.get("shop") == shop_id(current_app.config)


def _locked_order_for(intent_id: str, metadata: dict) -> Order | None:
    """The order this intent pays, locked: the one that holds it; else, when storing its
    id was lost, the order the metadata names, if it names this shop and the same number."""
    if not intent_id:
        return None
    order = order_by_payment_intent(intent_id, lock=True)
    if order is not None or not _ours(metadata):
        return order
    order_id = str(metadata.get("order_id", ""))
    order = lock_row(Order, int(order_id)) if order_id.isdigit() else None
    if order is None or order.number != metadata.get("order_number"):
        return None
    return order


def _event_parts(event: dict) -> tuple[str, str, dict]:
    """The event's id, type and object, or ``MalformedEvent`` naming what is missing."""
    event_id, kind, data = event.get("id"), event.get("type"), event.get("data")
    if not isinstance(event_id, str) or not event_id or not isinstance(kind, str):
        raise MalformedEvent(MalformedEvent.MALFORMED, "The event has no id or no type.")
    obj = data.get("object") if isinstance(data, dict) else None
    if not isinstance(obj, dict) or not isinstance(obj.get("id"), str):
        raise MalformedEvent(MalformedEvent.MALFORMED, f"Event {event_id} has no data.object.id.")
    return event_id, kind, obj


def _amount(obj: dict, name: str) -> int:
    value = obj.get(name) or 0
    if not isinstance(value, int) or value < 0:
        raise MalformedEvent(
            MalformedEvent.MALFORMED, f"The event's {name} is not a whole number of cents."
        )
    return value


def _charge_refunded(order: Order, charge: dict, intent_id: str, source: str) -> str:
    """``charge.refunded``: the charge says how much of it went back, in all so far."""
    facts = PaymentFacts(
        payment_intent_id=intent_id,
        status="succeeded",
        amount_cents=_amount(charge, "amount"),
        currency=charge.get("currency") or "",
        amount_refunded_cents=_amount(charge, "amount_refunded"),
        source=source,
    )
    outcome = ""
    if order.status == OrderStatus.PENDING_PAYMENT and charge.get("paid"):
        # The refund overtook the payment's own event: a refunded charge was paid first.
        outcome = _settle_success(order, facts)
        if order.status == OrderStatus.PENDING_PAYMENT:  # the amount did not match
            return outcome
        outcome += ", then "
    return outcome + record_refund(order, facts)


def handle_event(event: Any) -> str:
    """One verified event, processed once: returns what it did, in a few words.

    Raises ``MalformedEvent`` for a signed event that lacks what its type needs.
    """
    event = _plain(event)
    event_id, kind, obj = _event_parts(event)
    if kind not in HANDLED_EVENTS:
        return f"ignored: {kind}"
    intent_id = obj["id"] if kind.startswith("payment_intent.") else obj.get("payment_intent")
    if not isinstance(intent_id, str):
        intent_id = ""
    try:
        with db.session.begin_nested():
            # The unique event id: a second delivery, even one running at the same
            # moment, waits here for the first to commit and then fails.
            seen = StripeEvent(event_id=event_id, type=kind, object_id=obj["id"])
            db.session.add(seen)
            db.session.flush()
    except IntegrityError:
        return "duplicate: already processed"
    metadata = obj.get("metadata")
    metadata = metadata if isinstance(metadata, dict) else {}
    order = _locked_order_for(intent_id, metadata)
    if order is None:
        if metadata.get("shop") and not _ours(metadata):
            seen.outcome = f"ignored: {intent_id or obj['id']} belongs to shop {metadata['shop']}"
        else:
            seen.outcome = f"ignored: no order for {intent_id or obj['id']}"
        return seen.outcome
    source = f"webhook {event_id}"
    if order.payment_intent_id not in (None, intent_id):
        outcome = f"ignored: {intent_id} is not the payment of order {order.number}"
    elif kind == "payment_intent.succeeded":
        outcome = apply_intent(order, obj, source, refunded_cents=0)
    elif kind == "payment_intent.payment_failed":
        outcome = record_payment_failure(order, facts_from_intent(obj, source))
    else:
        outcome = _charge_refunded(order, obj, intent_id, source)
    seen.order_id, seen.outcome = order.id, outcome
    db.session.flush()
    return outcome
