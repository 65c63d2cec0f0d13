"""The cart's totals and the checkout: the address form, the gate asked again, the order
placed in one transaction, and refusals that leave nothing behind."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from shop.catalog.enums import Profession
from shop.extensions import db
from shop.inventory.models import StockLot, StockReservation
from shop.inventory.services import today
from shop.licensing.models import Licence
from shop.orders.enums import OrderStatus
from shop.orders.models import Order
from tests.factories import make_product, make_professional
from tests.functional.conftest import field_errors
from tests.functional.ordering import ADDRESS, Shop, available, fill_cart, place


@pytest.fixture
def shop(app) -> Shop:
    hydra = make_product("Hydra Checkout", slug="hydra-checkout", price_cents=10000, stock=50)
    biotin = make_product("Biotin Checkout", slug="biotin-checkout", price_cents=4550, stock=3)
    pro = make_professional(name="Dr Aoife Byrne", profession=Profession.NURSE)
    db.session.commit()
    return Shop(pro, hydra, biotin)


def orders_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Order))


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def checkout(client, csrf_token, **changes):
    data = {**ADDRESS, **changes, "csrf_token": csrf_token("/checkout")}
    return client.post("/checkout", data=data)


# The cart ------------------------------------------------------------------


def test_the_cart_shows_the_flat_shipping_the_total_and_what_is_missing_for_free_shipping(
    client, login, shop
):
    fill_cart(shop.pro, (shop.hydra, 1), (shop.biotin, 2))  # 100.00 + 91.00
    login(shop.pro)
    page = text(client.get("/cart").get_data(as_text=True))
    assert "Shipping €15.00" in page
    assert "Total €206.00" in page
    assert "Add €109.00 more for free shipping." in page
    assert 'href="/checkout"' in client.get("/cart").get_data(as_text=True)


def test_the_cart_ships_free_from_the_threshold(client, login, shop):
    fill_cart(shop.pro, (shop.hydra, 3))  # 300.00: the threshold itself
    login(shop.pro)
    page = text(client.get("/cart").get_data(as_text=True))
    assert "Shipping Free" in page
    assert "Total €300.00" in page
    assert "more for free shipping" not in page


def test_the_cart_offers_no_checkout_while_a_line_cannot_be_bought(client, login, shop):
    fill_cart(shop.pro, (shop.hydra, 1), (shop.biotin, 3))
    lot = db.session.scalar(select(StockLot).where(StockLot.product_id == shop.biotin.id))
    lot.quantity_on_hand = 1  # sold elsewhere since
    db.session.commit()
    login(shop.pro)
    html = client.get("/cart").get_data(as_text=True)
    assert "Only 1 in stock: lower the quantity." in html
    assert 'href="/checkout"' not in html


# The checkout page -----------------------------------------------------------


def test_checkout_needs_a_login(client):
    response = client.get("/checkout")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_checkout_of_an_empty_cart_goes_back_to_the_cart_and_says_why(client, login, shop):
    login(shop.pro)
    response = client.get("/checkout")
    assert response.status_code == 303 and response.headers["Location"] == "/cart"
    assert "Your cart is empty" in client.get("/cart").get_data(as_text=True)


def test_checkout_shows_the_summary_and_an_empty_form_the_first_time(client, login, shop):
    fill_cart(shop.pro, (shop.hydra, 2))
    login(shop.pro)
    html = client.get("/checkout").get_data(as_text=True)
    page = text(html)
    assert "Hydra Checkout" in page
    assert "Subtotal €200.00" in page and "Shipping €15.00" in page and "Total €215.00" in page
    assert re.search(r'id="clinic_name"[^>]*value=""', html)
    assert '<option value="FR">France</option>' in html


def test_checkout_starts_from_the_address_of_the_last_order(client, login, shop):
    fill_cart(shop.pro, (shop.hydra, 1))
    place(shop.pro)
    fill_cart(shop.pro, (shop.biotin, 1))
    login(shop.pro)
    html = client.get("/checkout").get_data(as_text=True)
    assert 'value="Clinique Lumière"' in html
    assert 'value="12 Rue de la Paix"' in html
    assert '<option selected value="FR">France</option>' in html


def test_checkout_places_the_order_holds_the_stock_and_goes_to_the_payment_page(
    client, login, csrf_token, shop
):
    fill_cart(shop.pro, (shop.hydra, 2), (shop.biotin, 1))
    login(shop.pro)
    response = checkout(client, csrf_token)
    assert response.status_code == 303
    order = db.session.scalar(select(Order).where(Order.user_id == shop.pro.id))
    assert response.headers["Location"] == f"/orders/{order.number}/pay"
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert (order.clinic_name, order.city, order.country, order.phone) == (
        "Clinique Lumière",
        "Paris",
        "FR",
        "+33 1 23 45 67 89",
    )
    assert [(line.sku, line.quantity, line.unit_price_cents) for line in order.lines] == [
        (shop.hydra.sku, 2, 10000),
        (shop.biotin.sku, 1, 4550),
    ]
    assert (order.subtotal_cents, order.shipping_cents, order.total_cents) == (24550, 1500, 26050)
    assert (available(shop.hydra), available(shop.biotin)) == (48, 2)


def test_each_field_error_is_shown_next_to_its_field_and_what_was_typed_stays(
    client, login, csrf_token, shop
):
    fill_cart(shop.pro, (shop.hydra, 1))
    login(shop.pro)
    response = checkout(client, csrf_token, city="", country="QQ", phone="call me")
    html = response.get_data(as_text=True)
    assert field_errors(html, "city") == ["Enter the city."]
    assert field_errors(html, "country") == ["Not a valid choice."]
    assert field_errors(html, "phone") == [
        "Enter a phone number: 6 to 32 digits, spaces and + - ( ) only."
    ]
    assert field_errors(html, "clinic_name") == []
    assert 'value="Clinique Lumière"' in html and 'value="call me"' in html
    assert orders_count() == 0
    assert available(shop.hydra) == 50


def test_the_gate_at_checkout_a_licence_that_expired_after_the_item_went_into_the_cart_stops_the_checkout_with_its_reason(
    client, login, csrf_token, shop
):
    fill_cart(shop.pro, (shop.hydra, 1))
    login(shop.pro)
    token = csrf_token("/checkout")
    licence = db.session.scalar(select(Licence).where(Licence.user_id == shop.pro.id))
    licence.expires_on = today() - timedelta(days=1)  # ran out since the cart was filled
    db.session.commit()

    html = client.get("/checkout").get_data(as_text=True)
    assert 'data-reason="licence_expired"' in html
    assert "Your licence expired on" in text(html)
    assert ">Upload the renewal</a>" in html  # the next step
    assert 'id="clinic_name"' not in html  # no form to fill in for nothing

    response = client.post("/checkout", data={**ADDRESS, "csrf_token": token})
    assert response.status_code == 403
    assert 'data-reason="licence_expired"' in response.get_data(as_text=True)
    assert orders_count() == 0
    assert available(shop.hydra) == 50


def test_short_stock_fails_the_checkout_as_a_whole_with_nothing_left_behind(
    client, login, csrf_token, shop
):
    other = make_professional()
    db.session.commit()
    fill_cart(shop.pro, (shop.hydra, 2), (shop.biotin, 3))
    fill_cart(other, (shop.biotin, 2))
    login(shop.pro)
    token = csrf_token("/checkout")
    place(other)  # takes 2 of the 3 biotin while the first buyer types the address

    response = client.post("/checkout", data={**ADDRESS, "csrf_token": token})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert 'data-code="not_enough_stock"' in html
    assert "Biotin Checkout: Only 1 in stock: lower the quantity." in text(html)
    assert "Nothing was ordered and no stock was held." in text(html)
    assert 'value="Clinique Lumière"' in html  # what was typed stays
    assert db.session.scalar(select(func.count()).select_from(Order)) == 1  # the other's only
    held = db.session.scalars(select(StockReservation.quantity)).all()
    assert held == [2]
    assert (available(shop.hydra), available(shop.biotin)) == (50, 1)


def test_a_checkout_without_the_form_token_is_refused(client, login, shop):
    fill_cart(shop.pro, (shop.hydra, 1))
    login(shop.pro)
    response = client.post("/checkout", data=ADDRESS)
    assert response.status_code == 400
    assert orders_count() == 0
