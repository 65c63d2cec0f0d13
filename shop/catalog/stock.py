"""Stock as the catalogue shows it.

Stock belongs to inventory, which builds on the catalogue, so the catalogue
only declares what it reads: a statement giving each product's sellable packs
and the expiry of its next lot. The app factory hands it inventory's statement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import Select

EXTENSION_KEY = "shop.stock_levels_statement"


@dataclass(frozen=True)
class StockLevel:
    quantity: int  # packs that can be sold now
    earliest_expiry: date | None  # of the lot that would be sold first


NO_STOCK = StockLevel(0, None)


def stock_levels_statement(dialect: str) -> Select:
    """Columns (product_id, quantity, earliest_expiry); bind parameters ``ids`` and ``today``."""
    try:
        build = current_app.extensions[EXTENSION_KEY]
    except KeyError:
        raise RuntimeError("no stock statement: create_app wires inventory's in") from None
    return build(dialect)
