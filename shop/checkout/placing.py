"""Checkout: the cart becomes an order waiting for payment, with its stock held.

``place_order`` asks the gate again for every line (a licence can expire between
the cart and the checkout), then in the caller's one transaction creates the
order with a snapshot of each line and holds the stock lot by lot (first expiry
first, rows locked in primary-key order) until ``RESERVATION_MINUTES`` from now.
Any refusal raises ``CheckoutError`` and leaves nothing behind once the caller
rolls back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from shop.accounts.models import User
from shop.checkout.errors import CheckoutError
from shop.checkout.models import CartLine
from shop.checkout.services import Cart, get_cart
from shop.extensions import db
from shop.inventory.reservations import NotEnoughStock, Wanted, reserve
from shop.licensing.gate import buyer_standing
from shop.licensing.services import current_licence
from shop.orders.enums import OrderEventKind
from shop.orders.models import Order, OrderLine
from shop.orders.services import expire_reservations, new_order_number, record


@dataclass(frozen=True)
class ShippingAddress:
    clinic_name: str
    address_line1: str
    city: str
    postal_code: str
    country: str  # ISO 3166-1 alpha-2
    phone: str
    address_line2: str = ""
    region: str = ""


@dataclass(frozen=True)
class Totals:
    currency: str
    subtotal_cents: int
    shipping_cents: int

    @property
    def total_cents(self) -> int:
        return self.subtotal_cents + self.shipping_cents

    @property
    def free_shipping(self) -> bool:
        return self.shipping_cents == 0


def shipping_for(subtotal_cents: int) -> int:
    """The flat rate, or nothing from the free-shipping threshold up (0: never free)."""
    config = current_app.config
    threshold = config["FREE_SHIPPING_FROM_CENTS"]
    if threshold and subtotal_cents >= threshold:
        return 0
    return config["SHIPPING_FLAT_RATE_CENTS"]


def cart_totals(cart: Cart) -> Totals | None:
    """Subtotal, shipping and total of a cart in one currency; None for an empty cart."""
    subtotals = cart.subtotals
    if len(subtotals) != 1:
        return None
    currency, subtotal = subtotals[0]
    return Totals(currency, subtotal, shipping_for(subtotal))


def last_shipping_address(user: User) -> ShippingAddress | None:
    """Where the user's newest order went: the checkout form starts from it."""
    order = db.session.scalar(
        select(Order)
        .where(Order.user_id == user.id)
        .order_by(Order.placed_at.desc(), Order.id.desc())
        .limit(1)
    )
    if order is None:
        return None
    return ShippingAddress(
        clinic_name=order.clinic_name,
        address_line1=order.address_line1,
        address_line2=order.address_line2,
        city=order.city,
        region=order.region,
        postal_code=order.postal_code,
        country=order.country,
        phone=order.phone,
    )


def place_order(user: User, address: ShippingAddress, *, now: datetime) -> Order:
    """The user's cart as an order in ``pending_payment``, its stock held; flushes only."""
    today = now.date()
    # Unpaid orders whose time ran out may hold the very packs this one needs: they
    # are given up before the cart reads the stock, which would call those packs sold.
    expire_reservations(now, product_ids=_cart_product_ids(user))
    standing = buyer_standing(user, today)
    cart = get_cart(user, standing, today=today)
    if not cart.items:
        raise CheckoutError(CheckoutError.EMPTY_CART, "Your cart is empty.")
    for item in cart.items:
        if not item.verdict.allowed:
            raise CheckoutError(str(item.verdict.reason), item.verdict.message, status=403)
    for item in cart.items:
        if item.problem_code:
            raise CheckoutError(item.problem_code, f"{item.name}: {item.problem}", status=409)
    totals = cart_totals(cart)
    if totals is None:
        raise CheckoutError(
            CheckoutError.MIXED_CURRENCIES, "An order is paid in one currency: split your cart."
        )
    licence = current_licence(user, today=today)
    if licence is None:  # the verdicts above say allowed only with a current licence
        raise CheckoutError(
            CheckoutError.NO_CURRENT_LICENCE, "Your licence is not current.", status=403
        )

    order = Order(
        number=new_order_number(),
        user_id=user.id,
        licence_id=licence.id,
        currency=totals.currency,
        subtotal_cents=totals.subtotal_cents,
        shipping_cents=totals.shipping_cents,
        total_cents=totals.total_cents,
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
            product_id=item.product_id,
            sku=item.sku,
            name=item.name,
            unit_price_cents=item.unit_price_cents,
            quantity=item.quantity,
        )
        for item in cart.items
    ]
    _insert(order)
    record(
        order,
        OrderEventKind.PLACED,
        f"{order.packs} pack(s), licence {licence.licence_number}",
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


def _cart_product_ids(user: User) -> list[int]:
    return list(db.session.scalars(select(CartLine.product_id).where(CartLine.user_id == user.id)))


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
