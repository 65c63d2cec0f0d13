"""This request's visitor as the cart sees them: the user, the gate's standing and the
cart count.

Read once per request, and together: Flask-Login's user loader lives here, since it
reads the standing and the cart count in the same statement as the user (accounts
sits below licensing and the cart, so it cannot). Views, templates and the header's
context processor ask here.
"""

from __future__ import annotations

from flask import g, request
from flask_login import current_user

from shop.accounts.models import User
from shop.checkout.services import (
    count_cart_items,
    find_session_user_with_standing,
    find_session_user_with_standing_and_stock,
    standing_and_cart_count,
)
from shop.extensions import login_manager
from shop.inventory.services import StockLevel
from shop.licensing.gate import BuyerStanding, today_at
from shop.licensing.visitor import current_standing, remember_standing

# Requests that change nothing: what the loader read stays true for the whole request.
_SAFE_METHODS = frozenset(["GET", "HEAD"])


@login_manager.user_loader
def load_session_user(session_token: str) -> User | None:
    """The user of a session (or remember cookie) token, which changes with the password."""
    wanted = g.pop(_STOCK_WANTED, None)
    if wanted is not None and request.method in _SAFE_METHODS:
        found, live = find_session_user_with_standing_and_stock(session_token, today_at(), wanted)
        setattr(g, _STOCK_READ, (wanted, live))
    else:
        found = find_session_user_with_standing(session_token, today_at())
    if found is None:
        return None
    user, standing, count = found
    # Disabling an account ends its open sessions too, not only its next log-in.
    if not user.is_enabled:
        return None
    if request.method in _SAFE_METHODS:
        # Read now with the user, so the page costs no statement more for them. A
        # request that may change the cart or the licence reads them when first asked.
        remember_standing(standing)
        remember_cart_count(count)
    return user


_STOCK_WANTED = "stock_wanted_with_user"
_STOCK_READ = "stock_read_with_user"


def read_stock_with_user(product_ids: list[int]) -> None:
    """Have the user loader, if it runs in this request, read the catalogue's token and
    these products' stock in its own statement (inventory's token_and_stock): a
    logged-in visitor's catalogue page then costs one round trip, not two."""
    setattr(g, _STOCK_WANTED, product_ids)


def stock_read_with_user(product_ids: list[int]) -> tuple[str, dict[int, StockLevel]] | None:
    """The token and stock the user loader read for exactly these products, or None
    (it did not run, ran before it was asked, or read for other products). Once."""
    g.pop(_STOCK_WANTED, None)
    read = g.pop(_STOCK_READ, None)
    if read is not None and read[0] == product_ids:
        return read[1]
    return None


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
    # The user first: loading them may bring both (load_session_user).
    user = None if current_user.is_anonymous else current_user
    if g.get(_COUNT) is not None:
        return current_standing()
    standing, count = standing_and_cart_count(user, today_at())
    remember_cart_count(count)
    return remember_standing(standing)
