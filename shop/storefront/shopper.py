"""The visitor as a catalogue page shows them: their standing at the gate, whether they
see prices, and the stock of the products on the page."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask import current_app, url_for
from flask_wtf.csrf import generate_csrf

from shop.accounts.models import User
from shop.checkout.services import MAX_LINE_QUANTITY
from shop.inventory.services import NO_STOCK, StockLevel
from shop.licensing.gate import (
    BuyerStanding,
    Sellable,
    Verdict,
    buyer_standing,
    sees_prices,
    today_at,
    verdict,
)
from shop.tax.seller import price_label

LOW_STOCK = 10  # at or below this, pages say how many are left


@dataclass(frozen=True)
class Shopper:
    standing: BuyerStanding
    sees_prices: bool
    stock: Mapping[int, StockLevel]
    price_label: str = ""  # what a price includes: "excl. VAT", "plus sales tax"
    max_quantity: int = MAX_LINE_QUANTITY
    low_stock: int = LOW_STOCK
    # What every cart form on the page posts: worked out once, not once per card. Empty
    # for a visitor who is shown no cart form (an anonymous page starts no session).
    cart_add_url: str = ""
    csrf_token: str = ""

    @property
    def can_buy(self) -> bool:
        """Whether cart forms are shown at all: only to a verified professional."""
        return self.standing.verified

    def verdict(self, product: Sellable) -> Verdict:
        return verdict(self.standing, product)

    def stock_of(self, product_id: int) -> StockLevel:
        return self.stock.get(product_id, NO_STOCK)


def shopper(user: User | None, stock: Mapping[int, StockLevel]) -> Shopper:
    """The visitor ``user`` (None: anonymous) looking at products with this stock."""
    standing = buyer_standing(user, today_at())
    return Shopper(
        standing,
        sees_prices(standing, current_app.config["PRICES_VISIBLE_TO"]),
        stock,
        # Configuration and the licence's country: no query of its own.
        price_label(current_app.config, standing.country),
        cart_add_url=url_for("checkout.cart_add") if standing.verified else "",
        csrf_token=generate_csrf() if standing.verified else "",
    )
