from __future__ import annotations

from shop.errors import ShopError


class CartError(ShopError):
    """A cart change refused; nothing was changed.

    A refusal by the purchase gate carries the gate's reason as its code
    (``licence_expired``, ``profession_not_allowed``, ...) and status 403.
    """

    PRODUCT_NOT_FOUND = "product_not_found"
    NOT_IN_CART = "not_in_cart"
    INVALID_QUANTITY = "invalid_quantity"
    NOT_ENOUGH_STOCK = "not_enough_stock"
    PRODUCT_INACTIVE = "product_inactive"  # a line's product left the catalogue


class CheckoutError(ShopError):
    """The checkout was refused as a whole; nothing was ordered or held.

    A refusal by the purchase gate carries the gate's reason as its code and status 403.
    """

    EMPTY_CART = "empty_cart"
    NOT_ENOUGH_STOCK = "not_enough_stock"
    MIXED_CURRENCIES = "mixed_currencies"
    NO_CURRENT_LICENCE = "no_current_licence"
    NO_SHIPPING_METHOD = "no_shipping_method"
    NO_ADDRESS = "no_address"
    ORDER_WAITING = "order_waiting_for_payment"
