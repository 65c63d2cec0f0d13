"""The cart: show it, add to it, change a quantity, remove a line.

Every change is a POST with the visitor's CSRF token (checked by CSRFProtect before
the view runs); a refused change flashes its reason and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from shop.checkout import bp
from shop.checkout.errors import CartError
from shop.checkout.forms import QUANTITY_MESSAGE, CartAddForm, CartLineUpdateForm
from shop.checkout.services import (
    MAX_LINE_QUANTITY,
    add_to_cart,
    change_quantity,
    get_cart,
    remove_from_cart,
)
from shop.checkout.visitor import current_cart_count, remember_cart_count
from shop.extensions import db
from shop.licensing.gate import buyer_verdict, sees_prices, today_at
from shop.licensing.visitor import current_standing


@bp.app_context_processor
def _cart_count() -> dict:
    """The header's cart count: one small query per page, for logged-in visitors only."""
    return {"cart_count": current_cart_count()}


def _safe_next(target: str | None) -> str:
    """A page of this shop to come back to; anything else (another site) goes to the cart."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("checkout.cart")


def _change(change: Callable[[], str], back: str):
    """One cart change in one transaction: committed with its message, or refused with
    the reason and nothing changed; back to ``back`` either way."""
    try:
        message = change()
    except CartError as error:
        db.session.rollback()
        if error.code == CartError.PRODUCT_NOT_FOUND:
            raise  # nothing to go back to: the error page says so
        flash(error.message, "error")
        return redirect(back, 303)
    db.session.commit()
    flash(message, "success")
    return redirect(back, 303)


@bp.get("/cart")
@login_required
def cart():
    standing = current_standing()
    contents = get_cart(current_user, standing, today=today_at())
    remember_cart_count(contents.count)  # the header needs no query of its own
    return render_template(
        "checkout/cart.html",
        cart=contents,
        standing=standing,
        cart_gate=buyer_verdict(standing),
        sees_prices=sees_prices(standing, current_app.config["PRICES_VISIBLE_TO"]),
        max_quantity=MAX_LINE_QUANTITY,
    )


@bp.post("/cart/add")
@login_required
def cart_add():
    form = CartAddForm()
    back = _safe_next(form.next.data)
    if not form.validate():
        if form.product_id.errors:
            raise CartError(
                CartError.PRODUCT_NOT_FOUND,
                "There is no such product in the catalogue.",
                status=404,
            )
        flash(QUANTITY_MESSAGE, "error")
        return redirect(back, 303)

    def add() -> str:
        line = add_to_cart(current_user, form.product_id.data, form.quantity.data, today=today_at())
        return f"Added {form.quantity.data} × {line.product.name} to your cart."

    return _change(add, back)


@bp.post("/cart/<int:product_id>/quantity")
@login_required
def cart_update(product_id: int):
    form = CartLineUpdateForm()
    back = url_for("checkout.cart")
    if not form.validate():
        flash(QUANTITY_MESSAGE, "error")
        return redirect(back, 303)

    def change() -> str:
        line = change_quantity(current_user, product_id, form.quantity.data, today=today_at())
        return f"{line.product.name}: {line.quantity} in your cart."

    return _change(change, back)


@bp.post("/cart/<int:product_id>/remove")
@login_required
def cart_remove(product_id: int):
    # No form to read: CSRFProtect has checked the token before the view runs.
    def remove() -> str:
        remove_from_cart(current_user, product_id)
        return "Removed from your cart."

    return _change(remove, url_for("checkout.cart"))
