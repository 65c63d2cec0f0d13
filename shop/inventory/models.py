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
from shop.database import UTCDateTime, utcnow
from shop.extensions import db
from shop.inventory.enums import MovementKind


class StockLot(db.Model):
    __tablename__ = "stock_lots"
    __table_args__ = (
        UniqueConstraint("product_id", "lot_number"),
        CheckConstraint("quantity_on_hand >= 0", name="on_hand_not_negative"),
        # Availability sums a product's lots that have not expired; FEFO walks them by expiry.
        Index("ix_stock_lots_product_expiry", "product_id", "expires_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="RESTRICT"))
    lot_number: Mapped[str] = mapped_column(String(40))
    expires_on: Mapped[date] = mapped_column(Date)
    quantity_on_hand: Mapped[int] = mapped_column(Integer, default=0)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    product: Mapped[Product] = relationship()
    movements: Mapped[list[StockMovement]] = relationship(
        back_populates="lot", order_by="StockMovement.id"
    )

    def is_expired(self, today: date) -> bool:
        return self.expires_on <= today

    def __repr__(self) -> str:
        return f"<StockLot {self.lot_number} of product {self.product_id}>"


class StockMovement(db.Model):
    """A line of the stock ledger: never updated, never deleted."""

    __tablename__ = "stock_movements"
    __table_args__ = (CheckConstraint("quantity <> 0", name="quantity_not_zero"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(
        ForeignKey("stock_lots.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[MovementKind] = mapped_column(String(16))
    quantity: Mapped[int] = mapped_column(Integer)  # signed change of quantity on hand
    on_hand_after: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    lot: Mapped[StockLot] = relationship(back_populates="movements")


@event.listens_for(StockMovement, "before_update")
@event.listens_for(StockMovement, "before_delete")
def _ledger_is_append_only(_mapper, _connection, target: StockMovement) -> None:
    raise RuntimeError(f"stock movement {target.id} is part of the ledger and cannot change")
