"""Buying in Chromium, from the product pages to the paid order, on the local Stripe
server, whose webhooks reach the live shop: a first clinic address saved on the way, a
good card, a declined card then a good one, a saved address and the cold chain chosen,
and the checkout and payment pages with the keyboard alone and at 390 px."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect
from pypdf import PdfReader
from sqlalchemy import select

from shop.catalog.models import Product
from shop.extensions import db
from shop.inventory.models import StockLot
from shop.orders.enums import OrderStatus
from shop.orders.models import Order
from tests import demo_catalogue as demo_data
from tests.browser import conftest as browser_conftest
from tests.browser.axe import assert_accessible
from tests.browser.conftest import PHONE
from tests.browser.test_keyboard import assert_focus_ring, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.localstripe]

# Two products a physician may buy, with stock, and not the demo order's.
BOUGHT = [
    product
    for product in demo_data.PRODUCTS
    if product["active"]
    and "physician" in product["professions"]
    and product["slug"] != browser_conftest.DEMO_ORDER_PRODUCT
][:2]
GOOD_CARD = "4242424242424242"
DECLINED_CARD = "4000000000000341"
# Chromium logs every 4xx answer to a fetch as a console error; a decline is a 402.
DECLINE_LOGGED = "the server responded with a status of 402"


@pytest.fixture
def declines_are_expected(monkeypatch) -> None:
    """The 402 of a declined card is no error of the page, in this test only."""
    is_error = browser_conftest._is_error

    def unless_decline(message: ConsoleMessage, page: Page) -> bool:
        return is_error(message, page) and DECLINE_LOGGED not in message.text

    monkeypatch.setattr(browser_conftest, "_is_error", unless_decline)


def on_hand(live_shop, slug: str) -> int:
    with live_shop.app.app_context():
        product = db.session.scalar(select(Product).where(Product.slug == slug))
        total = sum(
            db.session.scalars(
                select(StockLot.quantity_on_hand).where(StockLot.product_id == product.id)
            )
        )
        db.session.rollback()
        return total


def order_of(live_shop, number: str) -> Order:
    with live_shop.app.app_context():
        order = db.session.scalar(select(Order).where(Order.number == number))
        db.session.expunge(order)
        db.session.rollback()
        return order


def put_in_the_cart(page: Page, product: dict, packs: int = 1) -> None:
    """From the product's page, with its quantity field."""
    page.goto(f"/products/{product['slug']}")
    page.get_by_label("Quantity (packs)").fill(str(packs))
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator(".flashes")).to_contain_text(f"Added {packs} × {product['name']}")


def fill_the_cart(page: Page, lines: list[tuple[dict, int]] | None = None) -> None:
    """``lines`` of (product, packs) in the cart (one pack of each of ``BOUGHT`` unless
    given), then on to the checkout, which asks a new buyer for their clinic's address."""
    for product, packs in lines or [(product, 1) for product in BOUGHT]:
        put_in_the_cart(page, product, packs)
    page.goto("/cart")
    page.get_by_role("link", name="Check out").click()
    expect(page).to_have_url(re.compile(r"/(checkout|account/addresses/new\?then=checkout)$"))
    assert_accessible(page)


def type_the_address(page: Page) -> None:
    """The first clinic address, saved on the way to the checkout, which it comes back to."""
    expect(page).to_have_url(re.compile(r"/account/addresses/new\?then=checkout$"))
    page.get_by_label("Clinic name").fill("Clinique Lumière")
    page.get_by_label("Address line 1").fill("12 Fitzwilliam Square")
    page.get_by_label("City").fill("Dublin 2")
    page.get_by_label("Postal code").fill("D02 X285")
    page.get_by_label("Region").fill("Co. Dublin")
    page.get_by_label("Country").select_option("IE")
    page.get_by_label("Phone").fill("+353 1 234 5678")
    page.get_by_role("button", name="Save the address").click()
    expect(page).to_have_url(re.compile(r"/checkout\?address=\d+$"))
    assert_accessible(page)


def type_the_card(page: Page, number: str) -> None:
    form = page.locator("form[data-card-payment]")
    for placeholder, value in [
        ("number", number),
        ("exp_month", "12"),
        ("exp_year", "34"),
        ("cvc", "123"),
        ("postal_code", "75002"),
    ]:
        form.get_by_placeholder(placeholder, exact=True).fill(value)


def order_number(page: Page) -> str:
    """The order whose payment page this is, once the page (and its card form) has loaded."""
    expect(page).to_have_url(re.compile(r"/orders/MP-[\w-]+/pay$"))
    expect(page.locator("form[data-card-payment] input[placeholder=number]")).to_be_visible()
    assert_accessible(page)
    return re.search(r"/orders/(MP-[\w-]+)/pay$", page.url).group(1)


def pay_button(page: Page):
    return page.locator("form[data-card-payment]").get_by_role("button", name=re.compile("^Pay €"))


def expect_paid(page: Page, number: str) -> None:
    expect(page).to_have_url(re.compile(rf"/orders/{number}$"))
    expect(page.locator(".flashes")).to_contain_text(f"Thank you: order {number} is paid.")
    expect(page.locator(".order-status")).to_have_text("Paid")


def test_a_professional_fills_the_cart_checks_out_pays_by_card_and_sees_the_order_paid(
    live_shop, page, buyer, stripe_posts_to_the_shop
):
    before = {product["slug"]: on_hand(live_shop, product["slug"]) for product in BOUGHT}
    buyer(page)
    fill_the_cart(page)
    type_the_address(page)
    page.get_by_role("button", name="Place order and pay").click()
    expect(page).to_have_url(re.compile(r"/orders/MP-[\w-]+/pay$"))
    number = order_number(page)
    expect(page.locator(".reserved-until")).to_contain_text("The stock is held for you until")
    type_the_card(page, GOOD_CARD)
    pay_button(page).click()
    expect_paid(page, number)
    expect(page.locator("[data-cart-count]")).to_have_text("0")
    # Irish VAT at the demo's rate, and the invoice issued with the payment.
    expect(page.locator(".order-tax-rate").first).to_contain_text("VAT 23%")
    invoice = page.locator("#download-invoice")
    expect(invoice).to_contain_text("Invoice INV-")
    pdf = page.request.get(invoice.get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert number in text and "23%" in text and "Total due" in text

    order = order_of(live_shop, number)
    assert order.status == OrderStatus.PAID
    assert {product["slug"]: on_hand(live_shop, product["slug"]) for product in BOUGHT} == {
        slug: count - 1 for slug, count in before.items()
    }


def test_a_declined_card_shows_the_decline_and_a_good_card_then_pays(
    live_shop, page, buyer, stripe_posts_to_the_shop, declines_are_expected
):
    buyer(page)
    fill_the_cart(page)
    type_the_address(page)
    page.get_by_role("button", name="Place order and pay").click()
    number = order_number(page)
    type_the_card(page, DECLINED_CARD)
    pay_button(page).click()
    expect(page.get_by_role("alert")).to_have_text("Your card was declined.")
    expect(pay_button(page)).to_be_enabled()
    expect(page).to_have_url(re.compile(rf"/orders/{number}/pay$"))
    assert order_of(live_shop, number).status == OrderStatus.PENDING_PAYMENT

    type_the_card(page, GOOD_CARD)
    pay_button(page).click()
    expect_paid(page, number)
    assert order_of(live_shop, number).status == OrderStatus.PAID


def test_checkout_and_payment_with_the_keyboard_alone(
    live_shop, page, buyer, stripe_posts_to_the_shop
):
    buyer(page)
    fill_the_cart(page)
    # The address, typed field after field; the country chosen by typing its name.
    tab_to(page, "#clinic_name")
    assert_focus_ring(page)
    for text in ["Clinique Lumière", "12 Fitzwilliam Square", "", "Dublin 2", "D02 X285"]:
        page.keyboard.type(text)
        page.keyboard.press("Tab")
    page.keyboard.type("Co. Dublin")
    page.keyboard.press("Tab")
    expect(page.locator("#country")).to_be_focused()
    page.keyboard.type("Ireland")
    expect(page.locator("#country")).to_have_value("IE")
    page.keyboard.press("Tab")
    page.keyboard.type("+353 1 234 5678")
    page.keyboard.press("Tab")
    expect(page.locator("#make_default")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save the address")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/checkout\?address=\d+$"))
    assert_accessible(page)
    # The first method is chosen already; Tab reaches the button that places the order.
    tab_to(page, "#submit")
    assert_focus_ring(page)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/orders/MP-[\w-]+/pay$"))
    number = order_number(page)

    # The card: each of the card element's inputs is a Tab stop; Enter on Pay pays.
    tab_to(page, 'form[data-card-payment] input[placeholder="number"]')
    assert_focus_ring(page)
    type_the_card(page, GOOD_CARD)
    tab_to(page, "form[data-card-payment] button[type=submit]")
    assert_focus_ring(page)
    page.keyboard.press("Enter")
    expect_paid(page, number)


def fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a {PHONE['width']}px phone"


def test_checkout_and_payment_fit_a_390px_phone(
    live_shop, phone_page, buyer, stripe_posts_to_the_shop
):
    buyer(phone_page)
    fill_the_cart(phone_page)
    fits(phone_page)
    type_the_address(phone_page)
    phone_page.get_by_role("button", name="Place order and pay").click()
    expect(phone_page).to_have_url(re.compile(r"/orders/MP-[\w-]+/pay$"))
    number = order_number(phone_page)
    fits(phone_page)
    type_the_card(phone_page, GOOD_CARD)
    pay_button(phone_page).tap()
    expect_paid(phone_page, number)
    fits(phone_page)


def test_a_saved_address_and_the_cold_chain_are_chosen_and_the_order_shows_the_method(
    live_shop, page, buyer, stripe_posts_to_the_shop
):
    """Two saved clinics; a product that must travel cooled; the second clinic picked,
    cold chain chosen, paid, and the order says how it goes."""
    cold = next(
        product
        for product in demo_data.PRODUCTS
        if product["active"]
        and "physician" in product["professions"]
        and product.get("cold_chain") == "yes"
        and product["slug"] != browser_conftest.DEMO_ORDER_PRODUCT
    )
    email = buyer(page)
    with live_shop.app.app_context():
        from shop.accounts.services import find_user_by_email
        from shop.shipping.addresses import ShippingAddress, save_address

        user = find_user_by_email(email)
        save_address(
            user,
            ShippingAddress(
                "Northside Clinic", "4 Main Street", "Dublin 9", "D09 Y8K2", "IE", "+353 1 555 0101"
            ),
        )
        cork = save_address(
            user,
            ShippingAddress(
                "Cork Skin Clinic",
                "8 Grand Parade",
                "Cork",
                "T12 X9F4",
                "IE",
                "+353 21 555 0102",
                region="Co. Cork",
            ),
        )
        db.session.commit()
        cork_id = cork.id
    fill_the_cart(page, [(cold, 1)])
    page.get_by_label(re.compile("Cork Skin Clinic")).check()
    page.get_by_role("button", name="Ship to this address").click()
    expect(page).to_have_url(re.compile(rf"/checkout\?address={cork_id}$"))
    methods = page.locator("input[name=method]")
    expect(methods).to_have_count(1)  # a product that travels cooled: cold chain only
    page.get_by_label(re.compile("^Cold chain: Biocair")).check()
    expect(page.locator(".order-shipping")).to_have_text("€29.00")
    assert_accessible(page)
    page.get_by_role("button", name="Place order and pay").click()
    number = order_number(page)
    type_the_card(page, GOOD_CARD)
    pay_button(page).click()
    expect_paid(page, number)
    expect(page.locator(".shipping-method")).to_contain_text(
        "Cold chain with Biocair: 1 to 2 working days at 2 to 8 °C. €29.00."
    )
    expect(page.locator(".shipping-address")).to_contain_text("Cork Skin Clinic")
    order = order_of(live_shop, number)
    assert (order.shipping_method_code, order.city, order.shipping_cents) == (
        "cold-chain",
        "Cork",
        2900,
    )
