"""Reading orders for the back office: the filtered list and the dashboard's figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload

from shop.accounts.models import User
from shop.extensions import db
from shop.orders.enums import OrderStatus
from shop.orders.fulfilment import SHIPPABLE
from shop.orders.models import Order


@dataclass(frozen=True)
class OrderFilter:
    status: OrderStatus | None = None
    flagged: bool = False
    placed_from: date | None = None
    placed_to: date | None = None  # inclusive
    q: str = ""  # an order number or (part of) the buyer's e-mail

    @property
    def args(self) -> dict:
        """The filter as query-string arguments, for links that keep it."""
        values = {
            "status": self.status.value if self.status else None,
            "flagged": "1" if self.flagged else None,
            "from": self.placed_from.isoformat() if self.placed_from else None,
            "to": self.placed_to.isoformat() if self.placed_to else None,
            "q": self.q or None,
        }
        return {key: value for key, value in values.items() if value}


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def order_list(filters: OrderFilter) -> Select:
    """Orders matching ``filters``, newest first, with their buyer."""
    query = select(Order).join(Order.user).options(joinedload(Order.user))
    if filters.status:
        query = query.where(Order.status == filters.status)
    if filters.flagged:
        query = query.where(Order.attention != "")
    if filters.placed_from:
        query = query.where(Order.placed_at >= _midnight(filters.placed_from))
    if filters.placed_to:
        query = query.where(Order.placed_at < _midnight(filters.placed_to + timedelta(days=1)))
    text = filters.q.strip()
    if text:
        query = query.where(
            or_(
                Order.number == text.upper(),
                func.lower(User.email).contains(text.lower(), autoescape=True),
            )
        )
    return query.order_by(Order.placed_at.desc(), Order.id.desc())


def count_orders_to_ship() -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Order)
        .where(
            Order.status.in_(SHIPPABLE),
            Order.shipped_at.is_(None),
        )
    )


def count_flagged_orders() -> int:
    return db.session.scalar(select(func.count()).select_from(Order).where(Order.attention != ""))


@dataclass(frozen=True)
class DayRevenue:
    day: date
    cents: int


def revenue_by_day(today: date, days: int = 30) -> list[DayRevenue]:
    """Money kept (paid less refunded) per day of payment, the last ``days`` days to
    ``today`` included, every day present (0 when nothing was paid)."""
    first = today - timedelta(days=days - 1)
    rows = db.session.execute(
        select(Order.paid_at, Order.total_cents - Order.refunded_cents).where(
            Order.paid_at >= _midnight(first), Order.paid_at < _midnight(today + timedelta(days=1))
        )
    ).all()
    totals = {first + timedelta(days=n): 0 for n in range(days)}
    for paid_at, cents in rows:
        day = paid_at.astimezone(UTC).date()
        if day in totals:
            totals[day] += cents
    return [DayRevenue(day, cents) for day, cents in totals.items()]
