"""An administrator's second factor, in the browser (issue 19): a new administrator is
led to enrolment by the back office, sets it up with the key shown beside the QR code,
keeps the recovery codes, logs out, logs in with the password and a code, and refunds
an order after confirming with the password and a code once the log-in has gone stale.

The codes are worked out from the key as an authenticator app would. Each must be of
a later time step than the one before (a code is never accepted twice), so the test
types the previous step's code, then the current one, then the next one: within the
one step of drift the shop allows either way.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pyotp
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from shop.accounts.models import User, UserSession
from shop.catalog.models import Product
from shop.checkout.placing import place_order
from shop.checkout.services import add_to_cart
from shop.database import utcnow
from shop.extensions import db
from shop.licensing.gate import today_at
from shop.orders.services import lock_order
from shop.payments.settle import refresh_from_stripe, start_payment
from shop.payments.stripe_client import stripe_client
from tests.browser.axe import assert_accessible
from tests.browser.conftest import DEMO_ORDER_PRODUCT
from tests.factories import DEFAULT_PASSWORD, address_for, make_admin, make_professional

pytestmark = pytest.mark.browser


def a_new_administrator_and_a_paid_order(app) -> tuple[str, str]:
    """An administrator without a second factor, and an order paid on the local Stripe
    server (so that Stripe can refund it): their e-mail and its number."""
    with app.app_context():
        admin = make_admin(
            second_factor=False, name="Dr Nuala Admin", email=f"nuala.{uuid4().hex[:8]}@example.org"
        )
        pro = make_professional()
        product_id = db.session.scalar(select(Product.id).where(Product.slug == DEMO_ORDER_PRODUCT))
        add_to_cart(pro, product_id, 1, today=today_at())
        order = place_order(pro, address_for(pro), "standard", now=utcnow())
        start_payment(order)
        db.session.commit()
        stripe_client().v1.payment_intents.confirm(
            order.payment_intent_id, {"payment_method": "pm_card_visa"}
        )
        assert refresh_from_stripe(lock_order(order.id), source="test") == "paid"
        db.session.commit()
        return admin.email, order.number


def code(secret: str, steps_from_now: int) -> str:
    return pyotp.TOTP(secret).at(utcnow() + timedelta(seconds=30 * steps_from_now))


def click_and_audit(page: Page, button) -> None:
    button.click()
    page.wait_for_load_state()
    assert_accessible(page)


def test_an_administrator_enrols_logs_in_with_a_code_and_refunds_after_a_fresh_log_in(
    live_shop, page, stripe_posts_to_the_shop
):
    email, number = a_new_administrator_and_a_paid_order(live_shop.app)

    # The password alone does not open the back office: it leads to enrolment.
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    click_and_audit(page, page.get_by_role("button", name="Log in"))
    page.goto("/admin/orders")
    expect(page.get_by_role("heading", level=1)).to_have_text("Second factor")
    expect(page.locator(".flashes")).to_contain_text("The back office needs a second factor")
    expect(page.get_by_role("img", name="QR code holding the key for MesoPro")).to_be_visible()

    # The app takes the key shown beside the QR code; its code turns the factor on.
    secret = page.locator("#secret-key").inner_text().replace(" ", "")
    page.get_by_label("Code from the app").fill(code(secret, -1))
    click_and_audit(page, page.get_by_role("button", name="Turn on the second factor"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(page.get_by_role("list", name="Recovery codes").get_by_role("listitem")).to_have_count(
        10
    )
    click_and_audit(page, page.get_by_role("link", name="I have kept them: go to my account"))
    page.goto("/admin/orders")
    expect(page.get_by_role("heading", level=1)).to_have_text("Orders")

    # Out, and in again: the password, then the app's code.
    click_and_audit(page, page.get_by_role("button", name="Log out"))
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    click_and_audit(page, page.get_by_role("button", name="Log in"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    page.get_by_label("Code").fill(code(secret, 0))
    click_and_audit(page, page.get_by_role("button", name="Log in"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")

    # Twenty minutes later (the session's log-in is made that old), a refund asks first.
    with live_shop.app.app_context():
        db.session.execute(
            update(UserSession)
            .where(
                UserSession.user_id == select(User.id).where(User.email == email).scalar_subquery()
            )
            .values(authenticated_at=utcnow() - timedelta(minutes=20))
        )
        db.session.commit()
    page.goto(f"/admin/orders/{number}")
    refund = page.get_by_role("region", name="Refund through Stripe", exact=True)
    refund.get_by_label("Reason for the refund").fill("Sent twice by mistake.")
    click_and_audit(page, refund.get_by_role("button", name="Refund"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    expect(page.locator(".flashes")).to_contain_text("Nothing was changed yet.")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_label("Code").fill(code(secret, 1))
    click_and_audit(page, page.get_by_role("button", name="Confirm"))

    # Back on the order, still paid; the refund goes through now.
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Order {number}")
    expect(page.locator(".order-status")).to_have_text("Paid")
    refund = page.get_by_role("region", name="Refund through Stripe", exact=True)
    refund.get_by_label("Reason for the refund").fill("Sent twice by mistake.")
    click_and_audit(page, refund.get_by_role("button", name="Refund"))
    expect(page.locator(".flashes")).to_contain_text(f"of order {number} refunded through Stripe.")
    expect(page.locator(".order-status")).to_have_text("Refunded")
