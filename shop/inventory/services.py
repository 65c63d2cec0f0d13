"""Stock rules: receiving lots, and what can be sold now.

Services flush and never commit; the caller owns the transaction.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import (
    JSON,
    CompoundSelect,
    Integer,
    Select,
    any_,
    bindparam,
    func,
    null,
    select,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY

from shop.catalog.cache import token_row
from shop.catalog.models import Product
from shop.database import statement_connection, utcnow
from shop.extensions import db
from shop.inventory.enums import MovementKind
from shop.inventory.errors import InventoryError
from shop.inventory.models import StockLot, StockMovement


@dataclass(frozen=True)
class StockLevel:
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


_lots = StockLot.__table__


@functools.cache
def stock_levels_statement(dialect: str) -> Select:
    """Sellable packs per product, and the expiry of the lot that goes first.

    Sellable: on hand and not held for an unpaid order, in lots not yet expired.

    Columns (product_id, quantity, earliest_expiry); parameters ``ids`` and
    ``today``. Built once per database kind, since every catalogue page runs it
    (see token_and_stock): on PostgreSQL the ids travel as one array, so the
    statement's text, and its server-side prepared plan, do not depend on how
    many there are. On SQLite they travel as one JSON array for the same reason:
    an expanding IN would have SQLAlchemy write the statement again on every
    execution.
    """
    if dialect == "postgresql":
        wanted = _lots.c.product_id == any_(bindparam("ids", type_=ARRAY(Integer)))
    else:
        ids = func.json_each(bindparam("ids", type_=JSON)).table_valued("value")
        wanted = _lots.c.product_id.in_(select(ids.c.value))
    free = _lots.c.quantity_on_hand - _lots.c.quantity_reserved
    return (
        select(_lots.c.product_id, func.sum(free), func.min(_lots.c.expires_on))
        .where(wanted, _lots.c.expires_on > bindparam("today"), free > 0)
        .group_by(_lots.c.product_id)
    )


def availability_for(
    product_ids: Iterable[int], *, on: date | None = None
) -> dict[int, StockLevel]:
    """Sellable packs per product (lots not yet expired, less what orders hold), in one statement.

    Products with nothing sellable are present with quantity 0.
    """
    ids = list(dict.fromkeys(product_ids))
    result = dict.fromkeys(ids, NO_STOCK)
    if not ids:
        return result
    connection = db.session.connection()
    statement = stock_levels_statement(connection.dialect.name)
    rows = connection.execute(statement, {"ids": ids, "today": on or today()})
    for product_id, quantity, earliest in rows:
        result[product_id] = StockLevel(int(quantity), earliest)
    return result


# Catalogue pages are cached under the catalogue's token and show live stock. Both
# are read in one statement, built here because inventory may import the catalogue
# (catalog <- inventory) and not the other way round: the catalogue's cache takes
# this function as the reader of its pages' live figures.
@functools.cache
def token_and_stock_statement(dialect: str) -> CompoundSelect:
    """A row per product with stock, then the token row; built once per database kind.

    Columns (product_id, quantity, earliest_expiry, token); parameters ``ids`` and
    ``today``. The stock rows come first so that the union's column types (a date)
    are theirs.
    """
    return union_all(stock_levels_statement(dialect).add_columns(null()), token_row(4))


def token_and_stock_from(
    rows: Iterable[tuple[int | None, int | None, date | None, str | None]],
    product_ids: list[int],
) -> tuple[str, dict[int, StockLevel]]:
    """The token and the stock of these products, from the rows of token_and_stock_statement."""
    levels = dict.fromkeys(product_ids, NO_STOCK)
    token = "none"
    for product_id, quantity, earliest, row_token in rows:
        if product_id is None:
            token = row_token
        else:
            levels[product_id] = StockLevel(int(quantity), earliest)
    return token, levels


def token_and_stock(product_ids: list[int]) -> tuple[str, dict[int, StockLevel]]:
    """The catalogue's current token and the stock of these products, in one statement."""
    with statement_connection() as connection:
        rows = connection.execute(
            token_and_stock_statement(connection.dialect.name),
            {"ids": product_ids, "today": today()},
        ).all()
    return token_and_stock_from(rows, product_ids)
