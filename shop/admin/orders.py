"""The back office's orders: the list, an order's page, and what can be done to it.

Each action is offered only when the order's state allows it; when the state has
moved on meanwhile (another administrator, a Stripe event), the service refuses
with a message and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from shop.accounts.fresh import fresh_login_required
from shop.admin.blueprint import bp
from shop.admin.forms import OrderCancelForm, OrderRefundForm, OrderResolveForm, OrderShipForm
from shop.extensions import db
from shop.orders.enums import OrderStatus
from shop.orders.errors import OrderError
from shop.orders.fulfilment import can_cancel, can_ship, resolve_flag, ship_order
from shop.orders.models import Order, OrderLine
from shop.orders.queries import OrderFilter, order_list
from shop.payments.errors import PaymentError
from shop.payments.refunds import cancel_by_administrator, refund_order, refundable_cents
from shop.templating import format_money

ORDERS_PER_PAGE = 25


def _date_arg(name: str) -> date | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        abort(400, description=f"{name!r} must be a date like 2026-11-25.")


def _filters() -> OrderFilter:
    status_value = request.args.get("status", "")
    try:
        status = OrderStatus(status_value) if status_value else None
    except ValueError:
        abort(400, description=f"There is no order status {status_value!r}.")
    return OrderFilter(
        status=status,
        flagged=request.args.get("flagged") == "1",
        placed_from=_date_arg("from"),
        placed_to=_date_arg("to"),
        q=request.args.get("q", "")[:254],
    )


@bp.get("/orders")
def order_list_page():
    filters = _filters()
    pagination = db.paginate(
        order_list(filters),
        page=request.args.get("page", 1, type=int),
        per_page=ORDERS_PER_PAGE,
        error_out=False,
    )
    return render_template(
        "admin/orders/list.html", pagination=pagination, filters=filters, statuses=list(OrderStatus)
    )


def _order(number: str) -> Order:
    order = db.session.scalar(
        select(Order)
        .where(Order.number == number)
        .options(
            selectinload(Order.lines).selectinload(OrderLine.reservations),
            selectinload(Order.events),
        )
    )
    if order is None:
        abort(404)
    return order


def _page(order: Order, *, status: int = 200, **forms):
    left = refundable_cents(order)
    # The carrier chosen at checkout, unless the administrator says otherwise.
    forms.setdefault(
        "ship_form",
        OrderShipForm(formdata=None, prefix="ship", data={"carrier": order.shipping_carrier}),
    )
    forms.setdefault("cancel_form", OrderCancelForm(formdata=None, prefix="cancel"))
    forms.setdefault("refund_form", OrderRefundForm(formdata=None, prefix="refund"))
    forms.setdefault("resolve_form", OrderResolveForm(formdata=None, prefix="resolve"))
    return (
        render_template(
            "admin/orders/detail.html",
            order=order,
            can_ship=can_ship(order),
            can_cancel=can_cancel(order),
            refundable=left,
            refundable_label=format_money(left, order.currency) if left else "",
            **forms,
        ),
        status,
    )


@bp.get("/orders/<number>")
def order_detail(number: str):
    return _page(_order(number))


def _act(number: str, form, form_name: str, action: Callable[[Order], str]):
    """Validate the action's form, act, commit; or show why not, changing nothing."""
    order = _order(number)
    if form.validate_on_submit():
        try:
            message = action(order)
            db.session.commit()
        except (OrderError, PaymentError) as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("admin.order_detail", number=number), 303)
        flash(message, "success")
        return redirect(url_for("admin.order_detail", number=number), 303)
    return _page(order, status=400, **{form_name: form})


@bp.post("/orders/<number>/ship")
def order_ship(number: str):
    form = OrderShipForm(prefix="ship")

    def ship(order: Order) -> str:
        ship_order(
            order.id,
            carrier=form.carrier.data,
            tracking_number=form.tracking_number.data,
            actor=current_user,
        )
        return f"Order {number} is marked shipped; the professional is told by e-mail."

    return _act(number, form, "ship_form", ship)


@bp.post("/orders/<number>/cancel")
@fresh_login_required(back="admin.order_detail")  # a paid order is refunded
def order_cancel(number: str):
    form = OrderCancelForm(prefix="cancel")

    def cancel(order: Order) -> str:
        order = cancel_by_administrator(order.id, reason=form.reason.data, actor=current_user)
        if order.status != OrderStatus.CANCELLED:
            return (
                f"Order {number} was paid at Stripe before it could be cancelled, and is "
                "paid now: cancel it again to refund it."
            )
        if order.refunded_cents:
            refunded = format_money(order.refunded_cents, order.currency)
            return f"Order {number} is cancelled, {refunded} refunded and its packs back in stock."
        return f"Order {number} is cancelled and its held stock released."

    return _act(number, form, "cancel_form", cancel)


@bp.post("/orders/<number>/refund")
@fresh_login_required(back="admin.order_detail")
def order_refund(number: str):
    form = OrderRefundForm(prefix="refund")

    def refund(order: Order) -> str:
        amount = form.amount.data
        cents = None if amount is None else int((amount * 100).to_integral_value())
        if amount is not None and Decimal(cents) != amount * 100:
            raise OrderError("invalid_amount", "An amount has at most two decimals.")
        before = order.refunded_cents
        order = refund_order(
            order.id, amount_cents=cents, reason=form.reason.data, actor=current_user
        )
        refunded = format_money(order.refunded_cents - before, order.currency)
        return f"{refunded} of order {number} refunded through Stripe."

    return _act(number, form, "refund_form", refund)


@bp.post("/orders/<number>/resolve")
def order_resolve(number: str):
    form = OrderResolveForm(prefix="resolve")

    def resolve(order: Order) -> str:
        resolve_flag(order.id, note=form.note.data, actor=current_user)
        return f"Order {number}'s flag is resolved."

    return _act(number, form, "resolve_form", resolve)
