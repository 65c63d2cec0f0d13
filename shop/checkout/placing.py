"""Checkout: the cart becomes an order waiting for payment, with its stock held.

``place_order`` asks the gate again for every line and for where the order goes (a
licence can expire, and an address lie outside its jurisdiction), prices the cart
for the address and the chosen shipping method (``pricing.price_order``), then in
the caller's one transaction creates the order with a snapshot of each line, of the
method and of the address, and holds the stock lot by lot (first expiry first, rows
locked in primary-key order) until ``RESERVATION_MINUTES`` from now. Any refusal
raises ``CheckoutError`` and leaves nothing behind once the caller rolls back.

A buyer has at most one order waiting for payment: checking out locks the buyer's
row, so two checkouts of one cart at once run one after the other, and the second
finds the first's order. While that order can be paid, checking out is refused with
``OrderWaiting`` naming it, so the view can take the buyer there; one whose
reservation ran out is cancelled first.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError

from shop.accounts.models import User
from shop.checkout.errors import CheckoutError
from shop.checkout.models import CartLine
from shop.checkout.pricing import OrderPricing, price_order
from shop.checkout.services import get_cart
from shop.database import lock_row
from shop.extensions import db
from shop.inventory.reservations import NotEnoughStock, Wanted, reserve
from shop.licensing.gate import checkout_verdict, standing_and_licence
from shop.orders.enums import OrderEventKind, OrderStatus
from shop.orders.models import Order, OrderLine
from shop.orders.services import cancel_order, expire_reservations, new_order_number, record
from shop.shipping.addresses import ShippingAddress
from shop.tax.services import record_use

__all__ = ["ShippingAddress", "find_waiting_order", "place_order"]


class OrderWaiting(CheckoutError):
    """The buyer's cart already has an order waiting for payment: ``number``."""

    def __init__(self, number: str) -> None:
        super().__init__(
            CheckoutError.ORDER_WAITING,
            f"Order {number} is waiting for payment: pay it, or cancel it to start again.",
            status=409,
        )
        self.number = number


def find_waiting_order(user: User, *, lock: bool = False) -> Order | None:
    """The user's order waiting for payment, if any (at most one)."""
    query = select(Order).where(
        Order.user_id == user.id, Order.status == OrderStatus.PENDING_PAYMENT
    )
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(query)


def _give_up_expired(user: User, now: datetime) -> None:
    """Refuse while the user's waiting order can still be paid; cancel it once its
    reservation has run out (the job would, a minute later). The user's row stays
    locked until the caller commits: one checkout of a cart at a time."""
    lock_row(User, user.id)
    waiting = find_waiting_order(user, lock=True)
    if waiting is None:
        return
    if waiting.reserved_until is not None and waiting.reserved_until > now:
        raise OrderWaiting(waiting.number)
    # Cancelled, or paid if Stripe says the payment came first: then its packs have
    # left the cart, and the checkout goes on with what is left there.
    cancel_order(
        waiting,
        reason="The reservation ran out before the payment arrived.",
        expired=True,
        now=now,
    )


def place_order(user: User, address: ShippingAddress, method_code: str, *, now: datetime) -> Order:
    """The user's cart as an order in ``pending_payment`` going to ``address`` by the
    shipping method ``method_code``, its stock held; flushes only."""
    today = now.date()
    _give_up_expired(user, now)
    # Unpaid orders whose time ran out may hold the very packs this one needs: they
    # are given up before the cart reads the stock, which would call those packs sold.
    expire_reservations(now, product_ids=_cart_product_ids(user))
    standing, licence = standing_and_licence(user, today)
    cart = get_cart(user, standing, today=today)
    if not cart.items:
        raise CheckoutError(CheckoutError.EMPTY_CART, "Your cart is empty.")
    answer = checkout_verdict([item.verdict for item in cart.items], licence, address.destination)
    if not answer.allowed:
        raise CheckoutError(str(answer.reason), answer.message, status=403)
    for item in cart.items:
        if item.problem_code:
            raise CheckoutError(item.problem_code, item.problem, status=409)
    pricing = price_order(cart, address, method_code, buyer=user, on=today)
    assert licence is not None  # checkout_verdict refuses without one
    # The rates taken are used from now on: never changed again (and refused if one
    # was changed while this checkout read it).
    record_use(pricing.decisions, now)
    order = _new_order(user, licence.id, address, pricing, now)
    _insert(order)
    record(
        order,
        OrderEventKind.PLACED,
        f"{_packs(order.packs)}, {pricing.shipping.name} ({pricing.shipping.carrier}), "
        f"licence {licence.licence_number}",
        actor=user,
    )
    try:
        reserve(
            [Wanted(line.product_id, line.id, line.quantity, line.name) for line in order.lines],
            order_id=order.id,
            expires_at=order.reserved_until,
            today=today,
            actor_id=user.id,
        )
    except NotEnoughStock as short:
        raise CheckoutError(CheckoutError.NOT_ENOUGH_STOCK, str(short), status=409) from short
    db.session.flush()
    return order


def _packs(count: int) -> str:
    return "1 pack" if count == 1 else f"{count} packs"


def _new_order(
    user: User, licence_id: int, address: ShippingAddress, pricing: OrderPricing, now: datetime
) -> Order:
    method = pricing.shipping
    order = Order(
        number=new_order_number(),
        user_id=user.id,
        licence_id=licence_id,
        currency=pricing.currency,
        subtotal_cents=pricing.subtotal_cents,
        shipping_cents=pricing.shipping_cents,
        tax_cents=pricing.tax_cents,
        total_cents=pricing.total_cents,
        prices_include_tax=pricing.prices_include_tax,
        tax_name=pricing.tax_name,
        tax_treatment=str(pricing.tax_treatment),
        tax_note=pricing.tax_note,
        buyer_vat_number=pricing.shipping_tax.buyer_vat_number,
        shipping_tax_rate=pricing.shipping_tax.rate,
        shipping_tax_cents=pricing.shipping_tax_cents,
        shipping_tax_rate_id=pricing.shipping_tax.rate_id,
        shipping_method_code=method.code,
        shipping_method_name=method.name,
        shipping_carrier=method.carrier,
        shipping_estimate=method.delivery_estimate,
        shipping_cold_chain=method.cold_chain,
        clinic_name=address.clinic_name,
        address_line1=address.address_line1,
        address_line2=address.address_line2,
        city=address.city,
        region=address.region,
        postal_code=address.postal_code,
        country=address.country,
        phone=address.phone,
        placed_at=now,
        reserved_until=now + timedelta(minutes=current_app.config["RESERVATION_MINUTES"]),
    )
    order.lines = [
        OrderLine(
            product_id=line.product_id,
            sku=line.sku,
            name=line.name,
            unit_price_cents=line.unit_price_cents,
            quantity=line.quantity,
            tax_class=str(line.tax.tax_class),
            tax_rate=line.tax.rate,
            tax_rate_id=line.tax.rate_id,
            net_cents=line.net_cents,
            tax_cents=line.tax_cents,
        )
        for line in pricing.lines
    ]
    return order


def _cart_product_ids(user: User) -> Select:
    """The products in the user's cart, as a subquery of the expiry's one statement."""
    return select(CartLine.product_id).where(CartLine.user_id == user.id)


def _insert(order: Order) -> None:
    """Insert the order, drawing another number in the (very unlikely) case of a clash."""
    for _ in range(5):
        try:
            with db.session.begin_nested():
                db.session.add(order)
                db.session.flush()
            return
        except IntegrityError:
            order.number = new_order_number()
    raise RuntimeError("could not draw a free order number")
