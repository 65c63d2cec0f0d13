"""What the back office reads about stock: a product's lots, the products running low,
and the lots that expire soon or already have. Plain rows, so the dashboard and the
report pages can share them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from shop.catalog.models import Product
from shop.extensions import db
from shop.inventory.models import StockLot
from shop.inventory.services import today

EXPIRY_WINDOW_DAYS = 90


@dataclass(frozen=True)
class LowStockRow:
    product_id: int
    sku: str
    name: str
    threshold: int
    free: int  # sellable packs: free and in lots not yet expired


@dataclass(frozen=True)
class LotRow:
    lot_id: int
    product_id: int
    sku: str
    name: str
    lot_number: str
    expires_on: date
    on_hand: int
    reserved: int
    days_left: int  # 0 or less: expired

    @property
    def free(self) -> int:
        return self.on_hand - self.reserved

    @property
    def expired(self) -> bool:
        return self.days_left <= 0


def low_stock_products(*, on: date | None = None) -> list[LowStockRow]:
    """Active products whose sellable packs are below their threshold, fewest first."""
    on = on or today()
    free = StockLot.quantity_on_hand - StockLot.quantity_reserved
    sellable = (
        select(StockLot.product_id, func.sum(free).label("free"))
        .where(StockLot.expires_on > on)
        .group_by(StockLot.product_id)
        .subquery()
    )
    packs = func.coalesce(sellable.c.free, 0)
    rows = db.session.execute(
        select(Product.id, Product.sku, Product.name, Product.low_stock_threshold, packs)
        .outerjoin(sellable, sellable.c.product_id == Product.id)
        .where(Product.is_active, packs < Product.low_stock_threshold)
        .order_by(packs, Product.name, Product.id)
    ).all()
    return [LowStockRow(*row) for row in rows]


def _lot_rows(statement, on: date) -> list[LotRow]:
    rows = db.session.execute(statement).all()
    return [
        LotRow(
            lot_id=lot.id,
            product_id=lot.product_id,
            sku=sku,
            name=name,
            lot_number=lot.lot_number,
            expires_on=lot.expires_on,
            on_hand=lot.quantity_on_hand,
            reserved=lot.quantity_reserved,
            days_left=(lot.expires_on - on).days,
        )
        for lot, sku, name in rows
    ]


def expiring_lots(days: int = EXPIRY_WINDOW_DAYS, *, on: date | None = None) -> list[LotRow]:
    """Lots with packs on hand that expire within ``days``, or already have; soonest first.

    A lot is expired on its expiry date (as ``StockLot.is_expired`` says).
    """
    on = on or today()
    return _lot_rows(
        select(StockLot, Product.sku, Product.name)
        .join(Product, Product.id == StockLot.product_id)
        .where(StockLot.quantity_on_hand > 0, StockLot.expires_on <= on + timedelta(days=days))
        .order_by(StockLot.expires_on, Product.name, StockLot.id),
        on,
    )


def lots_of(product: Product, *, on: date | None = None) -> list[LotRow]:
    """Every lot of the product, those with packs first, each group soonest expiry first."""
    on = on or today()
    return _lot_rows(
        select(StockLot, Product.sku, Product.name)
        .join(Product, Product.id == StockLot.product_id)
        .where(StockLot.product_id == product.id)
        .order_by((StockLot.quantity_on_hand == 0), StockLot.expires_on, StockLot.id),
        on,
    )
