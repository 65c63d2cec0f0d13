"""Orders: what was bought, by whom, under which licence, and what happened since."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    event,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.accounts.models import User
from shop.catalog.models import Product
from shop.database import UTCDateTime, enum_column, utcnow
from shop.extensions import db
from shop.inventory.models import StockReservation
from shop.licensing.models import Licence
from shop.orders.enums import OrderEventKind, OrderStatus, PaymentState


class Order(db.Model):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("subtotal_cents >= 0", name="subtotal_not_negative"),
        CheckConstraint("shipping_cents >= 0", name="shipping_not_negative"),
        CheckConstraint("total_cents = subtotal_cents + shipping_cents", name="total_adds_up"),
        CheckConstraint(
            "refunded_cents >= 0 AND refunded_cents <= total_cents", name="refund_within_total"
        ),
        Index("ix_orders_user_placed", "user_id", "placed_at"),
        Index("ix_orders_status_reserved", "status", "reserved_until"),
        Index("ix_orders_placed", "placed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)  # "MP-7K3Q-9XHD"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    licence_id: Mapped[int] = mapped_column(ForeignKey("licences.id", ondelete="RESTRICT"))
    status: Mapped[OrderStatus] = mapped_column(
        enum_column(OrderStatus), default=OrderStatus.PENDING_PAYMENT
    )
    currency: Mapped[str] = mapped_column(String(3))
    subtotal_cents: Mapped[int] = mapped_column(Integer)
    shipping_cents: Mapped[int] = mapped_column(Integer)
    total_cents: Mapped[int] = mapped_column(Integer)
    refunded_cents: Mapped[int] = mapped_column(Integer, default=0)

    # Where it goes.
    clinic_name: Mapped[str] = mapped_column(String(120))
    address_line1: Mapped[str] = mapped_column(String(120))
    address_line2: Mapped[str] = mapped_column(String(120), default="")
    city: Mapped[str] = mapped_column(String(80))
    region: Mapped[str] = mapped_column(String(80), default="")
    postal_code: Mapped[str] = mapped_column(String(16))
    country: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    phone: Mapped[str] = mapped_column(String(32))
    # How it goes, as chosen at checkout (shipping_cents is its price then).
    shipping_method_code: Mapped[str] = mapped_column(String(40), default="", server_default="")
    shipping_method_name: Mapped[str] = mapped_column(String(80), default="", server_default="")
    shipping_carrier: Mapped[str] = mapped_column(String(60), default="", server_default="")
    shipping_estimate: Mapped[str] = mapped_column(String(80), default="", server_default="")
    shipping_cold_chain: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )

    # The payment: one PaymentIntent per order, never a second.
    payment_intent_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    payment_state: Mapped[PaymentState] = mapped_column(
        enum_column(PaymentState), default=PaymentState.NOT_STARTED
    )
    payment_error: Mapped[str] = mapped_column(Text, default="")  # the last failure, for the buyer
    # Something an administrator must look at ("paid after cancellation: refund or
    # restore", an amount that does not match); "" when nothing is wrong.
    attention: Mapped[str] = mapped_column(Text, default="")

    reserved_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    carrier: Mapped[str] = mapped_column(String(60), default="")
    tracking_number: Mapped[str] = mapped_column(String(80), default="")

    user: Mapped[User] = relationship()
    licence: Mapped[Licence] = relationship()
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", order_by="OrderLine.id", cascade="all, delete-orphan"
    )
    events: Mapped[list[OrderEvent]] = relationship(
        back_populates="order", order_by="OrderEvent.id"
    )
    reservations: Mapped[list[StockReservation]] = relationship(
        order_by=StockReservation.id, viewonly=True
    )

    @property
    def packs(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def is_pending(self) -> bool:
        return self.status == OrderStatus.PENDING_PAYMENT

    @property
    def is_payable(self) -> bool:
        """Unpaid, with its stock still held: it can be paid now."""
        return (
            self.is_pending and self.reserved_until is not None and self.reserved_until > utcnow()
        )

    def __repr__(self) -> str:
        return f"<Order {self.number} {self.status}>"


class OrderLine(db.Model):
    """One product of an order, as it was when ordered: SKU, name and unit price are copied."""

    __tablename__ = "order_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price_cents >= 0", name="price_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="RESTRICT"), index=True
    )
    sku: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    unit_price_cents: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Integer)

    order: Mapped[Order] = relationship(back_populates="lines")
    product: Mapped[Product] = relationship()
    reservations: Mapped[list[StockReservation]] = relationship(
        order_by=StockReservation.id, viewonly=True
    )

    @property
    def total_cents(self) -> int:
        return self.unit_price_cents * self.quantity


class OrderEvent(db.Model):
    """A line of the order's history: never updated, never deleted."""

    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    kind: Mapped[OrderEventKind] = mapped_column(enum_column(OrderEventKind))
    from_status: Mapped[str] = mapped_column(String(32), default="")
    to_status: Mapped[str] = mapped_column(String(32), default="")
    amount_cents: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    order: Mapped[Order] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


@event.listens_for(OrderEvent, "before_update")
@event.listens_for(OrderEvent, "before_delete")
def _history_is_append_only(_mapper, _connection, target: OrderEvent) -> None:
    raise RuntimeError(f"order event {target.id} is part of the history and cannot change")
