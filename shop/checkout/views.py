"""The cart: show it, add to it, change a quantity, remove a line; check out; order
an earlier order again.

Every change is a POST with the visitor's CSRF token (checked by CSRFProtect before
the view runs); a refused change flashes its reason and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms import SelectChoice

from shop.accounts.models import User
from shop.checkout.blueprint import bp
from shop.checkout.errors import CartError, CheckoutError
from shop.checkout.forms import QUANTITY_MESSAGE, CartAddForm, CartLineUpdateForm, CheckoutForm
from shop.checkout.placing import OrderWaiting, find_waiting_order, place_order
from shop.checkout.pricing import OrderPricing, price_cart, shipping_choices, with_shipping
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
    Verdict,
    buyer_standing,
    buyer_verdict,
    checkout_verdict,
    sees_prices,
    today_at,
)
from shop.licensing.services import current_licence
from shop.orders.models import Order
from shop.orders.services import find_buyers_order
from shop.safe_redirect import safe_return_url
from shop.shipping.addresses import address_of, list_addresses
from shop.shipping.models import ClinicAddress
from shop.tax.seller import price_label
from shop.templating import format_money


def waiting_order(user: User) -> Order | None:
    """The header's "an order is waiting for payment": one small query, asked by the
    layout for a logged-in user."""
    order = find_waiting_order(user)
    return order if order is not None and order.is_payable else None


@bp.app_context_processor
def _cart_count() -> dict:
    """The header's cart count: one small query per page, for logged-in visitors only."""
    count = count_cart_items(current_user) if current_user.is_authenticated else 0
    return {"cart_count": count, "waiting_order": waiting_order}


def _change(change: Callable[[], str], back: str):
    """One cart change in one transaction: committed with its message, or refused with
    the reason and nothing changed; back to ``back`` either way."""
    try:
        message = change()
    except CartError as error:
        db.session.rollback()
        if error.code == CartError.PRODUCT_NOT_FOUND:
            raise  # nothing to go back to: the error page says so
        # A refusal by the gate is flashed as such: a page that shows the same verdict
        # then says it once (macros/product.html, verdict_note).
        flash(error.message, "gate" if error.status == 403 else "error")
        return redirect(back, 303)
    db.session.commit()
    flash(message, "success")
    return redirect(back, 303)


def _current_cart() -> tuple[BuyerStanding, Cart]:
    standing = buyer_standing(current_user, today_at())
    return standing, get_cart(current_user, standing, today=today_at())


def _can_check_out(standing: BuyerStanding, contents: Cart) -> bool:
    """Every line can be bought now, in one currency."""
    return bool(
        standing.verified
        and contents.items
        and not contents.problems
        and len(contents.subtotals) == 1
    )


def _cart_pricing(contents: Cart) -> OrderPricing | None:
    """The cart's tax as it applies to the buyer's default address, when there is one
    and the cart is in one currency."""
    if not contents.items or len(contents.subtotals) != 1:
        return None
    addresses = list_addresses(current_user)
    if not addresses:
        return None
    return price_cart(contents, address_of(addresses[0]), buyer=current_user, on=today_at())


@bp.get("/cart")
@login_required
def cart():
    standing, contents = _current_cart()
    shown = sees_prices(standing, current_app.config["PRICES_VISIBLE_TO"])
    return render_template(
        "checkout/cart.html",
        cart=contents,
        pricing=_cart_pricing(contents) if shown else None,
        price_label=price_label(current_app.config, standing.country),
        can_check_out=_can_check_out(standing, contents),
        standing=standing,
        cart_gate=buyer_verdict(standing),
        sees_prices=shown,
        max_quantity=MAX_LINE_QUANTITY,
    )


def _chosen_address(addresses: list[ClinicAddress], wanted: str | None) -> ClinicAddress:
    """The saved address asked for, else the default (listed first)."""
    if wanted and wanted.isdigit():
        for row in addresses:
            if row.id == int(wanted):
                return row
    return addresses[0]


def _method_label(option, priced: OrderPricing) -> str:
    name = priced.tax_name
    if option.price_cents:
        included = "incl." if priced.prices_include_tax else "excl."
        price = f"{format_money(option.price_cents, option.currency)} {included} {name}"
    else:
        price = "Free"
    total = format_money(priced.total_cents, option.currency)
    return (
        f"{option.name}: {option.carrier}, {option.delivery_estimate}. {price} "
        f"(order total {total} incl. {name})"
    )


def _waiting(number: str):
    flash(OrderWaiting(number).message, "info")
    return redirect(url_for("orders.detail", number=number), 303)


@bp.route("/checkout", methods=["GET", "POST"])
@login_required
def checkout():
    """Where the order goes (a saved address), how (the methods that serve it, priced),
    and the order's summary; placing it holds the stock."""
    waiting = find_waiting_order(current_user)
    if waiting is not None and waiting.is_payable:
        return _waiting(waiting.number)
    standing, contents = _current_cart()
    if not contents.items:
        flash("Your cart is empty: add products before checking out.", "error")
        return redirect(url_for("checkout.cart"), 303)
    addresses = list_addresses(current_user)
    if not addresses:
        flash("Add your clinic's address to check out.", "info")
        return redirect(url_for("shipping.new_address", then="checkout"), 303)
    form = CheckoutForm()
    chosen = _chosen_address(addresses, form.address_id.data or request.args.get("address"))
    address = address_of(chosen)
    refusal = None
    if form.validate_on_submit():
        try:
            order = place_order(current_user, address, form.method.data, now=utcnow())
        except OrderWaiting as already:
            db.session.rollback()
            return _waiting(already.number)
        except CheckoutError as error:
            db.session.rollback()
            refusal = error
            # What the refusal is about may have changed since the page was read.
            standing, contents = _current_cart()
        else:
            db.session.commit()
            return redirect(url_for("payments.pay", number=order.number), 303)
    return _checkout_page(form, standing, contents, addresses, chosen, refusal)


def _checkout_page(form, standing, contents, addresses, chosen, refusal):
    address = address_of(chosen)
    can_check_out = _can_check_out(standing, contents)
    options = shipping_choices(contents, address) if can_check_out else []
    # The tax service prices the lines for this buyer and address, once; each method
    # adds its shipping, taxed as shipping is.
    pricing = (
        price_cart(contents, address, buyer=current_user, on=today_at()) if can_check_out else None
    )
    priced = {option.code: with_shipping(pricing, option) for option in options}
    form.address_id.data = str(chosen.id)
    form.method.choices = [
        SelectChoice(option.code, _method_label(option, priced[option.code])) for option in options
    ]
    if form.method.data not in {option.code for option in options}:
        form.method.data = options[0].code if options else None
    selected = next((option for option in options if option.code == form.method.data), None)
    blocked = [item for item in contents.items if not item.verdict.allowed]
    gate: Verdict | None = blocked[0].verdict if blocked else None
    if gate is None and can_check_out:
        licence = current_licence(current_user, today=today_at())
        answer = checkout_verdict([], licence, address.destination)
        gate = None if answer.allowed else answer
    status = refusal.status if refusal is not None else 200
    return render_template(
        "checkout/checkout.html",
        form=form,
        cart=contents,
        addresses=addresses,
        chosen=chosen,
        options=options,
        selected=selected,
        pricing=priced[selected.code] if selected else pricing,
        priced=priced,
        refusal=refusal,
        # The gate speaks for the buyer first: a licence that ran out stops everything.
        gate=gate,
        can_check_out=can_check_out,
    ), status


@bp.post("/cart/add")
@login_required
def cart_add():
    form = CartAddForm()
    # Checked before anything changes: anything but a page of this shop goes to the cart.
    back = safe_return_url(form.next.data, url_for("checkout.cart"))
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
