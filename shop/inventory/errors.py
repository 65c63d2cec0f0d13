from __future__ import annotations

from shop.errors import ShopError


class InventoryError(ShopError):
    INVALID_QUANTITY = "invalid_quantity"
    INVALID_LOT = "invalid_lot"
    LOT_EXPIRED = "lot_expired"
    LOT_CONFLICT = "lot_conflict"
