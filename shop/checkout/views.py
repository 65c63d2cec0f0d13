"""The cart: show it, add to it, change a quantity, remove a line; check out; order
an earlier order again.

Every change is a POST with the visitor's CSRF token (checked by CSRFProtect before
the view runs); a refused change flashes its reason and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from shop.checkout.blueprint import bp
from shop.checkout.errors import CartError, CheckoutError
from shop.checkout.forms import QUANTITY_MESSAGE, CartAddForm, CartLineUpdateForm, CheckoutForm
from shop.checkout.placing import Totals, cart_totals, last_shipping_address, place_order
from shop.checkout.reorder import reorder as reorder_items
from shop.checkout.services import (
    MAX_LINE_QUANTITY,
    Cart,
    add_to_cart,
    change_quantity,
    count_cart_items,
    get_cart,
    remove_from_cart,
)
from shop.database import utcnow
from shop.extensions import db
from shop.licensing.gate import (
    BuyerStanding,
    buyer_standing,
    buyer_verdict,
    sees_prices,
    today_at,
)
from shop.orders.services import find_buyers_order


@bp.app_context_processor
def _cart_count() -> dict:
    """The header's cart count: one small query per page, for logged-in visitors only."""
    return {"cart_count": count_cart_items(current_user) if current_user.is_authenticated else 0}


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


def _current_cart() -> tuple[BuyerStanding, Cart]:
    standing = buyer_standing(current_user, today_at())
    return standing, get_cart(current_user, standing, today=today_at())


def _can_check_out(standing: BuyerStanding, contents: Cart, totals: Totals | None) -> bool:
    """Every line can be bought now, in one currency."""
    return bool(standing.verified and contents.items and not contents.problems and totals)


def _to_free_shipping(totals: Totals | None) -> int:
    """Cents more that would make shipping free; 0 when it is free or never is."""
    threshold = current_app.config["FREE_SHIPPING_FROM_CENTS"]
    if totals is None or totals.free_shipping or not threshold:
        return 0
    return threshold - totals.subtotal_cents


@bp.get("/cart")
@login_required
def cart():
    standing, contents = _current_cart()
    totals = cart_totals(contents)
    return render_template(
        "checkout/cart.html",
        cart=contents,
        totals=totals,
        to_free_shipping=_to_free_shipping(totals),
        can_check_out=_can_check_out(standing, contents, totals),
        standing=standing,
        cart_gate=buyer_verdict(standing),
        sees_prices=sees_prices(standing, current_app.config["PRICES_VISIBLE_TO"]),
        max_quantity=MAX_LINE_QUANTITY,
    )


@bp.route("/checkout", methods=["GET", "POST"])
@login_required
def checkout():
    """The shipping address and the order's summary; placing it holds the stock."""
    standing, contents = _current_cart()
    if not contents.items:
        flash("Your cart is empty: add products before checking out.", "error")
        return redirect(url_for("checkout.cart"), 303)
    last = last_shipping_address(current_user) if request.method == "GET" else None
    form = CheckoutForm(data=asdict(last) if last else None)
    refusal = None
    if form.validate_on_submit():
        try:
            order = place_order(current_user, form.address(), now=utcnow())
        except CheckoutError as error:
            db.session.rollback()
            refusal = error
            # What the refusal is about may have changed since the page was read.
            standing, contents = _current_cart()
        else:
            db.session.commit()
            return redirect(url_for("payments.pay", number=order.number), 303)
    totals = cart_totals(contents)
    blocked = [item for item in contents.items if not item.verdict.allowed]
    return render_template(
        "checkout/checkout.html",
        form=form,
        cart=contents,
        totals=totals,
        refusal=refusal,
        # The gate speaks for the buyer first: a licence that ran out stops everything.
        gate=blocked[0].verdict if blocked else None,
        can_check_out=_can_check_out(standing, contents, totals),
    ), (refusal.status if refusal is not None else 200)


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


@bp.post("/orders/<number>/reorder")
@login_required
def reorder(number: str):
    """An earlier order's items back in the cart, each asked of the gate and the stock."""
    order = find_buyers_order(number, current_user)
    if order is None:
        abort(404)
    report = reorder_items(current_user, order, today=today_at())
    db.session.commit()
    if report.added:
        flash(f"Added to your cart: {', '.join(report.added)}.", "success")
    for refused in report.refused:
        flash(f"Not added: {refused.name}. {refused.reason}", "warning")
    return redirect(url_for("checkout.cart"), 303)
