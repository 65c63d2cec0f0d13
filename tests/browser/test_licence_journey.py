"""From a new account to a filled cart, in the browser, as issue 7 describes it.

A visitor registers and confirms the e-mail from the captured message, submits a
licence with a PDF, an administrator approves it in another browser, and the
professional then fills a cart. A customer without a licence sees the gate's
reason instead of the button. Every page shown is audited by axe-core (the
fixtures' audit; ``assert_accessible`` after each click that loads a page).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from shop.catalog.enums import Profession
from shop.catalog.models import Product
from shop.demo_accounts import DEMO_ADMIN, DEMO_ADMIN_TOTP_SECRET, DEMO_CUSTOMER, demo_licence_pdf
from shop.extensions import db
from shop.inventory.services import availability_for, today
from shop.mail.models import OutboxMessage
from tests.browser.axe import assert_accessible

pytestmark = pytest.mark.browser

PASSWORD = "Saffron-Glacier-Lantern-73"


def physician_products(app, count: int) -> list[Product]:
    """Active products a physician may buy that have stock: what the cart will hold."""
    with app.app_context():
        products = db.session.scalars(
            select(Product).where(Product.is_active).order_by(Product.name)
        ).all()
        stock = availability_for([product.id for product in products])
        found = [
            (product.slug, product.name)
            for product in products
            if Profession.PHYSICIAN in product.professions and stock[product.id].quantity >= 3
        ][:count]
        db.session.rollback()
    assert len(found) == count, "the demo catalogue has too few products for a physician"
    return found


def confirmation_link(app, email: str) -> str:
    with app.app_context():
        body = db.session.scalars(
            select(OutboxMessage.body_text)
            .where(OutboxMessage.to_address == email)
            .order_by(OutboxMessage.id.desc())
        ).first()
        db.session.rollback()
    assert body, f"no mail was queued for {email}"
    match = re.search(r"https?://\S+/confirm-email/\S+", body)
    assert match, f"no confirmation link in the mail:\n{body}"
    return match.group(0)


def log_in_with_the_form(page: Page, email: str, password: str, totp_secret: str = "") -> None:
    """The log-in form, and its second step with the app's code when the account has one."""
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    assert_accessible(page)
    if totp_secret:
        expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
        page.get_by_label("Code").fill(pyotp.TOTP(totp_secret).now())
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()
        assert_accessible(page)


def test_a_new_professional_registers_is_approved_and_fills_a_cart(live_shop, open_page):
    app = live_shop.app
    email = f"dr.new.{today().toordinal()}@clinic.example"
    (first_slug, first_name), (second_slug, second_name) = physician_products(app, 2)

    # A visitor registers; the page says to look for the message.
    visitor = open_page()
    visitor.goto("/register")
    visitor.get_by_label("Your name").fill("Dr Niamh Byrne")
    visitor.get_by_label("E-mail").fill(email)
    visitor.get_by_label("Password").fill(PASSWORD)
    visitor.get_by_role("button", name="Create my account").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    assert_accessible(visitor)

    # ...confirms the address from the captured message, and logs in.
    visitor.goto(confirmation_link(app, email))
    expect(visitor.locator("main")).to_contain_text("confirmed")
    assert_accessible(visitor)
    log_in_with_the_form(visitor, email, PASSWORD)
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Your account")

    # Before a licence, the product page gives the reason instead of the button.
    visitor.goto(f"/products/{first_slug}")
    expect(visitor.locator(".gate-verdict")).to_contain_text("Submit your licence")
    expect(visitor.get_by_role("button", name="Add to cart")).to_have_count(0)

    # The licence, with a real one-page PDF.
    visitor.goto("/licence/new")
    visitor.get_by_label("Profession").select_option("physician")
    visitor.get_by_label("Licence number").fill("IMC-448812")
    visitor.get_by_label("Issuing country").select_option("IE")
    visitor.get_by_label("Region").fill("Dublin")
    expires = today() + timedelta(days=700)
    visitor.get_by_label("Expiry date").fill(expires.isoformat())
    pdf = demo_licence_pdf("Dr Niamh Byrne", "IMC-448812", expires)
    visitor.locator("input[type=file]").set_input_files(
        {"name": "licence.pdf", "mimeType": "application/pdf", "buffer": pdf}
    )
    visitor.get_by_role("button", name="Submit for review").click()
    expect(visitor.locator("main")).to_contain_text("Waiting for review")
    assert_accessible(visitor)

    # An administrator, in another browser, finds it in the queue and approves it.
    admin = open_page()
    log_in_with_the_form(admin, DEMO_ADMIN.email, DEMO_ADMIN.password, DEMO_ADMIN_TOTP_SECRET)
    admin.goto("/admin/licences?status=pending")
    admin.get_by_role("link", name="IMC-448812").click()
    expect(admin.locator("main")).to_contain_text("Dr Niamh Byrne")
    assert_accessible(admin)
    admin.get_by_role("button", name="Approve").click()
    expect(admin.locator("main")).to_contain_text("pproved")
    assert_accessible(admin)

    # The professional reloads: the gate is open. Two products go into the cart.
    visitor.goto(f"/products/{first_slug}")
    visitor.get_by_label("Quantity (packs)").fill("2")
    visitor.get_by_role("button", name="Add to cart").click()
    visitor.wait_for_load_state()
    assert_accessible(visitor)
    visitor.goto(f"/products/{second_slug}")
    visitor.get_by_role("button", name="Add to cart").click()
    visitor.wait_for_load_state()
    assert_accessible(visitor)
    expect(visitor.locator("[data-cart-count]")).to_have_text("3")

    visitor.goto("/cart")
    lines = visitor.locator(".cart-line")
    expect(lines).to_have_count(2)
    expect(visitor.locator("main")).to_contain_text(first_name)
    expect(visitor.locator("main")).to_contain_text(second_name)
    expect(visitor.get_by_label(f"Quantity of {first_name}")).to_have_value("2")


def test_a_customer_without_a_licence_sees_the_reason_instead_of_the_button(live_shop, open_page):
    ((slug, _name),) = physician_products(live_shop.app, 1)
    customer = open_page()
    log_in_with_the_form(customer, DEMO_CUSTOMER.email, DEMO_CUSTOMER.password)
    customer.goto(f"/products/{slug}")
    verdict = customer.locator(".gate-verdict")
    expect(verdict).to_contain_text("Submit your licence")
    expect(verdict.get_by_role("link", name="Submit your licence")).to_be_visible()
    expect(customer.get_by_role("button", name="Add to cart")).to_have_count(0)
