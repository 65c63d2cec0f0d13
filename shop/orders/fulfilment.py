"""What administrators do with paid orders besides money: ship them, resolve flags.

Each action locks the order and checks its state first, so when two administrators
act at once the second is refused with a message instead of acting twice.
Services flush and never commit.
"""

from __future__ import annotations

from datetime import datetime

from shop.accounts.models import User
from shop.database import utcnow
from shop.orders.enums import OrderEventKind, OrderStatus
from shop.orders.errors import OrderError
from shop.orders.models import Order
from shop.orders.services import lock_order, mail_buyer, note_change

SHIPPABLE = (OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED)
CANCELLABLE = (OrderStatus.PENDING_PAYMENT, OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED)


# A part refund after shipping makes the status "partially refunded", so the status
# alone no longer says whether the parcel left: shipped_at does.
def can_ship(order: Order) -> bool:
    return order.status in SHIPPABLE and order.shipped_at is None


def can_cancel(order: Order) -> bool:
    return order.status in CANCELLABLE and order.shipped_at is None


def refused(order: Order, action: str) -> OrderError:
    if order.shipped_at is not None and order.status == OrderStatus.PARTIALLY_REFUNDED:
        state = "was shipped, then refunded in part"
    else:
        state = f"is {order.status.label.lower()}"
    return OrderError(
        OrderError.WRONG_STATUS,
        f"Order {order.number} {state}: it cannot be {action} now.",
        status=409,
    )


def ship_order(
    order_id: int, *, carrier: str, tracking_number: str, actor: User, now: datetime | None = None
) -> Order:
    """Paid -> shipped, with the carrier and the tracking number, mailed to the buyer."""
    order = lock_order(order_id)
    if not can_ship(order):
        raise refused(order, "shipped")
    previous = order.status
    order.status = OrderStatus.SHIPPED
    order.shipped_at = now or utcnow()
    order.carrier = carrier.strip()
    order.tracking_number = tracking_number.strip()
    note_change(
        order,
        OrderEventKind.SHIPPED,
        f"{order.carrier}, tracking {order.tracking_number}",
        previous=previous,
        actor=actor,
        action="order.ship",
    )
    mail_buyer(order, f"Order {order.number} is on its way", "order_shipped")
    return order


def resolve_flag(order_id: int, *, note: str, actor: User) -> Order:
    """An administrator dealt with what the order was flagged for, and says how."""
    order = lock_order(order_id)
    if not order.attention:
        raise OrderError(
            OrderError.WRONG_STATUS,
            f"Order {order.number} is not flagged (any more): nothing to resolve.",
            status=409,
        )
    flag = order.attention
    order.attention = ""
    note_change(
        order,
        OrderEventKind.NOTE,
        f"Resolved: {note} (was: {flag})",
        previous=order.status,
        actor=actor,
        action="order.resolve_flag",
    )
    return order
