from __future__ import annotations

from shop.errors import ShopError


class ShippingError(ShopError):
    """A shipping or address change refused; nothing was changed."""

    INVALID_ADDRESS = "invalid_address"
    ADDRESS_NOT_FOUND = "address_not_found"
    INVALID_METHOD = "invalid_shipping_method"
    INVALID_ZONE = "invalid_shipping_zone"
    INVALID_RATE = "invalid_shipping_rate"
    IN_USE = "shipping_in_use"


class ShippingFieldErrors(ShippingError):
    """Several refusals at once, each tied to the form field it is about (``errors``)."""

    def __init__(self, code: str, errors: dict[str, str]) -> None:
        super().__init__(code, " ".join(errors.values()))
        self.errors = errors
