"""The buyer's orders: the list, a page for each (administrators see any order),
cancelling and the receipt. Paying is served by payments, ordering again by checkout.

Only the buyer and administrators see an order; cancelling is the buyer's alone.
Anyone else gets the same 404 as for an order that does not exist.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from shop.errors import ShopError
from shop.extensions import db
from shop.orders.blueprint import bp
from shop.orders.models import Order
from shop.orders.services import (
    cancel_order,
    find_buyers_order,
    find_order_for_viewer,
    lock_order,
    orders_of,
)


def _viewable(number: str) -> Order:
    order = find_order_for_viewer(number, current_user)
    if order is None:
        abort(404)  # not yours, or no such order: the same answer
    return order


def _buyers(number: str) -> Order:
    order = find_buyers_order(number, current_user)
    if order is None:
        abort(404)
    return order


@bp.get("/orders")
@login_required
def index():
    return render_template("orders/index.html", orders=orders_of(current_user))


@bp.get("/orders/<number>")
@login_required
def detail(number: str):
    order = _viewable(number)
    return render_template(
        "orders/detail.html",
        order=order,
        is_buyer=order.user_id == current_user.id,
        payable=order.is_payable,
    )


@bp.post("/orders/<number>/cancel")
@login_required
def cancel(number: str):
    order = _buyers(number)
    try:
        outcome = cancel_order(
            lock_order(order.id), reason="Cancelled by the buyer.", actor=current_user
        )
    except ShopError as error:  # the order moved on, or Stripe could not be reached
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("orders.detail", number=order.number), 303)
    db.session.commit()
    if outcome == "paid":
        flash(f"Order {order.number} was paid before it could be cancelled.", "warning")
    else:
        flash(f"Order {order.number} is cancelled and its stock released.", "success")
    return redirect(url_for("orders.detail", number=order.number), 303)


@bp.get("/orders/<number>/receipt")
@login_required
def receipt(number: str):
    order = _viewable(number)
    if order.paid_at is None:
        flash("The receipt is ready once the order is paid.", "info")
        return redirect(url_for("orders.detail", number=order.number), 303)
    return render_template("orders/receipt.html", order=order)
