"""What an order costs: the one function that prices a cart for a destination and a
shipping method. Checkout shows its figures and the order snapshots them; tax per line
will be added here, since it depends on the same three things.
"""

from __future__ import annotations

from dataclasses import dataclass

from shop.checkout.errors import CheckoutError
from shop.checkout.services import Cart
from shop.shipping.addresses import ShippingAddress
from shop.shipping.rates import Parcel, ShippingOption, shipping_options


@dataclass(frozen=True)
class PricedLine:
    product_id: int
    sku: str
    name: str
    unit_price_cents: int
    quantity: int

    @property
    def total_cents(self) -> int:
        return self.unit_price_cents * self.quantity


@dataclass(frozen=True)
class OrderPricing:
    """An order's lines and totals, in one currency, shipped by ``shipping``."""

    currency: str
    lines: tuple[PricedLine, ...]
    shipping: ShippingOption
    subtotal_cents: int

    @property
    def shipping_cents(self) -> int:
        return self.shipping.price_cents

    @property
    def total_cents(self) -> int:
        return self.subtotal_cents + self.shipping_cents


def cart_currency(cart: Cart) -> str:
    """The one currency the cart is in, or ``CheckoutError``."""
    if not cart.items:
        raise CheckoutError(CheckoutError.EMPTY_CART, "Your cart is empty.")
    subtotals = cart.subtotals
    if len(subtotals) != 1:
        raise CheckoutError(
            CheckoutError.MIXED_CURRENCIES, "An order is paid in one currency: split your cart."
        )
    return subtotals[0][0]


def parcel_of(cart: Cart, address: ShippingAddress) -> Parcel:
    """The cart as the shipping rates see it, going to ``address``."""
    currency = cart_currency(cart)
    return Parcel(
        country=address.country,
        region=address.region,
        currency=currency,
        value_cents=sum(item.total_cents for item in cart.items),
        weight_g=sum(item.weight_g * item.quantity for item in cart.items),
        cold_chain=any(item.requires_cold_chain for item in cart.items),
    )


def shipping_choices(cart: Cart, address: ShippingAddress) -> list[ShippingOption]:
    """The methods that can take this cart to this address, with their prices."""
    return shipping_options(parcel_of(cart, address))


def price_order(cart: Cart, address: ShippingAddress, method_code: str) -> OrderPricing:
    """The cart's lines and totals, shipped to ``address`` by the method ``method_code``;
    ``CheckoutError`` when that method does not serve the address and the cart."""
    parcel = parcel_of(cart, address)
    options = shipping_options(parcel)
    chosen = next((option for option in options if option.code == method_code), None)
    if chosen is None:
        if not options:
            message = "No shipping method serves this address for this order: write to us."
        elif parcel.cold_chain:
            message = "Your cart holds a product that travels cooled: choose a cold-chain method."
        else:
            message = "Choose one of the shipping methods offered for this address."
        raise CheckoutError(CheckoutError.NO_SHIPPING_METHOD, message, status=409)
    lines = tuple(
        PricedLine(item.product_id, item.sku, item.name, item.unit_price_cents, item.quantity)
        for item in cart.items
    )
    return OrderPricing(parcel.currency, lines, chosen, parcel.value_cents)
