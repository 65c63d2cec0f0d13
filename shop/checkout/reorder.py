"""Order again: an earlier order's items back in the cart, each asked of the gate and
the stock as any add to the cart is."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from shop.accounts.models import User
from shop.checkout.errors import CartError
from shop.checkout.services import add_to_cart
from shop.extensions import db
from shop.orders.models import Order


@dataclass(frozen=True)
class Refused:
    name: str
    reason: str


@dataclass
class ReorderReport:
    added: list[str] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)


def reorder(user: User, order: Order, *, today: date) -> ReorderReport:
    """Add each line of ``order`` to ``user``'s cart; a line refused leaves the others in.

    Each line goes in its own savepoint, so a refusal undoes only that line.
    """
    report = ReorderReport()
    for line in order.lines:
        try:
            with db.session.begin_nested():
                add_to_cart(user, line.product_id, line.quantity, today=today)
        except CartError as refusal:
            report.refused.append(Refused(line.name, refusal.message))
        else:
            report.added.append(f"{line.quantity} × {line.name}")
    return report
