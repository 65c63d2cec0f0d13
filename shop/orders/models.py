"""Orders: what was bought, by whom, under which licence, and what happened since."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
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
        CheckConstraint("tax_cents >= 0", name="tax_not_negative"),
        CheckConstraint(
            "total_cents = subtotal_cents + shipping_cents + tax_cents", name="total_adds_up"
        ),
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
    # Net of tax: the lines' net amounts, and the shipping's. total_cents is what the
    # buyer pays (Stripe charges it): net + tax, every figure from the tax service.
    subtotal_cents: Mapped[int] = mapped_column(Integer)
    shipping_cents: Mapped[int] = mapped_column(Integer)
    tax_cents: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    total_cents: Mapped[int] = mapped_column(Integer)
    refunded_cents: Mapped[int] = mapped_column(Integer, default=0)

    # The tax, as the tax service decided it at checkout (shop.tax): how prices were
    # entered, what the tax is called where the order goes, the shipping's rate and
    # tax, and why no tax was charged (reverse charge, exemption), for the invoice.
    prices_include_tax: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    tax_name: Mapped[str] = mapped_column(String(20), default="VAT", server_default="VAT")
    tax_treatment: Mapped[str] = mapped_column(String(32), default="taxed", server_default="taxed")
    tax_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    buyer_vat_number: Mapped[str] = mapped_column(String(20), default="", server_default="")
    shipping_tax_rate: Mapped[Decimal] = mapped_column(
        Numeric(6, 3), default=Decimal(0), server_default="0"
    )
    shipping_tax_cents: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    shipping_tax_rate_id: Mapped[int | None] = mapped_column(
        ForeignKey("tax_rates.id", ondelete="RESTRICT")
    )

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
    def goods_tax_by_rate(self) -> list[RateTotal]:
        """The tax per rate of the lines alone (the shipping's is shown on its own)."""
        return rate_totals(
            self.tax_name, [(line.tax_rate, line.net_cents, line.tax_cents) for line in self.lines]
        )

    @property
    def tax_by_rate(self) -> list[RateTotal]:
        """The tax per rate, as the lines and the shipping snapshot it (sums only)."""
        parts = [(line.tax_rate, line.net_cents, line.tax_cents) for line in self.lines]
        if self.shipping_cents or self.shipping_tax_cents:
            parts.append((self.shipping_tax_rate, self.shipping_cents, self.shipping_tax_cents))
        return rate_totals(self.tax_name, parts)

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
    unit_price_cents: Mapped[int] = mapped_column(Integer)  # as entered: net or gross
    quantity: Mapped[int] = mapped_column(Integer)
    # Snapshotted from the tax service at checkout, like the price.
    tax_class: Mapped[str] = mapped_column(
        String(16), default="standard", server_default="standard"
    )
    tax_rate: Mapped[Decimal] = mapped_column(Numeric(6, 3), default=Decimal(0), server_default="0")
    tax_rate_id: Mapped[int | None] = mapped_column(
        ForeignKey("tax_rates.id", ondelete="RESTRICT"), index=True
    )
    net_cents: Mapped[int] = mapped_column(Integer)
    tax_cents: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    order: Mapped[Order] = relationship(back_populates="lines")
    product: Mapped[Product] = relationship()
    reservations: Mapped[list[StockReservation]] = relationship(
        order_by=StockReservation.id, viewonly=True
    )

    @property
    def total_cents(self) -> int:
        """Unit price × quantity, as prices are entered."""
        return self.unit_price_cents * self.quantity

    @property
    def gross_cents(self) -> int:
        return self.net_cents + self.tax_cents


@dataclass(frozen=True)
class RateTotal:
    """The lines of an order (or a priced cart) at one tax rate, added up."""

    name: str  # "VAT"
    rate: Decimal  # per cent
    net_cents: int
    tax_cents: int

    @property
    def label(self) -> str:
        return f"{self.name} {format(Decimal(self.rate).normalize(), 'f')}%"


def rate_totals(name: str, parts: list[tuple[Decimal, int, int]]) -> list[RateTotal]:
    """(rate, net, tax) parts added up per rate, highest rate first."""
    totals: dict[Decimal, list[int]] = {}
    for rate, net, tax in parts:
        entry = totals.setdefault(Decimal(rate).normalize(), [0, 0])
        entry[0] += net
        entry[1] += tax
    return [
        RateTotal(name, rate, net, tax)
        for rate, (net, tax) in sorted(totals.items(), key=lambda item: -item[0])
    ]


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
