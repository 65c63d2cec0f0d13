"""The order's life: see ``shared/design.md``."""

from __future__ import annotations

from shop.enums import LabelledEnum


class OrderStatus(LabelledEnum):
    PENDING_PAYMENT = "pending_payment", "Waiting for payment"
    PAID = "paid", "Paid"
    SHIPPED = "shipped", "Shipped"
    CANCELLED = "cancelled", "Cancelled"
    REFUNDED = "refunded", "Refunded"
    PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"


class OrderEventKind(LabelledEnum):
    PLACED = "placed", "Order placed"
    PAYMENT_STARTED = "payment_started", "Payment started"
    PAYMENT_FAILED = "payment_failed", "Payment failed"
    PAID = "paid", "Paid"
    CANCELLED = "cancelled", "Cancelled"
    RESERVATION_EXPIRED = "reservation_expired", "Reservation ran out"
    REFUNDED = "refunded", "Refunded"
    SHIPPED = "shipped", "Shipped"
    FLAGGED = "flagged", "Needs attention"
    NOTE = "note", "Note"


class PaymentState(LabelledEnum):
    """The state of the order's payment, as the shop last learned it from Stripe."""

    NOT_STARTED = "not_started", "Not started"
    AWAITING = "awaiting", "Waiting for the card"
    FAILED = "failed", "Failed"
    SUCCEEDED = "succeeded", "Paid"
    REFUNDED = "refunded", "Refunded"
    PARTIALLY_REFUNDED = "partially_refunded", "Partly refunded"
