"""Reconciliation: recent orders compared with their PaymentIntents in Stripe.

A webhook can be lost (the shop was down longer than Stripe retries, an endpoint
was misconfigured), and refunds made in Stripe's dashboard reach the shop only as
events. ``reconcile_payments`` asks Stripe for the PaymentIntent of every recent
order that could still change and applies the same transitions the webhook would
(``settle.refresh_from_stripe``), so what was missed is caught up and said.

Each order is its own transaction, claimed with ``SKIP LOCKED`` on PostgreSQL:
several workers may run this at once, and an order a webhook is settling right
now is left to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select

from shop.database import lock_row
from shop.extensions import db
from shop.orders.enums import OrderStatus
from shop.orders.models import Order
from shop.payments.errors import PaymentError
from shop.payments.settle import refresh_from_stripe

# Every status a Stripe fact can still move: unpaid (paid, failed), cancelled (paid after
# cancellation), paid or shipped (refunded in the dashboard). A refunded order is final
# unless it is flagged.
OPEN_STATUSES = (
    OrderStatus.PENDING_PAYMENT,
    OrderStatus.PAID,
    OrderStatus.SHIPPED,
    OrderStatus.PARTIALLY_REFUNDED,
    OrderStatus.CANCELLED,
)


@dataclass
class ReconcileReport:
    checked: int = 0
    changes: list[str] = field(default_factory=list)  # "MP-7K3Q-9XHD paid (missed webhook)"
    problems: list[str] = field(default_factory=list)  # orders Stripe could not tell about

    def __str__(self) -> str:
        return "; ".join(self.changes + self.problems)


def _state(order: Order) -> tuple:
    return (
        order.status,
        order.payment_state,
        order.refunded_cents,
        order.attention,
        order.payment_error,
    )


def orders_to_reconcile(now: datetime) -> list[int]:
    """Ids of the orders placed within ``RECONCILE_LOOKBACK_HOURS`` whose payment may move."""
    since = now - timedelta(hours=current_app.config["RECONCILE_LOOKBACK_HOURS"])
    return list(
        db.session.scalars(
            select(Order.id)
            .where(
                Order.placed_at >= since,
                Order.payment_intent_id.is_not(None),
                or_(Order.status.in_(OPEN_STATUSES), Order.attention != ""),
            )
            .order_by(Order.id)
        )
    )


def _claim(order_id: int) -> Order | None:
    """The order, locked; None when another worker or a webhook holds it now."""
    return lock_row(Order, order_id, skip_locked=True)


def reconcile_payments(now: datetime) -> ReconcileReport:
    """Ask Stripe about each recent order's payment and apply what was missed.

    Commits after each order. Stripe unreachable or failing stops the pass with a
    ``PaymentError`` (what was reconciled before stays); an intent Stripe does not
    know is reported and the pass goes on.
    """
    report = ReconcileReport()
    for order_id in orders_to_reconcile(now):
        order = _claim(order_id)
        if order is None:
            continue
        before = _state(order)
        try:
            outcome = refresh_from_stripe(order, source="reconciliation")
        except PaymentError as error:
            db.session.rollback()
            if error.code == PaymentError.INVALID_REQUEST:
                report.problems.append(f"{order.number}: Stripe refused: {error.message}")
                continue
            done = f"; {report}" if report.changes or report.problems else ""
            raise PaymentError(
                error.code,
                f"stopped after {report.checked} order(s): {error.message}{done}",
                status=error.status,
            ) from error
        report.checked += 1
        if _state(order) != before:
            report.changes.append(f"{order.number} {outcome} (missed webhook)")
        db.session.commit()
    return report
