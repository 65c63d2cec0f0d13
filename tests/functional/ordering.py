"""Helpers for the checkout and order pages: a professional with a filled cart, an
address as the checkout form posts it, orders placed and paid through the services."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask

from shop.catalog.models import Product
from shop.checkout.placing import ShippingAddress, place_order
from shop.checkout.services import add_to_cart
from shop.database import utcnow
from shop.extensions import db
from shop.inventory.services import availability_for, today
from shop.orders.models import Order
from shop.orders.services import PaymentFacts, mark_paid
from shop.payments.stripe_client import EXTENSION_KEY

ADDRESS = {
    "clinic_name": "Clinique Lumière",
    "address_line1": "12 Rue de la Paix",
    "address_line2": "2nd floor",
    "city": "Paris",
    "region": "Île-de-France",
    "postal_code": "75002",
    "country": "FR",
    "phone": "+33 1 23 45 67 89",
}


@dataclass
class Shop:
    pro: object
    hydra: Product  # 100.00 a pack, 50 in stock
    biotin: Product  # 45.50 a pack, 3 in stock


def fill_cart(user, *items: tuple[Product, int]) -> None:
    for product, quantity in items:
        add_to_cart(user, product.id, quantity, today=today())
    db.session.commit()


def place(user, address: dict | None = None) -> Order:
    order = place_order(user, ShippingAddress(**(address or ADDRESS)), now=utcnow())
    db.session.commit()
    return order


def pay(order: Order) -> Order:
    """Paid, as a verified Stripe event would have it (the transitions are tested elsewhere)."""
    facts = PaymentFacts(
        payment_intent_id=f"pi_test_{order.id}",
        status="succeeded",
        amount_cents=order.total_cents,
        currency=order.currency.lower(),
        source="test",
    )
    order.payment_intent_id = facts.payment_intent_id
    mark_paid(order, facts)
    db.session.commit()
    return order


def available(product: Product) -> int:
    return availability_for([product.id], on=today())[product.id].quantity


@pytest.fixture
def pays_on_local_stripe(app: Flask, local_stripe, monkeypatch):
    """The session's app pays on the local Stripe server for this test."""
    for name, value in local_stripe.app_config.items():
        monkeypatch.setitem(app.config, name, value)
    # The Stripe client is built once per app, with the API base of its first use.
    monkeypatch.delitem(app.extensions, EXTENSION_KEY, raising=False)
    yield local_stripe
    app.extensions.pop(EXTENSION_KEY, None)
