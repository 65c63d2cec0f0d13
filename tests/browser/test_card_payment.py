"""The card form the checkout uses, in Chromium, paying on the local Stripe server.

The page is served by a shop app built here with one TEST-ONLY route that renders the
payment macro (templates/macros/payment.html, static/js/card-payment.js) for a
PaymentIntent made through shop.payments. The shop's own security headers apply, so a
Content-Security-Policy that blocked Stripe.js or its API would fail these tests.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask, render_template_string, request
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from shop.payments.stripe_client import create_payment_intent, retrieve_payment_intent
from tests.stripe_server import paying_app

pytestmark = [pytest.mark.browser, pytest.mark.localstripe]

PAY_PAGE = """{% extends "base.html" %}
{% from "macros/payment.html" import card_payment_form %}
{% block content %}
<h1>Payment</h1>
{{ card_payment_form(client_secret, url_for("paid"), "Pay €49.90") }}
{% endblock %}"""

PAID_PAGE = """{% extends "base.html" %}{% block content %}<h1>Paid</h1>{% endblock %}"""

# Chromium logs every 4xx answer to a fetch as a console error; a decline is a 402.
DECLINE_LOGGED = "the server responded with a status of 402"


@dataclass
class PaymentSite:
    app: Flask
    url: str

    def new_intent(self):
        with self.app.app_context():
            return create_payment_intent(
                amount_cents=4_990,
                currency="EUR",
                metadata={"order_id": "1"},
                idempotency_key="order-1-payment",
            )

    def status_of(self, intent) -> str:
        with self.app.app_context():
            return retrieve_payment_intent(intent.id).status


@pytest.fixture(scope="module")
def payment_site(local_stripe_server) -> Iterator[PaymentSite]:
    app = paying_app(**local_stripe_server.app_config)

    @app.get("/_test/pay")
    def pay() -> str:
        return render_template_string(PAY_PAGE, client_secret=request.args["client_secret"])

    @app.get("/_test/paid")
    def paid() -> str:
        return render_template_string(PAID_PAGE)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield PaymentSite(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def pay_page(browser, payment_site, local_stripe) -> Iterator[Page]:
    context = browser.new_context(base_url=payment_site.url)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and DECLINE_LOGGED not in message.text
            and errors.append(message.text)
        ),
    )
    yield page
    context.close()
    assert errors == [], f"the page reported errors (a CSP refusal shows here): {errors}"


def open_payment(page: Page, site: PaymentSite):
    intent = site.new_intent()
    response = page.goto(f"/_test/pay?client_secret={intent.client_secret}")
    policy = response.headers["content-security-policy"]
    stripe_origin = site.app.config["STRIPE_API_BASE"]
    assert f"script-src 'self' {stripe_origin};" in policy
    assert f"connect-src 'self' {stripe_origin};" in policy
    return intent


def pay_with(page: Page, number: str) -> None:
    form = page.locator("form[data-card-payment]")
    for placeholder, value in [
        ("number", number),
        ("exp_month", "12"),
        ("exp_year", "34"),
        ("cvc", "123"),
        ("postal_code", "75001"),
    ]:
        form.get_by_placeholder(placeholder, exact=True).fill(value)
    form.get_by_role("button", name="Pay €49.90").click()


def expect_paid(page: Page, site: PaymentSite, intent) -> None:
    expect(page).to_have_url(re.compile(rf"/_test/paid\?payment_intent={intent.id}$"))
    expect(page.locator("h1")).to_have_text("Paid")
    assert site.status_of(intent) == "succeeded"


def test_a_good_card_pays_and_the_buyer_goes_to_the_return_page(pay_page, payment_site):
    intent = open_payment(pay_page, payment_site)
    pay_with(pay_page, "4242424242424242")
    expect_paid(pay_page, payment_site, intent)


def test_a_declined_card_shows_stripes_message_and_a_good_card_then_pays(pay_page, payment_site):
    intent = open_payment(pay_page, payment_site)
    pay_with(pay_page, "4000000000000341")
    expect(pay_page.get_by_role("alert")).to_have_text("Your card was declined.")
    expect(pay_page.get_by_role("button", name="Pay €49.90")).to_be_enabled()
    assert payment_site.status_of(intent) == "requires_payment_method"
    pay_with(pay_page, "4242424242424242")
    expect_paid(pay_page, payment_site, intent)


def test_three_d_secure_completed_pays(pay_page, payment_site):
    intent = open_payment(pay_page, payment_site)
    pay_with(pay_page, "4000002500003155")
    # The button stays disabled while the bank's check is open.
    expect(pay_page.get_by_role("button", name="Pay €49.90")).to_be_disabled()
    pay_page.get_by_role("button", name="Complete authentication").click()
    expect_paid(pay_page, payment_site, intent)


def test_three_d_secure_failed_shows_the_error_and_the_order_stays_payable(pay_page, payment_site):
    intent = open_payment(pay_page, payment_site)
    pay_with(pay_page, "4000002500003155")
    pay_page.get_by_role("button", name="Fail authentication").click()
    expect(pay_page.get_by_role("alert")).to_contain_text(
        "We are unable to authenticate your payment method."
    )
    expect(pay_page.get_by_role("button", name="Pay €49.90")).to_be_enabled()
    assert payment_site.status_of(intent) == "requires_payment_method"
    expect(pay_page).to_have_url(re.compile(r"/_test/pay\?"))
