"""The buyer's orders: the list, a page for each (administrators see any order), paying,
coming back from paying, cancelling, ordering again and the receipt.

Only the buyer and administrators see an order; paying, cancelling and ordering again
are the buyer's alone. Anyone else gets the same 404 as for an order that does not exist.
"""

from __future__ import annotations

from flask import abort, current_app, flash, make_response, redirect, render_template, url_for
from flask_login import current_user, login_required

from shop.checkout.reorder import reorder as reorder_items
from shop.database import utcnow
from shop.extensions import db
from shop.licensing.gate import today_at
from shop.orders import bp
from shop.orders.enums import OrderStatus
from shop.orders.errors import OrderError
from shop.orders.models import Order
from shop.orders.services import cancel_order, find_order_for_viewer, lock_order, orders_of

# The module, not its names: payments imports checkout, whose import brings this one in.
from shop.payments import settle
from shop.payments.errors import PaymentError
from shop.security import content_security_policy
from shop.templating import format_money


def _viewable(number: str) -> Order:
    order = find_order_for_viewer(number, current_user)
    if order is None:
        abort(404)  # not yours, or no such order: the same answer
    return order


def _buyers(number: str) -> Order:
    """The order, if the visitor bought it: administrators see orders but do not pay them."""
    order = _viewable(number)
    if order.user_id != current_user.id:
        abort(404)
    return order


def _holding(order: Order) -> bool:
    """Unpaid, with its stock still held: it can be paid."""
    return order.is_pending and order.reserved_until is not None and order.reserved_until > utcnow()


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
        payable=_holding(order),
    )


@bp.get("/orders/<number>/pay")
@login_required
def pay(number: str):
    order = _buyers(number)
    if order.status != OrderStatus.PENDING_PAYMENT and order.paid_at is not None:
        flash(f"Order {order.number} is already paid.", "info")
        return redirect(url_for("orders.detail", number=order.number), 303)
    if not _holding(order):
        return render_template("orders/pay_closed.html", order=order)
    client_secret = settle.start_payment(order)
    db.session.commit()
    response = make_response(
        render_template(
            "orders/pay.html",
            order=order,
            client_secret=client_secret,
            pay_label=f"Pay {format_money(order.total_cents, order.currency)}",
        )
    )
    # Stripe.js from exactly the configured origin, and nothing else from elsewhere.
    response.headers["Content-Security-Policy"] = content_security_policy(current_app.config)
    return response


@bp.get("/orders/<number>/payment-return")
@login_required
def payment_return(number: str):
    """Where Stripe.js sends the buyer: ask Stripe itself, since a redirect proves nothing."""
    order = _buyers(number)
    back = redirect(url_for("orders.detail", number=order.number), 303)
    if not order.is_pending:  # settled already (or cancelled): Stripe has nothing to add here
        flash(f"Order {order.number} is {order.status.label.lower()}.", "info")
        return back
    try:
        settle.refresh_from_stripe(order, source="return page")
    except PaymentError as error:
        db.session.rollback()
        flash(
            f"We could not check your payment with Stripe just now ({error.message}). "
            "This page shows it as soon as Stripe tells us.",
            "warning",
        )
        return back
    db.session.commit()
    if order.paid_at is not None:
        flash(f"Thank you: order {order.number} is paid.", "success")
    elif order.is_pending and order.payment_error:
        flash(f"The payment did not go through: {order.payment_error}", "error")
    elif order.is_pending:
        flash(
            "Your payment is being processed: this page shows it as soon as Stripe confirms it.",
            "info",
        )
    else:
        flash(f"Order {order.number} is {order.status.label.lower()}.", "warning")
    return back


@bp.post("/orders/<number>/cancel")
@login_required
def cancel(number: str):
    order = _buyers(number)
    try:
        cancel_order(lock_order(order.id), reason="Cancelled by the buyer.", actor=current_user)
    except OrderError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(f"Order {order.number} is cancelled and its stock released.", "success")
    return redirect(url_for("orders.detail", number=order.number), 303)


@bp.post("/orders/<number>/reorder")
@login_required
def reorder(number: str):
    order = _buyers(number)
    report = reorder_items(current_user, order, today=today_at())
    db.session.commit()
    if report.added:
        flash(f"Added to your cart: {', '.join(report.added)}.", "success")
    for refused in report.refused:
        flash(f"Not added: {refused.name}. {refused.reason}", "warning")
    return redirect(url_for("checkout.cart"), 303)


@bp.get("/orders/<number>/receipt")
@login_required
def receipt(number: str):
    order = _viewable(number)
    if order.paid_at is None:
        flash("The receipt is ready once the order is paid.", "info")
        return redirect(url_for("orders.detail", number=order.number), 303)
    return render_template("orders/receipt.html", order=order)
