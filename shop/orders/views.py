"""The buyer's orders: the list, and a page for each (administrators see any order)."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user, login_required

from shop.orders import bp
from shop.orders.services import find_order_for_viewer, orders_of


@bp.get("/orders")
@login_required
def index():
    return render_template("orders/index.html", orders=orders_of(current_user))


@bp.get("/orders/<number>")
@login_required
def detail(number: str):
    order = find_order_for_viewer(number, current_user)
    if order is None:
        abort(404)  # not yours, or no such order: the same answer
    return render_template("orders/detail.html", order=order)
