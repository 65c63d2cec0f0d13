"""Checkout gives up, lazily, the unpaid orders whose time ran out and that hold the
packs it needs, before it reads the stock (on SQLite and PostgreSQL alike)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from shop.accounts.models import User
from shop.checkout.errors import CheckoutError
from shop.checkout.placing import place_order
from shop.database import utcnow
from shop.extensions import db
from shop.inventory.models import StockLot
from shop.orders.enums import OrderEventKind, OrderStatus
from shop.orders.models import Order
from tests.factories import STANDARD, make_product
from tests.ordering import ADDRESS, assert_every_lot_balanced, buyers_with_in_cart


def two_buyers_for_the_last_two_packs(placed_minutes_ago: int):
    """The first buyer checked out the two packs that long ago and never paid; the
    second has them in the cart (put there while they were free)."""
    product = make_product(name="Lipolytic Cocktail", stock=2)
    first, second = (db.session.get(User, id_) for id_ in buyers_with_in_cart(2, product.id, 2))
    held = place_order(
        first, ADDRESS, STANDARD, now=utcnow() - timedelta(minutes=placed_minutes_ago)
    )
    db.session.commit()
    return held, second


def test_checkout_takes_the_packs_an_unpaid_order_held_past_its_time(app):
    held, buyer = two_buyers_for_the_last_two_packs(placed_minutes_ago=45)

    order = place_order(buyer, ADDRESS, STANDARD, now=utcnow())
    db.session.commit()

    assert held.status == OrderStatus.CANCELLED
    assert [event.kind for event in held.events][-1] == OrderEventKind.RESERVATION_EXPIRED
    assert order.status == OrderStatus.PENDING_PAYMENT
    lot = db.session.scalars(select(StockLot)).one()
    assert (lot.quantity_on_hand, lot.quantity_reserved) == (2, 2)
    assert_every_lot_balanced()


def test_checkout_leaves_an_unpaid_order_alone_while_its_time_runs(app):
    held, buyer = two_buyers_for_the_last_two_packs(placed_minutes_ago=10)

    with pytest.raises(CheckoutError) as refused:
        place_order(buyer, ADDRESS, STANDARD, now=utcnow())
    db.session.rollback()

    assert refused.value.code == CheckoutError.NOT_ENOUGH_STOCK
    assert refused.value.message == "Lipolytic Cocktail is out of stock."
    assert db.session.get(Order, held.id).status == OrderStatus.PENDING_PAYMENT
    assert_every_lot_balanced()
