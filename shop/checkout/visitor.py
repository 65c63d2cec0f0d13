"""This request's visitor as the cart sees them: the gate's standing and the cart count.

Read once per request, and together (one query) on pages that need both; views,
templates and the header's context processor ask here.
"""

from __future__ import annotations

from flask import g
from flask_login import current_user

from shop.checkout.services import count_cart_items, standing_and_cart_count
from shop.licensing.gate import BuyerStanding, today_at
from shop.licensing.visitor import current_standing, remember_standing

_COUNT = "cart_count"


def current_cart_count() -> int:
    """Packs in the visitor's cart, for the header; 0 and no query for anonymous visitors."""
    if current_user.is_anonymous:
        return 0
    count = g.get(_COUNT)
    if count is None:
        count = remember_cart_count(count_cart_items(current_user))
    return count


def remember_cart_count(count: int) -> int:
    setattr(g, _COUNT, count)
    return count


def current_standing_and_cart_count() -> BuyerStanding:
    """The standing, with the cart count read in the same query for the header."""
    if g.get(_COUNT) is not None:
        return current_standing()
    user = None if current_user.is_anonymous else current_user
    standing, count = standing_and_cart_count(user, today_at())
    remember_cart_count(count)
    return remember_standing(standing)
