"""Paying an order (``/orders/<number>/pay``), coming back from Stripe.js, and
``POST /stripe/webhook``: Stripe's signed events about payments and refunds.

Only the buyer pays their order; anyone else gets the 404 of an order that does
not exist. The webhook is exempt from CSRF (Stripe signs the body instead) and answered in JSON, errors
included (``shop.errors`` treats ``/stripe/`` as a path for programs). A body
whose signature does not verify, or whose timestamp is stale, gets 400 and
changes nothing; Stripe retries anything but a 2xx, so a database fault answers
503 (``shop.errors``) and the event comes again.
"""

from __future__ import annotations

import logging

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from shop.errors import json_error
from shop.extensions import csrf, db
from shop.orders.enums import OrderStatus
from shop.orders.models import Order
from shop.orders.services import find_buyers_order
from shop.payments import settle
from shop.payments.blueprint import bp
from shop.payments.errors import PaymentError
from shop.payments.stripe_client import construct_event
from shop.security import content_security_policy
from shop.templating import format_money

log = logging.getLogger(__name__)


@bp.post("/stripe/webhook")
@csrf.exempt
def stripe_webhook():
    payload = request.get_data(cache=False)
    try:
        event = construct_event(payload, request.headers.get("Stripe-Signature"))
    except PaymentError as error:
        log.warning("stripe webhook refused: %s", error.message)
        return json_error(400, error.code, error.message)
    try:
        outcome = settle.handle_event(event)
        db.session.commit()
    except settle.MalformedEvent as error:
        db.session.rollback()
        log.warning("stripe event refused: %s", error.message)
        return json_error(400, error.code, error.message)
    except BaseException:
        db.session.rollback()
        raise
    log.info("stripe event %s (%s): %s", event["id"], event["type"], outcome)
    return jsonify(received=True, outcome=outcome)


def _buyers(number: str) -> Order:
    order = find_buyers_order(number, current_user)
    if order is None:
        abort(404)
    return order


@bp.get("/orders/<number>/pay")
@login_required
def pay(number: str):
    order = _buyers(number)
    if order.status != OrderStatus.PENDING_PAYMENT and order.paid_at is not None:
        flash(f"Order {order.number} is already paid.", "info")
        return redirect(url_for("orders.detail", number=order.number), 303)
    if not order.is_payable:
        return render_template("payments/pay_closed.html", order=order)
    try:
        client_secret = settle.start_payment(order)
    except PaymentError as error:
        db.session.rollback()
        if error.status != 403:
            raise
        # The gate refused the payment: where the order goes, under the licence now.
        return render_template("payments/pay_refused.html", order=order, refusal=error), 403
    db.session.commit()
    response = make_response(
        render_template(
            "payments/pay.html",
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
