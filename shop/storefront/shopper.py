"""The visitor as a page shows them: what they may see and buy, read once per request."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

from flask import current_app, request
from flask_wtf.csrf import generate_csrf

from shop.checkout.services import MAX_LINE_QUANTITY
from shop.checkout.visitor import current_standing_and_cart_count
from shop.inventory.services import NO_STOCK, StockLevel
from shop.licensing.gate import BuyerStanding, Sellable, Verdict, sees_prices, verdict
from shop.templating import link

LOW_STOCK = 10  # at or below this, pages say how many are left


@dataclass
class Shopper:
    standing: BuyerStanding
    sees_prices: bool
    stock: Mapping[int, StockLevel] = field(default_factory=dict)
    max_quantity: int = MAX_LINE_QUANTITY
    low_stock: int = LOW_STOCK

    @property
    def can_buy(self) -> bool:
        """Whether cart forms are shown at all: only to a verified professional."""
        return self.standing.verified

    def verdict(self, product: Sellable) -> Verdict:
        return verdict(self.standing, product)

    def stock_of(self, product_id: int) -> StockLevel:
        return self.stock.get(product_id, NO_STOCK)

    # Read only when a form is shown, so an anonymous page never opens a session.
    @cached_property
    def csrf_token(self) -> str:
        return generate_csrf()

    def rendered_as(self, standing: BuyerStanding, csrf_token: str) -> Shopper:
        """This shopper as a page kept for others is rendered (shop.storefront.rendered):
        with ``standing`` and a stand-in token."""
        stand_in = replace(self, standing=standing)
        # The token a form would ask for, in place of this visitor's (a cached_property
        # keeps its value in the instance's __dict__).
        stand_in.__dict__["csrf_token"] = csrf_token
        return stand_in

    @property
    def add_url(self) -> str:
        return link("checkout.cart_add")

    @cached_property
    def here(self) -> str:
        """This page, where a cart form brings the visitor back."""
        query = request.query_string.decode("utf-8", "replace")
        return f"{request.path}?{query}" if query else request.path


def current_shopper() -> Shopper:
    """This request's visitor, without stock yet (the page's read brings it)."""
    standing = current_standing_and_cart_count()
    return Shopper(standing, sees_prices(standing, current_app.config["PRICES_VISIBLE_TO"]))
