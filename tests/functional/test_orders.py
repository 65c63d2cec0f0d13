"""The professional's orders: the list, each order's page, paying, the return from
Stripe, cancelling, ordering again and the receipt; and who may see what."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select

from shop.catalog.enums import Profession
from shop.checkout.models import CartLine
from shop.extensions import db
from shop.inventory.models import StockLot
from shop.orders.enums import OrderStatus, PaymentState
from shop.orders.models import Order
from shop.security import origin_of
from tests.factories import make_admin, make_product, make_professional
from tests.functional.ordering import Shop, available, fill_cart, pay, place
from tests.stripe_server import card_fields, post_as_stripe_js


@pytest.fixture
def shop(app) -> Shop:
    hydra = make_product("Hydra Order", slug="hydra-order", price_cents=10000, stock=50)
    biotin = make_product("Biotin Order", slug="biotin-order", price_cents=4550, stock=3)
    pro = make_professional(name="Dr Aoife Byrne", profession=Profession.NURSE)
    db.session.commit()
    return Shop(pro, hydra, biotin)


@pytest.fixture
def order(shop) -> Order:
    fill_cart(shop.pro, (shop.hydra, 2), (shop.biotin, 1))
    return place(shop.pro)


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def page_text(client, path: str) -> str:
    return text(client.get(path, follow_redirects=True).get_data(as_text=True))


def fresh(order: Order) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order.id)


def cart_of(user) -> dict[int, int]:
    db.session.expire_all()
    lines = db.session.scalars(select(CartLine).where(CartLine.user_id == user.id))
    return {line.product_id: line.quantity for line in lines}


# Who sees what ---------------------------------------------------------------

VIEWS = ["", "/pay", "/payment-return", "/receipt"]
ACTIONS = ["/cancel", "/reorder"]


@pytest.mark.parametrize("suffix", VIEWS)
def test_another_professionals_order_is_404_on_every_page(client, login, order, suffix):
    login(make_professional())
    db.session.commit()
    assert client.get(f"/orders/{order.number}{suffix}").status_code == 404


@pytest.mark.parametrize("suffix", ACTIONS)
def test_another_professional_cannot_cancel_or_reorder_an_order(
    client, login, csrf_token, order, suffix
):
    login(make_professional())
    db.session.commit()
    token = csrf_token("/orders")
    response = client.post(f"/orders/{order.number}{suffix}", data={"csrf_token": token})
    assert response.status_code == 404
    assert fresh(order).status == OrderStatus.PENDING_PAYMENT


def test_an_order_that_does_not_exist_is_404(client, login, shop):
    login(shop.pro)
    assert client.get("/orders/MP-0000-0000").status_code == 404


def test_orders_need_a_login(client, order):
    response = client.get(f"/orders/{order.number}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_administrator_sees_any_order_but_does_not_pay_it(client, login, order):
    login(make_admin())
    db.session.commit()
    html = client.get(f"/orders/{order.number}").get_data(as_text=True)
    assert f"Order {order.number}" in html and "Clinique Lumière" in html
    assert "Pay now" not in html
    assert client.get(f"/orders/{order.number}/pay").status_code == 404


# The list and the page --------------------------------------------------------


def test_the_list_shows_the_buyers_orders_only_newest_first(client, login, shop, order):
    other = make_professional()
    db.session.commit()
    fill_cart(other, (shop.hydra, 1))
    theirs = place(other)
    pay(order)  # one order waiting for payment at a time
    fill_cart(shop.pro, (shop.hydra, 1))
    second = place(shop.pro)
    login(shop.pro)
    html = client.get("/orders").get_data(as_text=True)
    assert re.findall(r'data-order="([^"]+)"', html) == [second.number, order.number]
    assert theirs.number not in html


def test_the_order_page_shows_status_lines_totals_address_timeline_and_pay_now(
    client, login, shop, order
):
    login(shop.pro)
    html = client.get(f"/orders/{order.number}").get_data(as_text=True)
    page = text(html)
    assert "Status: Waiting for payment" in page
    assert "Payment: Not started" in page
    assert "Hydra Order" in page and "Biotin Order" in page
    assert "Total (incl. VAT) €260.50" in page
    assert "Clinique Lumière" in page and "Ireland" in page
    assert re.findall(r'data-kind="(\w+)"', html) == ["placed"]
    assert f'href="/orders/{order.number}/pay"' in html
    assert "The stock is held for you until" in page
    assert "Receipt" not in page


def test_a_shipped_order_shows_its_tracking_number(client, login, shop, order):
    pay(order)
    order.status = OrderStatus.SHIPPED
    order.carrier = "DHL"
    order.tracking_number = "JD014600003828"
    db.session.commit()
    login(shop.pro)
    page = page_text(client, f"/orders/{order.number}")
    assert "with DHL" in page and "Tracking number: JD014600003828" in page
    assert "Pay now" not in page


def test_your_orders_is_in_the_account_menu_and_on_the_account_page(client, login, shop):
    login(shop.pro)
    for path in ("/", "/account"):
        html = client.get(path).get_data(as_text=True)
        assert re.search(r'<a class="nav-link" href="/orders">Orders</a>', html), path
    assert 'class="btn btn-outline-primary" href="/orders">Your orders' in client.get(
        "/account"
    ).get_data(as_text=True)


# Paying -------------------------------------------------------------------------


def confirm(local_stripe, order: Order, number: str) -> int:
    """The card sent as Stripe.js sends it from the payment page."""
    fields = {
        "key": "pk_test_local",
        "client_secret": client_secret_of(order),
        **card_fields(number),
    }
    status, _ = post_as_stripe_js(
        local_stripe.api_base, f"/v1/payment_intents/{order.payment_intent_id}/confirm", fields
    )
    return status


_SECRETS: dict[str, str] = {}


def client_secret_of(order: Order) -> str:
    return _SECRETS[order.number]


def open_payment_page(client, order: Order) -> str:
    response = client.get(f"/orders/{order.number}/pay")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    _SECRETS[order.number] = re.search(r'data-client-secret="([^"]+)"', html).group(1)
    return html


@pytest.mark.localstripe
def test_the_payment_page_makes_one_payment_intent_and_allows_exactly_the_stripe_origin(
    app, client, login, shop, order, pays_on_local_stripe
):
    login(shop.pro)
    response = client.get(f"/orders/{order.number}/pay")
    html = response.get_data(as_text=True)
    stripe_origin = origin_of(app.config["STRIPE_JS_URL"])
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response.headers["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == f"'self' {stripe_origin}"
    assert policy["connect-src"] == f"'self' {stripe_origin}"  # the API: the same server here
    assert policy["frame-src"] == stripe_origin
    assert policy["default-src"] == "'self'"
    assert f'<script src="{app.config["STRIPE_JS_URL"]}"></script>' in html
    assert ">Pay €260.50</button>" in html
    assert "The stock is held for you until" in text(html)
    assert f'data-return-url="http://localhost/orders/{order.number}/payment-return"' in html
    intent_id = fresh(order).payment_intent_id
    assert intent_id and intent_id.startswith("pi_")
    assert fresh(order).payment_state == PaymentState.AWAITING

    client.get(f"/orders/{order.number}/pay")  # a second visit, another tab
    assert fresh(order).payment_intent_id == intent_id


@pytest.mark.localstripe
def test_paid_on_the_payment_page_the_return_page_asks_stripe_and_marks_the_order_paid(
    client, login, shop, order, pays_on_local_stripe
):
    login(shop.pro)
    open_payment_page(client, order)
    assert cart_of(shop.pro) == {shop.hydra.id: 2, shop.biotin.id: 1}
    assert confirm(pays_on_local_stripe, fresh(order), "4242424242424242") == 200

    response = client.get(f"/orders/{order.number}/payment-return?payment_intent=x")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/orders/{order.number}"
    page = page_text(client, f"/orders/{order.number}")
    assert f"Thank you: order {order.number} is paid." in page
    assert "Status: Paid" in page
    paid = fresh(order)
    assert paid.status == OrderStatus.PAID and paid.payment_state == PaymentState.SUCCEEDED
    assert cart_of(shop.pro) == {}
    on_hand = db.session.scalar(
        select(StockLot.quantity_on_hand).where(StockLot.product_id == shop.hydra.id)
    )
    assert on_hand == 48
    # Back to the payment page: it is paid, there is nothing to pay.
    again = client.get(f"/orders/{order.number}/pay")
    assert again.status_code == 303 and again.headers["Location"] == f"/orders/{order.number}"


@pytest.mark.localstripe
def test_a_declined_card_comes_back_with_stripes_reason_and_the_order_stays_payable(
    client, login, shop, order, pays_on_local_stripe
):
    login(shop.pro)
    open_payment_page(client, order)
    assert confirm(pays_on_local_stripe, fresh(order), "4000000000000341") == 402
    client.get(f"/orders/{order.number}/payment-return")
    page = page_text(client, f"/orders/{order.number}")
    assert "The payment did not go through: Your card was declined." in page
    declined = fresh(order)
    assert declined.status == OrderStatus.PENDING_PAYMENT
    assert declined.payment_state == PaymentState.FAILED
    html = open_payment_page(client, order)
    assert "The last attempt did not go through: Your card was declined." in text(html)


@pytest.mark.localstripe
def test_the_return_page_alone_never_marks_an_order_paid(
    client, login, shop, order, pays_on_local_stripe
):
    login(shop.pro)
    open_payment_page(client, order)  # an intent, but no card sent
    client.get(f"/orders/{order.number}/payment-return?payment_intent=pi_forged")
    page = page_text(client, f"/orders/{order.number}")
    assert "Your payment is being processed" in page
    assert fresh(order).status == OrderStatus.PENDING_PAYMENT


def test_a_cancelled_order_cannot_be_paid_and_offers_to_order_again(client, login, shop, order):
    login(shop.pro)
    client.post(f"/orders/{order.number}/cancel", data={"csrf_token": csrf_of(client, order)})
    html = client.get(f"/orders/{order.number}/pay").get_data(as_text=True)
    assert "This order was cancelled" in text(html)
    assert f'action="/orders/{order.number}/reorder"' in html
    assert fresh(order).payment_intent_id is None


def test_an_order_whose_hold_ran_out_cannot_be_paid(client, login, shop, order):
    order.reserved_until = order.placed_at  # ran out; the job has not cancelled it yet
    db.session.commit()
    login(shop.pro)
    page = page_text(client, f"/orders/{order.number}/pay")
    assert "the payment did not arrive in time" in page
    assert fresh(order).payment_intent_id is None


# Cancelling ----------------------------------------------------------------------


def csrf_of(client, order: Order) -> str:
    html = client.get(f"/orders/{order.number}").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_the_buyer_cancels_an_unpaid_order_and_its_stock_is_released(client, login, shop, order):
    assert available(shop.hydra) == 48
    login(shop.pro)
    response = client.post(
        f"/orders/{order.number}/cancel", data={"csrf_token": csrf_of(client, order)}
    )
    assert response.status_code == 303
    page = page_text(client, f"/orders/{order.number}")
    assert f"Order {order.number} is cancelled and its stock released." in page
    assert "Status: Cancelled" in page
    assert fresh(order).status == OrderStatus.CANCELLED
    assert available(shop.hydra) == 50 and available(shop.biotin) == 3


def test_a_paid_order_cannot_be_cancelled_by_the_buyer(client, login, shop, order):
    pay(order)
    login(shop.pro)
    token = csrf_of(client, order)
    client.post(f"/orders/{order.number}/cancel", data={"csrf_token": token})
    page = page_text(client, f"/orders/{order.number}")
    assert "only an unpaid order can be cancelled this way" in page
    assert fresh(order).status == OrderStatus.PAID


def test_cancelling_needs_the_form_token(client, login, shop, order):
    login(shop.pro)
    assert client.post(f"/orders/{order.number}/cancel").status_code == 400
    assert fresh(order).status == OrderStatus.PENDING_PAYMENT


# Ordering again ------------------------------------------------------------------


def test_order_again_puts_the_same_items_back_in_the_cart(client, login, shop, order):
    pay(order)
    login(shop.pro)
    response = client.post(
        f"/orders/{order.number}/reorder", data={"csrf_token": csrf_of(client, order)}
    )
    assert response.status_code == 303 and response.headers["Location"] == "/cart"
    page = page_text(client, "/cart")
    assert "Added to your cart: 2 × Hydra Order, 1 × Biotin Order." in page
    assert cart_of(shop.pro) == {shop.hydra.id: 2, shop.biotin.id: 1}


def test_order_again_reports_each_line_it_could_not_add_and_why(client, login, shop, order):
    pay(order)
    lot = db.session.scalar(select(StockLot).where(StockLot.product_id == shop.biotin.id))
    lot.quantity_on_hand = 0  # the rest sold out since
    db.session.commit()
    login(shop.pro)
    client.post(f"/orders/{order.number}/reorder", data={"csrf_token": csrf_of(client, order)})
    page = page_text(client, "/cart")
    assert "Added to your cart: 2 × Hydra Order." in page
    assert "Not added: Biotin Order. Biotin Order is out of stock." in page
    assert cart_of(shop.pro) == {shop.hydra.id: 2}


def test_order_again_asks_the_gate(client, login, shop, order):
    pay(order)
    from shop.licensing.enums import LicenceStatus
    from shop.licensing.models import Licence

    licence = db.session.scalar(select(Licence).where(Licence.user_id == shop.pro.id))
    licence.status = LicenceStatus.REVOKED
    db.session.commit()
    login(shop.pro)
    client.post(f"/orders/{order.number}/reorder", data={"csrf_token": csrf_of(client, order)})
    page = page_text(client, "/cart")
    assert "Not added: Hydra Order. Your licence was revoked" in page
    assert "Added to your cart" not in page
    assert cart_of(shop.pro) == {}


# The receipt -----------------------------------------------------------------------


def test_the_receipt_of_a_paid_order_is_printable(client, login, app, shop, order):
    pay(order)
    login(shop.pro)
    html = client.get(f"/orders/{order.number}/receipt").get_data(as_text=True)
    page = text(html)
    assert "Receipt" in page and order.number in page
    assert "Total (incl. VAT) €260.50" in page and "by card" in page
    assert "Dr Aoife Byrne" in page and "Clinique Lumière" in page
    css = client.get("/static/css/shop.css").get_data(as_text=True)
    print_rules = css[css.index("@media print") :]
    assert ".navbar" in print_rules and ".print-hide" in print_rules
    assert 'class="d-flex flex-wrap gap-2 mb-3 print-hide"' in html


def test_an_unpaid_order_has_no_receipt_yet(client, login, shop, order):
    login(shop.pro)
    response = client.get(f"/orders/{order.number}/receipt")
    assert response.status_code == 303
    assert "The receipt is ready once the order is paid." in page_text(
        client, f"/orders/{order.number}"
    )
