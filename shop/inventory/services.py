"""Stock rules: receiving lots, and what can be sold now.

Services flush and never commit; the caller owns the transaction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from sqlalchemy import bindparam, func, select

from shop.catalog.models import Product
from shop.database import utcnow
from shop.extensions import db
from shop.inventory.enums import MovementKind
from shop.inventory.errors import InventoryError
from shop.inventory.models import StockLot, StockMovement


class StockLevel(NamedTuple):  # a tuple: cheap to make, and to put in an ETag
    quantity: int  # packs that can be sold now
    earliest_expiry: date | None  # of the lot that would be sold first


NO_STOCK = StockLevel(0, None)

_LOT_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9./-]{0,39}$")


def today() -> date:
    return utcnow().date()


def receive_stock(
    product: Product,
    *,
    lot_number: str,
    expires_on: date,
    quantity: int,
    note: str = "",
    on: date | None = None,
    actor_id: int | None = None,
) -> StockLot:
    """Book a receipt of ``quantity`` packs of one lot; a known lot is topped up.

    A lot that has already expired is refused: it could never be sold.
    """
    lot_number = lot_number.strip()
    if not _LOT_NUMBER.match(lot_number):
        raise InventoryError(
            InventoryError.INVALID_LOT,
            "a lot number is 1 to 40 letters, digits, dots, slashes or dashes",
        )
    if quantity <= 0:
        raise InventoryError(InventoryError.INVALID_QUANTITY, "a receipt adds at least one pack")
    if expires_on <= (on or today()):
        raise InventoryError(
            InventoryError.LOT_EXPIRED, f"lot {lot_number} expired on {expires_on}"
        )

    lot = db.session.scalar(
        select(StockLot)
        .where(StockLot.product_id == product.id, StockLot.lot_number == lot_number)
        .with_for_update()
    )
    if lot is None:
        lot = StockLot(
            product=product,
            lot_number=lot_number,
            expires_on=expires_on,
            quantity_on_hand=0,
            quantity_reserved=0,
        )
        db.session.add(lot)
    elif lot.expires_on != expires_on:
        raise InventoryError(
            InventoryError.LOT_CONFLICT,
            f"lot {lot_number} is on file with expiry {lot.expires_on}, not {expires_on}",
        )
    lot.quantity_on_hand += quantity
    db.session.add(
        StockMovement(
            lot=lot,
            kind=MovementKind.RECEIPT,
            quantity=quantity,
            on_hand_after=lot.quantity_on_hand,
            reserved_after=lot.quantity_reserved,
            actor_id=actor_id,
            note=note,
        )
    )
    db.session.flush()
    return lot


# Every catalogue page runs this: built once.
_FREE = StockLot.quantity_on_hand - StockLot.quantity_reserved
_SELLABLE = (
    select(StockLot.product_id, func.sum(_FREE), func.min(StockLot.expires_on))
    .where(
        StockLot.product_id.in_(bindparam("ids", expanding=True)),
        StockLot.expires_on > bindparam("today"),
        _FREE > 0,
    )
    .group_by(StockLot.product_id)
)


def availability_for(
    product_ids: Iterable[int], *, on: date | None = None
) -> dict[int, StockLevel]:
    """Sellable packs per product, and the expiry of the lot that would go first.

    Sellable: on hand and not held for an unpaid order, in lots not yet expired. One
    statement; products with nothing sellable are present with quantity 0.
    """
    ids = list(dict.fromkeys(product_ids))
    result = dict.fromkeys(ids, NO_STOCK)
    if not ids:
        return result
    rows = db.session.execute(_SELLABLE, {"ids": ids, "today": on or today()})
    for product_id, quantity, earliest in rows:
        result[product_id] = StockLevel(int(quantity), earliest)
    return result
