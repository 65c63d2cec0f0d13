"""Stock by lot, and the append-only ledger of every movement."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.catalog.models import Product
from shop.database import UTCDateTime, enum_column, utcnow
from shop.extensions import db
from shop.inventory.enums import MovementKind, ReservationState


class StockLot(db.Model):
    __tablename__ = "stock_lots"
    __table_args__ = (
        UniqueConstraint("product_id", "lot_number"),
        CheckConstraint("quantity_on_hand >= 0", name="on_hand_not_negative"),
        # Reserved packs are on hand, held for orders waiting for payment: the database
        # itself refuses to promise more than there is.
        CheckConstraint("quantity_reserved >= 0", name="reserved_not_negative"),
        CheckConstraint("quantity_reserved <= quantity_on_hand", name="reserved_within_on_hand"),
        # Availability sums a product's lots that have not expired; FEFO walks them by expiry.
        Index("ix_stock_lots_product_expiry", "product_id", "expires_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="RESTRICT"))
    lot_number: Mapped[str] = mapped_column(String(40))
    expires_on: Mapped[date] = mapped_column(Date)
    quantity_on_hand: Mapped[int] = mapped_column(Integer, default=0)
    quantity_reserved: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    product: Mapped[Product] = relationship()
    movements: Mapped[list[StockMovement]] = relationship(
        back_populates="lot", order_by="StockMovement.id"
    )

    @property
    def quantity_free(self) -> int:
        """Packs on hand that no order holds."""
        return self.quantity_on_hand - self.quantity_reserved

    def is_expired(self, today: date) -> bool:
        return self.expires_on <= today

    def __repr__(self) -> str:
        return f"<StockLot {self.lot_number} of product {self.product_id}>"


class StockMovement(db.Model):
    """A line of the stock ledger: never updated, never deleted.

    ``quantity`` is the signed change of the lot's packs on hand, ``reserved`` the
    signed change of its packs held for orders. A reservation holds (reserved +n),
    a release lets go (reserved -n), a sale takes held packs out (on hand -n,
    reserved -n), a receipt or a return puts packs in (on hand +n).
    """

    __tablename__ = "stock_movements"
    __table_args__ = (
        CheckConstraint("quantity <> 0 OR reserved <> 0", name="movement_not_empty"),
        Index("ix_stock_movements_order", "order_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(
        ForeignKey("stock_lots.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[MovementKind] = mapped_column(String(16))
    quantity: Mapped[int] = mapped_column(Integer)  # signed change of quantity on hand
    on_hand_after: Mapped[int] = mapped_column(Integer)
    reserved: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    reserved_after: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Who made the movement (None: the shop itself, e.g. the worker) and for which order.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="RESTRICT"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    lot: Mapped[StockLot] = relationship(back_populates="movements")


class StockReservation(db.Model):
    """Packs of one lot held for one order line until the order is paid or given up.

    ``state`` goes active -> sold (payment) or active -> released (cancellation, or
    the time ran out). ``expires_at`` is the order's: its reservation ends for every
    line at once.
    """

    __tablename__ = "stock_reservations"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index("ix_stock_reservations_order", "order_id"),
        Index("ix_stock_reservations_state_expiry", "state", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="RESTRICT"))
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id", ondelete="RESTRICT"))
    lot_id: Mapped[int] = mapped_column(ForeignKey("stock_lots.id", ondelete="RESTRICT"))
    quantity: Mapped[int] = mapped_column(Integer)
    state: Mapped[ReservationState] = mapped_column(
        enum_column(ReservationState, 16), default=ReservationState.ACTIVE
    )
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    lot: Mapped[StockLot] = relationship()


@event.listens_for(StockMovement, "before_update")
@event.listens_for(StockMovement, "before_delete")
def _ledger_is_append_only(_mapper, _connection, target: StockMovement) -> None:
    raise RuntimeError(f"stock movement {target.id} is part of the ledger and cannot change")
