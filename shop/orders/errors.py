from __future__ import annotations

from shop.errors import ShopError


class OrderError(ShopError):
    """An order change refused; nothing was changed."""

    NOT_FOUND = "order_not_found"
    WRONG_STATUS = "order_wrong_status"
    RESERVATION_EXPIRED = "reservation_expired"
