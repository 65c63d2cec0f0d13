"""What an order costs: the one place that prices a cart for a buyer, a destination and
a shipping method. Checkout shows its figures and the order snapshots them.

The tax of each line, and of the shipping, is the tax service's (``shop.tax``): its
decision for the product's tax class, the buyer and the destination on the day, and
its rounding rule (per line, in cents). So the lines add up to the totals, and net +
tax = gross for every line and for the order.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from shop.accounts.models import User
from shop.catalog.enums import TaxClass
from shop.checkout.errors import CheckoutError
from shop.checkout.services import Cart
from shop.orders.models import RateTotal, rate_totals
from shop.shipping.addresses import ShippingAddress
from shop.shipping.rates import Parcel, ShippingOption, shipping_options
from shop.tax.enums import TaxTreatment
from shop.tax.rounding import LineTax
from shop.tax.services import SHIPPING_TAX_CLASS, TaxDecision, place_name, taxes_for


@dataclass(frozen=True)
class PricedLine:
    product_id: int
    sku: str
    name: str
    unit_price_cents: int  # as entered: net, or gross where prices include tax
    quantity: int
    tax: TaxDecision
    net_cents: int
    tax_cents: int

    @property
    def total_cents(self) -> int:
        """Unit price × quantity, as prices are entered."""
        return self.unit_price_cents * self.quantity

    @property
    def gross_cents(self) -> int:
        return self.net_cents + self.tax_cents

    @property
    def tax_rate(self):
        return self.tax.rate


@dataclass(frozen=True)
class OrderPricing:
    """An order's lines and totals, in one currency, shipped by ``shipping`` (None: not
    chosen yet, as in the cart)."""

    currency: str
    lines: tuple[PricedLine, ...]
    shipping: ShippingOption | None
    shipping_tax: TaxDecision
    shipping_line: LineTax
    destination: str  # where it was priced for: "Co. Dublin, Ireland"

    @property
    def subtotal_cents(self) -> int:
        """The lines, net of tax."""
        return sum(line.net_cents for line in self.lines)

    @property
    def shipping_cents(self) -> int:
        """The shipping, net of tax."""
        return self.shipping_line.net_cents

    @property
    def shipping_tax_cents(self) -> int:
        return self.shipping_line.tax_cents

    @property
    def tax_cents(self) -> int:
        return sum(line.tax_cents for line in self.lines) + self.shipping_line.tax_cents

    @property
    def total_cents(self) -> int:
        return self.subtotal_cents + self.shipping_cents + self.tax_cents

    @property
    def decisions(self) -> list[TaxDecision]:
        taken = [line.tax for line in self.lines]
        return [*taken, self.shipping_tax] if self.shipping is not None else taken

    @property
    def tax_name(self) -> str:
        return self.shipping_tax.tax_name

    @property
    def prices_include_tax(self) -> bool:
        return self.shipping_tax.prices_include_tax

    @property
    def tax_treatment(self) -> TaxTreatment:
        """The order's treatment: exempt or reverse charge when the buyer earns it, no
        rate when nothing is taxed for want of one, else taxed."""
        treatments = {decision.treatment for decision in self.decisions}
        for special in (TaxTreatment.EXEMPT, TaxTreatment.REVERSE_CHARGE):
            if special in treatments:
                return special
        if treatments == {TaxTreatment.NO_RATE}:
            return TaxTreatment.NO_RATE
        return TaxTreatment.TAXED

    @property
    def tax_note(self) -> str:
        """Why some or all of the order is not taxed, as the invoice says it."""
        return next((decision.note for decision in self.decisions if decision.note), "")

    @property
    def shipping_tax_rate(self):
        return self.shipping_tax.rate

    @property
    def goods_tax_by_rate(self) -> list[RateTotal]:
        return rate_totals(
            self.tax_name, [(line.tax.rate, line.net_cents, line.tax_cents) for line in self.lines]
        )

    @property
    def tax_by_rate(self) -> list[RateTotal]:
        parts = [(line.tax.rate, line.net_cents, line.tax_cents) for line in self.lines]
        if self.shipping is not None:
            parts.append((self.shipping_tax.rate, self.shipping_cents, self.shipping_tax_cents))
        return rate_totals(self.tax_name, parts)


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


def price_cart(
    cart: Cart, address: ShippingAddress, *, buyer: User | None, on: date
) -> OrderPricing:
    """The cart's lines with their tax for ``buyer`` shipping to ``address`` on ``on``;
    no shipping chosen yet."""
    currency = cart_currency(cart)
    decisions = taxes_for({TaxClass(item.tax_class) for item in cart.items}, buyer, address, on)
    lines = []
    for item in cart.items:
        decision = decisions[TaxClass(item.tax_class)]
        amounts = decision.on(item.total_cents)
        lines.append(
            PricedLine(
                item.product_id,
                item.sku,
                item.name,
                item.unit_price_cents,
                item.quantity,
                decision,
                amounts.net_cents,
                amounts.tax_cents,
            )
        )
    return OrderPricing(
        currency,
        tuple(lines),
        None,
        decisions[SHIPPING_TAX_CLASS],
        LineTax(0, 0),
        place_name(address.country, address.region),
    )


def with_shipping(pricing: OrderPricing, option: ShippingOption) -> OrderPricing:
    """The priced cart, shipped by ``option`` (its price taxed as the shipping is)."""
    return replace(
        pricing, shipping=option, shipping_line=pricing.shipping_tax.on(option.price_cents)
    )


def price_order(
    cart: Cart, address: ShippingAddress, method_code: str, *, buyer: User | None, on: date
) -> OrderPricing:
    """The cart's lines and totals, with their tax, shipped to ``address`` by the method
    ``method_code``; ``CheckoutError`` when that method does not serve the address and
    the cart."""
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
    return with_shipping(price_cart(cart, address, buyer=buyer, on=on), chosen)
