"""Helpers for the checkout and order pages: a professional with a filled cart, an
address as the checkout form posts it, orders placed and paid through the services."""

from __future__ import annotations

from dataclasses import dataclass

from shop.catalog.models import Product
from shop.checkout.placing import ShippingAddress, place_order
from shop.checkout.services import add_to_cart
from shop.database import utcnow
from shop.extensions import db
from shop.inventory.services import availability_for, today
from shop.orders.models import Order
from shop.orders.services import lock_order
from shop.payments.settle import apply_intent
from tests.factories import STANDARD, make_shipping

ADDRESS = {
    "clinic_name": "Clinique Lumière",
    "address_line1": "12 Fitzwilliam Square",
    "address_line2": "2nd floor",
    "city": "Dublin 2",
    "region": "Co. Dublin",
    "postal_code": "D02 X285",
    "country": "IE",
    "phone": "+353 1 234 5678",
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
    make_shipping()
    order = place_order(user, ShippingAddress(**(address or ADDRESS)), STANDARD, now=utcnow())
    db.session.commit()
    return order


def pay(order: Order) -> Order:
    """Paid, as a verified Stripe event about its PaymentIntent would have it."""
    intent = {
        "id": f"pi_test_{order.id}",
        "status": "succeeded",
        "amount": order.total_cents,
        "currency": order.currency.lower(),
    }
    apply_intent(lock_order(order.id), intent, "test", refunded_cents=0)
    db.session.commit()
    return order


def available(product: Product) -> int:
    return availability_for([product.id], on=today())[product.id].quantity
