"""Lots seen from the orders: a product's ledger with the orders it served, and the
recall of a lot (who received it, under which licence, how many packs).

It lives here, not in inventory, because orders may read inventory and not the
other way round (catalog <- inventory <- ... -> orders).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from shop.accounts.models import User
from shop.catalog.enums import Profession
from shop.catalog.models import Product
from shop.extensions import db
from shop.inventory.enums import MovementKind
from shop.inventory.models import StockLot, StockMovement
from shop.licensing.models import Licence
from shop.orders.enums import OrderStatus
from shop.orders.models import Order
from shop.spreadsheet import guard_cell


def ledger_of(product: Product) -> Select:
    """The product's ledger, newest first: (movement, lot number, author, order number).

    A select, so the page can paginate it.
    """
    author = aliased(User)
    return (
        select(StockMovement, StockLot.lot_number, author, Order.number)
        .join(StockLot, StockLot.id == StockMovement.lot_id)
        .outerjoin(author, author.id == StockMovement.actor_id)
        .outerjoin(Order, Order.id == StockMovement.order_id)
        .where(StockLot.product_id == product.id)
        .order_by(StockMovement.id.desc())
    )


@dataclass(frozen=True)
class RecallLine:
    """Packs of one lot that one order received."""

    lot_number: str
    sku: str
    product_name: str
    expires_on: date
    order_number: str
    order_status: OrderStatus
    placed_at: datetime
    paid_at: datetime | None
    shipped_at: datetime | None
    buyer_name: str
    buyer_email: str
    licence_number: str
    licence_country: str
    profession: Profession
    quantity: int


@dataclass(frozen=True)
class RecallLot:
    """One product's lot of the number searched, with what it has left and who received it."""

    lot: StockLot
    sku: str
    product_name: str
    lines: list[RecallLine]

    @property
    def packs_sold(self) -> int:
        return sum(line.quantity for line in self.lines)


@dataclass(frozen=True)
class Recall:
    lot_number: str
    lots: list[RecallLot]

    @property
    def found(self) -> bool:
        return bool(self.lots)

    @property
    def lines(self) -> list[RecallLine]:
        return [line for lot in self.lots for line in lot.lines]


def recall(lot_number: str) -> Recall:
    """Every order that received packs of lots numbered ``lot_number``, lot by lot.

    Received means sold: the ledger's sale movements for that order (a paid order's
    reservations become exactly these). Packs only held for unpaid orders never left,
    and show in the lot's reserved count instead. A lot number may exist for several
    products; each is its own recall group. Case and surrounding spaces do not matter.
    """
    number = lot_number.strip()
    lots = db.session.execute(
        select(StockLot, Product.sku, Product.name)
        .join(Product, Product.id == StockLot.product_id)
        .where(func.upper(StockLot.lot_number) == number.upper())
        .order_by(Product.sku, StockLot.id)
    ).all()
    if not lots:
        return Recall(number, [])
    sold = func.sum(-StockMovement.quantity)
    rows = db.session.execute(
        select(StockMovement.lot_id, Order, User, Licence, sold)
        .join(Order, Order.id == StockMovement.order_id)
        .join(User, User.id == Order.user_id)
        .join(Licence, Licence.id == Order.licence_id)
        .where(
            StockMovement.lot_id.in_([lot.id for lot, _, _ in lots]),
            StockMovement.kind == MovementKind.SALE,
        )
        .group_by(StockMovement.lot_id, Order.id, User.id, Licence.id)
        .order_by(StockMovement.lot_id, Order.placed_at, Order.id)
    ).all()
    by_lot: dict[int, list[RecallLine]] = {}
    names = {lot.id: (lot, sku, name) for lot, sku, name in lots}
    for lot_id, order, buyer, licence, quantity in rows:
        lot, sku, name = names[lot_id]
        by_lot.setdefault(lot_id, []).append(
            RecallLine(
                lot_number=lot.lot_number,
                sku=sku,
                product_name=name,
                expires_on=lot.expires_on,
                order_number=order.number,
                order_status=order.status,
                placed_at=order.placed_at,
                paid_at=order.paid_at,
                shipped_at=order.shipped_at,
                buyer_name=buyer.name,
                buyer_email=buyer.email,
                licence_number=licence.licence_number,
                licence_country=licence.country,
                profession=licence.profession,
                quantity=int(quantity),
            )
        )
    return Recall(
        number,
        [RecallLot(lot, sku, name, by_lot.get(lot.id, [])) for lot, sku, name in lots],
    )


RECALL_COLUMNS = [
    "lot_number",
    "sku",
    "product",
    "expires_on",
    "order_number",
    "order_status",
    "placed_at",
    "paid_at",
    "shipped_at",
    "buyer_name",
    "buyer_email",
    "licence_number",
    "licence_country",
    "profession",
    "quantity",
]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return guard_cell(str(value))


def recall_csv(report: Recall) -> str:
    """The recall as CSV text: a header, then one row per order and lot."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(RECALL_COLUMNS)
    for line in report.lines:
        writer.writerow(
            [
                _cell(value)
                for value in (
                    line.lot_number,
                    line.sku,
                    line.product_name,
                    line.expires_on,
                    line.order_number,
                    line.order_status.value,
                    line.placed_at,
                    line.paid_at,
                    line.shipped_at,
                    line.buyer_name,
                    line.buyer_email,
                    line.licence_number,
                    line.licence_country,
                    line.profession.value,
                )
            ]
            + [line.quantity]
        )
    return out.getvalue()


def recall_filename(lot_number: str) -> str:
    """``recall-LOT-2027-A.csv``: the lot number with anything but letters, digits, dots and
    dashes made a dash (lot numbers may hold slashes)."""
    return "recall-" + re.sub(r"[^A-Za-z0-9.-]", "-", lot_number) + ".csv"
