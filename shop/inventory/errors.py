from __future__ import annotations

from shop.errors import ShopError


class InventoryError(ShopError):
    INVALID_QUANTITY = "invalid_quantity"
    INVALID_LOT = "invalid_lot"
    LOT_EXPIRED = "lot_expired"
    LOT_CONFLICT = "lot_conflict"
    LOT_NOT_FOUND = "lot_not_found"
    PRODUCT_NOT_FOUND = "product_not_found"
    REASON_REQUIRED = "reason_required"
    BELOW_RESERVED = "below_reserved"
    NOT_EXPIRED = "not_expired"
    NOTHING_TO_WRITE_OFF = "nothing_to_write_off"
