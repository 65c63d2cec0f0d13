"""The cart: add from pages, change, remove, totals, flagged lines, refusals that change nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from shop.catalog.enums import Profession
from shop.checkout.models import CartLine
from shop.extensions import db
from shop.inventory.services import receive_stock, today
from shop.licensing.enums import LicenceStatus
from shop.licensing.models import Licence
from tests.factories import make_licence, make_product, make_professional, make_user


@pytest.fixture
def shop(app):
    hydra = make_product("Hydra Cart", slug="hydra-cart", price_cents=10000, stock=50)
    biotin = make_product("Biotin Cart", slug="biotin-cart", price_cents=4550, stock=3)
    nurses_not = make_product(
        "Doctors Only", slug="doctors-only", professions=[Profession.PHYSICIAN], stock=10
    )
    pro = make_professional(name="Dr Aoife Byrne", profession=Profession.NURSE)
    db.session.commit()
    return {"hydra": hydra, "biotin": biotin, "doctors": nurses_not, "pro": pro}


def lines(user) -> dict[str, int]:
    db.session.expire_all()
    return {
        line.product.slug: line.quantity
        for line in db.session.query(CartLine).filter_by(user_id=user.id)
    }


def add(client, csrf_token, product, quantity, *, next_page="/products", follow=False):
    return client.post(
        "/cart/add",
        data={
            "csrf_token": csrf_token("/cart"),
            "product_id": product.id,
            "quantity": quantity,
            "next": next_page,
        },
        follow_redirects=follow,
    )


def line_html(html: str, product) -> str:
    return re.search(rf'data-product-id="{product.id}".*?</li>', html, re.S).group(0)


def flashes(html: str) -> list[str]:
    return [
        " ".join(text.split())
        for text in re.findall(r'<div class="alert alert-\w+">(.*?)</div>', html, re.S)
    ]


def test_adding_from_the_product_page_comes_back_to_it_with_a_message(
    client, login, csrf_token, shop
):
    login(shop["pro"])
    page = client.get("/products/hydra-cart").get_data(as_text=True)
    assert 'action="/cart/add"' in page and 'name="quantity"' in page
    response = add(client, csrf_token, shop["hydra"], 2, next_page="/products/hydra-cart")
    assert response.status_code == 303
    assert response.headers["Location"] == "/products/hydra-cart"
    html = client.get("/products/hydra-cart").get_data(as_text=True)
    assert "Added 2 × Hydra Cart to your cart." in flashes(html)
    assert lines(shop["pro"]) == {"hydra-cart": 2}


def test_adding_again_adds_to_the_line(client, login, csrf_token, shop):
    login(shop["pro"])
    add(client, csrf_token, shop["hydra"], 2)
    add(client, csrf_token, shop["hydra"], 3)
    assert lines(shop["pro"]) == {"hydra-cart": 5}


def test_listing_cards_carry_an_add_form_with_a_quantity_for_a_verified_professional(
    client, login, csrf_token, shop
):
    login(shop["pro"])
    html = client.get("/products").get_data(as_text=True)
    card = re.search(rf'data-product-id="{shop["hydra"].id}".*?</article>', html, re.S).group(0)
    assert 'name="quantity"' in card and 'name="product_id"' in card
    assert f'<label class="visually-hidden" for="quantity-{shop["hydra"].id}">' in card
    # Not the nurse's: the card says why, and offers no form.
    doctors = re.search(rf'data-product-id="{shop["doctors"].id}".*?</article>', html, re.S)
    assert "Not sold to nurses: this product is for physicians." in doctors.group(0)
    assert "<form" not in doctors.group(0)
    response = add(client, csrf_token, shop["biotin"], 3, next_page="/products?q=cart")
    assert response.headers["Location"] == "/products?q=cart"
    assert lines(shop["pro"]) == {"biotin-cart": 3}


def test_listing_cards_offer_no_form_to_visitors_who_may_not_buy(client, login, shop):
    html = client.get("/products").get_data(as_text=True)
    assert "/cart/add" not in html and 'name="quantity"' not in html
    login(make_user())  # no licence
    html = client.get("/products").get_data(as_text=True)
    assert "/cart/add" not in html and 'name="quantity"' not in html


def test_the_cart_shows_line_totals_and_the_subtotal(client, login, csrf_token, shop):
    login(shop["pro"])
    add(client, csrf_token, shop["hydra"], 2)
    add(client, csrf_token, shop["biotin"], 3)
    html = client.get("/cart").get_data(as_text=True)
    hydra = line_html(html, shop["hydra"])
    biotin = line_html(html, shop["biotin"])
    assert "€100.00" in hydra and "€200.00" in hydra
    assert "€45.50" in biotin and "€136.50" in biotin
    assert re.search(r'class="h5 mb-0 subtotal">.*€336.50', html, re.S)
    assert "(5 packs)" in html
    assert "cart-problems" not in html


def test_changing_a_quantity_and_removing_a_line(client, login, csrf_token, shop):
    login(shop["pro"])
    add(client, csrf_token, shop["hydra"], 2)
    add(client, csrf_token, shop["biotin"], 1)
    token = csrf_token("/cart")
    response = client.post(
        f"/cart/{shop['hydra'].id}/quantity", data={"csrf_token": token, "quantity": 7}
    )
    assert (response.status_code, response.headers["Location"]) == (303, "/cart")
    assert lines(shop["pro"]) == {"hydra-cart": 7, "biotin-cart": 1}
    response = client.post(f"/cart/{shop['biotin'].id}/remove", data={"csrf_token": token})
    assert response.status_code == 303
    assert lines(shop["pro"]) == {"hydra-cart": 7}
    html = client.get("/cart").get_data(as_text=True)
    assert "Removed from your cart." in flashes(html)


@pytest.mark.parametrize("quantity", ["0", "-2", "1.5", "abc", "", "100", "99999999999999999999"])
def test_a_quantity_that_is_not_a_whole_number_from_1_to_99_is_refused(
    client, login, csrf_token, shop, quantity
):
    login(shop["pro"])
    add(client, csrf_token, shop["hydra"], 1)
    response = add(client, csrf_token, shop["hydra"], quantity, follow=True)
    assert "The quantity must be a whole number from 1 to 99." in flashes(
        response.get_data(as_text=True)
    )
    response = client.post(
        f"/cart/{shop['hydra'].id}/quantity",
        data={"csrf_token": csrf_token("/cart"), "quantity": quantity},
        follow_redirects=True,
    )
    assert "The quantity must be a whole number from 1 to 99." in flashes(
        response.get_data(as_text=True)
    )
    assert lines(shop["pro"]) == {"hydra-cart": 1}


def test_more_than_is_in_stock_is_refused_on_add(client, login, csrf_token, shop):
    login(shop["pro"])
    response = add(client, csrf_token, shop["biotin"], 4, follow=True)
    assert "Only 3 packs of Biotin Cart are in stock: lower the quantity." in flashes(
        response.get_data(as_text=True)
    )
    assert lines(shop["pro"]) == {}


def test_an_unknown_product_is_refused_with_a_404_and_nothing_changes(
    client, login, csrf_token, shop
):
    login(shop["pro"])
    response = client.post(
        "/cart/add",
        data={"csrf_token": csrf_token("/cart"), "product_id": 999999, "quantity": 1},
    )
    assert response.status_code == 404
    assert "There is no such product in the catalogue." in response.get_data(as_text=True)
    response = client.post(
        "/cart/add",
        data={"csrf_token": csrf_token("/cart"), "product_id": "hydra", "quantity": 1},
    )
    assert response.status_code == 404
    response = client.post(
        "/cart/999999/quantity", data={"csrf_token": csrf_token("/cart"), "quantity": 2}
    )
    assert "That product is not in your cart." in flashes(
        client.get("/cart").get_data(as_text=True)
    )
    assert lines(shop["pro"]) == {}


def test_an_inactive_product_cannot_be_added(client, login, csrf_token, shop):
    login(shop["pro"])
    shop["hydra"].is_active = False
    db.session.commit()
    assert add(client, csrf_token, shop["hydra"], 1).status_code == 404
    assert lines(shop["pro"]) == {}


def test_posting_without_a_valid_csrf_token_is_refused_and_changes_nothing(
    client, login, csrf_token, shop
):
    login(shop["pro"])
    add(client, csrf_token, shop["hydra"], 1)
    for data in (
        {"product_id": shop["hydra"].id, "quantity": 2},
        {"csrf_token": "forged", "product_id": shop["hydra"].id, "quantity": 2},
    ):
        response = client.post("/cart/add", data=data)
        assert response.status_code == 400
        assert "CSRF token" in response.get_data(as_text=True)
    assert client.post(f"/cart/{shop['hydra'].id}/remove").status_code == 400
    assert (
        client.post(f"/cart/{shop['hydra'].id}/quantity", data={"quantity": 5}).status_code == 400
    )
    assert lines(shop["pro"]) == {"hydra-cart": 1}


def test_another_visitors_token_does_not_open_this_cart(app, client, login, csrf_token, shop):
    other = app.test_client()
    login(make_professional(), on=other)
    stolen = csrf_token("/cart", on=other)
    login(shop["pro"])
    client.get("/cart")
    response = client.post(
        "/cart/add", data={"csrf_token": stolen, "product_id": shop["hydra"].id, "quantity": 1}
    )
    assert response.status_code == 400
    assert lines(shop["pro"]) == {}


def test_the_gate_refuses_adding_for_each_buyer_reason(client, login, csrf_token, shop):
    pending = make_user()
    make_licence(pending, status=LicenceStatus.PENDING)
    db.session.commit()
    login(pending)
    response = add(client, csrf_token, shop["hydra"], 1, follow=True)
    assert "Your licence is waiting for review" in flashes(response.get_data(as_text=True))[0]
    assert lines(pending) == {}

    login(shop["pro"])  # a nurse, and this product is for physicians
    response = add(client, csrf_token, shop["doctors"], 1, follow=True)
    assert "Not sold to nurses: this product is for physicians." in flashes(
        response.get_data(as_text=True)
    )
    assert lines(shop["pro"]) == {}


def test_the_cart_is_for_logged_in_visitors(client, shop):
    response = client.get("/cart")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_lines_the_user_may_no_longer_buy_are_flagged_with_their_reason(
    client, login, csrf_token, shop
):
    pro = shop["pro"]
    login(pro)
    add(client, csrf_token, shop["hydra"], 2)
    add(client, csrf_token, shop["biotin"], 3)
    # Since then: Hydra left the catalogue, and someone bought Biotin.
    shop["hydra"].is_active = False
    db.session.add(CartLine(user_id=pro.id, product_id=shop["doctors"].id, quantity=1))
    db.session.commit()
    from shop.inventory.models import StockLot

    lot = db.session.query(StockLot).filter_by(product_id=shop["biotin"].id).one()
    lot.quantity_on_hand = 1
    db.session.commit()

    html = client.get("/cart").get_data(as_text=True)
    problems = dict(re.findall(r'data-product-id="(\d+)".*?data-problem="(\w+)"', html, re.S))
    assert problems == {
        str(shop["hydra"].id): "product_inactive",
        str(shop["biotin"].id): "not_enough_stock",
        str(shop["doctors"].id): "profession_not_allowed",
    }
    assert "Only 1 pack of Biotin Cart is in stock: lower the quantity." in html
    assert "Hydra Cart is no longer sold: remove it." in html
    assert "3 lines cannot be ordered" in html

    # Out of stock altogether, and a licence that lapses: every line says so.
    lot.quantity_on_hand = 0
    db.session.query(Licence).filter_by(user_id=pro.id).one().expires_on = today() - timedelta(
        days=1
    )
    db.session.commit()
    html = client.get("/cart").get_data(as_text=True)
    assert html.count('data-problem="licence_expired"') == 2  # the active products
    assert 'data-problem="product_inactive"' in html
    assert "upload the renewal" in html


def test_a_line_over_the_stock_is_flagged_until_the_stock_comes_back(
    client, login, csrf_token, shop
):
    login(shop["pro"])
    add(client, csrf_token, shop["biotin"], 3)
    from shop.inventory.models import StockLot

    db.session.query(StockLot).filter_by(product_id=shop["biotin"].id).one().quantity_on_hand = 0
    db.session.commit()
    assert "Biotin Cart is out of stock." in client.get("/cart").get_data(as_text=True)
    receive_stock(
        shop["biotin"], lot_number="B2", expires_on=today() + timedelta(days=200), quantity=5
    )
    db.session.commit()
    assert "data-problem" not in client.get("/cart").get_data(as_text=True)


def test_the_header_counts_the_packs_in_the_cart(client, login, csrf_token, shop, count_queries):
    login(shop["pro"])
    assert re.search(r"data-cart-count>0<", client.get("/products").get_data(as_text=True))
    add(client, csrf_token, shop["hydra"], 2)
    add(client, csrf_token, shop["biotin"], 3)
    for path in ("/products", "/products/hydra-cart", "/cart", "/"):
        assert re.search(r"data-cart-count>5<", client.get(path).get_data(as_text=True)), path
    # The count costs one small statement per page.
    for path in ("/products", "/cart"):
        with count_queries() as counter:
            client.get(path)
        counts = [s for s in counter.statements if "sum(cart_lines.quantity)" in s.lower()]
        assert len(counts) == 1, path


def test_the_header_count_is_for_logged_in_visitors_only(client, count_queries, shop):
    with count_queries() as counter:
        html = client.get("/").get_data(as_text=True)
    assert "data-cart-count" not in html
    assert not any("cart_lines" in statement for statement in counter.statements)


def test_a_next_page_elsewhere_is_not_followed(client, login, csrf_token, shop):
    login(shop["pro"])
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = add(client, csrf_token, shop["hydra"], 1, next_page=target)
        assert response.headers["Location"] == "/cart"


def test_the_product_page_shows_each_reason_instead_of_the_button(client, login, shop):
    html = client.get("/products/hydra-cart").get_data(as_text=True)
    assert "Log in to order" in html and 'href="/login?next=/products/hydra-cart"' in html
    assert 'href="/register"' in html and "Add to cart" not in html

    unconfirmed = make_user(confirmed=False)
    no_licence = make_user()
    rejected = make_user()
    licence = make_licence(rejected, status=LicenceStatus.REJECTED)
    licence.reason = "The number does not match the register"
    db.session.commit()
    for user, text, link in (
        (unconfirmed, "Confirm your e-mail", 'href="/account"'),
        (no_licence, "Submit your licence", 'href="/licence"'),
        (rejected, "Your licence was rejected: The number does not match the register.", None),
    ):
        login(user)
        html = client.get("/products/hydra-cart").get_data(as_text=True)
        assert text in html, text
        assert link is None or link in html
        assert "Add to cart" not in html

    login(shop["pro"])
    html = client.get("/products/doctors-only").get_data(as_text=True)
    assert "Not sold to nurses: this product is for physicians." in html
    assert "Add to cart" not in html
    assert "Add to cart" in client.get("/products/hydra-cart").get_data(as_text=True)


def test_an_out_of_stock_product_offers_no_form(client, login, shop):
    empty = make_product("Empty Shelf", slug="empty-shelf")
    db.session.commit()
    login(shop["pro"])
    html = client.get("/products/empty-shelf").get_data(as_text=True)
    assert "Out of stock: you can order it when the next lot arrives." in html
    assert "Add to cart" not in html
    assert empty.id
