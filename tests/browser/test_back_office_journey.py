"""An order's life through the back office, in Chromium, two people at once: an
administrator receives a lot with the stock form; a verified professional (another
browser) buys the whole lot, and one pack of another product, and pays by card on the
local Stripe server; the administrator finds the order in /admin/orders, sees the lot
it took, ships it, then refunds part of it through Stripe; the professional's order
page follows each step. Every page shown is audited by axe-core (the fixtures' audit;
``assert_accessible`` after each click that loads one).
"""

from __future__ import annotations

import re
from uuid import uuid4

import pytest
from playwright.sync_api import Page, expect

from shop.demo_accounts import DEMO_ADMIN
from tests import demo_catalogue as demo_data
from tests.browser.axe import assert_accessible
from tests.browser.test_checkout_browser import (
    GOOD_CARD,
    expect_paid,
    fill_the_cart,
    order_number,
    pay_button,
    type_the_address,
    type_the_card,
)
from tests.browser.test_stock_pages import receive_with_the_form

pytestmark = [pytest.mark.browser, pytest.mark.localstripe]


def demo_product(slug: str) -> dict:
    product = next(product for product in demo_data.PRODUCTS if product["slug"] == slug)
    assert product["active"] and "physician" in product["professions"]
    return product


# Products no other browser test buys or receives, so the lots stay this test's own.
TRACED = demo_product("hanbit-re-texture")  # its demo lots expire in 270 and 470 days
OTHER = demo_product("jinseol-tone-up-ta")
PACKS = 2  # the whole received lot, so a later run's lot is again the first to expire
LOT_DAYS = 60  # sooner than the demo lots: the order takes its packs from this lot
OTHER_LOT = min(OTHER["stock"], key=lambda lot: lot[1])[0]  # first expiry first
TRACKING = "JD014600003456"


def expect_lot_row(page: Page, lot_number: str, on_hand: int, held: int) -> None:
    """The lot's row on the product's stock page: its expiry, on hand, held and free."""
    cells = page.locator(f'tr[data-lot="{lot_number}"] td')
    expect(cells).to_have_text(
        [
            lot_number,
            re.compile(f"Expires in {LOT_DAYS} days"),
            str(on_hand),
            str(held),
            str(on_hand - held),
            "",
        ]
    )


def open_the_order_from_the_list(admin: Page, number: str) -> None:
    admin.goto("/admin/orders")
    admin.get_by_label("Order number or e-mail").fill(number)
    admin.get_by_role("button", name="Show orders").click()
    expect(admin.locator("table.admin-orders tbody tr")).to_have_count(1)
    assert_accessible(admin)
    admin.get_by_role("link", name=number, exact=True).click()
    expect(admin.get_by_role("heading", level=1)).to_have_text(f"Order {number}")
    assert_accessible(admin)


def act_on_the_order(
    admin: Page, section: str, fields: dict[str, str], button: str, message: str, status: str
) -> None:
    """Fill one of the order page's action forms by its labels, send it, and see the
    message and the order's new status."""
    form = admin.get_by_role("region", name=section, exact=True)
    for label, value in fields.items():
        form.get_by_label(label).fill(value)
    form.get_by_role("button", name=button).click()
    expect(admin.locator(".flashes")).to_contain_text(message)
    expect(admin.locator(".order-status")).to_have_text(status)
    assert_accessible(admin)


def the_professional_sees(pro: Page, status: str, selector: str, text: str) -> None:
    """Their order page, reloaded: the status, the tracking number, and ``text`` in
    ``selector``."""
    pro.reload()
    expect(pro.locator(".order-status")).to_have_text(status)
    expect(pro.locator(".tracking-number")).to_have_text(TRACKING)
    expect(pro.locator(selector)).to_contain_text(text)


def line_of(page: Page, product: dict):
    """The row of the back office's "Lines and lots" table for the product."""
    lines = page.get_by_role("region", name="Lines and lots")
    return lines.get_by_role("row").filter(has=page.get_by_role("rowheader", name=product["sku"]))


def test_an_order_is_received_bought_shipped_and_part_refunded_through_the_pages(
    open_page, log_in_as, buyer, stripe_posts_to_the_shop
):
    admin, pro = open_page(), open_page()
    log_in_as(admin, DEMO_ADMIN.email)
    lot_number = f"BOJ-{uuid4().hex[:8].upper()}"
    receive_with_the_form(admin, lot_number, LOT_DAYS, sku=TRACED["sku"], packs=PACKS)
    expect_lot_row(admin, lot_number, on_hand=PACKS, held=0)

    # The professional buys and pays, in their own browser.
    buyer(pro)
    fill_the_cart(pro, [(TRACED, PACKS), (OTHER, 1)])
    type_the_address(pro)
    pro.get_by_role("button", name="Place order and pay").click()
    number = order_number(pro)
    type_the_card(pro, GOOD_CARD)
    pay_button(pro).click()
    expect_paid(pro, number)
    assert_accessible(pro)

    # The administrator finds it, with the lot the packs came from (traceability).
    open_the_order_from_the_list(admin, number)
    expect(admin.locator(".order-status")).to_have_text("Paid")
    expect(line_of(admin, TRACED).locator("[data-lot]")).to_have_text(
        re.compile(rf"^{lot_number} \(expires .+\): {PACKS}, sold$")
    )
    expect(line_of(admin, OTHER).locator("[data-lot]")).to_have_text(
        re.compile(rf"^{OTHER_LOT} \(expires .+\): 1, sold$")
    )
    # The stock page's ledger says the same: the sale of that lot, for this order.
    admin.goto(f"/admin/stock/{TRACED['sku']}")
    movements = admin.get_by_role("region", name="Table of movements").get_by_role("row")
    of_the_order = movements.filter(has_text=lot_number).filter(
        has=admin.get_by_role("link", name=number)
    )
    expect(of_the_order.filter(has_text="Reservation")).to_contain_text(f"+{PACKS} → {PACKS}")
    expect(of_the_order.filter(has_text="Sale")).to_contain_text(f"-{PACKS} → 0")
    expect_lot_row(admin, lot_number, on_hand=0, held=0)
    admin.get_by_role("link", name=number).first.click()
    expect(admin.get_by_role("heading", level=1)).to_have_text(f"Order {number}")
    assert_accessible(admin)

    # Shipped, with the carrier and the tracking number.
    act_on_the_order(
        admin,
        "Ship",
        {"Carrier": "DHL Express", "Tracking number": TRACKING},
        "Mark shipped",
        f"Order {number} is marked shipped; the professional is told by e-mail.",
        "Shipped",
    )
    expect(admin.get_by_role("button", name="Mark shipped")).to_have_count(0)
    the_professional_sees(pro, "Shipped", ".shipment", "with DHL Express")

    # Part of it refunded through Stripe, with a reason.
    act_on_the_order(
        admin,
        "Refund through Stripe",
        {"Amount to refund": "12.50", "Reason for the refund": "One ampoule arrived cracked."},
        "Refund",
        f"€12.50 of order {number} refunded through Stripe.",
        "Partially refunded",
    )
    expect(admin.locator(".refunded")).to_have_text("€12.50")
    expect(admin.locator('.order-timeline [data-kind="refunded"]')).to_contain_text(
        "One ampoule arrived cracked."
    )
    # Shipped once: neither shipping again nor cancelling is offered any more.
    expect(admin.get_by_role("button", name="Mark shipped")).to_have_count(0)
    expect(admin.get_by_role("button", name="Cancel the order")).to_have_count(0)
    the_professional_sees(pro, "Partially refunded", ".refunded", "Refunded: €12.50")
    # The refund in their history: its amount, not who made it nor Stripe's ids.
    expect(pro.locator('.order-timeline [data-kind="refunded"]')).to_have_text(
        re.compile(r"UTC: Refunded: €12\.50$")
    )
