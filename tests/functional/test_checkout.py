"""The cart and the checkout: a saved address, the shipping methods that serve it with
their prices, the gate asked again (where the order goes included), the order placed
in one transaction, one unpaid order per cart, and refusals that leave nothing behind."""

from __future__ import annotations

import re
from dataclasses import replace
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
from shop.shipping.addresses import ShippingAddress, save_address
from shop.shipping.models import ClinicAddress
from tests.factories import make_product, make_professional, make_shipping
from tests.functional.ordering import ADDRESS, Shop, available, fill_cart, place


@pytest.fixture
def shop(app) -> Shop:
    hydra = make_product("Hydra Checkout", slug="hydra-checkout", price_cents=10000, stock=50)
    biotin = make_product("Biotin Checkout", slug="biotin-checkout", price_cents=4550, stock=3)
    pro = make_professional(name="Dr Aoife Byrne", profession=Profession.NURSE)
    make_shipping()  # 15.00 into IE, ES, GB; free from 300.00
    make_shipping("express", price_cents=2500, free_from_cents=None)
    make_shipping("cold-chain", price_cents=3900, free_from_cents=None, cold_chain=True)
    save_address(pro, ShippingAddress(**ADDRESS))
    db.session.commit()
    return Shop(pro, hydra, biotin)


def orders_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Order))


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def chosen_address_id(html: str) -> str:
    return re.search(r'name="address_id"[^>]*value="(\d+)"', html).group(1)


def checkout(client, csrf_token, method="standard", address_id=None):
    html = client.get("/checkout").get_data(as_text=True)
    data = {
        "csrf_token": csrf_token("/checkout"),
        "address_id": address_id or chosen_address_id(html),
        "method": method,
    }
    return client.post("/checkout", data=data)


# The cart ------------------------------------------------------------------


def test_the_cart_shows_the_subtotal_and_leaves_shipping_to_the_checkout(client, login, shop):
    fill_cart(shop.pro, (shop.hydra, 1), (shop.biotin, 2))  # 100.00 + 91.00
    login(shop.pro)
    html = client.get("/cart").get_data(as_text=True)
    page = text(html)
    assert "Subtotal (3 packs) excl. VAT €191.00" in page
    assert (
        "Shipping is priced at checkout, by the methods that serve your clinic's address." in page
    )
    assert 'href="/checkout"' in html


def test_the_cart_offers_no_checkout_while_a_line_cannot_be_bought(client, login, shop):
    fill_cart(shop.pro, (shop.hydra, 1), (shop.biotin, 3))
    lot = db.session.scalar(select(StockLot).where(StockLot.product_id == shop.biotin.id))
    lot.quantity_on_hand = 1  # sold elsewhere since
    db.session.commit()
    login(shop.pro)
    html = client.get("/cart").get_data(as_text=True)
    assert "Only 1 pack of Biotin Checkout is in stock: lower the quantity." in text(html)
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


def test_checkout_without_a_saved_address_asks_for_one_and_comes_back(
    client, login, csrf_token, shop
):
    newcomer = make_professional()
    db.session.commit()
    fill_cart(newcomer, (shop.hydra, 1))
    login(newcomer)
    response = client.get("/checkout")
    assert response.status_code == 303
    assert response.headers["Location"] == "/account/addresses/new?then=checkout"
    token = csrf_token("/account/addresses/new?then=checkout")
    saved = client.post(
        "/account/addresses/new?then=checkout", data={**ADDRESS, "csrf_token": token}
    )
    assert saved.status_code == 303
    assert re.fullmatch(r"/checkout\?address=\d+", saved.headers["Location"])
    page = text(client.get(saved.headers["Location"]).get_data(as_text=True))
    assert "Clinique Lumière" in page and "Standard: An Post" in page


def test_checkout_starts_from_the_default_address_and_prices_each_method(client, login, shop):
    other = save_address(
        shop.pro, ShippingAddress(**{**ADDRESS, "clinic_name": "Second Clinic"}), make_default=True
    )
    db.session.commit()
    fill_cart(shop.pro, (shop.hydra, 2))
    login(shop.pro)
    html = client.get("/checkout").get_data(as_text=True)
    page = text(html)
    assert re.search(rf'id="address-{other.id}" value="{other.id}" checked', html)
    assert (
        "Standard: An Post, 2 to 4 working days. €15.00 excl. VAT (order total €215.00 incl. VAT)"
        in page
    )
    assert (
        "Express: An Post, 2 to 4 working days. €25.00 excl. VAT (order total €225.00 incl. VAT)"
        in page
    )
    # Nothing here needs the cold chain; it is offered all the same.
    assert (
        "Cold Chain: An Post, 2 to 4 working days. €39.00 excl. VAT (order total €239.00 incl. VAT)"
        in page
    )
    assert "Subtotal (excl. VAT) €200.00" in page and "Shipping (excl. VAT) €15.00" in page
    assert "Total (incl. VAT) €215.00" in page


def test_checkout_offers_only_cold_chain_for_a_product_that_needs_it(client, login, shop):
    vaccine = make_product("Cool PDRN", price_cents=5000, stock=5, requires_cold_chain=True)
    db.session.commit()
    fill_cart(shop.pro, (shop.hydra, 1), (vaccine, 1))
    login(shop.pro)
    page = text(client.get("/checkout").get_data(as_text=True))
    assert "Cold Chain: An Post" in page
    assert "Standard: An Post" not in page and "Express: An Post" not in page


def test_checkout_places_the_order_with_its_method_and_a_copy_of_the_address(
    client, login, csrf_token, shop
):
    fill_cart(shop.pro, (shop.hydra, 2), (shop.biotin, 1))
    login(shop.pro)
    response = checkout(client, csrf_token, method="express")
    assert response.status_code == 303
    order = db.session.scalar(select(Order).where(Order.user_id == shop.pro.id))
    assert response.headers["Location"] == f"/orders/{order.number}/pay"
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert (order.clinic_name, order.city, order.region, order.country, order.phone) == (
        "Clinique Lumière",
        "Dublin 2",
        "Co. Dublin",
        "IE",
        "+353 1 234 5678",
    )
    assert (order.shipping_method_code, order.shipping_method_name, order.shipping_carrier) == (
        "express",
        "Express",
        "An Post",
    )
    assert [(line.sku, line.quantity, line.unit_price_cents) for line in order.lines] == [
        (shop.hydra.sku, 2, 10000),
        (shop.biotin.sku, 1, 4550),
    ]
    assert (order.subtotal_cents, order.shipping_cents, order.total_cents) == (24550, 2500, 27050)
    assert (available(shop.hydra), available(shop.biotin)) == (48, 2)

    # The address book changes; the order keeps where it was sent.
    row = db.session.scalar(select(ClinicAddress).where(ClinicAddress.user_id == shop.pro.id))
    save_address(shop.pro, replace(ShippingAddress(**ADDRESS), city="Cork"), address_id=row.id)
    db.session.commit()
    db.session.refresh(order)
    assert order.city == "Dublin 2"


def test_a_method_that_does_not_serve_the_cart_is_refused_with_nothing_placed(
    client, login, csrf_token, shop
):
    fill_cart(shop.pro, (shop.hydra, 1))
    login(shop.pro)
    response = checkout(client, csrf_token, method="teleport")
    assert response.status_code == 409
    page = text(response.get_data(as_text=True))
    assert "Choose one of the shipping methods offered for this address." in page
    assert orders_count() == 0 and available(shop.hydra) == 50


def test_the_gate_refuses_an_address_outside_the_licence_with_its_reason_at_checkout(
    client, login, csrf_token, shop
):
    paris = save_address(
        shop.pro,
        ShippingAddress(
            "Clinique Paris", "12 Rue de la Paix", "Paris", "75002", "FR", "+33 1 23 45 67 89"
        ),
    )
    make_shipping("france", areas="FR")
    db.session.commit()
    fill_cart(shop.pro, (shop.hydra, 1))
    login(shop.pro)
    html = client.get(f"/checkout?address={paris.id}").get_data(as_text=True)
    assert 'data-code="outside_licence_jurisdiction"' in html
    licence = db.session.scalar(select(Licence).where(Licence.user_id == shop.pro.id))
    assert (
        f"Your licence {licence.licence_number} covers orders shipped within Ireland, and this "
        "address is in France. Choose a clinic address in Ireland, or submit a licence issued "
        "for France." in text(html)
    )
    assert ">Choose another address</a>" in html
    assert 'name="method"' not in html  # nothing to choose for nothing

    response = checkout(client, csrf_token, method="france", address_id=str(paris.id))
    assert response.status_code == 403
    assert 'data-reason="outside_licence_jurisdiction"' in response.get_data(as_text=True)
    assert orders_count() == 0 and available(shop.hydra) == 50


def test_the_gate_at_checkout_a_licence_that_expired_after_the_item_went_into_the_cart_stops_the_checkout_with_its_reason(
    client, login, csrf_token, shop
):
    fill_cart(shop.pro, (shop.hydra, 1))
    login(shop.pro)
    html = client.get("/checkout").get_data(as_text=True)
    token, address_id = csrf_token("/checkout"), chosen_address_id(html)
    licence = db.session.scalar(select(Licence).where(Licence.user_id == shop.pro.id))
    licence.expires_on = today() - timedelta(days=1)  # ran out since the cart was filled
    db.session.commit()

    html = client.get("/checkout").get_data(as_text=True)
    assert 'data-reason="licence_expired"' in html
    assert "Your licence expired on" in text(html)
    assert ">Upload the renewal</a>" in html  # the next step
    assert 'name="method"' not in html  # no form to fill in for nothing

    response = client.post(
        "/checkout", data={"csrf_token": token, "address_id": address_id, "method": "standard"}
    )
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
    html = client.get("/checkout").get_data(as_text=True)
    token, address_id = csrf_token("/checkout"), chosen_address_id(html)
    place(other)  # takes 2 of the 3 biotin while the first buyer chooses a method

    response = client.post(
        "/checkout", data={"csrf_token": token, "address_id": address_id, "method": "standard"}
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert 'data-code="not_enough_stock"' in html
    assert "Only 1 pack of Biotin Checkout is in stock: lower the quantity." in text(html)
    assert "Nothing was ordered and no stock was held." in text(html)
    assert db.session.scalar(select(func.count()).select_from(Order)) == 1  # the other's only
    held = db.session.scalars(select(StockReservation.quantity)).all()
    assert held == [2]
    assert (available(shop.hydra), available(shop.biotin)) == (50, 1)


def test_a_checkout_without_the_form_token_is_refused(client, login, shop):
    fill_cart(shop.pro, (shop.hydra, 1))
    login(shop.pro)
    response = client.post("/checkout", data={"method": "standard", "address_id": "1"})
    assert response.status_code == 400
    assert orders_count() == 0


# One unpaid order per cart -------------------------------------------------------


def test_a_second_checkout_from_the_same_cart_resumes_the_unpaid_order(
    client, login, csrf_token, shop
):
    fill_cart(shop.pro, (shop.hydra, 2))
    login(shop.pro)
    first = checkout(client, csrf_token)
    order = db.session.scalar(select(Order).where(Order.user_id == shop.pro.id))
    assert first.headers["Location"] == f"/orders/{order.number}/pay"

    cart = text(client.get("/cart").get_data(as_text=True))
    assert f"Order {order.number} from this cart is waiting for payment." in cart
    assert f"Order {order.number} is waiting for payment: pay it" in cart  # the header says so
    again = client.get("/checkout")
    assert again.status_code == 303 and again.headers["Location"] == f"/orders/{order.number}"
    flashed = text(client.get(again.headers["Location"]).get_data(as_text=True))
    assert (
        f"Order {order.number} is waiting for payment: pay it, or cancel it to start again."
        in flashed
    )

    # Posting the checkout again (a second tab, the back button) places nothing either.
    token = csrf_token(f"/orders/{order.number}")
    posted = client.post(
        "/checkout", data={"csrf_token": token, "address_id": "1", "method": "standard"}
    )
    assert posted.status_code == 303 and posted.headers["Location"] == f"/orders/{order.number}"
    assert orders_count() == 1
    assert available(shop.hydra) == 48  # held once


def test_cancelling_the_waiting_order_releases_its_stock_and_lets_the_cart_check_out_again(
    client, login, csrf_token, shop
):
    fill_cart(shop.pro, (shop.hydra, 2))
    login(shop.pro)
    checkout(client, csrf_token)
    order = db.session.scalar(select(Order).where(Order.user_id == shop.pro.id))
    token = csrf_token(f"/orders/{order.number}")
    client.post(f"/orders/{order.number}/cancel", data={"csrf_token": token})
    assert available(shop.hydra) == 50
    second = checkout(client, csrf_token)
    assert second.status_code == 303 and second.headers["Location"].endswith("/pay")
    assert orders_count() == 2 and available(shop.hydra) == 48


def test_a_waiting_order_whose_time_ran_out_gives_way_to_a_new_checkout(
    client, login, csrf_token, shop
):
    fill_cart(shop.pro, (shop.hydra, 2))
    held = place(shop.pro)
    held.reserved_until = held.placed_at - timedelta(minutes=1)
    db.session.commit()
    login(shop.pro)
    response = checkout(client, csrf_token)
    assert response.status_code == 303 and response.headers["Location"].endswith("/pay")
    db.session.refresh(held)
    assert held.status == OrderStatus.CANCELLED
    assert available(shop.hydra) == 48
