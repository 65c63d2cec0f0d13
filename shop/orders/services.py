"""The order's transitions: each one locks the order, checks where it stands, moves
the stock in the ledger, writes its ``OrderEvent`` (and an audit event where money
moves), and is a no-op when the order is already where the transition would take
it, so Stripe events that arrive twice, late or out of order change nothing twice.

Services flush and never commit: the caller owns the transaction.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from shop.accounts.models import User
from shop.audit.services import record_event
from shop.database import lock_row, utcnow
from shop.extensions import db
from shop.inventory.reservations import release_reserved, sell_reserved
from shop.mail.services import Attachment, external_url, queue_mail
from shop.orders.enums import OrderEventKind, OrderStatus, PaymentState
from shop.orders.errors import OrderError
from shop.orders.models import Order, OrderEvent, OrderLine
from shop.orders.signals import order_paid, order_refunded, payment_cancelling
from shop.templating import format_money

# Crockford's base 32 without the letters people misread (I, L, O, U).
_NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

PAID_AFTER_CANCELLATION = "Paid after cancellation: refund or restore."
AMOUNT_MISMATCH = "Amount mismatch"  # how the flag of a payment of the wrong amount begins
REFUNDABLE = (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.PARTIALLY_REFUNDED)


def new_order_number() -> str:
    """``MP-7K3Q-9XHD``: easy to read out on the phone, never guessable in sequence."""
    chars = "".join(secrets.choice(_NUMBER_ALPHABET) for _ in range(8))
    return f"MP-{chars[:4]}-{chars[4:]}"


def record(
    order: Order,
    kind: OrderEventKind,
    message: str = "",
    *,
    from_status: OrderStatus | str = "",
    actor: User | None = None,
    amount_cents: int | None = None,
) -> OrderEvent:
    event = OrderEvent(
        order=order,
        kind=kind,
        from_status=str(from_status),
        to_status=str(order.status),
        message=message,
        actor_id=actor.id if actor is not None else None,
        amount_cents=amount_cents,
    )
    db.session.add(event)
    return event


def lock_order(order_id: int) -> Order:
    """The order, locked for this transaction, with the figures of the locked row."""
    order = lock_row(Order, order_id)
    if order is None:
        raise OrderError(OrderError.NOT_FOUND, "There is no such order.", status=404)
    return order


def order_by_payment_intent(payment_intent_id: str, *, lock: bool = False) -> Order | None:
    """The order that holds the PaymentIntent; ``lock``: locked, as ``lock_order`` does."""
    query = select(Order).where(Order.payment_intent_id == payment_intent_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(query)


def find_order_for_viewer(number: str, viewer: User) -> Order | None:
    """The order numbered so, if ``viewer`` bought it or is an administrator."""
    order = db.session.scalar(
        select(Order)
        .where(Order.number == number)
        .options(selectinload(Order.lines), selectinload(Order.events))
    )
    if order is None or not (order.user_id == viewer.id or viewer.is_admin):
        return None
    return order


def find_buyers_order(number: str, buyer: User) -> Order | None:
    """The order numbered so, if ``buyer`` bought it: administrators see orders but do
    not pay, cancel or re-order them."""
    order = find_order_for_viewer(number, buyer)
    return order if order is not None and order.user_id == buyer.id else None


def orders_of(user: User) -> list[Order]:
    return list(
        db.session.scalars(
            select(Order)
            .where(Order.user_id == user.id)
            .options(selectinload(Order.lines))
            .order_by(Order.placed_at.desc(), Order.id.desc())
        )
    )


def _flag(order: Order, attention: str, message: str) -> None:
    order.attention = attention
    record(order, OrderEventKind.FLAGGED, message, from_status=order.status)
    record_event(
        actor=None,
        action="order.flag",
        subject_type="order",
        subject_id=order.id,
        from_state=order.status,
        to_state=order.status,
        reason=attention,
    )


def _resolve_mismatch(order: Order, facts: PaymentFacts) -> None:
    """A payment of the right amount settles an order flagged for a wrong one: the flag
    is resolved, and the order's timeline says by what."""
    flag = order.attention
    order.attention = ""
    paid = format_money(facts.amount_cents, order.currency)
    record(
        order,
        OrderEventKind.NOTE,
        f"Resolved: {facts.source} paid the order's {paid} (was: {flag})",
        from_status=order.status,
    )
    record_event(
        actor=None,
        action="order.resolve_flag",
        subject_type="order",
        subject_id=order.id,
        from_state=order.status,
        to_state=order.status,
        reason=f"paid {paid} in full ({facts.source}); was: {flag}",
    )


@dataclass
class PaymentFacts:
    """What Stripe says of the order's PaymentIntent (from an event or a retrieval)."""

    payment_intent_id: str
    status: str  # Stripe's: succeeded, requires_payment_method, processing, ...
    amount_cents: int
    currency: str  # lower case, as Stripe writes it
    amount_refunded_cents: int = 0
    failure_message: str = ""
    source: str = ""  # "webhook evt_...", "return page", "reconciliation"
    extra: dict = field(default_factory=dict)


def mark_paid(order: Order, facts: PaymentFacts, *, now: datetime | None = None) -> str:
    """Stripe says the order's payment succeeded. Returns what it did, in a few words."""
    now = now or utcnow()
    if order.status in (
        OrderStatus.PAID,
        OrderStatus.SHIPPED,
        OrderStatus.REFUNDED,
        OrderStatus.PARTIALLY_REFUNDED,
    ):
        return "already paid"
    if facts.amount_cents != order.total_cents or facts.currency.upper() != order.currency:
        paid = format_money(facts.amount_cents, facts.currency.upper())
        due = format_money(order.total_cents, order.currency)
        if order.attention.startswith(AMOUNT_MISMATCH):
            return "amount mismatch, already flagged"
        _flag(
            order,
            f"{AMOUNT_MISMATCH}: Stripe took {paid} for an order of {due}. Not marked paid.",
            f"{facts.source}: payment of {paid} does not match the order's {due}",
        )
        return "amount mismatch: flagged, not paid"
    if order.status == OrderStatus.CANCELLED:
        if order.attention == PAID_AFTER_CANCELLATION:
            return "paid after cancellation, already flagged"
        order.payment_state = PaymentState.SUCCEEDED
        _flag(
            order, PAID_AFTER_CANCELLATION, f"{facts.source}: payment succeeded after cancellation"
        )
        return "paid after cancellation: flagged"
    previous = order.status
    if order.attention.startswith(AMOUNT_MISMATCH):
        _resolve_mismatch(order, facts)
    sell_reserved(order.id, note=f"order {order.number}", now=now)
    order.status = OrderStatus.PAID
    order.payment_state = PaymentState.SUCCEEDED
    order.payment_error = ""
    order.paid_at = now
    order.reserved_until = None
    record(
        order,
        OrderEventKind.PAID,
        facts.source,
        from_status=previous,
        amount_cents=facts.amount_cents,
    )
    record_event(
        actor=None,
        action="order.paid",
        subject_type="order",
        subject_id=order.id,
        from_state=previous,
        to_state=order.status,
        reason=f"{format_money(facts.amount_cents, order.currency)} ({facts.source})",
    )
    db.session.flush()
    # The invoice is issued here, in the same transaction, and goes with the mail.
    attachments = [
        attachment for _receiver, answer in order_paid.send(order) for attachment in answer or ()
    ]
    mail_buyer(order, f"Order {order.number} is paid", "order_paid", attachments=attachments)
    return "paid"


def record_payment_failure(order: Order, facts: PaymentFacts) -> str:
    """A card attempt failed: the order stays payable, with the reason shown to the buyer."""
    if order.status != OrderStatus.PENDING_PAYMENT:
        return f"ignored: order is {order.status}"
    reason = facts.failure_message or "The payment was not completed."
    if order.payment_state == PaymentState.FAILED and order.payment_error == reason:
        return "failure already recorded"
    order.payment_state = PaymentState.FAILED
    order.payment_error = reason
    record(order, OrderEventKind.PAYMENT_FAILED, reason, from_status=order.status)
    db.session.flush()
    return "failure recorded"


def cancel_order(
    order: Order,
    *,
    reason: str,
    actor: User | None = None,
    expired: bool = False,
    now: datetime | None = None,
) -> str:
    """Give up an unpaid (locked) order: its PaymentIntent is cancelled at Stripe and
    its held stock released. Returns "cancelled", or "paid" when Stripe answered that
    the payment had already succeeded: the order then follows the payment instead."""
    if order.status == OrderStatus.CANCELLED:
        return "already cancelled"
    if order.status != OrderStatus.PENDING_PAYMENT:
        raise OrderError(
            OrderError.WRONG_STATUS,
            f"Order {order.number} is {order.status.label.lower()}: only an unpaid order can be cancelled this way.",
            status=409,
        )
    if order.payment_intent_id:
        payment_cancelling.send(order)
        if order.status != OrderStatus.PENDING_PAYMENT:
            return str(order.status)
    now = now or utcnow()
    previous = order.status
    release_reserved(order.id, actor_id=actor.id if actor else None, note=reason, now=now)
    order.status = OrderStatus.CANCELLED
    order.cancelled_at = now
    order.reserved_until = None
    kind = OrderEventKind.RESERVATION_EXPIRED if expired else OrderEventKind.CANCELLED
    record(order, kind, reason, from_status=previous, actor=actor)
    record_event(
        actor=actor,
        action="order.cancel",
        subject_type="order",
        subject_id=order.id,
        from_state=previous,
        to_state=order.status,
        reason=reason,
    )
    db.session.flush()
    return "cancelled"


def record_refund(order: Order, facts: PaymentFacts, *, actor: User | None = None) -> str:
    """Stripe says ``amount_refunded_cents`` of the payment went back, in all so far.

    ``actor``: the administrator who asked for it, when the shop did."""
    refunded = min(facts.amount_refunded_cents, order.total_cents)
    if refunded <= order.refunded_cents:
        return "refund already recorded"
    previous = order.status
    added = refunded - order.refunded_cents
    order.refunded_cents = refunded
    full = refunded >= order.total_cents
    order.payment_state = PaymentState.REFUNDED if full else PaymentState.PARTIALLY_REFUNDED
    if order.status in REFUNDABLE or order.status == OrderStatus.REFUNDED:
        order.status = OrderStatus.REFUNDED if full else OrderStatus.PARTIALLY_REFUNDED
    if order.attention == PAID_AFTER_CANCELLATION and full:
        order.attention = ""
    record(
        order,
        OrderEventKind.REFUNDED,
        f"{format_money(added, order.currency)} refunded ({facts.source})",
        from_status=previous,
        amount_cents=added,
        actor=actor,
    )
    record_event(
        actor=actor,
        action="order.refund",
        subject_type="order",
        subject_id=order.id,
        from_state=previous,
        to_state=order.status,
        reason=f"{format_money(added, order.currency)}; {format_money(refunded, order.currency)} in all ({facts.source})",
    )
    db.session.flush()
    order_refunded.send(order, amount_cents=added, source=facts.source)
    return "fully refunded" if full else "partly refunded"


def mail_buyer(
    order: Order, subject: str, template: str, *, attachments: Sequence[Attachment] = ()
) -> None:
    queue_mail(
        order.user.email,
        subject,
        template,
        attachments=attachments,
        order=order,
        shop_name=current_app.config["SHOP_NAME"],
        order_url=external_url("orders.detail", number=order.number),
        format_money=format_money,
    )


@dataclass(frozen=True)
class ExpiryReport:
    cancelled: list[str]

    def __str__(self) -> str:
        if not self.cancelled:
            return "nothing to expire"
        return (
            f"cancelled {len(self.cancelled)} unpaid order(s) and "
            f"released their stock ({', '.join(self.cancelled)})"
        )


def expire_reservations(
    now: datetime | None = None, *, product_ids: list[int] | Select | None = None
) -> ExpiryReport:
    """Cancel unpaid orders whose reservation ran out and release their stock.

    With ``product_ids`` (a list, or a statement that selects them), only orders
    holding one of those products: checkout does
    this lazily for the lines it needs, and waits for such an order that another
    transaction holds (the worker expiring it, a payment arriving), since whether its
    packs come free decides the checkout. The worker skips orders held elsewhere
    (``SKIP LOCKED`` on PostgreSQL): whoever holds them decides.
    """
    now = now or utcnow()
    query = (
        select(Order.id)
        .where(Order.status == OrderStatus.PENDING_PAYMENT, Order.reserved_until < now)
        .order_by(Order.id)
    )
    if product_ids is not None:
        query = query.where(
            Order.id.in_(select(OrderLine.order_id).where(OrderLine.product_id.in_(product_ids)))
        )
    cancelled = []
    # All the orders are locked at once, in primary-key order, before any lot.
    locked = query.with_for_update(skip_locked=product_ids is None)
    for order_id in db.session.scalars(locked).all():
        order = lock_order(order_id)
        if order.status != OrderStatus.PENDING_PAYMENT or order.reserved_until is None:
            continue
        outcome = cancel_order(
            order,
            reason="The reservation ran out before the payment arrived.",
            expired=True,
            now=now,
        )
        if outcome == "cancelled":
            cancelled.append(order.number)
    return ExpiryReport(cancelled)


def note_change(
    order: Order,
    kind: OrderEventKind,
    message: str,
    *,
    previous: OrderStatus,
    actor: User | None,
    action: str,
    reason: str | None = None,
) -> None:
    """An administrator's change to an order: in its history and in the audit trail."""
    record(order, kind, message, from_status=previous, actor=actor)
    record_event(
        actor=actor,
        action=action,
        subject_type="order",
        subject_id=order.id,
        from_state=previous,
        to_state=order.status,
        reason=message if reason is None else reason,
    )
