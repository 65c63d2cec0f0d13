"""Refunds and cancellations that give money back, asked of Stripe by an administrator.

The order follows Stripe's answer to the refund request; the ``charge.refunded``
event that may come later finds the refund already recorded (refunds are
recorded as the cumulative amount Stripe has refunded, so applying the same
facts twice changes nothing). The order stays locked while Stripe answers, so
two administrators cannot refund the same money twice.
"""

from __future__ import annotations

from datetime import datetime

from shop.accounts.models import User
from shop.database import utcnow
from shop.inventory.reservations import return_sold
from shop.orders.enums import OrderEventKind, OrderStatus
from shop.orders.errors import OrderError
from shop.orders.fulfilment import can_cancel, refused
from shop.orders.models import Order
from shop.orders.services import (
    PAID_AFTER_CANCELLATION,
    REFUNDABLE,
    PaymentFacts,
    cancel_order,
    lock_order,
    mail_buyer,
    note_change,
    record_refund,
)
from shop.payments.stripe_client import refund_payment_intent
from shop.templating import format_money


def refundable_cents(order: Order) -> int:
    """What can still be given back: nothing unless the payment arrived."""
    paid = order.paid_at is not None or order.attention == PAID_AFTER_CANCELLATION
    if not paid or not order.payment_intent_id:
        return 0
    return order.total_cents - order.refunded_cents


def _refund(order: Order, amount_cents: int, *, reason: str, actor: User) -> str:
    refund = refund_payment_intent(
        order.payment_intent_id,
        # Same order, same amount already refunded, same request: Stripe answers the
        # first refund again instead of making a second one.
        idempotency_key=f"order-{order.id}-refund-{order.refunded_cents}-{amount_cents}",
        amount_cents=amount_cents,
    )
    status = refund["status"]
    if status in ("failed", "canceled"):
        raise OrderError(
            "refund_failed",
            f"Stripe refused the refund ({status}); nothing was refunded.",
            status=502,
        )
    facts = PaymentFacts(
        payment_intent_id=order.payment_intent_id,
        status="succeeded",
        amount_cents=order.total_cents,
        currency=order.currency.lower(),
        amount_refunded_cents=order.refunded_cents + int(refund["amount"]),
        source=f"refund {refund['id']}: {reason}",  # the event names its actor; the buyer reads this
    )
    return record_refund(order, facts, actor=actor)


def refund_order(order_id: int, *, amount_cents: int | None, reason: str, actor: User) -> Order:
    """Give back ``amount_cents`` (None: everything left) of a paid order, through Stripe."""
    order = lock_order(order_id)
    left = refundable_cents(order)
    if order.status not in REFUNDABLE and not (order.status == OrderStatus.CANCELLED and left):
        raise refused(order, "refunded")
    if left <= 0:
        raise OrderError(
            OrderError.WRONG_STATUS, f"Order {order.number} has nothing left to refund.", status=409
        )
    amount = left if amount_cents is None else amount_cents
    if not 0 < amount <= left:
        raise OrderError(
            "invalid_amount",
            f"A refund of order {order.number} is from {format_money(1, order.currency)} "
            f"to {format_money(left, order.currency)}.",
        )
    _refund(order, amount, reason=reason, actor=actor)
    return order


def cancel_by_administrator(
    order_id: int, *, reason: str, actor: User, now: datetime | None = None
) -> Order:
    """Cancel an order that has not shipped. An unpaid one releases its held stock; a
    paid one is refunded in full through Stripe and its packs go back on the shelves."""
    order = lock_order(order_id)
    now = now or utcnow()
    if order.status == OrderStatus.PENDING_PAYMENT:
        # Stripe may answer that the payment came first: the order is paid, not cancelled.
        if cancel_order(order, reason=reason, actor=actor, now=now) == "cancelled":
            mail_buyer(order, f"Order {order.number} is cancelled", "order_cancelled")
        return order
    if not can_cancel(order):
        raise refused(order, "cancelled")
    left = refundable_cents(order)
    if left:
        _refund(order, left, reason=f"cancellation: {reason}", actor=actor)
    previous = order.status
    return_sold(order.id, actor_id=actor.id, note=f"order {order.number} cancelled", now=now)
    order.status = OrderStatus.CANCELLED
    order.cancelled_at = now
    note_change(
        order,
        OrderEventKind.CANCELLED,
        reason,
        previous=previous,
        actor=actor,
        action="order.cancel",
    )
    mail_buyer(order, f"Order {order.number} is cancelled", "order_cancelled")
    return order
